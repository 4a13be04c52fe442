"""Walk-forward folds, XGBoost mean and variance models, predictive distributions, the pyfunc ensemble."""
