"""Fit the walk-forward fold ensemble: mean models, then variance models on out-of-fold residuals.

The library (XGBoost or LightGBM) is ``model.kind``'s :class:`~nba_pra.model.backends.Backend`; the folds, seeds,
targets and scores are the same for every architecture.

For validation block ``k`` the mean model ``m_k`` trains on the dates before the block (minus the embargo) and
predicts the block out of fold. The variance model ``v_k`` trains on ``log(r^2 + offset)`` of the out-of-fold
residuals of the blocks *before* ``k`` (never in-sample residuals, which understate uncertainty), so every
fold's predictive distribution is scored on rows neither of its models saw.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nba_pra.errors import DataError
from nba_pra.model import distributions, metrics
from nba_pra.model.backends import Backend, backend_for
from nba_pra.model.ensemble import MIN_MEAN, Ensemble
from nba_pra.model.folds import Fold, make_folds, rows_between
from nba_pra.model.retrain import as_of_date
from nba_pra.model.screening import screen_features
from nba_pra.model.settings import CvSettings, DistributionSettings, ModelSettings, WindowSettings

log = logging.getLogger(__name__)

TARGET = "target_pra"
ROW_KEYS = ["game_id", "player_id", "game_date"]
#: the variance model of fold k is seeded ``seed + VARIANCE_SEED_OFFSET + k`` (the mean model ``seed + k``)
VARIANCE_SEED_OFFSET = 1000
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


def score(
    y: np.ndarray, mean: np.ndarray, var: np.ndarray, family: distributions.DistributionFamily
) -> dict[str, float]:
    params = distributions.fit(family, mean, var)
    return {
        "mae": metrics.mae(y, mean),
        "rmse": metrics.rmse(y, mean),
        "crps": metrics.crps(params, y),
        "log_score": metrics.log_score(params, y),
    }


def training_mask(features: pd.DataFrame) -> pd.Series:
    """History rows with a result (the player played)."""
    return ~features["is_slate"].astype(bool) & features["played"].astype(bool) & features[TARGET].notna()


def training_rows(features: pd.DataFrame) -> pd.DataFrame:
    """History rows with a result (the player played)."""
    return features.loc[training_mask(features)]


def float32_matrix(frame: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> np.ndarray:
    """``frame.loc[rows, columns]`` as a float32 array, filled column by column.

    ``frame.loc`` on a wide frame read from Parquet first consolidates every float column into one float64
    block (~0.9 GB at seed scale); filling the small output directly never holds more than one column extra.
    """
    out = np.empty((int(np.count_nonzero(rows)), len(columns)), dtype=np.float32)
    for j, column in enumerate(columns):
        out[:, j] = frame[column].to_numpy(dtype=np.float32)[rows]
    return out


class _WindowMatrix:
    """The training window's feature matrix as float32 once, and the backend's fits on subsets of it.

    Every fit reuses the histogram bins of the first fold's training rows (``ref``), so no fit sketches its data
    again; those rows precede every validation block, so no bin edge comes from a later game.
    """

    def __init__(self, backend: Backend, X: np.ndarray, reference_rows: np.ndarray, max_bin: int,
                 params: dict) -> None:
        self.backend = backend
        self.X = X
        self.max_bin = max_bin
        self.ref = backend.reference(X[reference_rows], max_bin, params)

    def fit(self, params: dict, rows: np.ndarray, label: np.ndarray, rounds: int, seed: int,
            names: list[str]) -> Any:
        """Model trained on ``X[rows]`` (integer positions) with targets ``label``."""
        return self.backend.fit(params, self.X[rows], label, rounds=rounds, seed=seed, max_bin=self.max_bin,
                                names=names, ref=self.ref)

    def predict(self, model: Any, X: np.ndarray) -> np.ndarray:
        return self.backend.predict(model, X)


@dataclass(frozen=True)
class _Window:
    """The training window's rows: the folds, which feature-table rows they cover, keys and targets."""

    as_of: pd.Timestamp
    folds: list[Fold]
    #: boolean mask over the feature table
    keep: np.ndarray
    rows: pd.DataFrame
    y: np.ndarray

    @property
    def dates(self) -> pd.Series:
        return self.rows["game_date"]


