"""Bucketed results and the original system's health indicators, as pure functions of the bets frame.

* :func:`by_bucket`: settled, non-void bets grouped by a column (``edge`` or ``p_win``) into buckets with lower
  edges ``edges`` (``[e_i, e_{i+1})``, the last open-ended; values below ``e_0`` form a first bucket), each with
  ``bets, wins, losses, win_rate, mean_p_win, staked, profit, roi``.
* :func:`health_warnings`, over bets of games in the last ``window_days`` days before ``as_of``:
  - *edge not monotone*: among buckets with at least ``min_bets`` decided bets, the realised win rate falls as
    the edge rises (the original system's indicator; at mixed prices a higher edge can carry a lower win
    probability, so read it together with the next one);
  - *overconfident*: realised win rate below the mean predicted P(win) by more than ``calibration_gap``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from nba_pra.ledger.clv_summary import clv_metrics
from nba_pra.ledger.settings import LedgerSettings
from nba_pra.ledger.summary import bucket_labels, is_paper, summarize
from nba_pra.vocab import Outcome


def by_bucket(bets: pd.DataFrame, column: str, edges: Sequence[float]) -> pd.DataFrame:
    """Results of settled non-void bets per bucket of ``column`` (one row per bucket, empty buckets included)."""
    labels = bucket_labels(edges)
    ran = bets[bets["result"].notna() & (bets["result"] != Outcome.VOID)]
    bins = [-np.inf, *edges, np.inf]
    bucket = pd.cut(ran[column].astype(float), bins=bins, labels=labels, right=False)
    frame = ran.assign(
        bucket=bucket,
        win=(ran["result"] == Outcome.WIN).astype(int),
        loss=(ran["result"] == Outcome.LOSS).astype(int),
    )
    grouped = frame.groupby("bucket", observed=False)
    out = pd.DataFrame(
        {
            "bets": grouped.size(),
            "wins": grouped["win"].sum(),
            "losses": grouped["loss"].sum(),
            "mean_p_win": grouped["p_win"].mean(),
            "staked": grouped["stake"].sum(),
            "profit": grouped["profit"].sum(),
        }
    ).reindex(labels)
    # an empty ledger gives object-dtype sums: make them floats so 0/0 is NaN, not ZeroDivisionError
    out = out.astype(float)
    decided = out["wins"] + out["losses"]
    out["win_rate"] = out["wins"] / decided.where(decided > 0)
    out["roi"] = out["profit"] / out["staked"].where(out["staked"] > 0)
    return out.rename_axis("bucket").reset_index()


def bucket_metrics(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """A :func:`by_bucket` table as nested plain values for a JSON metrics file (NaN -> None)."""
    cleaned = table.set_index("bucket").astype(object)
    cleaned = cleaned.where(cleaned.notna(), None)
    return {
        str(k): {c: (v.item() if hasattr(v, "item") else v) for c, v in row.items()}
        for k, row in cast(dict[Any, dict[str, Any]], cleaned.to_dict("index")).items()
    }


def health_warnings(
    bets: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_days: int,
    edges: Sequence[float],
    min_bets: int,
    calibration_gap: float,
) -> list[str]:
    """One readable sentence per failed health check over the last ``window_days`` days (see module doc)."""
    start = pd.Timestamp(as_of).normalize() - pd.Timedelta(days=window_days)
    recent = bets[pd.to_datetime(bets["game_date"]) >= start]
    warnings: list[str] = []
    table = by_bucket(recent, "edge", edges)
    usable = table[(table["wins"] + table["losses"]) >= min_bets]
    if len(usable) >= 2 and (usable["win_rate"].diff().dropna() < 0).any():
        rates = ", ".join(f"{b}: {r:.1%}" for b, r in zip(usable["bucket"], usable["win_rate"], strict=True))
        warnings.append(
            f"edge is not monotone in realised win rate over the last {window_days} days ({rates})"
        )
    ran = recent[recent["result"].isin([Outcome.WIN, Outcome.LOSS])]
    if len(ran) >= min_bets and ran["p_win"].notna().any():
        realised = float((ran["result"] == Outcome.WIN).mean())
        predicted = float(ran["p_win"].mean())
        if predicted - realised > calibration_gap:
            warnings.append(
                f"realised win rate {realised:.1%} trails the predicted {predicted:.1%} over the last "
                f"{window_days} days ({len(ran)} bets): the model may be overconfident"
            )
    return warnings


def ledger_metrics(bets: pd.DataFrame, settings: LedgerSettings) -> dict[str, Any]:
    """The DVC metrics of the ledger: :func:`~nba_pra.ledger.summary.summarize` plus ``by_edge`` buckets of the
    staked bets (a paper bet's stake and profit are 0: it would dilute the buckets' win counts, not their money)
    and ``clv`` (:func:`nba_pra.ledger.clv_summary.clv_metrics`, every bet: CLV needs no stake)."""
    return {
        **summarize(bets, settings.initial_bankroll),
        "by_edge": bucket_metrics(by_bucket(bets[~is_paper(bets)], "edge", settings.edge_buckets)),
        "clv": clv_metrics(bets, settings),
    }


def ledger_warnings(bets: pd.DataFrame, settings: LedgerSettings, as_of: pd.Timestamp) -> list[str]:
    """:func:`health_warnings` with the thresholds of ``conf/ledger/``."""
    return health_warnings(
        bets,
        as_of=as_of,
        window_days=settings.health_window_days,
        edges=settings.edge_buckets,
        min_bets=settings.health_min_bets,
        calibration_gap=settings.health_calibration_gap,
    )
