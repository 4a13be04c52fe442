"""Closing line value of each pricing method's replayed bets on recorded lines, with day-blocked intervals.

Recorded real lines are often one snapshot shortly before tip-off and carry no separate close (The Odds API file
of 2023-24). With ``market.close_from_snapshot`` that snapshot *is* the close (:func:`snapshot_as_close`): the
replay's bets are then placed at the close, so their CLV (:mod:`nba_pra.ledger.clv`) says whether the price
taken beat the closing consensus:

* ``clv_prob`` = P_close(side | no push at the bet's line) - 1 / d: the de-vigged consensus of every book at the
  close, carried to the bet's line, minus the price's break-even probability (probability points; > 0: the price
  was better than the fair closing price, i.e. positive expected value against the close);
* ``clv_line`` = L* - line for an over, line - L* for an under (PRA points): how much better the bet's book's line
  was than the closing consensus line.

:func:`clv_headline` gives per method the settled bets with a CLV, the means with bootstrap intervals resampling
whole days (:func:`nba_pra.stats.day_blocked_mean`: a day's bets share its games) and the beat-the-close rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.settings import PricingMethod
from nba_pra.ledger.clv import CLOSE_COLUMNS
from nba_pra.ledger.clv_summary import settled_bets
from nba_pra.stats import day_blocked_mean

#: the snapshot's own columns that become its close
_SNAPSHOT: dict[str, str] = {"close_line": "line", "close_over_price": "over_price",
                             "close_under_price": "under_price"}


def snapshot_as_close(lines: pd.DataFrame) -> pd.DataFrame:
    """``lines`` whose offers are their own close (``close_line``, ``close_over_price``, ``close_under_price`` =
    the offer's line and prices) when the table carries no close at all; a table with any close is returned as it
    is (there a missing close means the book pulled the prop)."""
    present = [c for c in CLOSE_COLUMNS if c in lines.columns]
    if present and lines[present].notna().to_numpy().any():
        return lines
    return lines.assign(**{close: lines[own].astype(float) for close, own in _SNAPSHOT.items()})


def clv_figures(bets: pd.DataFrame, bootstrap: BootstrapSettings, seed: int) -> dict[str, float]:
    """Settled non-void ``bets``: ``bets``, ``clv_bets`` (with a probability CLV), ``clv_prob`` and ``clv_line``
    means with ``_lo``/``_hi`` day-blocked intervals (over the bets with a probability CLV) and ``beat_close`` =
    share of them with ``clv_prob > 0``."""
    ran = settled_bets(bets)
    known = ran.loc[ran["clv_prob"].notna()] if len(ran) else ran
    days = pd.to_datetime(known["game_date"]).to_numpy() if len(known) else np.array([])
    out: dict[str, float] = {"bets": float(len(ran)), "clv_bets": float(len(known))}
    for column in ("clv_prob", "clv_line"):
        values = known[column].to_numpy(float) if len(known) else np.array([])
        mean, lo, hi = day_blocked_mean(values, days, bootstrap.n_resamples, bootstrap.confidence, seed,
                                        bootstrap.min_days)
        out.update({column: mean, f"{column}_lo": lo, f"{column}_hi": hi})
    out["beat_close"] = float((known["clv_prob"] > 0).mean()) if len(known) else float("nan")
    return out


def clv_headline(bets: pd.DataFrame, bootstrap: BootstrapSettings, seed: int,
                 methods: Sequence[PricingMethod] = tuple(PricingMethod)) -> dict[str, Any]:
    """:func:`clv_figures` of each method's replayed bets as ``<method>_clv_bets``, ``<method>_clv_prob`` (``_lo``,
    ``_hi``), ``<method>_clv_line`` (``_lo``, ``_hi``) and ``<method>_beat_close``."""
    out: dict[str, Any] = {}
    for method in methods:
        figures = clv_figures(bets.loc[bets["method"] == method.value], bootstrap, seed)
        out[f"{method.value}_clv_bets"] = int(figures.pop("clv_bets"))
        figures.pop("bets")
        out.update({f"{method.value}_{key}": value for key, value in figures.items()})
    return out