def _training_window(
    features: pd.DataFrame, window: WindowSettings, cv: CvSettings, as_of: pd.Timestamp | None = None
) -> _Window:
    """The folds before the as-of date (the slate's, unless given) and the rows they use (only those: the whole
    history would double peak memory)."""
    as_of = as_of_date(features) if as_of is None else pd.Timestamp(as_of)
    mask = training_mask(features)
    if not mask.any():
        raise DataError("no training rows: the feature table has no played games before the slate")
    folds = make_folds(features.loc[mask, "game_date"], as_of, window, cv)
    mask &= rows_between(features["game_date"], min(f.train_start for f in folds), folds[-1].valid_end)
    keep = mask.to_numpy()
    rows = pd.DataFrame({c: features[c].to_numpy()[keep] for c in ROW_KEYS}, index=features.index[keep])
    y = features[TARGET].to_numpy(dtype=float)[keep]
    return _Window(as_of, folds, keep, rows, y)


def _screened_matrix(features: pd.DataFrame, win: _Window, candidates: list[str], first_train: np.ndarray,
                     model: ModelSettings, backend: Backend, seed: int) -> tuple[np.ndarray, list[str]]:
    """The window's float32 feature matrix restricted to the features screening keeps (on the first fold's
    training rows only), and their names."""
    X_all = float32_matrix(features, win.keep, candidates)
    names = screen_features(
        X_all[first_train], win.y[first_train], candidates, keep=model.screen_keep, backend=backend,
        params=model.mean_params, rounds=model.mean_rounds, seed=seed, max_bin=model.max_bin,
    )
    chosen = [candidates.index(name) for name in names]
    X = X_all if len(chosen) == len(candidates) else np.ascontiguousarray(X_all[:, chosen])
    return X, names


def _oof_block(win: _Window, valid_mask: np.ndarray, fold: Fold, valid_mean: np.ndarray) -> pd.DataFrame:
    """A validation block's out-of-fold rows: keys, block, target and the mean model's prediction."""
    return pd.DataFrame(
        {
            "game_id": win.rows.loc[valid_mask, "game_id"].to_numpy(),
            "player_id": win.rows.loc[valid_mask, "player_id"].to_numpy(),
            "game_date": win.dates[valid_mask].to_numpy(),
            "block": fold.index,
            "y": win.y[valid_mask],
            "mean": valid_mean,
        },
        index=win.rows.index[valid_mask],
    )


@dataclass
class _Folds:
    """What the fold loop accumulates: out-of-fold blocks (warm-up included) and the scored folds' models."""

    oof_parts: list[pd.DataFrame] = field(default_factory=list)
    oof_positions: list[np.ndarray] = field(default_factory=list)
    mean_models: list[Any] = field(default_factory=list)
    variance_models: list[Any] = field(default_factory=list)
    smearing: list[float] = field(default_factory=list)
    results: list[FoldResult] = field(default_factory=list)
    gains: list[dict[str, float]] = field(default_factory=list)

    def add_block(self, block: pd.DataFrame, valid_mask: np.ndarray) -> None:
        self.oof_parts.append(block)
        self.oof_positions.append(np.flatnonzero(valid_mask))

    def add_scored(self, result: FoldResult, mean_model: Any, variance_model: Any, smearing: float,
                   gain: dict[str, float]) -> None:
        self.results.append(result)
        self.mean_models.append(mean_model)
        self.variance_models.append(variance_model)
        self.smearing.append(smearing)
        self.gains.append(gain)


def _fit_variance(matrices: _WindowMatrix, done: _Folds, model: ModelSettings, seed: int, names: list[str]
                  ) -> tuple[Any, float, pd.DataFrame]:
    """The variance model on ``log(r^2 + offset)`` of the earlier blocks' out-of-fold residuals, its smearing
    factor ``c = mean(r^2) / mean(exp(prediction))`` on those rows, and those rows."""
    prior = pd.concat(done.oof_parts)
    prior_rows = np.concatenate(done.oof_positions)
    resid2 = (prior["y"] - prior["mean"]).to_numpy() ** 2
    log_target = np.log(resid2 + model.variance_log_offset)
    v = matrices.fit(model.variance_params, prior_rows, log_target, model.variance_rounds, seed, names)
    c = float(np.mean(resid2) / np.mean(np.exp(matrices.predict(v, matrices.X[prior_rows]))))
    return v, c, prior


