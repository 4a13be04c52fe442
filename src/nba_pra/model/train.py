"""Fit the walk-forward fold ensemble: XGBoost mean models, then variance models on out-of-fold residuals.

For validation block ``k`` the mean model ``m_k`` trains on the dates before the block (minus the embargo) and
predicts the block out of fold. The variance model ``v_k`` trains on ``log(r^2 + offset)`` of the out-of-fold
residuals of the blocks *before* ``k`` (never in-sample residuals, which understate uncertainty), so every
fold's predictive distribution is scored on rows neither of its models saw.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xgboost as xgb

from nba_pra.errors import DataError
from nba_pra.model import distributions, metrics
from nba_pra.model.ensemble import Ensemble
from nba_pra.model.folds import Fold, make_folds, rows_between
from nba_pra.model.settings import CvSettings, DistributionSettings, ModelSettings, WindowSettings

log = logging.getLogger(__name__)

TARGET = "target_pra"
ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FoldResult:
    fold: Fold
    n_train: int
    n_valid: int
    metrics: dict[str, float]
    #: the variance model's training rows: out-of-fold rows of earlier blocks only (count, first and last date)
    n_variance_train: int = 0
    variance_train_start: pd.Timestamp | None = None
    variance_train_end: pd.Timestamp | None = None


@dataclass
class TrainResult:
    ensemble: Ensemble
    folds: list[FoldResult]
    oof: pd.DataFrame  # game_id, player_id, game_date, block, y, mean, var (scored blocks only)
    feature_importance: pd.DataFrame  # feature, gain (mean over fold mean models)
    as_of: pd.Timestamp

    def fold_table(self) -> pd.DataFrame:
        rows = [
            {
                "fold": r.fold.index,
                "train_start": r.fold.train_start.date().isoformat(),
                "train_end": r.fold.train_end.date().isoformat(),
                "valid_start": r.fold.valid_start.date().isoformat(),
                "valid_end": r.fold.valid_end.date().isoformat(),
                "n_train": r.n_train,
                "n_valid": r.n_valid,
                **r.metrics,
            }
            for r in self.folds
        ]
        return pd.DataFrame(rows)

    def overall_metrics(self, family: distributions.DistributionFamily) -> dict[str, float]:
        """Scores pooled over every scored validation row."""
        return score(self.oof["y"].to_numpy(), self.oof["mean"].to_numpy(), self.oof["var"].to_numpy(), family)


def score(y: np.ndarray, mean: np.ndarray, var: np.ndarray, family: distributions.DistributionFamily) -> dict[str, float]:
    params = distributions.fit(family, mean, var)
    return {
        "mae": metrics.mae(y, mean),
        "rmse": metrics.rmse(y, mean),
        "crps": metrics.crps(params, y),
        "log_score": metrics.log_score(params, y),
    }


def training_rows(features: pd.DataFrame) -> pd.DataFrame:
    """History rows with a result (the player played)."""
    mask = ~features["is_slate"].astype(bool) & features["played"].astype(bool) & features[TARGET].notna()
    return features.loc[mask]


def as_of_date(features: pd.DataFrame) -> pd.Timestamp:
    """The slate's date, or the day after the last game when there is no slate."""
    slate = features.loc[features["is_slate"].astype(bool), "game_date"]
    if len(slate):
        return pd.Timestamp(slate.min())
    return pd.Timestamp(features["game_date"].max()) + pd.Timedelta(days=1)


def _fit(params: dict, X: pd.DataFrame, y: np.ndarray, rounds: int, seed: int) -> xgb.Booster:
    dtrain = xgb.DMatrix(X.astype("float32"), label=y, feature_names=list(X.columns))
    return xgb.train({**params, "seed": seed}, dtrain, num_boost_round=rounds)


def _predict(booster: xgb.Booster, X: pd.DataFrame) -> np.ndarray:
    return booster.predict(xgb.DMatrix(X.astype("float32"), feature_names=list(X.columns))).astype(float)


