"""Walk-forward predictions: every game day of the range predicted by a model trained only on earlier days.

Features come from one :func:`~nba_pra.features.engine.build_features` pass over the whole history (each row's
features only see games dated strictly before it, so the pass is as-of by construction). The range's game days
are cut into retrain blocks (:func:`block_starts`): every ``retrain_every_days`` calendar days from the range's
first day, or, given anchors (the daily model's retrain days), on each anchor and every ``retrain_every_days``
days around them. The block starting on day ``R`` is predicted by :func:`~nba_pra.model.train.train_ensemble` run
as of ``R`` on the feature rows dated before ``R`` (so the folds, the rolling window and the variance model are
exactly the daily pipeline's); ``R``'s own rows are the slate, whose results no fit reads.

The blocks' fits are independent of one another, so an executor (:data:`FitExecutor`) may run them anywhere and
in any order: :func:`fit_locally` one after another, :mod:`nba_pra.evaluation.ray_executor` as Ray tasks. Each
fit is a pure function of (history, retrain day, :class:`BlockFit`), so where it ran never changes a prediction.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
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
    only its last block. A block's fitted ensemble sees only rows dated before its retrain day (the day's own
    results are hidden), so it can be fitted before the day's games, and rows of the block that arrive later are
    predicted by the stored model, with no refit.
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
        """The ensemble a daily run on ``day`` would train (:func:`as_of_frame`: the day's results hidden).

        It reads only rows dated before ``day`` (the as-of date is ``day`` itself, so it is the same whether or
        not ``history`` holds ``day``'s rows yet: a block can be fitted on the morning of its first day).
        """
        return train_ensemble(
            as_of_frame(history, day, self.window), self.feature_names,
            window=self.window, cv=self.cv, model=self.model, distribution=self.distribution, seed=self.seed,
            as_of=day,
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


def block_starts(start: pd.Timestamp, end: pd.Timestamp, every_days: int,
                 anchors: Sequence[pd.Timestamp] = ()) -> list[pd.Timestamp]:
    """The first calendar days of the retrain blocks that cover ``[start, end]``, sorted; ``start`` is the first.

    Without anchors: ``start + k * every_days`` (k = 0, 1, ...). With anchors (sorted or not; the days the daily
    model retrained, :mod:`nba_pra.model.retrain`), every anchor starts a block, and so does every day
    ``every_days`` apart counted from the nearest anchor before it -- or, before the first anchor, back from it:
    ``a_1 - k * every_days``, then ``a_i + k * every_days`` while before ``a_(i+1)``, ``a_n + k * every_days``
    after the last. No block is longer than ``every_days`` days, and when the anchors are ``every_days`` apart
    the blocks are exactly the model's retrain weeks.
    """
    if every_days < 1:
        raise DataError(f"backtest.retrain_every_days must be at least 1, got {every_days}")
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    step = pd.Timedelta(days=every_days)
    if not anchors:
        return list(pd.date_range(start, end, freq=step))
    marks = sorted({pd.Timestamp(a).normalize() for a in anchors})
    points = set(marks)
    before = (marks[0] - start).days // every_days  # lattice days back from the first anchor, after ``start``
    points.update(marks[0] - k * step for k in range(1, before + 1))
    for lo, hi in zip(marks, [*marks[1:], end + pd.Timedelta(days=1)], strict=True):
        points.update(lo + k * step for k in range(1, -(-(hi - lo).days // every_days)))
    return [start, *sorted(p for p in points if start < p <= end)]


def retrain_dates(game_days: pd.Series, start: pd.Timestamp, every_days: int,
                  anchors: Sequence[pd.Timestamp] = ()) -> pd.Series:
    """For each game day, the first game day of its block (:func:`block_starts` of ``start``, ``every_days`` and
    ``anchors``).

    A block without a game day simply has no model; a block's model is trained as of its first game day.
    """
    days = pd.to_datetime(game_days)
    starts = pd.DatetimeIndex(block_starts(start, days.max(), every_days, anchors))
    block = pd.Series(starts.searchsorted(days, side="right") - 1, index=days.index)
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


def _history_blocks(features: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, retrain_every_days: int,
                    anchors: Sequence[pd.Timestamp]) -> tuple[pd.DataFrame, dict[pd.Timestamp, pd.DataFrame]]:
    """The history rows (the slate has no result to predict) and its rows in ``[start, end]`` split by retrain day,
    in date order."""
    history = features.loc[~features["is_slate"].astype(bool)]
    in_range = history.loc[(history["game_date"] >= start) & (history["game_date"] <= end)]
    if in_range.empty:
        raise DataError(f"no feature rows between {start.date()} and {end.date()}")
    retrain = retrain_dates(in_range["game_date"], start, retrain_every_days, anchors)
    blocks = {pd.Timestamp(day): in_range.loc[(retrain == day).to_numpy()] for day in sorted(retrain.unique())}
    return history, blocks


def _day_to_fit_ahead(history: pd.DataFrame, anchors: Sequence[pd.Timestamp],
                      cache: BlockCache | None) -> pd.Timestamp | None:
    """Today's retrain day when its model should be fitted and cached now: the last anchor, if it is after every
    game in the history and the cache holds no model for it yet (None otherwise, and always without a cache)."""
    # after every game in the history, not merely after ``end``, which a backtest may set in the past: fitting a
    # model for a day long after its range would only cost minutes
    upcoming = pd.Timestamp(max(anchors)).normalize() if anchors else None
    if cache and upcoming is not None and upcoming > history["game_date"].max() and cache.model(upcoming) is None:
        return upcoming
    return None


@dataclass
class _BlockRun:
    """The retrain blocks of one walk-forward run and the predictions made so far: each block is stored, logged
    and reported as soon as it is predicted, so an interrupted run keeps every block it finished."""

    blocks: dict[pd.Timestamp, pd.DataFrame]
    family: distributions.DistributionFamily
    cache: BlockCache | None
    progress: ProgressFn | None
    #: each block's last game day (a cached block is valid up to it)
    last: dict[pd.Timestamp, pd.Timestamp] = field(init=False)
    parts: dict[pd.Timestamp, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last = {day: pd.Timestamp(rows["game_date"].max()) for day, rows in self.blocks.items()}

    def done(self, day: pd.Timestamp, frame: pd.DataFrame, how: str) -> None:
        """Keep a block's predictions, log them and report the progress."""
        self.parts[day] = frame
        log.info("backtest retrain %d/%d as of %s (%s): predicted %d rows", len(self.parts), len(self.blocks),
                 day.date(), how, len(frame))
        if self.progress:
            self.progress(len(self.parts), len(self.blocks), f"retrain as of {day.date()}")

    def predict(self, day: pd.Timestamp, ensemble: Ensemble, how: str) -> None:
        """Predict a block's rows with its ensemble and store the predictions in the cache."""
        rows = self.blocks[day]
        predicted = ensemble.predict(rows)
        frame = backtest_prediction_frame(rows, predicted["mean"].to_numpy(float), predicted["var"].to_numpy(float),
                                          self.family, day)
        if self.cache:
            self.cache.store_predictions(day, self.last[day], frame)
        self.done(day, frame, how)

    def serve_cached(self) -> list[pd.Timestamp]:
        """Serve every block the cache holds (its predictions, else its model); return the days left to fit."""
        to_fit: list[pd.Timestamp] = []
        for day in self.blocks:
            stored = self.cache.predictions(day, self.last[day]) if self.cache else None
            if stored is not None:
                self.done(day, stored, "cached predictions")
                continue
            model = self.cache.model(day) if self.cache else None
            if model is None:
                to_fit.append(day)
            else:
                self.predict(day, model, "cached model")
        return to_fit

    def frame(self) -> pd.DataFrame:
        """Every block's predictions, in date order."""
        return pd.concat([self.parts[day] for day in self.blocks], ignore_index=True)


def walk_forward_predictions(
    features: pd.DataFrame,
    fit: BlockFit,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    retrain_every_days: int,
    anchors: Sequence[pd.Timestamp] = (),
    progress: ProgressFn | None = None,
    cache: BlockCache | None = None,
    executor: FitExecutor = fit_locally,
) -> pd.DataFrame:
    """Predictions (:data:`WALK_FORWARD_COLUMNS`) for every history row dated in ``[start, end]``, in blocks
    (:func:`retrain_dates` of ``start``, ``retrain_every_days`` and ``anchors``).

    DNP rows are predicted too: the book may post a line for a player who then sits (the bet is void).
    Blocks are served from ``cache`` where it holds them (predictions, else the fitted model); the rest are fitted
    by ``executor``, and each fitted block is stored and predicted as soon as its fit returns, so an interrupted
    run keeps every block it finished. With a cache, the last anchor, when it is after every game of the history
    (the daily model's retrain day today, whose games are not played yet), has its block's model fitted and
    stored now, from the rows before it: the days of that block then find their model in the cache instead of
    retraining.
    """
    history, blocks = _history_blocks(features, start, end, retrain_every_days, anchors)
    run = _BlockRun(blocks, fit.distribution.family, cache, progress)
    to_fit = run.serve_cached()
    ahead = _day_to_fit_ahead(history, anchors, cache)
    for day, ensemble in executor(fit, history, [*to_fit, *([ahead] if ahead is not None else [])]):
        if cache:
            cache.store_model(day, ensemble)
        if day == ahead:
            log.info("backtest retrain as of %s fitted ahead of its games (the model's retrain day)", day.date())
            continue
        run.predict(day, ensemble, "fitted")
    return run.frame()
