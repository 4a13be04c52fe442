"""Feature screening: keep the ``keep`` features a first mean model finds most useful (total gain).

The fold ensemble fits 39 models; binning and histogram building both grow with the number of columns, so on
the seed-scale league the full 191 features cost ~25 % more wall time than the top 100 for the same accuracy
(measured in benchmarks/model.py). The screening fit sees only the first fold's training rows, which precede
every validation block, so the choice of columns never learns from a row it is scored on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xgboost as xgb


def screen_features(
    X: np.ndarray, y: np.ndarray, names: list[str], *, keep: int | None, params: dict, rounds: int, seed: int,
    max_bin: int,
) -> list[str]:
    """The ``keep`` columns of ``X`` with the largest total gain, in their original order (all when ``keep`` is
    ``None`` or at least ``len(names)``). Ties (e.g. unused columns) keep the earlier column."""
    if keep is None or keep >= len(names):
        return list(names)
    data = xgb.QuantileDMatrix(X, label=y, max_bin=max_bin)
    booster = xgb.train({**params, "seed": seed, "base_score": float(np.mean(y)), "max_bin": max_bin}, data,
                        num_boost_round=rounds)
    gain = booster.get_score(importance_type="total_gain")  # keyed f0, f1, ... (the matrix has no names)
    total = pd.Series([gain.get(f"f{i}", 0.0) for i in range(len(names))], index=names)
    chosen = set(total.sort_values(ascending=False, kind="stable").index[:keep])
    return [n for n in names if n in chosen]
