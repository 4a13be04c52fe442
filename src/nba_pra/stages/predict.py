"""Stage ``predict``: the next slate's features + ``models:/<name>@<alias>`` -> ``artifacts/predictions.parquet``.

Each row: predicted mean and variance, the fitted distribution's parameters, its median, and the resolved
model version (so every prediction names the model that made it).

Shadow predictions: with ``tracking.shadow_alias`` set (e.g. ``challenger``) and that alias on a version other
than the predict alias's, the same slate is also predicted by it into ``artifacts/shadow_predictions.parquet``.
Nothing bets on that file (the bet stage reads ``predictions.parquet`` only); the ledger stage stores and scores
both, the live A/B record. The file is always written (empty when off) because DVC expects every output.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.errors import DataError, TrackingError
from nba_pra.model import distributions
from nba_pra.model.ensemble import Ensemble, calibration_from_columns
from nba_pra.model.predictions import prediction_frame
from nba_pra.stages._runner import run_stage
from nba_pra.tracking.client import Tracker

log = logging.getLogger(__name__)



def predict_slate(slate: pd.DataFrame, ensemble: Ensemble, family: distributions.DistributionFamily) -> pd.DataFrame:
    """The prediction table for the slate rows with the ensemble's mean and variance (the registered pyfunc's
    ``predict``: its input schema is the ensemble's features, as float64)."""
    raw = ensemble.predict(slate[ensemble.feature_names].astype("float64"))
    return prediction_frame(slate, raw["mean"], raw["var"], family, calibration_from_columns(raw))


def shadow_predictions(tracker: Tracker, shadow_alias: str | None, champion_version: str, slate: pd.DataFrame,
                       family: distributions.DistributionFamily, cache_dir: Path) -> pd.DataFrame:
    """The slate predicted by ``shadow_alias``'s version; empty when the alias is off, missing, or the champion."""
    if shadow_alias is None:
        return pd.DataFrame()
    resolved = tracker.try_resolve(shadow_alias)
    if resolved is None or resolved.version == champion_version:
        log.info("shadow: @%s is %s, nothing to predict beside version %s", shadow_alias,
                 "not set" if resolved is None else "the same version", champion_version)
        return pd.DataFrame()
    try:
        model, _ = tracker.load_ensemble(shadow_alias, cache_dir)
    except TrackingError as exc:  # the shadow only observes: it never stops the champion's slate and bets
        log.warning("shadow: cannot load @%s (version %s), no shadow predictions today: %s", shadow_alias,
                    resolved.version, exc)
        return pd.DataFrame()
    shadow = predict_slate(slate, model, family)
    shadow["model_version"] = resolved.version
    shadow["model_uri"] = tracker.version_uri(resolved.version)
    log.info("shadow: predicted %d players with version %s (@%s); never bet on", len(shadow), resolved.version,
             shadow_alias)
    return shadow


def run(project: Project) -> pd.DataFrame:
    s = project.settings
    slate = artifacts.read_slate_features(project)
    if slate.empty:
        raise DataError("the feature table has no slate rows: there is no scheduled game to predict")
    tracker = Tracker(s.tracking, project.root)
    cache_dir = artifacts.MODEL_CACHE.path(project)
    ensemble, resolved = tracker.load_ensemble(s.tracking.predict_alias, cache_dir)
    predictions = predict_slate(slate, ensemble, s.distribution.family)
    predictions["model_version"] = resolved.version
    predictions["model_uri"] = tracker.version_uri(resolved.version)
    artifacts.write_frame(project, artifacts.PREDICTIONS, predictions)
    log.info(
        "predicted %d players for %s with %s version %s (@%s)", len(predictions),
        predictions["game_date"].min().date(), resolved.name, resolved.version, resolved.alias,
    )
    shadow = shadow_predictions(tracker, s.tracking.shadow_alias, resolved.version, slate, s.distribution.family,
                                cache_dir)
    artifacts.write_frame(project, artifacts.SHADOW_PREDICTIONS, shadow)
    return predictions


if __name__ == "__main__":
    run_stage(run)
