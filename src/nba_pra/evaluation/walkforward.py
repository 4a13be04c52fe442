"""Walk-forward predictions: every game day of the range predicted by a model trained only on earlier days.

Features come from one :func:`~nba_pra.features.engine.build_features` pass over the whole history (each row's
features only see games dated strictly before it, so the pass is as-of by construction). The range's game days
are cut into retrain blocks of ``retrain_every_days`` calendar days; the block starting on day ``R`` is predicted
by :func:`~nba_pra.model.train.train_ensemble` run on the feature rows dated before ``R`` with ``R``'s rows
marked as the slate (so the folds, the rolling window and the variance model are exactly the daily pipeline's).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from nba_pra.backtest.settings import BacktestModelSettings
from nba_pra.betting.engine import PREDICTION_COLUMNS
from nba_pra.errors import DataError
from nba_pra.model import distributions
from nba_pra.model.ensemble import Ensemble
from nba_pra.model.folds import window_start
from nba_pra.model.predictions import prediction_frame
from nba_pra.model.settings import CvSettings, DistributionSettings, ModelSettings, WindowSettings
from nba_pra.model.train import train_ensemble

log = logging.getLogger(__name__)

#: prediction columns of the cache: the betting engine's input plus the day the model was trained for
WALK_FORWARD_COLUMNS = (*PREDICTION_COLUMNS, "retrain_date")
MODEL_VERSION_PREFIX = "backtest-"
ProgressFn = Callable[[int, int, str], None]
#: ``(retrain day, last day of its block, compute) -> predictions``: a block-level cache around ``compute``
BlockMemo = Callable[[pd.Timestamp, pd.Timestamp, Callable[[], pd.DataFrame]], pd.DataFrame]
#: ``(retrain day, fit) -> the block's ensemble``: a cache of the fitted model around ``fit``. The fit sees only
#: rows dated up to the retrain day (the day's own results hidden), so rows of the block that arrive later are
#: predicted by the stored model instead of a refit
ModelMemo = Callable[[pd.Timestamp, Callable[[], Ensemble]], Ensemble]


def backtest_range(box_scores: pd.DataFrame, start: str | None, end: str | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[start, end]`` game dates: defaults are the first game day of the last season and the last game day."""
    if box_scores.empty:
        raise DataError("the box scores are empty, so there is nothing to backtest")
    dates = pd.to_datetime(box_scores["game_date"])
    last_season = box_scores["season"].astype(str).max()
    lo = pd.Timestamp(start) if start else dates[box_scores["season"].astype(str) == last_season].min()
    hi = pd.Timestamp(end) if end else dates.max()
    if hi < lo:
        raise DataError(f"the backtest range is empty: end {hi.date()} is before start {lo.date()}")
    if not ((dates >= lo) & (dates <= hi)).any():
        raise DataError(f"no completed game between {lo.date()} and {hi.date()} to backtest")
    return lo.normalize(), hi.normalize()


def retrain_dates(game_days: pd.Series, start: pd.Timestamp, every_days: int) -> pd.Series:
    """For each game day, the first game day of its block of ``every_days`` calendar days counted from ``start``.

    A block without a game day simply has no model; a block's model is trained as of its first game day.
    """
    if every_days < 1:
        raise DataError(f"backtest.retrain_every_days must be at least 1, got {every_days}")
    days = pd.to_datetime(game_days)
    block = (days - start).dt.days // every_days
    return days.groupby(block).transform("min")


def training_settings(
    cv: CvSettings, model: ModelSettings, light: BacktestModelSettings
) -> tuple[CvSettings, ModelSettings]:
    """The project's fold and model settings with the backtest's lighter values (null keeps the project's)."""
    if light.n_folds is not None:
        cv = dataclasses.replace(cv, n_folds=light.n_folds)
    lighter = (("mean_rounds", light.mean_rounds), ("variance_rounds", light.variance_rounds))
    changes: dict[str, Any] = {k: v for k, v in lighter if v is not None}
    return cv, dataclasses.replace(model, **changes)