def _feature_importance(gains: list[dict[str, float]], candidates: list[str]) -> pd.DataFrame:
    """Mean gain per candidate feature over the fold mean models (0 for a feature screened out or unused)."""
    return (
        pd.DataFrame(gains).reindex(columns=candidates).fillna(0.0).mean().rename("gain").rename_axis("feature")
        .reset_index().sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)
    )


def _train_fold(fold: Fold, win: _Window, matrices: _WindowMatrix, done: _Folds, *, names: list[str],
                model: ModelSettings, distribution: DistributionSettings, seed: int) -> None:
    """One fold: the mean model predicts its validation block out of fold; past the warm-up blocks, the variance
    model (on the earlier blocks' residuals) completes the block's distribution, which is scored."""
    dates = win.dates
    train_mask = rows_between(dates, fold.train_start, fold.train_end)
    valid_mask = rows_between(dates, fold.valid_start, fold.valid_end)
    m = matrices.fit(model.mean_params, np.flatnonzero(train_mask), win.y[train_mask], model.mean_rounds,
                     seed + fold.index, names)
    valid_mean = np.maximum(matrices.predict(m, matrices.X[valid_mask]), MIN_MEAN)
    block = _oof_block(win, valid_mask, fold, valid_mean)
    if fold.is_warmup:
        done.add_block(block.assign(var=np.nan), valid_mask)
        return

    v, c, prior = _fit_variance(matrices, done, model, seed + VARIANCE_SEED_OFFSET + fold.index, names)
    valid_var = np.maximum(c * np.exp(matrices.predict(v, matrices.X[valid_mask])),
                           model.min_variance_ratio * valid_mean)
    block["var"] = valid_var
    done.add_block(block, valid_mask)

    fold_metrics = score(block["y"].to_numpy(), valid_mean, valid_var, distribution.family)
    done.add_scored(FoldResult(fold, int(train_mask.sum()), int(valid_mask.sum()), fold_metrics, len(prior),
                               pd.Timestamp(prior["game_date"].min()), pd.Timestamp(prior["game_date"].max())),
                    m, v, c, matrices.backend.gain(m, names, total=False))
    log.info(
        "fold %d/%d train %s..%s (%d rows) valid %s..%s (%d rows) mae %.3f crps %.3f",
        fold.index, len(win.folds) - 1, fold.train_start.date(), fold.train_end.date(), train_mask.sum(),
        fold.valid_start.date(), fold.valid_end.date(), valid_mask.sum(), fold_metrics["mae"], fold_metrics["crps"],
    )


def _train_result(done: _Folds, names: list[str], candidates: list[str], model: ModelSettings,
                  as_of: pd.Timestamp) -> TrainResult:
    """The ensemble of the scored folds' models, with their scored out-of-fold rows and feature importance."""
    oof = pd.concat(done.oof_parts)
    ensemble = Ensemble(
        feature_names=list(names),
        mean_models=done.mean_models,
        variance_models=done.variance_models,
        smearing=done.smearing,
        min_variance_ratio=model.min_variance_ratio,
        architecture=model.kind,
    )
    return TrainResult(ensemble=ensemble, folds=done.results, oof=oof[oof["var"].notna()],
                       feature_importance=_feature_importance(done.gains, candidates), as_of=as_of)


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
    as_of: pd.Timestamp | None = None,
) -> TrainResult:
    """Train ``cv.n_folds`` (mean, variance) model pairs on the window before the as-of date (default: the
    slate's date, see :func:`as_of_date`)."""
    win = _training_window(features, window, cv, as_of)
    first_train = rows_between(win.dates, win.folds[0].train_start, win.folds[0].train_end)
    candidates = list(feature_names)
    backend = backend_for(model.kind)
    X, names = _screened_matrix(features, win, candidates, first_train, model, backend, seed)
    matrices = _WindowMatrix(backend, X, first_train, model.max_bin, model.mean_params)
    total = len(win.folds)
    done = _Folds()
    for fold in win.folds:
        _train_fold(fold, win, matrices, done, names=names, model=model, distribution=distribution, seed=seed)
        if progress:
            progress(fold.index + 1, total, f"warm-up block {fold.index}" if fold.is_warmup else f"fold {fold.index}")
    return _train_result(done, names, candidates, model, win.as_of)
