"""Feature screening: keep the ``keep`` features a first mean model finds most useful (total gain).

The fold ensemble fits 39 models; binning and histogram building both grow with the number of columns, so on
the seed-scale league the full 191 features cost ~25 % more wall time than the top 100 for the same accuracy
(measured in benchmarks/model.py). The screening fit sees only the first fold's training rows, which precede
every validation block, so the choice of columns never learns from a row it is scored on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_pra.model.backends import Backend


def screen_features(
    X: np.ndarray, y: np.ndarray, names: list[str], *, keep: int | None, backend: Backend, params: dict, rounds: int,
    seed: int, max_bin: int,
) -> list[str]:
    """The ``keep`` columns of ``X`` with the largest total gain, in their original order (all when ``keep`` is
    ``None`` or at least ``len(names)``). Ties (e.g. unused columns) keep the earlier column."""
    if keep is None or keep >= len(names):
        return list(names)
    model = backend.fit(params, X, y, rounds=rounds, seed=seed, max_bin=max_bin, names=list(names))
    total = pd.Series(backend.gain(model, list(names), total=True), dtype=float).reindex(names).fillna(0.0)
    chosen = set(total.sort_values(ascending=False, kind="stable").index[:keep])
    return [n for n in names if n in chosen]
