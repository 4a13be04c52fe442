"""Settings of MLflow tracking and the model registry (``conf/tracking/``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrackingSettings:
    #: MLflow tracking URI; a relative ``sqlite:///`` path is resolved against the project root
    uri: str = "sqlite:///mlflow.db"
    experiment: str = "nba-pra"
    model_name: str = "nba-pra"
    champion_alias: str = "champion"
    challenger_alias: str = "challenger"
    #: alias the predictor loads
    predict_alias: str = "champion"
    #: lower-is-better metric the promotion compares (logged by every training run)
    promotion_metric: str = "crps"
    #: relative improvement the challenger needs to take the champion alias
    promotion_margin: float = 0.0
