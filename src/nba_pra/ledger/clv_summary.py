"""Closing line value of the ledger, summarised: overall, by edge bucket, by book and over time -- pure functions.

Every settled, non-void bet counts, staked and paper alike (CLV needs no stake: it is the fastest honest signal of
skill while the evidence gate keeps bets on paper). Per group (:data:`CLV_TABLE_COLUMNS`):

* ``bets``: settled, non-void bets; ``clv_bets``: those with a probability CLV; ``coverage = clv_bets / bets``;
* ``clv_prob``, ``clv_line``: means of the probability CLV (probability points) and the line CLV (PRA points) of
  :mod:`nba_pra.ledger.clv`; ``clv_price`` the mean price CLV over the ``price_bets`` whose book's line held;
* ``beat``: bets with ``clv_prob > 0`` (the price taken was better than the closing market's fair probability),
  ``beat_rate = beat / clv_bets`` and its Wilson interval ``[beat_lo, beat_hi]`` at ``confidence``
  (:func:`nba_pra.stats.wilson_interval`). A rate above 50 % with ``beat_lo`` above 50 % is evidence of skill.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from nba_pra.ledger.settings import LedgerSettings
from nba_pra.ledger.summary import bucket_labels
from nba_pra.stats import wilson_interval
from nba_pra.vocab import Outcome

CLV_TABLE_COLUMNS: Final = ("bets", "clv_bets", "coverage", "clv_prob", "clv_line", "clv_price", "price_bets",
                            "beat", "beat_rate", "beat_lo", "beat_hi")


def settled_bets(bets: pd.DataFrame) -> pd.DataFrame:
    """Settled, non-void bets (a void never ran, so it has no price to beat)."""
    if bets.empty or "result" not in bets.columns:
        return bets.iloc[:0]
    return bets[bets["result"].notna() & bets["result"].ne(Outcome.VOID)]


def _column(bets: pd.DataFrame, name: str) -> pd.Series:
    return bets[name].astype(float) if name in bets.columns else pd.Series(np.nan, index=bets.index)


def clv_table(bets: pd.DataFrame, groups: pd.Series, confidence: float) -> pd.DataFrame:
    """:data:`CLV_TABLE_COLUMNS` of settled non-void ``bets`` per value of ``groups`` (aligned with ``bets``;
    categorical groups keep their empty categories)."""
    ran = settled_bets(bets)
    prob, line, price = _column(ran, "clv_prob"), _column(ran, "clv_line"), _column(ran, "clv_price")
    frame = pd.DataFrame({
        "group": groups.loc[ran.index], "one": 1.0, "has": prob.notna().astype(float),
        "clv_prob": prob, "clv_line": line.where(prob.notna()), "clv_price": price,
        "has_price": price.notna().astype(float), "beat": (prob > 0).astype(float),
    })
    grouped = frame.groupby("group", observed=False, sort=True)
    out = pd.DataFrame({
        "bets": grouped["one"].sum(), "clv_bets": grouped["has"].sum(), "clv_prob": grouped["clv_prob"].mean(),
        "clv_line": grouped["clv_line"].mean(), "clv_price": grouped["clv_price"].mean(),
        "price_bets": grouped["has_price"].sum(), "beat": grouped["beat"].sum(),
    }).astype(float)
    out["coverage"] = out["clv_bets"] / out["bets"].where(out["bets"] > 0)
    out["beat_rate"] = out["beat"] / out["clv_bets"].where(out["clv_bets"] > 0)
    out["beat_lo"], out["beat_hi"] = wilson_interval(out["beat"], out["clv_bets"], confidence)
    return out.loc[:, list(CLV_TABLE_COLUMNS)].rename_axis("group").reset_index()


def clv_overall(bets: pd.DataFrame, confidence: float) -> dict[str, Any]:
    """The :data:`CLV_TABLE_COLUMNS` of every settled non-void bet as one plain dict (NaN -> None)."""
    table = clv_table(bets, pd.Series("all", index=bets.index), confidence)
    if table.empty:
        table = pd.DataFrame([{"group": "all", **dict.fromkeys(CLV_TABLE_COLUMNS, np.nan), "bets": 0.0,
                               "clv_bets": 0.0, "price_bets": 0.0, "beat": 0.0}])
    return _plain(table.drop(columns="group").iloc[0].to_dict())


def clv_by_edge(bets: pd.DataFrame, edges: Sequence[float], confidence: float) -> pd.DataFrame:
    """CLV per edge bucket (``[e_i, e_{i+1})``, the labels of :func:`nba_pra.ledger.summary.bucket_labels`)."""
    labels = bucket_labels(edges)
    bucket = pd.cut(_column(bets, "edge"), bins=[-np.inf, *edges, np.inf], labels=labels, right=False)
    return clv_table(bets, bucket, confidence)


def clv_by_book(bets: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """CLV per bookmaker the bets were placed at."""
    book = bets["bookmaker"].astype(str) if "bookmaker" in bets.columns else pd.Series("unknown", index=bets.index)
    return clv_table(bets, book, confidence)


def clv_over_time(bets: pd.DataFrame, period: str, confidence: float) -> pd.DataFrame:
    """CLV per period of the game date (``period``: a pandas period alias, ``W`` = weeks; the group is the
    period's first day, ``YYYY-MM-DD``)."""
    if bets.empty:
        return clv_table(bets, pd.Series(dtype=str), confidence)
    days = pd.to_datetime(bets["game_date"]).dt.to_period(period).dt.start_time.dt.strftime("%Y-%m-%d")
    return clv_table(bets, days, confidence)


def _plain(row: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): (None if v is None or (isinstance(v, float) and np.isnan(v)) else
                     (v.item() if hasattr(v, "item") else v)) for k, v in row.items()}


def table_records(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """A CLV table as ``{group: {column: value}}`` for a JSON metrics file (NaN -> None)."""
    rows = cast(list[dict[str, Any]], table.to_dict("records"))
    return {str(row["group"]): _plain({k: v for k, v in row.items() if k != "group"}) for row in rows}


def clv_metrics(bets: pd.DataFrame, settings: LedgerSettings) -> dict[str, Any]:
    """The ledger's CLV metrics: ``overall`` plus ``by_edge``, ``by_book`` and ``over_time`` tables."""
    confidence = settings.clv_confidence
    return {
        "overall": clv_overall(bets, confidence),
        "by_edge": table_records(clv_by_edge(bets, settings.edge_buckets, confidence)),
        "by_book": table_records(clv_by_book(bets, confidence)),
        "over_time": table_records(clv_over_time(bets, settings.clv_period.value, confidence)),
    }
