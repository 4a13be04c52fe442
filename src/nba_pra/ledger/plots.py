"""Figures of the ledger (bankroll curve, win rate by predicted probability, CLV distribution and over time).

Each function builds and returns a matplotlib Figure from the bets frame; saving is the caller's (stage's) job.
Uses the non-interactive Agg backend, so it works on headless machines.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from nba_pra.ledger.clv_summary import settled_bets
from nba_pra.ledger.health import by_bucket
from nba_pra.ledger.summary import bankroll_by_date
from nba_pra.stats import wilson_interval
from nba_pra.vocab import Outcome

#: the bankroll chart's note while no bet has settled (a new project, or a first day)
NO_SETTLED_BETS = "no data yet: no bet has settled (the curve starts with the first settled bet)"


def bankroll_curve(bets: pd.DataFrame, initial_bankroll: float) -> Figure:
    """Bankroll (units) after each game date's settled bets (:func:`~nba_pra.ledger.summary.bankroll_by_date`),
    starting from ``initial_bankroll`` the day before the first one."""
    daily = bankroll_by_date(bets, initial_bankroll)
    dates = daily["game_date"]
    start = dates.iloc[0] - pd.Timedelta(days=1) if len(dates) else pd.Timestamp.now().normalize()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot([start, *dates], [initial_bankroll, *daily["bankroll"]], color="tab:blue", marker=".")
    ax.axhline(initial_bankroll, color="grey", linewidth=0.8, linestyle="--")
    if daily.empty:
        # a new project's chart is one point on the starting line: say why rather than draw an empty frame
        ax.text(0.5, 0.5, NO_SETTLED_BETS, ha="center", va="center", transform=ax.transAxes)
    ax.set(xlabel="game date", ylabel="bankroll (units)", title="Bankroll")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def win_rate_by_probability(bets: pd.DataFrame, edges: Sequence[float]) -> Figure:
    """Realised win rate next to mean predicted P(win) per predicted-probability bucket (a calibration view)."""
    table = by_bucket(bets, "p_win", edges)
    x = np.arange(len(table))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(x - 0.2, table["mean_p_win"].fillna(0), width=0.4, label="predicted P(win)", color="tab:grey")
    ax.bar(x + 0.2, table["win_rate"].fillna(0), width=0.4, label="realised win rate", color="tab:green")
    for xi, n in zip(x, table["bets"], strict=True):
        ax.annotate(f"n={int(n)}", (xi, 0.02), ha="center", fontsize=7)
    ax.set_xticks(x, table["bucket"])
    ax.set(
        xlabel="predicted P(win) bucket",
        ylabel="rate",
        ylim=(0, 1),
        title="Win rate by predicted probability",
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def clv_histogram(bets: pd.DataFrame, bins: int = 30) -> Figure:
    """Histogram of probability CLV (closing fair P(win | no push) at the bet's line - 1 / decimal price taken) of
    settled non-void bets; empty axes with a note when none is known."""
    ran = bets[bets["result"].notna() & (bets["result"] != Outcome.VOID)]
    clv = ran["clv_prob"].astype(float).dropna()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    if len(clv):
        ax.hist(clv, bins=bins, color="tab:purple")
        ax.axvline(0.0, color="black", linewidth=0.8)
    else:
        ax.text(0.5, 0.5, "no closing lines yet", ha="center", va="center", transform=ax.transAxes)
    ax.set(xlabel="probability CLV (closing fair P(win) - 1 / decimal price taken)", ylabel="bets",
           title="Closing line value")
    fig.tight_layout()
    return fig


def clv_over_time(bets: pd.DataFrame, confidence: float) -> Figure:
    """Cumulative mean probability CLV (left axis) and cumulative beat-the-close rate with its Wilson interval
    (right axis) by game date, over settled non-void bets with a CLV."""
    ran = settled_bets(bets)
    ran = ran[ran["clv_prob"].astype(float).notna()] if len(ran) else ran
    fig, ax = plt.subplots(figsize=(7, 3.5))
    if len(ran):
        daily = ran.assign(day=pd.to_datetime(ran["game_date"]), clv=ran["clv_prob"].astype(float),
                           beat=(ran["clv_prob"].astype(float) > 0).astype(float)).groupby("day").agg(
            n=("clv", "size"), clv=("clv", "sum"), beat=("beat", "sum"))
        n, beat = daily["n"].cumsum(), daily["beat"].cumsum()
        ax.plot(daily.index, daily["clv"].cumsum() / n, color="tab:purple", marker="o", label="mean CLV (prob)")
        ax.axhline(0.0, color="black", linewidth=0.8)
        rate = ax.twinx()
        lo, hi = wilson_interval(beat, n, confidence)
        rate.plot(daily.index, beat / n, color="tab:green", marker=".", label="beat the close")
        rate.fill_between(daily.index, lo, hi, color="tab:green", alpha=0.15)
        rate.axhline(0.5, color="tab:green", linewidth=0.8, linestyle="--")
        rate.set(ylim=(0, 1), ylabel=f"beat-the-close rate ({confidence:.0%} interval)")
        fig.autofmt_xdate()
    else:
        ax.text(0.5, 0.5, "no closing lines yet", ha="center", va="center", transform=ax.transAxes)
    ax.set(xlabel="game date", ylabel="cumulative mean probability CLV", title="Closing line value over time")
    fig.tight_layout()
    return fig
