"""Walk-forward predictions: every game day of the range predicted by a model trained only on earlier days.

Features come from one :func:`~nba_pra.features.engine.build_features` pass over the whole history (each row's
features only see games dated strictly before it, so the pass is as-of by construction). The range's game days
are cut into retrain blocks of ``retrain_every_days`` calendar days; the block starting on day ``R`` is predicted
by :func:`~nba_pra.model.train.train_ensemble` run on the feature rows dated before ``R`` with ``R``'s rows
marked as the slate (so the folds, the rolling window and the variance model are exactly the daily pipeline's).

The blocks' fits are independent of one another, so an executor (:data:`FitExecutor`) may run them anywhere and
in any order: :func:`fit_locally` one after another, :mod:`nba_pra.evaluation.ray_executor` as Ray tasks. Each
fit is a pure function of (history, retrain day, :class:`BlockFit`), so where it ran never changes a prediction.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from nba_pra.backtest.settings import BacktestModelSettings
from nba_pra.betting.engine import PREDICTION_COLUMNS
from nba_pra.errors import DataError
from nba_pra.model import distributions
from nba_pra.model.backends import backend_for
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


class BlockCache(Protocol):
    """Stored results of retrain blocks (:class:`nba_pra.evaluation.predictions.WalkForwardCache`).

    A block's predictions depend only on the days up to its last one, so a range extended by a day re-predicts
    only its last block. A block's fitted ensemble sees only rows dated up to its retrain day (the day's own
    results hidden), so rows of the block that arrive later are predicted by the stored model, with no refit.
    """

    def predictions(self, day: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame | None: ...

    def store_predictions(self, day: pd.Timestamp, last: pd.Timestamp, frame: pd.DataFrame) -> None: ...

    def model(self, day: pd.Timestamp) -> Ensemble | None: ...

    def store_model(self, day: pd.Timestamp, ensemble: Ensemble) -> None: ...


@dataclass(frozen=True)
class BlockFit:
    """One retrain's recipe: everything its fit reads besides the history rows (picklable for a Ray task)."""

    feature_names: list[str]
    window: WindowSettings
    cv: CvSettings
    model: ModelSettings
    distribution: DistributionSettings
    seed: int

    def __call__(self, history: pd.DataFrame, day: pd.Timestamp) -> Ensemble:
        """The ensemble a daily run on ``day`` would train (:func:`as_of_frame`: the day's results hidden)."""
        return train_ensemble(
            as_of_frame(history, day, self.window), self.feature_names,
            window=self.window, cv=self.cv, model=self.model, distribution=self.distribution, seed=self.seed,
        ).ensemble

    @property
    def threads(self) -> int | None:
        """The library threads one fit uses (the mean model's thread parameter; None when unset: the library
        then takes every core it sees)."""
        threads = self.model.mean_params.get(backend_for(self.model.kind).threads_param)
        return None if threads is None else int(threads)


#: ``(recipe, history, retrain days) -> (day, ensemble)`` pairs, in any order, each as soon as its fit ends
FitExecutor = Callable[[BlockFit, pd.DataFrame, Sequence[pd.Timestamp]], Iterator[tuple[pd.Timestamp, Ensemble]]]


def fit_locally(fit: BlockFit, history: pd.DataFrame,
                days: Sequence[pd.Timestamp]) -> Iterator[tuple[pd.Timestamp, Ensemble]]:
    """The local executor: the fits one after another in this process, in the order given."""
    for day in days:
        yield day, fit(history, day)


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
    """The project's fold and model settings with the backtest's lighter values (null keeps the project's);
    ``threads`` sets the library's thread parameter of both the mean and the variance model."""
    if light.n_folds is not None:
        cv = dataclasses.replace(cv, n_folds=light.n_folds)
    lighter = (("mean_rounds", light.mean_rounds), ("variance_rounds", light.variance_rounds))
    changes: dict[str, Any] = {k: v for k, v in lighter if v is not None}
    if light.threads is not None:
        threads = {backend_for(model.kind).threads_param: light.threads}
        changes["mean_params"] = {**model.mean_params, **threads}
        changes["variance_params"] = {**model.variance_params, **threads}
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
    fit: BlockFit,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    retrain_every_days: int,
    progress: ProgressFn | None = None,
    cache: BlockCache | None = None,
    executor: FitExecutor = fit_locally,
) -> pd.DataFrame:
    """Predictions (:data:`WALK_FORWARD_COLUMNS`) for every history row dated in ``[start, end]``.

    DNP rows are predicted too: the book may post a line for a player who then sits (the bet is void).
    Blocks are served from ``cache`` where it holds them (predictions, else the fitted model); the rest are fitted
    by ``executor``, and each fitted block is stored and predicted as soon as its fit returns, so an interrupted
    run keeps every block it finished.
    """
    history = features.loc[~features["is_slate"].astype(bool)]
    in_range = history.loc[(history["game_date"] >= start) & (history["game_date"] <= end)]
    if in_range.empty:
        raise DataError(f"no feature rows between {start.date()} and {end.date()}")
    retrain = retrain_dates(in_range["game_date"], start, retrain_every_days)
    blocks = {pd.Timestamp(day): in_range.loc[(retrain == day).to_numpy()] for day in sorted(retrain.unique())}
    last = {day: pd.Timestamp(rows["game_date"].max()) for day, rows in blocks.items()}
    parts: dict[pd.Timestamp, pd.DataFrame] = {}

    def done(day: pd.Timestamp, frame: pd.DataFrame, how: str) -> None:
        parts[day] = frame
        log.info("backtest retrain %d/%d as of %s (%s): predicted %d rows", len(parts), len(blocks), day.date(),
                 how, len(frame))
        if progress:
            progress(len(parts), len(blocks), f"retrain as of {day.date()}")

    def predict(day: pd.Timestamp, ensemble: Ensemble, how: str) -> None:
        rows = blocks[day]
        predicted = ensemble.predict(rows)
        frame = backtest_prediction_frame(rows, predicted["mean"].to_numpy(float), predicted["var"].to_numpy(float),
                                          fit.distribution.family, day)
        if cache:
            cache.store_predictions(day, last[day], frame)
        done(day, frame, how)

    to_fit: list[pd.Timestamp] = []
    for day in blocks:
        stored = cache.predictions(day, last[day]) if cache else None
        if stored is not None:
            done(day, stored, "cached predictions")
            continue
        model = cache.model(day) if cache else None
        if model is None:
            to_fit.append(day)
        else:
            predict(day, model, "cached model")
    for day, ensemble in executor(fit, history, to_fit):
        if cache:
            cache.store_model(day, ensemble)
        predict(day, ensemble, "fitted")
    return pd.concat([parts[day] for day in blocks], ignore_index=True)
