"""Walk-forward evidence against the market: props, flat bets, scores and the gate's figures (shared by the
backtest, `nba-pra market` and the bet stage)."""
