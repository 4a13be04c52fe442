"""The project's walk-forward predictions of history, from the prediction cache or computed and stored.

The cache key is everything the predictions depend on (:func:`prediction_material`); each retrain block's
predictions and fitted ensemble are also cached on their own (:class:`WalkForwardCache`), so a day added to the
data re-predicts only the last block, and a day added inside that block is predicted by the stored model
instead of a retrain. ``backtest.executor`` picks where the missing blocks are fitted (:func:`fit_executor`).
The evidence replay's (period, method) prices and the gate's evidence per block are cached beside them
(:func:`replay_memo`, :func:`evidence_memo`), so a new day reprices only the last period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra import artifacts
from nba_pra.backtest.settings import BacktestSettings, Executor
from nba_pra.betting.gate import Evidence
from nba_pra.config import Project, Settings
from nba_pra.data.schema import PLAYER_GAME_COLUMNS
from nba_pra.evaluation.cache import (
    CacheEntry,
    PredictionCache,
    cache_key,
    frame_fingerprint,
    row_hashes,
    rows_fingerprint,
)
from nba_pra.evaluation.walkforward import (
    BlockFit,
    FitExecutor,
    backtest_range,
    block_starts,
    fit_locally,
    training_settings,
    walk_forward_predictions,
)
from nba_pra.evidence.gate_figures import EvidenceMemo
from nba_pra.evidence.replay import PeriodMemo
from nba_pra.features.engine import build_features
from nba_pra.features.registry import feature_names
from nba_pra.model import retrain
from nba_pra.model.ensemble import Ensemble
from nba_pra.progress import progress_bar

log = logging.getLogger(__name__)


def prediction_material(settings: Settings, box_scores: pd.DataFrame,
                        anchors: Sequence[pd.Timestamp] = ()) -> dict[str, Any]:
    """Everything the walk-forward predictions depend on (the cache key's input); with ``anchors``
    (:func:`retrain_anchors`), also the retrain blocks' first days they lead to."""
    bt = settings.backtest
    start, end = backtest_range(box_scores, bt.start, bt.end)
    cv, model = training_settings(settings.cv, settings.model, bt.model)
    material = {
        "start": start, "end": end, "retrain_every_days": bt.retrain_every_days, "seed": settings.seed,
        "features": settings.features, "window": settings.window, "cv": cv, "model": model,
        "distribution": settings.distribution, "box_scores": frame_fingerprint(box_scores),
    }
    if anchors:
        material["block_starts"] = block_starts(start, end, bt.retrain_every_days, anchors)
    return material


def retrain_anchors(project: Project) -> tuple[pd.Timestamp, ...]:
    """The daily model's retrain days (the training window's ends, :mod:`nba_pra.model.retrain`) when the
    backtest range is the default one (the current season, as the evidence stage replays it); none for a range
    that starts on a given day, whose blocks are counted from that day.

    Aligned on them, the evidence's retrain blocks start on the days the ``train`` stage retrains, so a day that
    does not retrain the model retrains no evidence block either (:func:`walk_forward_predictions` fits the
    block starting on the retrain day that morning).
    """
    if project.settings.backtest.start is not None:
        return ()
    record = artifacts.read_json(project, artifacts.TRAINING_WINDOW) or {}
    return tuple(pd.Timestamp(day) for day in retrain.window_ends(record))


def cached_predictions(
    project: Project, box_scores: pd.DataFrame, features: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, CacheEntry]:
    """The walk-forward predictions for the project's settings: from the cache, or computed and stored.

    ``features`` (optional) are :func:`build_features` of ``box_scores`` with an empty slate, when the caller has
    them already.
    """
    s = project.settings
    anchors = retrain_anchors(project)
    material = prediction_material(s, box_scores, anchors)
    key = cache_key(material)
    cache = PredictionCache(project.root / s.backtest.cache_dir)
    cached = cache.load(key)
    if cached is not None:
        return cached, CacheEntry(key, cache.path(key), hit=True)
    log.info("prediction cache miss %s: walk-forward retraining %s..%s (blocks already cached are reused)", key,
             material["start"].date(), material["end"].date())
    if features is None:
        with progress_bar("history features", log=log) as update:
            features = history_features(box_scores, s, progress=update)
    with progress_bar("backtest retrains") as update:
        fit = BlockFit(feature_names=feature_names(s.features), window=s.window, cv=material["cv"],
                       model=material["model"], distribution=s.distribution, seed=s.seed)
        predictions = walk_forward_predictions(
            features, fit, start=material["start"], end=material["end"],
            retrain_every_days=s.backtest.retrain_every_days, anchors=anchors, progress=update,
            cache=WalkForwardCache(cache, material, box_scores), executor=fit_executor(s.backtest),
        )
    return predictions, CacheEntry(key, cache.store(key, predictions, material), hit=False)


def fit_executor(backtest: BacktestSettings) -> FitExecutor:
    """The executor ``backtest.executor`` names: local fits, or Ray tasks on ``backtest.ray``'s cluster."""
    if backtest.executor is Executor.RAY:
        from nba_pra.evaluation.ray_executor import ray_executor

        return ray_executor(backtest.ray)
    return fit_locally


#: keys of the whole range's material that a retrain block's entry does not depend on
_RANGE_KEYS: Final = ("start", "end", "box_scores", "block_starts")


@dataclass(frozen=True)
class WalkForwardCache:
    """The retrain blocks' entries of a :class:`PredictionCache` (a :class:`~nba_pra.evaluation.walkforward.
    BlockCache`), keyed by the settings of ``material`` (not its range or block partition) and by a fingerprint
    of the box scores each entry can see.

    A block's predictions: its retrain day, its last day and the box scores up to that last day (what its
    features and its training can see), not the whole range. A block's ensemble: its retrain day and the box
    scores dated before that day, everything its fit can see (training rows before the day, whose features are
    as-of; the day's own rows are the slate, whose results no fit reads). Rows dated on or after the day are not
    in the key, so a model fitted on the morning of its day serves the block's days that arrive later; a changed
    earlier row changes the key.
    """

    store: PredictionCache
    material: dict[str, Any]
    box_scores: pd.DataFrame
    #: fingerprint per ``seen_before`` (a block's lookup and its store hash the same rows once)
    _fingerprints: dict[pd.Timestamp, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def _rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The box scores' dates and row hashes, computed once: each fingerprint hashes a subset of them."""
        return pd.to_datetime(self.box_scores["game_date"]).to_numpy(), row_hashes(self.box_scores)

    def _material(self, seen_before: pd.Timestamp, **block: Any) -> dict[str, Any]:
        """The settings, the block's own keys and a fingerprint of the box scores dated before ``seen_before``
        (:func:`frame_fingerprint` of those rows)."""
        if seen_before not in self._fingerprints:
            dates, hashes = self._rows
            self._fingerprints[seen_before] = rows_fingerprint(self.box_scores.columns,
                                                               hashes[dates < seen_before.to_datetime64()])
        settings = {k: v for k, v in self.material.items() if k not in _RANGE_KEYS}
        return {**settings, **block, "box_scores": self._fingerprints[seen_before]}

    def _predictions_material(self, day: pd.Timestamp, last: pd.Timestamp) -> dict[str, Any]:
        return self._material(last + pd.Timedelta(days=1), block="retrain", retrain=day, last=last)

    def _model_material(self, day: pd.Timestamp) -> dict[str, Any]:
        # "seen": the key counts the rows before the day (it counted the day's own rows until the fit could run
        # before them)
        return self._material(day, block="model", retrain=day, seen="before")

    def predictions(self, day: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame | None:
        return self.store.load(cache_key(self._predictions_material(day, last)))

    def store_predictions(self, day: pd.Timestamp, last: pd.Timestamp, frame: pd.DataFrame) -> None:
        material = self._predictions_material(day, last)
        self.store.store(cache_key(material), frame, material)

    def model(self, day: pd.Timestamp) -> Ensemble | None:
        return self.store.load_model(cache_key(self._model_material(day)))

    def store_model(self, day: pd.Timestamp, ensemble: Ensemble) -> None:
        material = self._model_material(day)
        self.store.store_model(cache_key(material), ensemble, material)


#: the two frames of a replayed (period, method), in :data:`PeriodMemo`'s order
_REPLAY_PARTS = ("targets", "bets")


def replay_memo(cache: PredictionCache) -> PeriodMemo:
    """A replayed (period, method) -- its prices at the consensus and its settled bets -- cached under the
    material :func:`nba_pra.evidence.replay.replay` names (the period's own inputs, fits and settings)."""

    def memo(material: dict[str, Any],
             compute: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
        key = cache_key(material)
        found = cache.load_frames("replay", key, _REPLAY_PARTS)
        if found is not None:
            return found[0], found[1]
        targets, bets = compute()
        cache.store_frames("replay", key, dict(zip(_REPLAY_PARTS, (targets, bets), strict=True)), material)
        return targets, bets

    return memo


def evidence_memo(cache: PredictionCache) -> EvidenceMemo:
    """The evidence as of a day, cached under the material :func:`nba_pra.evidence.gate_figures.evidence_before`
    names (its window's props and bets, the stack and the settings)."""

    def memo(material: dict[str, Any], compute: Callable[[], Evidence]) -> Evidence:
        key = cache_key(material)
        found = cache.load_record("evidence", key)
        if found is not None:
            return Evidence.from_dict(found)
        evidence = compute()
        cache.store_record("evidence", key, evidence.to_dict(), material)
        return evidence

    return memo


def history_features(box_scores: pd.DataFrame, settings: Settings,
                     progress: Callable[[int, int, str], None] | None = None) -> pd.DataFrame:
    """Features of every box-score row (as-of by construction) with no slate: the walk-forward's input."""
    return build_features(box_scores, empty_slate(), settings.features, progress=progress)


def empty_slate() -> pd.DataFrame:
    """A slate with no rows (the backtest predicts history rows, never a future slate)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in PLAYER_GAME_COLUMNS})
