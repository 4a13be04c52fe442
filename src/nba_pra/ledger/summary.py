"""Ledger summary figures from the bets frame (``LedgerStore.bets()``) -- a pure function.

Definitions (money in bankroll units):

* ``staked``: total stake of settled bets that were not void (a void bet never ran; a push did).
* ``profit`` = ``units``: net result of settled bets; ``roi`` (= yield) = ``profit / staked``.
* ``win_rate`` = ``wins / (wins + losses)`` (pushes and voids excluded).
* ``bankroll`` = initial bankroll + profit; ``open_exposure``: stakes of unsettled bets.
* ``max_drawdown``: largest fall of the settled bankroll curve from its running peak (ordered by game date).
* ``avg_clv`` / ``avg_clv_prob``: means of price CLV and fair-probability CLV over settled, non-void bets that
  have one (``clv_bets`` counts them).

Ratios with an empty denominator are ``None`` (JSON ``null``) rather than a misleading 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nba_pra.ledger.settlement import RESULT_LOSS, RESULT_PUSH, RESULT_VOID, RESULT_WIN


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 else None


def _mean(values: pd.Series) -> float | None:
    finite = values.astype(float).dropna()
    return float(finite.mean()) if len(finite) else None


def max_drawdown(profits: pd.Series, initial_bankroll: float) -> float:
    """Largest peak-to-trough fall (units) of ``initial + cumsum(profits)`` (0 if it never falls)."""
    equity = initial_bankroll + profits.astype(float).cumsum()
    peak = np.maximum.accumulate(np.concatenate([[initial_bankroll], equity.to_numpy()]))[1:]
    return float(np.max(peak - equity.to_numpy(), initial=0.0))


def summarize(bets: pd.DataFrame, initial_bankroll: float) -> dict[str, Any]:
    """The ledger summary (see module docstring) of a bets frame with ``stake``, ``result``, ``profit``, ``clv_*``."""
    result = bets["result"]
    settled = bets[result.notna()].sort_values(["game_date", "bet_id"], kind="mergesort")
    counts = settled["result"].value_counts()
    wins, losses = int(counts.get(RESULT_WIN, 0)), int(counts.get(RESULT_LOSS, 0))
    ran = settled[settled["result"] != RESULT_VOID]
    staked = float(ran["stake"].sum())
    profit = float(settled["profit"].sum())
    return {
        "bets": len(bets),
        "open": int(result.isna().sum()),
        "settled": len(settled),
        "wins": wins,
        "losses": losses,
        "pushes": int(counts.get(RESULT_PUSH, 0)),
        "voids": int(counts.get(RESULT_VOID, 0)),
        "win_rate": _ratio(wins, wins + losses),
        "staked": staked,
        "profit": profit,
        "roi": _ratio(profit, staked),
        "units": profit,
        "bankroll": float(initial_bankroll + profit),
        "open_exposure": float(bets.loc[result.isna(), "stake"].sum()),
        "max_drawdown": max_drawdown(settled["profit"], initial_bankroll),
        "clv_bets": int(ran["clv_price"].notna().sum()),
        "avg_clv": _mean(ran["clv_price"]),
        "avg_clv_prob": _mean(ran["clv_prob"]),
    }
