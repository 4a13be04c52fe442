"""Model vs market: walk-forward predictions scored against recorded sportsbook lines (``nba-pra market``)."""
