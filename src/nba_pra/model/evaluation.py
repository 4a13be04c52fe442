"""Score out-of-fold predictions against baselines, the oracle and the sportsbook's lines (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nba_pra.model import calibration, distributions, metrics
from nba_pra.model.settings import DistributionFamily


@dataclass
class Evaluation:
    metrics: dict[str, float]
    reliability: pd.DataFrame
    variance_deciles: pd.DataFrame
    pit: np.ndarray
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)  # forecaster x metric


def reference_lines(oof: pd.DataFrame, lines: pd.DataFrame | None, median: np.ndarray) -> tuple[np.ndarray, float]:
    """The book's line for each row (median across books), else the rounded predicted median + 0.5.

    Returns the lines and the share of rows that had a real book line.
    """
    fallback = np.floor(median) + 0.5
    if lines is None or lines.empty:
        return fallback, 0.0
    book = lines.groupby(["game_id", "player_id"], as_index=False)["line"].median()
    joined = oof[["game_id", "player_id"]].merge(book, on=["game_id", "player_id"], how="left")["line"].to_numpy()
    has = ~np.isnan(joined)
    return np.where(has, joined, fallback), float(has.mean()) if len(has) else 0.0


def evaluate_oof(
    oof: pd.DataFrame,
    family: DistributionFamily,
    *,
    n_bins: int,
    seed: int,
    lines: pd.DataFrame | None = None,
    baselines: Mapping[str, np.ndarray] | None = None,
    truth: pd.DataFrame | None = None,
) -> Evaluation:
    """Model scores on ``oof`` (y, mean, var) plus baselines' and the oracle's on the same rows."""
    y = oof["y"].to_numpy(float)
    params = distributions.fit(family, oof["mean"].to_numpy(float), oof["var"].to_numpy(float))
    line, line_share = reference_lines(oof, lines, distributions.quantile(params, 0.5))
    over_scores, table = calibration.over_probability_scores(params, y, line, n_bins)
    pit = calibration.randomized_pit(params, y, seed)
    deciles = calibration.variance_by_decile(oof["var"], y, oof["mean"], n_bins)
    model_scores = {
        "mae": metrics.mae(y, oof["mean"]),
        "rmse": metrics.rmse(y, oof["mean"]),
        "crps": metrics.crps(params, y),
        "log_score": metrics.log_score(params, y),
        **over_scores,
        "pit_ks": float(np.max(np.abs(np.sort(pit) - (np.arange(1, len(pit) + 1) / len(pit))))),
        "var_ratio": float(deciles["sq_err"].sum() / deciles["pred_var"].sum()),
        "book_line_share": line_share,
        "n_rows": float(len(y)),
    }
    # both families on the same rows: the evidence for conf/distribution's default
    for fam in DistributionFamily:
        fam_params = params if fam is family else distributions.fit(fam, oof["mean"], oof["var"])
        model_scores[f"crps_{fam.value}"] = metrics.crps(fam_params, y)
        model_scores[f"log_score_{fam.value}"] = metrics.log_score(fam_params, y)
    rows = [{"forecaster": "model", **{k: model_scores[k] for k in ("mae", "rmse", "crps", "log_score")}}]
    for name, pred in (baselines or {}).items():
        pred = np.asarray(pred, float)
        ok = ~np.isnan(pred)
        rows.append({"forecaster": name, "mae": metrics.mae(y[ok], pred[ok]), "rmse": metrics.rmse(y[ok], pred[ok]),
                     "coverage": float(ok.mean())})
    if truth is not None:
        t = oof[["game_id", "player_id"]].merge(truth, on=["game_id", "player_id"], how="left")
        ok = t["true_mean"].notna().to_numpy()
        if ok.any():
            tp = distributions.fit(DistributionFamily.NEGBIN, t.loc[ok, "true_mean"], t.loc[ok, "true_var"])
            rows.append({"forecaster": "oracle", "mae": metrics.mae(y[ok], t.loc[ok, "true_mean"]),
                         "rmse": metrics.rmse(y[ok], t.loc[ok, "true_mean"]), "crps": metrics.crps(tp, y[ok]),
                         "log_score": metrics.log_score(tp, y[ok]), "coverage": float(ok.mean())})
    comparison = pd.DataFrame(rows)
    for rec in comparison.to_dict("records"):
        if rec["forecaster"] == "model":
            continue
        for key in ("mae", "crps"):
            value = rec.get(key)
            if value is not None and not pd.isna(value):
                model_scores[f"{rec['forecaster']}_{key}"] = float(value)
    return Evaluation(model_scores, table, deciles, pit, comparison)
