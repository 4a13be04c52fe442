"""One XGBoost fit as every model of the ensemble (and the feature screen) makes it."""

from __future__ import annotations

import numpy as np
import xgboost as xgb


def fit_booster(params: dict, X: np.ndarray, label: np.ndarray, *, rounds: int, seed: int, max_bin: int,
                names: list[str], ref: xgb.QuantileDMatrix | None = None) -> xgb.Booster:
    """A booster on float32 ``X`` with ``base_score`` = the mean label, passed explicitly.

    ``ref`` (optional) supplies the histogram cut points, so the fit skips sketching ``X``. Feature names are
    set after training: a name check on every boosting round costs ~10 % of a fit.
    """
    data = xgb.QuantileDMatrix(X, label=label, ref=ref, max_bin=max_bin)
    booster = xgb.train({**params, "seed": seed, "base_score": float(np.mean(label)), "max_bin": max_bin}, data,
                        num_boost_round=rounds)
    booster.feature_names = names
    return booster