def train_ensemble(
    features: pd.DataFrame,
    feature_names: list[str],
    *,
    window: WindowSettings,
    cv: CvSettings,
    model: ModelSettings,
    distribution: DistributionSettings,
    seed: int,
    progress: ProgressFn | None = None,
) -> TrainResult:
    """Train ``cv.n_folds`` (mean, variance) model pairs on the window before the as-of date."""
    as_of = as_of_date(features)
    rows = training_rows(features)
    if rows.empty:
        raise DataError("no training rows: the feature table has no played games before the slate")
    folds = make_folds(rows["game_date"], as_of, window, cv)
    dates = rows["game_date"]
    X = rows[feature_names]
    y = rows[TARGET].to_numpy(dtype=float)
    total = len(folds)

    oof_parts: list[pd.DataFrame] = []
    mean_models: list[xgb.Booster] = []
    variance_models: list[xgb.Booster] = []
    smearing: list[float] = []
    results: list[FoldResult] = []
    gains: list[dict[str, float]] = []
    for fold in folds:
        train_mask = rows_between(dates, fold.train_start, fold.train_end)
        valid_mask = rows_between(dates, fold.valid_start, fold.valid_end)
        m = _fit(model.mean_params, X[train_mask], y[train_mask], model.mean_rounds, seed + fold.index)
        valid_mean = np.maximum(_predict(m, X[valid_mask]), 0.5)
        block = pd.DataFrame(
            {
                "game_id": rows.loc[valid_mask, "game_id"].to_numpy(),
                "player_id": rows.loc[valid_mask, "player_id"].to_numpy(),
                "game_date": dates[valid_mask].to_numpy(),
                "block": fold.index,
                "y": y[valid_mask],
                "mean": valid_mean,
            },
            index=rows.index[valid_mask],
        )
        if fold.is_warmup:
            oof_parts.append(block.assign(var=np.nan))
            if progress:
                progress(fold.index + 1, total, f"warm-up block {fold.index}")
            continue

        prior = pd.concat(oof_parts)
        resid2 = (prior["y"] - prior["mean"]).to_numpy() ** 2
        log_target = np.log(resid2 + model.variance_log_offset)
        v = _fit(model.variance_params, X.loc[prior.index], log_target, model.variance_rounds, seed + 1000 + fold.index)
        c = float(np.mean(resid2) / np.mean(np.exp(_predict(v, X.loc[prior.index]))))
        valid_var = np.maximum(c * np.exp(_predict(v, X[valid_mask])), model.min_variance_ratio * valid_mean)
        block["var"] = valid_var
        oof_parts.append(block)

        fold_metrics = score(block["y"].to_numpy(), valid_mean, valid_var, distribution.family)
        results.append(FoldResult(fold, int(train_mask.sum()), int(valid_mask.sum()), fold_metrics,
                                  len(prior), pd.Timestamp(prior["game_date"].min()),
                                  pd.Timestamp(prior["game_date"].max())))
        mean_models.append(m)
        variance_models.append(v)
        smearing.append(c)
        gains.append(m.get_score(importance_type="gain"))
        log.info(
            "fold %d/%d train %s..%s (%d rows) valid %s..%s (%d rows) mae %.3f crps %.3f",
            fold.index, total - 1, fold.train_start.date(), fold.train_end.date(), train_mask.sum(),
            fold.valid_start.date(), fold.valid_end.date(), valid_mask.sum(), fold_metrics["mae"], fold_metrics["crps"],
        )
        if progress:
            progress(fold.index + 1, total, f"fold {fold.index}")

    oof = pd.concat(oof_parts)
    scored = oof[oof["var"].notna()]
    importance = (
        pd.DataFrame(gains).reindex(columns=feature_names).fillna(0.0).mean().rename("gain").rename_axis("feature")
        .reset_index().sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)
    )
    ensemble = Ensemble(
        feature_names=list(feature_names),
        mean_models=mean_models,
        variance_models=variance_models,
        smearing=smearing,
        min_variance_ratio=model.min_variance_ratio,
    )
    return TrainResult(ensemble=ensemble, folds=results, oof=scored, feature_importance=importance, as_of=as_of)
