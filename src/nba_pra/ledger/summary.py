"""Ledger summary figures from the bets frame (``LedgerStore.bets()``) -- a pure function.

Bets are **staked** (real money) or **paper** (``state``; stake 0, kept by the evidence gate so evidence keeps
accumulating). A frame without ``state`` (the backtest's, a pre-gate ledger's) is all staked. The top-level figures
describe the staked bets only -- they are the bankroll's story; ``paper`` and ``all_bets`` are sub-dicts.

Definitions of the staked figures (money in bankroll units):

* ``staked``: total stake of settled bets that were not void (a void bet never ran; a push did).
* ``profit`` = ``units``: net result of settled bets; ``roi`` (= yield) = ``profit / staked``.
* ``win_rate`` = ``wins / (wins + losses)`` (pushes and voids excluded).
* ``bankroll`` = initial bankroll + profit; ``open_exposure``: stakes of unsettled bets.
* ``max_drawdown`` (units): largest fall of the settled bankroll curve (:func:`bankroll_by_date`: one point per
  game date, every bet of a slate settled together) from its running peak.
* ``avg_clv`` / ``avg_clv_prob`` / ``avg_clv_line``: means of price CLV, probability CLV and line CLV
  (:mod:`nba_pra.ledger.clv`) over settled, non-void bets that have one; ``clv_bets`` counts the bets with a
  probability CLV (any close, moved or not), ``price_clv_bets`` those with a price CLV (the book's line held).

``paper`` (stake 0, so money figures would all be 0; a flat notional unit per bet measures them instead):

* ``bets``, ``open``, ``settled``, ``wins``, ``losses``, ``pushes``, ``voids``, ``win_rate`` as above;
* ``profit_at_1_unit`` per settled bet: win ``decimal_price - 1``, loss ``-1``, push and void ``0``;
* ``notional_profit`` = sum of ``profit_at_1_unit``; ``notional_roi`` = ``notional_profit / (wins + losses +
  pushes)`` (1 unit on each bet that ran);
* ``clv_bets``, ``avg_clv``, ``avg_clv_prob`` over settled, non-void paper bets (CLV needs no stake).

``all_bets``: ``bets`` (staked + paper) and CLV over every settled, non-void bet that has one.

Ratios with an empty denominator are ``None`` (JSON ``null``) rather than a misleading 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from nba_pra.betting.gate import BetState
from nba_pra.settle import profits
from nba_pra.vocab import Outcome


def bucket_labels(edges: Sequence[float]) -> list[str]:
    """Readable labels of buckets with lower edges ``edges``: ``<0.03``, ``0.03-0.05``, ..., ``>=0.2``."""
    inner = [f"{lo:g}-{hi:g}" for lo, hi in itertools.pairwise(edges)]
    return [f"<{edges[0]:g}", *inner, f">={edges[-1]:g}"]


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


def bankroll_by_date(bets: pd.DataFrame, initial_bankroll: float) -> pd.DataFrame:
    """The settled bankroll curve: ``game_date, bets, profit, bankroll`` with one row per game date.

    Every bet of one slate (game date) is settled together: ``profit`` is the day's summed profit (units),
    ``bankroll = initial_bankroll + cumsum(profit)``. Ordering bets *within* a day would be arbitrary (their ids
    are hashes) and would draw a rise and fall that never happened. Open bets do not move it. The drawdown
    (:func:`max_drawdown`), the dashboard's curve and the bankroll plot all read this one curve.
    """
    settled = bets[bets["result"].notna()]
    day = pd.to_datetime(settled["game_date"]).dt.normalize()
    daily = (
        settled.assign(game_date=day, profit=settled["profit"].astype(float))
        .groupby("game_date", sort=True)
        .agg(bets=("profit", "size"), profit=("profit", "sum"))
        .reset_index()
    )
    daily["bankroll"] = initial_bankroll + daily["profit"].cumsum()
    return daily


def is_paper(bets: pd.DataFrame) -> pd.Series:
    """True for paper bets (``state == paper``); a frame without ``state`` has none."""
    if "state" not in bets.columns:
        return pd.Series(False, index=bets.index)
    return bets["state"].eq(BetState.PAPER.value)


def _counts(bets: pd.DataFrame) -> dict[str, Any]:
    result = bets["result"]
    counts = result[result.notna()].value_counts()
    wins, losses = int(counts.get(Outcome.WIN, 0)), int(counts.get(Outcome.LOSS, 0))
    return {
        "bets": len(bets),
        "open": int(result.isna().sum()),
        "settled": int(result.notna().sum()),
        "wins": wins,
        "losses": losses,
        "pushes": int(counts.get(Outcome.PUSH, 0)),
        "voids": int(counts.get(Outcome.VOID, 0)),
        "win_rate": _ratio(wins, wins + losses),
    }


def _clv(bets: pd.DataFrame) -> dict[str, Any]:
    ran = bets[bets["result"].notna() & bets["result"].ne(Outcome.VOID)]
    line = ran["clv_line"] if "clv_line" in ran.columns else pd.Series(np.nan, index=ran.index)
    return {
        "clv_bets": int(ran["clv_prob"].notna().sum()),
        "price_clv_bets": int(ran["clv_price"].notna().sum()),
        "avg_clv": _mean(ran["clv_price"]),
        "avg_clv_prob": _mean(ran["clv_prob"]),
        "avg_clv_line": _mean(line),
    }


def profit_at_1_unit(result: pd.Series, decimal_price: pd.Series) -> pd.Series:
    """Profit of a 1-unit stake (:func:`nba_pra.settle.profits`): win ``decimal_price - 1``, loss ``-1``, push /
    void ``0``, open NaN."""
    profit = profits(result.to_numpy(dtype=object), 1.0, decimal_price.to_numpy(dtype=float))
    return pd.Series(profit, index=result.index).where(result.notna())


def summarize_paper(paper: pd.DataFrame) -> dict[str, Any]:
    """The ``paper`` figures (see module docstring) of paper bets."""
    counts = _counts(paper)
    decimal = paper["decimal_price"] if "decimal_price" in paper.columns else pd.Series(np.nan, index=paper.index)
    notional = float(profit_at_1_unit(paper["result"], decimal).sum())
    return {
        **counts,
        "notional_profit": notional,
        "notional_roi": _ratio(notional, counts["wins"] + counts["losses"] + counts["pushes"]),
        **_clv(paper),
    }


def summarize(bets: pd.DataFrame, initial_bankroll: float) -> dict[str, Any]:
    """The ledger summary (see module docstring) of a bets frame with ``stake``, ``result``, ``profit``, ``clv_*``
    (and ``state``, ``decimal_price`` when it holds paper bets)."""
    paper = is_paper(bets)
    staked_bets = bets[~paper]
    result = staked_bets["result"]
    settled = staked_bets[result.notna()]
    ran = settled[settled["result"] != Outcome.VOID]
    staked = float(ran["stake"].sum())
    profit = float(settled["profit"].sum())
    return {
        **_counts(staked_bets),
        "staked": staked,
        "profit": profit,
        "roi": _ratio(profit, staked),
        "units": profit,
        "bankroll": float(initial_bankroll + profit),
        "open_exposure": float(staked_bets.loc[result.isna(), "stake"].sum()),
        "max_drawdown": max_drawdown(bankroll_by_date(settled, initial_bankroll)["profit"], initial_bankroll),
        **_clv(staked_bets),
        "paper": summarize_paper(bets[paper]),
        "all_bets": {"bets": len(bets), **_clv(bets)},
    }
