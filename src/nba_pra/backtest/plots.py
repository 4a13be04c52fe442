"""Backtest figures: the bankroll curve (the ledger's) and calibration by edge bucket. Saving is the caller's."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from nba_pra.ledger import plots as ledger_plots


def bankroll_curve(bets: pd.DataFrame, initial_bankroll: float) -> Figure:
    """Bankroll after each settled bet (:func:`nba_pra.ledger.plots.bankroll_curve`)."""
    return ledger_plots.bankroll_curve(bets, initial_bankroll)


def edge_calibration(table: pd.DataFrame) -> Figure:
    """Mean predicted P(win) beside the realised win rate per edge bucket, each bar labelled with n and ROI.

    ``table`` is :func:`nba_pra.backtest.metrics.edge_table`. A calibrated edge shows realised rates tracking the
    predicted ones and ROI rising with the bucket (the seed's "edge is calibrated" health check).
    """
    import matplotlib.pyplot as plt

    x = np.arange(len(table))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(x - 0.2, table["mean_p_win"].fillna(0), width=0.4, label="predicted P(win)", color="tab:grey")
    ax.bar(x + 0.2, table["win_rate"].fillna(0), width=0.4, label="realised win rate", color="tab:green")
    for xi, n, roi in zip(x, table["bets"], table["roi"], strict=True):
        text = f"n={int(n)}" + ("" if pd.isna(roi) else f"\nROI {roi:+.1%}")
        ax.annotate(text, (xi, 0.03), ha="center", fontsize=7)
    ax.set_xticks(x, table["bucket"])
    ax.set(xlabel="edge bucket", ylabel="rate", ylim=(0, 1), title="Calibration by edge bucket")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
