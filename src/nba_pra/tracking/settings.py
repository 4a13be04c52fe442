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
    #: compare versions on the last this many days of the held-out rows they share
    promotion_window_days: int = 60
    #: fewer shared held-out rows than this => fall back to each version's own validation score
    promotion_min_rows: int = 500
    #: after training, compare the new challenger with the champion and promote it when it wins
    auto_promote: bool = True
    #: seconds a process waits for another one to finish creating the SQLite store or registering a version
    lock_timeout_s: float = 120.0
