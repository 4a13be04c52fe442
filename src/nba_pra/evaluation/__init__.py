"""Walk-forward predictions of history (weekly retrains) and their cache: shared by the backtest, the evidence
stage and the market evaluation, so it lives in none of them."""
