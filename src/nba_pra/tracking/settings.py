"""Settings of MLflow tracking and the model registry (``conf/tracking/``)."""

from __future__ import annotations

from enum import StrEnum

from nba_pra.schema import Count, NonNegative, NonNegInt, OpenUnit, Positive, Real, settings


class PromotionRule(StrEnum):
    """How a challenger beats the champion (``tracking.promotion_rule``)."""

    #: the upper bound of the paired difference's interval is below ``promotion_threshold``
    INTERVAL = "interval"
    #: ``challenger < champion * (1 - promotion_margin)`` on the pooled scores
    MARGIN = "margin"


@settings
class CompareSettings:
    n_resamples: Count
    confidence: OpenUnit
    seed: NonNegInt
    min_dates: Count
    experiment: str


@settings
class TrackingSettings:
    uri: str
    experiment: str
    model_name: str
    champion_alias: str
    challenger_alias: str
    predict_alias: str
    shadow_alias: str | None
    promotion_metric: str
    promotion_rule: PromotionRule
    promotion_threshold: Real
    promotion_margin: NonNegative
    promotion_window_days: NonNegInt
    promotion_min_rows: NonNegInt
    auto_promote: bool
    lock_timeout_s: Positive
    compare: CompareSettings