def as_of_frame(features: pd.DataFrame, day: pd.Timestamp, window: WindowSettings) -> pd.DataFrame:
    """The feature rows a daily run on ``day`` would see: the window's history before ``day``, ``day`` as slate."""
    dates = features["game_date"]
    frame = features.loc[(dates >= window_start(day, window)) & (dates <= day)].copy()
    is_today = (frame["game_date"] == day).to_numpy()
    frame["is_slate"] = is_today
    # results of the slate day are unknown at decision time (train_ensemble never reads them either)
    frame.loc[is_today, "played"] = False
    frame.loc[is_today, "target_pra"] = np.nan
    return frame


def backtest_prediction_frame(rows: pd.DataFrame, mean: np.ndarray, var: np.ndarray,
                              family: distributions.DistributionFamily, retrain_date: pd.Timestamp) -> pd.DataFrame:
    """The daily predictor's columns (:func:`nba_pra.model.predictions.prediction_frame`) + which retrain made them."""
    out = prediction_frame(rows, mean, var, family)
    out["model_version"] = f"{MODEL_VERSION_PREFIX}{retrain_date.date().isoformat()}"
    out["model_uri"] = ""
    out["retrain_date"] = retrain_date
    return out.loc[:, list(WALK_FORWARD_COLUMNS)]


def walk_forward_predictions(
    features: pd.DataFrame,
    feature_names: list[str],
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    retrain_every_days: int,
    window: WindowSettings,
    cv: CvSettings,
    model: ModelSettings,
    distribution: DistributionSettings,
    seed: int,
    progress: ProgressFn | None = None,
    memo: BlockMemo | None = None,
    models: ModelMemo | None = None,
) -> pd.DataFrame:
    """Predictions (:data:`WALK_FORWARD_COLUMNS`) for every history row dated in ``[start, end]``.

    DNP rows are predicted too: the book may post a line for a player who then sits (the bet is void).
    ``memo`` (optional) caches each retrain block: a block depends only on the days up to its last one, so a
    range extended by a day retrains only its last block. ``models`` (optional) caches each block's fitted
    ensemble: a day added inside that last block then predicts the block with the stored model, with no retrain.
    """
    history = features.loc[~features["is_slate"].astype(bool)]
    in_range = history.loc[(history["game_date"] >= start) & (history["game_date"] <= end)]
    if in_range.empty:
        raise DataError(f"no feature rows between {start.date()} and {end.date()}")
    retrain = retrain_dates(in_range["game_date"], start, retrain_every_days)
    blocks = sorted(retrain.unique())
    parts: list[pd.DataFrame] = []
    for i, day in enumerate(blocks):
        day = pd.Timestamp(day)
        rows = in_range.loc[(retrain == day).to_numpy()]

        def fit(day: pd.Timestamp = day) -> Ensemble:
            return train_ensemble(
                as_of_frame(history, day, window), feature_names,
                window=window, cv=cv, model=model, distribution=distribution, seed=seed,
            ).ensemble

        def compute(day: pd.Timestamp = day, rows: pd.DataFrame = rows,
                    fit: Callable[[], Ensemble] = fit) -> pd.DataFrame:
            ensemble = models(day, fit) if models else fit()
            predicted = ensemble.predict(rows)
            return backtest_prediction_frame(rows, predicted["mean"].to_numpy(float),
                                             predicted["var"].to_numpy(float), distribution.family, day)

        parts.append(memo(day, pd.Timestamp(rows["game_date"].max()), compute) if memo else compute())
        log.info("backtest retrain %d/%d as of %s: predicted %d rows", i + 1, len(blocks), day.date(), len(rows))
        if progress:
            progress(i + 1, len(blocks), f"retrain as of {day.date()}")
    return pd.concat(parts, ignore_index=True)
