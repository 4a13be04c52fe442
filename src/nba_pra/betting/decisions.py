"""Reading a frame of bet decisions (the bet stage's candidates, or the ledger's bets), whichever stage wrote it.

The terminal table (``nba-pra recommend``) and the dashboard both show decisions; what a row's flags mean is
decided here once, including for decisions written before a column existed.
"""

from __future__ import annotations

import pandas as pd


def suspect_edges(frame: pd.DataFrame, suspect_edge: float | None) -> pd.Series:
    """``edge_suspect`` as the bet stage wrote it; for decisions written before that column existed, ``edge >
    suspect_edge`` (never when no bound is configured)."""
    if "edge_suspect" in frame.columns:
        return frame["edge_suspect"].fillna(False).astype(bool)
    if suspect_edge is None or "edge" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["edge"].astype(float).gt(suspect_edge)


def pricing_of(frame: pd.DataFrame) -> str | None:
    """The pricing method(s) of the rows ("market_aware"), None when the decisions predate the column."""
    if "pricing" not in frame.columns:
        return None
    methods = sorted({str(m) for m in frame["pricing"].dropna() if str(m)})
    return ", ".join(methods) or None
