"""Retrain on a schedule, predict every day: which rows the ``train`` stage sees today.

The daily ``dvc repro`` rebuilds the feature table, and a stage reruns when any dependency changes, so a train
stage reading the whole feature table would retrain 19 folds x 2 models every morning. Instead the
``training_set`` stage writes the history rows *before the training window's end* and the ``train`` stage reads
only those. The end moves, and training reruns, only when

- there is no previous window (the first run), or the previous one ends after today's slate (data rewound);
- ``model.retrain_every_days`` days have passed since the previous end (``slate - end >= every``);
- the operator asked for it (``nba-pra pipeline --retrain`` sets ``retrain_requested`` in the window record).

Otherwise the end stays, and since as-of features of past games never change (a feature for a game sees only
earlier games), the training set is byte-identical and DVC skips ``train``; predict, evidence, bet and ledger
run with the champion. A change of feature code or model params still retrains on the same window (the set's
content or the stage's params changed).

The end is exclusive and is the training's as-of date: rows with ``game_date < end``, folds validated up to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

#: keys of the window record (``artifacts/training_window.json``)
END: Final = "end"
ROWS: Final = "rows"
REQUESTED: Final = "retrain_requested"


@dataclass(frozen=True)
class WindowDecision:
    """Today's training window: its end (exclusive, the training's as-of date) and why."""

    end: pd.Timestamp
    retrain: bool
    reason: str
    next_retrain: pd.Timestamp


def as_of_date(features: pd.DataFrame) -> pd.Timestamp:
    """The slate's date, or the day after the last game when there is no slate."""
    slate = features.loc[features["is_slate"].astype(bool), "game_date"]
    if len(slate):
        return pd.Timestamp(slate.min())
    return pd.Timestamp(features["game_date"].max()) + pd.Timedelta(days=1)


def decide_window(
    slate_date: pd.Timestamp, previous: dict[str, Any] | None, every_days: int
) -> WindowDecision:
    """The window end for a slate on ``slate_date`` given the previous window record.

    ``end = slate_date`` (retrain) when there is no usable previous end, it lies after the slate, a retrain was
    requested, or ``(slate_date - previous end) >= every_days`` days; otherwise ``end = previous end``.
    ``next_retrain = end + every_days`` days.
    """
    slate = pd.Timestamp(slate_date).normalize()
    step = pd.Timedelta(days=every_days)
    raw_end = (previous or {}).get(END)
    previous_end = pd.Timestamp(raw_end).normalize() if raw_end else None
    if previous_end is None:
        end, retrain, reason = slate, True, "first training window"
    elif bool((previous or {}).get(REQUESTED)):
        end, retrain, reason = slate, slate != previous_end, "retrain requested"
    elif previous_end > slate:
        end, retrain, reason = slate, True, f"the previous window ends {previous_end.date()}, after the slate"
    elif slate - previous_end >= step:
        days = (slate - previous_end).days
        end, retrain, reason = slate, True, f"{days} days since the last window (every {every_days})"
    else:
        end, retrain, reason = previous_end, False, (
            f"{(slate - previous_end).days} of {every_days} days since the window ending {previous_end.date()}"
        )
    return WindowDecision(end=end, retrain=retrain, reason=reason, next_retrain=end + step)


def training_set(features: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """History rows (not the slate) played before ``end``, in the feature table's order, with a fresh index.

    The result depends only on rows before ``end``, so the same end gives the same table day after day.
    """
    keep = ~features["is_slate"].astype(bool) & (pd.to_datetime(features["game_date"]) < end)
    return features.loc[keep].reset_index(drop=True)


def window_record(decision: WindowDecision, rows: int) -> dict[str, Any]:
    """What ``train`` depends on besides the rows: only the end and the row count (nothing that changes daily)."""
    return {END: str(decision.end.date()), ROWS: rows}
