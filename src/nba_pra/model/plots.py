"""PNG calibration plots (image plots render offline in DVC and MLflow, unlike vega HTML)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: never needs a display

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

_DPI = 110
_SIZE = (5.5, 4.0)


def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def pit_histogram(pit: np.ndarray, path: Path, n_bins: int) -> Path:
    fig, ax = plt.subplots(figsize=_SIZE)
    ax.hist(pit, bins=n_bins, range=(0, 1), density=True, color="#4c72b0", edgecolor="white")
    ax.axhline(1.0, color="black", linestyle="--", linewidth=1, label="calibrated")
    ax.set(xlabel="PIT", ylabel="density", title="Randomised PIT (out of fold)")
    ax.legend()
    return _save(fig, path)


def reliability_diagram(table: pd.DataFrame, path: Path, title: str, raw: pd.DataFrame | None = None) -> Path:
    """Observed over rate against predicted P(over) per bin (marker area ~ rows); ``raw``: before recalibration."""
    fig, ax = plt.subplots(figsize=_SIZE)
    ax.plot([0, 1], [0, 1], color="black", linestyle="--", linewidth=1, label="perfect")
    if raw is not None and not raw.empty:
        ax.plot(raw["p_mean"], raw["o_mean"], color="#8c8c8c", marker="o", markersize=3, label="raw distribution")
    ax.scatter(table["p_mean"], table["o_mean"], s=np.sqrt(table["n"]) * 4, color="#dd8452", label="recalibrated")
    ax.plot(table["p_mean"], table["o_mean"], color="#dd8452")
    ax.set(xlabel="predicted P(over)", ylabel="observed over rate", xlim=(0, 1), ylim=(0, 1), title=title)
    ax.legend()
    return _save(fig, path)


def variance_calibration(table: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=_SIZE)
    top = float(max(table["pred_var"].max(), table["sq_err"].max()))
    ax.plot([0, top], [0, top], color="black", linestyle="--", linewidth=1, label="calibrated")
    ax.plot(table["pred_var"], table["sq_err"], marker="o", color="#55a868", label="deciles")
    ax.set(xlabel="mean predicted variance", ylabel="mean squared error", title="Variance calibration by decile")
    ax.legend()
    return _save(fig, path)
