"""The lines table every provider returns: ``schema.LINE_COLUMNS`` + ``market`` + ``is_derived``.

One row per (game, player, bookmaker, line, market) with both sides' American prices. ``is_derived`` marks a
line computed from other markets (e.g. points + rebounds + assists lines summed): such a row is reference only and
is never a price anybody can bet; market math skips it.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.data.schema import LINE_COLUMNS, PLAYER_GAME_COLUMNS
from nba_pra.odds.errors import OddsEmptySlateError, OddsPayloadError

#: Columns of a provider's result, in order.
OUTPUT_COLUMNS: Final = (*LINE_COLUMNS, "market", "is_derived")

#: Columns a slate frame must carry.
SLATE_COLUMNS: Final = (*PLAYER_GAME_COLUMNS, "commence_time")

_DTYPES: Final = {
    "game_id": "str",
    "game_date": "datetime64[ns]",
    "player_id": "int64",
    "player_name": "str",
    "bookmaker": "str",
    "line": "float64",
    "over_price": "int64",
    "under_price": "int64",
    "close_line": "float64",
    "close_over_price": "float64",
    "close_under_price": "float64",
    "market": "str",
    "is_derived": "bool",
}


def empty_lines() -> pd.DataFrame:
    """A lines table with no rows and the output dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in OUTPUT_COLUMNS})


def require_slate(slate: pd.DataFrame) -> None:
    """Raise a one-sentence :class:`OddsError` when the slate is empty or lacks a column."""
    missing = [c for c in SLATE_COLUMNS if c not in slate.columns]
    if missing:
        raise OddsEmptySlateError(f"the slate passed to the odds provider lacks column(s) {', '.join(missing)}")
    if slate.empty or slate["game_id"].nunique() == 0:
        raise OddsEmptySlateError("the slate has no games, so there are no lines to fetch")


def finalize_lines(lines: pd.DataFrame, slate: pd.DataFrame, *, default_market: str) -> pd.DataFrame:
    """Restrict ``lines`` to the slate's games, add missing optional columns and coerce the output dtypes.

    ``market`` defaults to ``default_market`` and ``is_derived`` to False when a source does not carry them;
    missing ``close_*`` columns are NaN. Rows of real offers must have both prices (integers).
    """
    out = lines.copy()
    if "market" not in out.columns:
        out["market"] = default_market
    if "is_derived" not in out.columns:
        out["is_derived"] = False
    for col in ("close_line", "close_over_price", "close_under_price"):
        if col not in out.columns:
            out[col] = np.nan
    missing = [c for c in OUTPUT_COLUMNS if c not in out.columns]
    if missing:
        raise OddsPayloadError(f"the lines source lacks column(s) {', '.join(missing)}")
    out = out.loc[out["game_id"].astype(str).isin(set(slate["game_id"].astype(str)))]
    real = ~out["is_derived"].astype(bool)
    if (real & (out["over_price"].isna() | out["under_price"].isna())).any():
        raise OddsPayloadError("the lines source has offers without an over or under price")
    dtypes = dict(_DTYPES)
    if not real.all():  # derived rows carry no price: keep the price columns float (NaN) then
        dtypes["over_price"] = dtypes["under_price"] = "float64"
    out = out[list(OUTPUT_COLUMNS)].astype(dtypes)
    out["game_date"] = out["game_date"].dt.normalize()
    return out.sort_values(["game_id", "player_id", "market", "bookmaker", "line"]).reset_index(drop=True)
