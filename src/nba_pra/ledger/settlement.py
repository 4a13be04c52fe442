"""Settle bets from box scores -- a pure function, no IO.

Rules (``actual`` = the market's stat total, e.g. pts + reb + ast for PRA):

* the player did not play (``played`` False, no box-score row for him in a game that has one, or a missing
  stat) -> ``void``: stake returned, profit 0;
* over: ``win`` iff actual > line; under: ``win`` iff actual < line; ``push`` iff actual == line (profit 0);
  otherwise ``loss``.
* profit in units at the price taken: win ``stake * (decimal_price - 1)``, loss ``-stake``, push/void ``0``.

The outcome and profit rules are :mod:`nba_pra.settle` (the walk-forward evidence settles with the same).

Only bets whose ``game_id`` appears in the box scores are settled; the others stay open.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.data.schema import require_columns
from nba_pra.errors import LedgerError
from nba_pra.settle import bet_outcomes, line_outcomes, profits
from nba_pra.vocab import PLAYER_GAME_KEYS, PRA_MARKET

#: box-score columns summed to settle each market (The Odds API market keys)
MARKET_STATS: Final[dict[str, tuple[str, ...]]] = {
    PRA_MARKET: ("pts", "reb", "ast"),
    "player_points_rebounds": ("pts", "reb"),
    "player_points_assists": ("pts", "ast"),
    "player_rebounds_assists": ("reb", "ast"),
    "player_points": ("pts",),
    "player_rebounds": ("reb",),
    "player_assists": ("ast",),
}
SETTLE_BET_COLUMNS: Final = (
    "bet_id",
    "game_id",
    "player_id",
    "market",
    "side",
    "line",
    "decimal_price",
    "stake",
)
SETTLE_BOX_COLUMNS: Final = ("game_id", "player_id", "played", "pts", "reb", "ast")


def market_totals(box_scores: pd.DataFrame, market: pd.Series) -> pd.Series:
    """Each row's stat total for its market (NaN if any stat is missing); unknown markets raise LedgerError."""
    unknown = sorted(set(market.unique()) - set(MARKET_STATS))
    if unknown:
        raise LedgerError(
            f"cannot settle market(s) {', '.join(map(str, unknown))}: no box-score stats defined"
        )
    total = pd.Series(np.nan, index=box_scores.index)
    for name, stats in MARKET_STATS.items():
        rows = (market == name).to_numpy()
        if rows.any():
            # nullable (Float64/Int64) box-score columns become plain floats, <NA> -> NaN
            values = box_scores.loc[rows, list(stats)].astype("float64")
            total[rows] = values.sum(axis=1, min_count=len(stats)).to_numpy()
    return total


def settle_bets(bets: pd.DataFrame, box_scores: pd.DataFrame) -> pd.DataFrame:
    """``bet_id, game_id, player_id, result, actual_pra, profit`` for every bet whose game is in ``box_scores``.

    ``actual_pra`` holds the settled market's stat total (PRA for the PRA market), NaN for voids.
    """
    require_columns(bets, SETTLE_BET_COLUMNS, "bets")
    require_columns(box_scores, SETTLE_BOX_COLUMNS, "box_scores")
    finished = bets[bets["game_id"].isin(box_scores["game_id"].unique())]
    box = box_scores.loc[:, list(SETTLE_BOX_COLUMNS)].drop_duplicates(list(PLAYER_GAME_KEYS), keep="last")
    merged = finished.loc[:, list(SETTLE_BET_COLUMNS)].merge(
        box, on=list(PLAYER_GAME_KEYS), how="left", validate="many_to_one"
    )
    played = merged["played"].astype("boolean").fillna(False).astype(bool)
    actual = market_totals(merged, merged["market"]).where(played)
    result = bet_outcomes(merged["side"].to_numpy(),
                          line_outcomes(actual.to_numpy(float), merged["line"].to_numpy(float), played.to_numpy()))
    profit = profits(result, merged["stake"].to_numpy(float), merged["decimal_price"].to_numpy(float))
    return pd.DataFrame(
        {
            "bet_id": merged["bet_id"],
            "game_id": merged["game_id"],
            "player_id": merged["player_id"],
            "result": result,
            "actual_pra": actual.astype(float),
            "profit": profit,
        }
    )
