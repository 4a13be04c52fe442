"""Walk-forward folds split by game *date* inside a rolling training window.

The window holds the game dates in ``[as_of - n_seasons * days_per_season, as_of)``. Its dates after the first
``min_train_fraction`` are cut into ``warmup + n_folds`` consecutive validation blocks of (almost) equal numbers
of dates. Block ``k`` validates on its dates and trains on every window date before
``block_start - embargo_days`` (expanding), or on the same span as the first block's training range
(sliding). Warm-up blocks produce out-of-fold residuals only (for the first variance model); they are not part
of the ensemble.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nba_pra.errors import DataError
from nba_pra.model.settings import CvSettings, FoldScheme, WindowSettings


@dataclass(frozen=True)
class Fold:
    index: int  # 0-based position among all blocks (warm-up blocks first)
    is_warmup: bool
    train_start: pd.Timestamp
    train_end: pd.Timestamp  # inclusive: last training date
    valid_start: pd.Timestamp
    valid_end: pd.Timestamp  # inclusive


def window_start(as_of: pd.Timestamp, window: WindowSettings) -> pd.Timestamp:
    return as_of - pd.Timedelta(days=window.n_seasons * window.days_per_season)


def make_folds(dates: pd.Series, as_of: pd.Timestamp, window: WindowSettings, cv: CvSettings) -> list[Fold]:
    """Folds over the distinct game dates of ``dates`` inside the window ending before ``as_of``."""
    start = window_start(as_of, window)
    days = np.sort(pd.to_datetime(dates[(dates >= start) & (dates < as_of)]).unique())
    n_blocks = cv.n_folds + cv.variance_warmup_blocks
    first_valid = int(len(days) * cv.min_train_fraction)
    if len(days) - first_valid < n_blocks or first_valid == 0:
        raise DataError(
            f"{len(days)} game dates in the training window before {as_of.date()} cannot hold "
            f"{n_blocks} validation blocks after a {cv.min_train_fraction:.0%} training share; "
            "use more seasons or fewer folds"
        )
    blocks = np.array_split(np.arange(first_valid, len(days)), n_blocks)
    embargo = pd.Timedelta(days=cv.embargo_days)
    first_span = None
    folds: list[Fold] = []
    for i, block in enumerate(blocks):
        valid_start = pd.Timestamp(days[block[0]])
        train_end_cap = valid_start - embargo
        train_days = days[days < train_end_cap]
        if len(train_days) == 0:
            raise DataError(f"fold {i} has no training dates before {valid_start.date()} after the embargo")
        train_end = pd.Timestamp(train_days[-1])
        if first_span is None:
            first_span = train_end - pd.Timestamp(days[0])
        train_start = pd.Timestamp(days[0])
        if cv.scheme is FoldScheme.SLIDING:
            train_start = max(train_start, train_end - first_span)
        folds.append(
            Fold(
                index=i,
                is_warmup=i < cv.variance_warmup_blocks,
                train_start=train_start,
                train_end=train_end,
                valid_start=valid_start,
                valid_end=pd.Timestamp(days[block[-1]]),
            )
        )
    return folds


def rows_between(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Boolean mask of rows dated in ``[start, end]``."""
    return ((dates >= start) & (dates <= end)).to_numpy()
