"""Walk-forward backtests and threshold sweeps."""
