"""Settings of the training window, folds, models and predictive distribution."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from nba_pra.schema import Count, Field, FoldCount, NonNegative, NonNegInt, OpenUnit, ProbClip, settings


class FoldScheme(enum.StrEnum):
    EXPANDING = "expanding"
    SLIDING = "sliding"


class ModelKind(enum.StrEnum):
    """The boosting library of the fold ensemble (conf/model/<kind>.yaml, :mod:`nba_pra.model.backends`)."""

    XGBOOST = "xgboost"
    LIGHTGBM = "lightgbm"


class DistributionFamily(enum.StrEnum):
    GAMMA = "gamma"
    NEGBIN = "negbin"


@settings
class WindowSettings:
    n_seasons: Count
    days_per_season: Count


@settings
class CvSettings:
    n_folds: FoldCount
    scheme: FoldScheme
    min_train_fraction: OpenUnit
    embargo_days: NonNegInt
    variance_warmup_blocks: NonNegInt


@settings
class EvaluationSettings:
    n_bins: Count
    baselines: dict[str, Any]


@settings
class OverCalibrationSettings:
    """Platt scaling of P(over) at book lines, fitted out of fold (:mod:`nba_pra.model.recalibration`)."""

    enabled: bool
    min_rows: NonNegInt
    clip: ProbClip
    max_iter: Count
    range_quantile: Annotated[float, Field(ge=0, lt=0.5)]


@settings
class ModelSettings:
    kind: ModelKind
    mean_params: dict[str, Any]
    variance_params: dict[str, Any]
    max_bin: Count
    screen_keep: Count | None
    mean_rounds: Count
    variance_rounds: Count
    min_variance_ratio: NonNegative
    variance_log_offset: NonNegative
    evaluation: EvaluationSettings
    over_calibration: OverCalibrationSettings
    retrain_every_days: Count


@settings
class DistributionSettings:
    family: DistributionFamily
