"""Figures of the model-vs-market evaluation: reliability of each forecaster and the error anatomy."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


def reliability(table: pd.DataFrame) -> Figure:
    """Observed over frequency against mean predicted P(over) per bin, one line per forecaster."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="lightgrey", linestyle="--", label="perfect")
    for name, group in table.groupby("forecaster", sort=False):
        ax.plot(group["mean_p_over"], group["observed"], marker="o", label=f"{name}")
    ax.set(xlabel="predicted P(over)", ylabel="observed over frequency", xlim=(0, 1), ylim=(0, 1),
           title="Reliability at the consensus line (decided props)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def anatomy(table: pd.DataFrame) -> Figure:
    """Mean gap (model |error| - line |error|) per bucket, one panel per dimension; labels give share of gap."""
    import matplotlib.pyplot as plt

    dims = list(dict.fromkeys(table["dimension"]))
    fig, axes = plt.subplots(len(dims), 1, figsize=(7, 1.6 + 1.3 * len(dims)), squeeze=False)
    for ax, dim in zip(axes[:, 0], dims, strict=True):
        part = table.loc[table["dimension"] == dim]
        y = np.arange(len(part))
        colors = np.where(part["mean_gap"] > 0, "tab:red", "tab:green")
        ax.barh(y, part["mean_gap"], color=colors)
        ax.set_yticks(y, part["bucket"], fontsize=7)
        for yi, gap, share, n in zip(y, part["mean_gap"], part["share_of_gap"], part["props"], strict=True):
            ax.annotate(f"n={n}, {share:.0%} of gap", (gap, yi), fontsize=6, va="center",
                        xytext=(3 if gap >= 0 else -3, 0), textcoords="offset points",
                        ha="left" if gap >= 0 else "right")
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(dim, fontsize=8, loc="left")
    axes[-1, 0].set_xlabel("mean |model error| - |line error| (PRA points; > 0: the line is closer)")
    fig.tight_layout()
    return fig
