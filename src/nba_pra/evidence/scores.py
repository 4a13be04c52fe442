"""Model vs market on the same props: point accuracy and probability scores.

* MAE against the actual PRA of played props: the model's mean, the model's median and the consensus line (a
  line is the book's median forecast: a good line minimises absolute error).
* Probability of the over on decided props (pushes and voids excluded; both sides of a whole line exclude the
  push): Brier ``mean((p - y)^2)`` and log loss ``-mean(y ln p + (1 - y) ln(1 - p))`` with ``y = 1`` for an over.
* Reliability: props binned by predicted P(over) (equal-width bins), mean prediction vs observed frequency.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.evidence.props import decided, went_over
from nba_pra.model import calibration, metrics
from nba_pra.vocab import LineOutcome

#: probabilities are clipped away from 0 and 1 before logs (a certain wrong forecast would be infinite)
LOG_CLIP: Final = 1e-6


def log_losses(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-prop log loss ``-(y ln p + (1 - y) ln(1 - p))``."""
    q = np.clip(p, LOG_CLIP, 1.0 - LOG_CLIP)
    return -(y * np.log(q) + (1.0 - y) * np.log(1.0 - q))


def brier(p: np.ndarray, y: np.ndarray) -> float:
    """:func:`nba_pra.model.calibration.brier`, NaN when nothing is scored."""
    return calibration.brier(p, y) if len(p) else float("nan")


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(log_losses(p, y))) if len(p) else float("nan")


def accuracy(props: pd.DataFrame) -> dict[str, float]:
    """MAE/RMSE of the model's mean and median and of the main line, on played props."""
    played = props.loc[props["outcome"] != LineOutcome.VOID]
    y = played["actual"].to_numpy(float)
    out: dict[str, float] = {"props_played": float(len(played))}
    for name, column in (("model", "mean"), ("model_median", "median"), ("line", "main_line")):
        pred = played[column].to_numpy(float)
        out[f"{name}_mae"] = metrics.mae(y, pred) if len(y) else float("nan")
        out[f"{name}_rmse"] = metrics.rmse(y, pred) if len(y) else float("nan")
        out[f"{name}_bias"] = float(np.mean(pred - y)) if len(y) else float("nan")
    return out


def probability_table(props: pd.DataFrame, forecasters: Mapping[str, str]) -> pd.DataFrame:
    """Brier and log loss of each forecaster (``name -> P(over) column``) on the decided props they all price."""
    rows = decided(props)
    rows = rows.loc[rows[list(forecasters.values())].notna().all(axis=1)]
    y = went_over(rows)
    table = [
        {"forecaster": name, "props": len(rows), "brier": brier(rows[col].to_numpy(float), y),
         "log_loss": log_loss(rows[col].to_numpy(float), y), "mean_p_over": float(rows[col].mean()),
         "over_rate": float(y.mean()) if len(y) else float("nan")}
        for name, col in forecasters.items()
    ]
    return pd.DataFrame(table)


def reliability(props: pd.DataFrame, forecasters: Mapping[str, str], n_bins: int) -> pd.DataFrame:
    """Per forecaster and P(over) bin (:func:`nba_pra.model.calibration.reliability`): props, mean predicted
    P(over) and observed over frequency."""
    rows = decided(props)
    parts = []
    for name, col in forecasters.items():
        have = rows.loc[rows[col].notna()]
        table = calibration.reliability(have[col].to_numpy(float), went_over(have), n_bins)
        table = table.rename(columns={"p_mean": "mean_p_over", "o_mean": "observed", "n": "props"})
        parts.append(table.assign(forecaster=name, bin_lo=table["bin"] / n_bins, bin_hi=(table["bin"] + 1) / n_bins))
    cols = ["forecaster", "bin", "bin_lo", "bin_hi", "props", "mean_p_over", "observed"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def expected_calibration_error(table: pd.DataFrame) -> pd.Series:
    """Per forecaster: :func:`nba_pra.model.calibration.expected_calibration_error` of its reliability bins."""
    shared = table.rename(columns={"mean_p_over": "p_mean", "observed": "o_mean", "props": "n"})
    return pd.Series({name: calibration.expected_calibration_error(part)
                      for name, part in shared.groupby("forecaster", sort=False)})
