"""Settings of MLflow tracking and the model registry (``conf/tracking/``)."""

from __future__ import annotations

from nba_pra.schema import NonNegative, NonNegInt, Positive, settings


@settings
class TrackingSettings:
    uri: str
    experiment: str
    model_name: str
    champion_alias: str
    challenger_alias: str
    predict_alias: str
    promotion_metric: str
    promotion_margin: NonNegative
    promotion_window_days: NonNegInt
    promotion_min_rows: NonNegInt
    auto_promote: bool
    lock_timeout_s: Positive
