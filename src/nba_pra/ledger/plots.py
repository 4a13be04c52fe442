"""Figures of the ledger (bankroll curve, win rate by predicted probability, CLV distribution).

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

from nba_pra.ledger.health import by_bucket
from nba_pra.vocab import Outcome

#: the bankroll chart's note while no bet has settled (a new project, or a first day)
NO_SETTLED_BETS = "no data yet: no bet has settled (the curve starts with the first settled bet)"


def bankroll_curve(bets: pd.DataFrame, initial_bankroll: float) -> Figure:
    """Bankroll (units) after each settled bet, in game-date order, starting from ``initial_bankroll``."""
    settled = bets[bets["result"].notna()].sort_values(["game_date", "bet_id"], kind="mergesort")
    equity = np.concatenate([[initial_bankroll], initial_bankroll + settled["profit"].astype(float).cumsum()])
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(np.arange(len(equity)), equity, color="tab:blue")
    ax.axhline(initial_bankroll, color="grey", linewidth=0.8, linestyle="--")
    if settled.empty:
        # a new project's chart is one point on the starting line: say why rather than draw an empty frame
        ax.text(0.5, 0.5, NO_SETTLED_BETS, ha="center", va="center", transform=ax.transAxes)
    ax.set(xlabel="settled bets", ylabel="bankroll (units)", title="Bankroll")
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
    """Histogram of price CLV of settled non-void bets (empty axes with a note when none is known)."""
    ran = bets[bets["result"].notna() & (bets["result"] != Outcome.VOID)]
    clv = ran["clv_price"].astype(float).dropna()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    if len(clv):
        ax.hist(clv, bins=bins, color="tab:purple")
        ax.axvline(0.0, color="black", linewidth=0.8)
    else:
        ax.text(0.5, 0.5, "no closing lines yet", ha="center", va="center", transform=ax.transAxes)
    ax.set(
        xlabel="price CLV (decimal taken / decimal at close - 1)", ylabel="bets", title="Closing line value"
    )
    fig.tight_layout()
    return fig
