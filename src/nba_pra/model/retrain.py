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
The record also lists every end the window has had (``ends``, oldest first): the evidence stage starts its
retrain blocks on them (:func:`nba_pra.evaluation.walkforward.block_starts`), so that a day which does not
retrain the model does not retrain the evidence's light model either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

#: keys of the window record (``artifacts/training_window.json``)
END: Final = "end"
ROWS: Final = "rows"
ENDS: Final = "ends"
REQUESTED: Final = "retrain_requested"


@dataclass(frozen=True)
class WindowDecision:
    """Today's training window: its end (exclusive, the training's as-of date) and why."""

    end: pd.Timestamp
    retrain: bool
    reason: str
    next_retrain: pd.Timestamp
    ends: tuple[pd.Timestamp, ...]  # every end so far, oldest first, ``end`` last


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
    ``next_retrain = end + every_days`` days. ``ends``: the previous record's ends (:func:`window_ends`) before
    ``end``, then ``end`` (ends after the slate are dropped with the rewound data).
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
    earlier = tuple(day for day in (pd.Timestamp(d) for d in window_ends(previous or {})) if day < end)
    return WindowDecision(end=end, retrain=retrain, reason=reason, next_retrain=end + step, ends=(*earlier, end))


def window_ends(record: dict[str, Any]) -> list[str]:
    """The ends a window record lists (ISO dates, oldest first); a record written before ``ends`` was kept
    lists its one end; an empty record none."""
    if record.get(ENDS):
        return sorted(str(day) for day in record[ENDS])
    return [str(record[END])] if record.get(END) else []


def training_set(features: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """History rows (not the slate) played before ``end``, in the feature table's order, with a fresh index.

    The result depends only on rows before ``end``, so the same end gives the same table day after day.
    """
    keep = ~features["is_slate"].astype(bool) & (pd.to_datetime(features["game_date"]) < end)
    return features.loc[keep].reset_index(drop=True)


def window_record(decision: WindowDecision, rows: int) -> dict[str, Any]:
    """What ``train`` depends on besides the rows: the end, the row count and the past ends (nothing that changes
    on a day the end stays)."""
    record: dict[str, Any] = {END: str(decision.end.date()), ROWS: rows}
    if len(decision.ends) > 1:  # one end is the end itself: a record of before ``ends`` stays the same bytes
        record[ENDS] = [str(day.date()) for day in decision.ends]
    return record
