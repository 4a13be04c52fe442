"""Stage ``predict``: the next slate's features + ``models:/<name>@<alias>`` -> ``artifacts/predictions.parquet``.

Each row: predicted mean and variance, the fitted distribution's parameters, its median, and the resolved
model version (so every prediction names the model that made it).
"""

from __future__ import annotations

import logging

import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.errors import DataError
from nba_pra.model import distributions
from nba_pra.model.ensemble import calibration_from_columns
from nba_pra.model.predictions import prediction_frame
from nba_pra.stages._runner import run_stage
from nba_pra.tracking.client import Tracker

log = logging.getLogger(__name__)

#: read by the dashboard until it reads the catalog (nba_pra.artifacts)
PREDICTIONS_FILE = artifacts.PREDICTIONS.name


def predict_slate(slate: pd.DataFrame, model: object, family: distributions.DistributionFamily) -> pd.DataFrame:
    """The prediction table for the slate rows with the pyfunc ensemble's mean and variance."""
    input_names = model.metadata.get_input_schema().input_names()  # type: ignore[attr-defined]
    raw = model.predict(slate[input_names].astype("float64"))  # type: ignore[attr-defined]
    return prediction_frame(slate, raw["mean"], raw["var"], family, calibration_from_columns(raw))


def run(project: Project) -> pd.DataFrame:
    s = project.settings
    features = artifacts.read_features(project)
    slate = features[features["is_slate"].astype(bool)]
    if slate.empty:
        raise DataError("the feature table has no slate rows: there is no scheduled game to predict")
    tracker = Tracker(s.tracking, project.root)
    model, resolved = tracker.load_pyfunc(s.tracking.predict_alias)
    predictions = predict_slate(slate, model, s.distribution.family)
    predictions["model_version"] = resolved.version
    predictions["model_uri"] = tracker.version_uri(resolved.version)
    artifacts.write_frame(project, artifacts.PREDICTIONS, predictions)
    log.info(
        "predicted %d players for %s with %s version %s (@%s)", len(predictions),
        predictions["game_date"].min().date(), resolved.name, resolved.version, resolved.alias,
    )
    return predictions


if __name__ == "__main__":
    run_stage(run)
