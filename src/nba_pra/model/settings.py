"""Settings of the training window, folds, models and predictive distribution."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class FoldScheme(enum.StrEnum):
    EXPANDING = "expanding"
    SLIDING = "sliding"


class DistributionFamily(enum.StrEnum):
    GAMMA = "gamma"
    NEGBIN = "negbin"


@dataclass(frozen=True)
class WindowSettings:
    #: seasons of history (ending the day before the as-of date) the model trains on
    n_seasons: int = 3
    #: calendar days counted as one season when the window is turned into dates
    days_per_season: int = 365


@dataclass(frozen=True)
class CvSettings:
    n_folds: int = 19
    scheme: FoldScheme = FoldScheme.EXPANDING
    #: share of the window's game dates before the first validation block (no fold is a tiny model)
    min_train_fraction: float = 0.5
    #: days dropped between a fold's last training date and its first validation date
    embargo_days: int = 1
    #: extra leading validation blocks whose out-of-fold residuals only seed the first variance model
    variance_warmup_blocks: int = 1


@dataclass(frozen=True)
class EvaluationSettings:
    #: bins of the reliability diagram, PIT histogram and variance deciles
    n_bins: int = 10
    #: baseline forecaster name -> the feature column it predicts with (scored on the same rows as the model)
    baselines: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OverCalibrationSettings:
    """Platt scaling of P(over) at book lines, fitted out of fold (:mod:`nba_pra.model.recalibration`)."""

    enabled: bool = True
    #: out-of-fold decided rows needed before a block (or the registered model) gets a fitted map
    min_rows: int = 1000
    #: probabilities are clipped to ``[clip, 1 - clip]`` before the logit
    clip: float = 1e-4
    max_iter: int = 50
    #: the map holds between these quantiles of the fit rows' raw P(over); beyond, it tapers to the raw value
    range_quantile: float = 0.001


@dataclass(frozen=True)
class ModelSettings:
    kind: str = "xgboost"
    mean_params: dict = field(default_factory=dict)
    variance_params: dict = field(default_factory=dict)
    #: histogram bins per feature, shared by both models (the window is binned once)
    max_bin: int = 64
    #: columns kept by the screening fit on the first fold's training rows (None: every feature)
    screen_keep: int | None = None
    mean_rounds: int = 300
    variance_rounds: int = 150
    #: floor on the predicted variance, as a fraction of the predicted mean (keeps distributions proper)
    min_variance_ratio: float = 0.25
    #: added to squared residuals before the log (PRA^2), so exact predictions do not give log(0)
    variance_log_offset: float = 1.0
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)
    over_calibration: OverCalibrationSettings = field(default_factory=OverCalibrationSettings)


@dataclass(frozen=True)
class DistributionSettings:
    family: DistributionFamily = DistributionFamily.GAMMA
