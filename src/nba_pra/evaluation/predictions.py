"""The project's walk-forward predictions of history, from the prediction cache or computed and stored.

The cache key is everything the predictions depend on (:func:`prediction_material`); each retrain block is also
cached on its own (:func:`block_memo`), so a day added to the data re-predicts only the last block, and each
block's fitted ensemble too (:func:`model_memo`), so a day added inside that block is predicted by the stored
model instead of a retrain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from nba_pra.betting.gate import Evidence
from nba_pra.config import Project, Settings
from nba_pra.data.schema import PLAYER_GAME_COLUMNS
from nba_pra.evaluation.cache import CacheEntry, PredictionCache, cache_key, frame_fingerprint
from nba_pra.evaluation.walkforward import (
    BlockMemo,
    ModelMemo,
    backtest_range,
    training_settings,
    walk_forward_predictions,
)
from nba_pra.evidence.gate_figures import EvidenceMemo
from nba_pra.evidence.replay import PeriodMemo
from nba_pra.features.engine import build_features
from nba_pra.features.registry import feature_names
from nba_pra.model.ensemble import Ensemble
from nba_pra.progress import progress_bar

log = logging.getLogger(__name__)

T = TypeVar("T")


def prediction_material(settings: Settings, box_scores: pd.DataFrame) -> dict[str, Any]:
    """Everything the walk-forward predictions depend on (the cache key's input)."""
    bt = settings.backtest
    start, end = backtest_range(box_scores, bt.start, bt.end)
    cv, model = training_settings(settings.cv, settings.model, bt.model)
    return {
        "start": start, "end": end, "retrain_every_days": bt.retrain_every_days, "seed": settings.seed,
        "features": settings.features, "window": settings.window, "cv": cv, "model": model,
        "distribution": settings.distribution, "box_scores": frame_fingerprint(box_scores),
    }


def cached_predictions(
    project: Project, box_scores: pd.DataFrame, features: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, CacheEntry]:
    """The walk-forward predictions for the project's settings: from the cache, or computed and stored.

    ``features`` (optional) are :func:`build_features` of ``box_scores`` with an empty slate, when the caller has
    them already.
    """
    s = project.settings
    material = prediction_material(s, box_scores)
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
        predictions = walk_forward_predictions(
            features, feature_names(s.features), start=material["start"], end=material["end"],
            retrain_every_days=s.backtest.retrain_every_days, window=s.window, cv=material["cv"],
            model=material["model"], distribution=s.distribution, seed=s.seed, progress=update,
            memo=block_memo(cache, material, box_scores), models=model_memo(cache, material, box_scores),
        )
    return predictions, CacheEntry(key, cache.store(key, predictions, material), hit=False)


def _load_or_compute(material: dict[str, Any], load: Callable[[str], T | None],
                     store: Callable[[str, T, dict[str, Any]], object], compute: Callable[[], T]) -> T:
    """The cached value under ``cache_key(material)``, or ``compute()`` stored there with its material."""
    key = cache_key(material)
    found = load(key)
    if found is not None:
        return found
    value = compute()
    store(key, value, material)
    return value


def block_memo(cache: PredictionCache, material: dict[str, Any], box_scores: pd.DataFrame) -> BlockMemo:
    """A retrain block cached under the settings, its retrain day, its last day and a fingerprint of the box
    scores up to that day (what its features and its training can see), not of the whole range."""
    dates = pd.to_datetime(box_scores["game_date"])
    settings = {k: v for k, v in material.items() if k not in ("start", "end", "box_scores")}

    def memo(day: pd.Timestamp, last: pd.Timestamp, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        block = {**settings, "block": "retrain", "retrain": day, "last": last,
                 "box_scores": frame_fingerprint(box_scores.loc[(dates <= last).to_numpy()])}
        return _load_or_compute(block, cache.load, cache.store, compute)

    return memo


def model_memo(cache: PredictionCache, material: dict[str, Any], box_scores: pd.DataFrame) -> ModelMemo:
    """A retrain block's ensemble cached under the settings, its retrain day and a fingerprint of the box scores
    dated up to that day: everything its fit can see (training rows before the day, whose features are as-of,
    and the day's rows as the slate with their results hidden). Rows dated after the day are not in the key, so
    the days that arrive later in the block reuse the model; a changed earlier row changes the key."""
    dates = pd.to_datetime(box_scores["game_date"])
    settings = {k: v for k, v in material.items() if k not in ("start", "end", "box_scores")}

    def memo(day: pd.Timestamp, fit: Callable[[], Ensemble]) -> Ensemble:
        block = {**settings, "block": "model", "retrain": day,
                 "box_scores": frame_fingerprint(box_scores.loc[(dates <= day).to_numpy()])}
        return _load_or_compute(block, cache.load_model, cache.store_model, fit)

    return memo


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
