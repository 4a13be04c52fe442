"""Score out-of-fold predictions against baselines, the oracle and the sportsbook's lines (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nba_pra.model import calibration, distributions, metrics
from nba_pra.model.recalibration import PlattMap, fit_platt, walk_forward_platt
from nba_pra.model.settings import DistributionFamily, OverCalibrationSettings


@dataclass
class Evaluation:
    metrics: dict[str, float]
    reliability: pd.DataFrame
    variance_deciles: pd.DataFrame
    pit: np.ndarray
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)  # forecaster x metric
    #: P(over) reliability before recalibration (``reliability`` is after it)
    reliability_raw: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the map the registered model prices book lines with: fitted on every out-of-fold book-line row
    over_calibration: PlattMap = field(default_factory=PlattMap)


def reference_lines(oof: pd.DataFrame, lines: pd.DataFrame | None, median: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The book's line for each row (median across books), else the rounded predicted median + 0.5.

    Returns the lines and a mask of the rows that had a real book line.
    """
    fallback = np.floor(median) + 0.5
    if lines is None or lines.empty:
        return fallback, np.zeros(len(fallback), dtype=bool)
    book = lines.groupby(["game_id", "player_id"], as_index=False)["line"].median()
    joined = oof[["game_id", "player_id"]].merge(book, on=["game_id", "player_id"], how="left")["line"].to_numpy()
    has = ~np.isnan(joined)
    return np.where(has, joined, fallback), has


def over_probabilities(
    oof: pd.DataFrame, p_over: np.ndarray, outcome: np.ndarray, not_push: np.ndarray, at_book: np.ndarray,
    settings: OverCalibrationSettings | None,
) -> tuple[np.ndarray, PlattMap]:
    """P(over | no push) as the model would price each row out of fold, and the map for the registered model.

    Book-line rows and fallback (median) rows are recalibrated by separate walk-forward maps, since the book
    only posts some players (its choice is information too); the registered model keeps the book map, the only
    one a bet ever meets.
    """
    if settings is None or not settings.enabled:
        return p_over, PlattMap()
    block = oof["block"].to_numpy()
    out = p_over.copy()
    for source in (at_book, ~at_book):
        calibrated, _ = walk_forward_platt(p_over, outcome, block, source & not_push, min_rows=settings.min_rows,
                                           clip=settings.clip, max_iter=settings.max_iter,
                                           range_quantile=settings.range_quantile)
        out[source] = calibrated[source]
    fit_rows = at_book & not_push
    final = (fit_platt(p_over[fit_rows], outcome[fit_rows], clip=settings.clip, max_iter=settings.max_iter,
                       range_quantile=settings.range_quantile)
             if fit_rows.sum() >= settings.min_rows else PlattMap())
    return out, final


def evaluate_oof(
    oof: pd.DataFrame,
    family: DistributionFamily,
    *,
    n_bins: int,
    seed: int,
    lines: pd.DataFrame | None = None,
    baselines: Mapping[str, np.ndarray] | None = None,
    truth: pd.DataFrame | None = None,
    over_calibration: OverCalibrationSettings | None = None,
) -> Evaluation:
    """Model scores on ``oof`` (y, mean, var) plus baselines' and the oracle's on the same rows.

    P(over) is scored at each row's book line (else the rounded median + 0.5), both raw and as recalibrated
    out of fold (:mod:`nba_pra.model.recalibration`); ``ece_over`` / ``brier_over`` are the recalibrated ones.
    """
    y = oof["y"].to_numpy(float)
    params = distributions.fit(family, oof["mean"].to_numpy(float), oof["var"].to_numpy(float))
    line, at_book = reference_lines(oof, lines, distributions.quantile(params, 0.5))
    p_raw = calibration.over_given_decided(distributions.line_probabilities(params, line))
    outcome, not_push = calibration.over_outcomes(y, line)
    p_cal, over_map = over_probabilities(oof, p_raw, outcome, not_push, at_book, over_calibration)
    raw_scores, table_raw = calibration.over_probability_scores(p_raw[not_push], outcome[not_push], n_bins)
    over_scores, table = calibration.over_probability_scores(p_cal[not_push], outcome[not_push], n_bins)
    book_scores, _ = calibration.over_probability_scores(p_cal[not_push & at_book], outcome[not_push & at_book],
                                                         n_bins)
    over_scores |= {f"{k}_raw": v for k, v in raw_scores.items()} | {f"{k}_book": v for k, v in book_scores.items()}
    over_scores |= {"over_cal_intercept": over_map.intercept, "over_cal_slope": over_map.slope}
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
        "book_line_share": float(at_book.mean()) if len(at_book) else 0.0,
        "n_rows": float(len(y)),
    }
    model_scores |= _family_scores(oof, y, family, params)
    comparison = _comparison(oof, y, model_scores, baselines, truth)
    model_scores |= _comparison_scores(comparison)
    return Evaluation(model_scores, table, deciles, pit, comparison, table_raw, over_map)


def _family_scores(oof: pd.DataFrame, y: np.ndarray, family: DistributionFamily,
                   params: distributions.DistributionParams) -> dict[str, float]:
    """CRPS and log score of every distribution family on the same rows: the evidence for conf/distribution's
    default."""
    out: dict[str, float] = {}
    for fam in DistributionFamily:
        fam_params = params if fam is family else distributions.fit(fam, oof["mean"], oof["var"])
        out[f"crps_{fam.value}"] = metrics.crps(fam_params, y)
        out[f"log_score_{fam.value}"] = metrics.log_score(fam_params, y)
    return out


def _comparison(oof: pd.DataFrame, y: np.ndarray, model_scores: Mapping[str, float],
                baselines: Mapping[str, np.ndarray] | None, truth: pd.DataFrame | None) -> pd.DataFrame:
    """The model beside each baseline (on the rows it covers) and, with the synthetic league's truth, the oracle."""
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
    return pd.DataFrame(rows)


def _comparison_scores(comparison: pd.DataFrame) -> dict[str, float]:
    """``<forecaster>_mae`` / ``<forecaster>_crps`` of every forecaster but the model (where it has them)."""
    out: dict[str, float] = {}
    for rec in comparison.to_dict("records"):
        if rec["forecaster"] == "model":
            continue
        for key in ("mae", "crps"):
            value = rec.get(key)
            if value is not None and not pd.isna(value):
                out[f"{rec['forecaster']}_{key}"] = float(value)
    return out
