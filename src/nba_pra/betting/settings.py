"""Settings of pricing (``conf/pricing/``) and of the betting engine (``conf/betting/``)."""

from __future__ import annotations

import enum

from nba_pra.odds.market import ConsensusMethod, DevigMethod
from nba_pra.schema import Count, NonNegative, NonNegInt, Positive, PositiveUnit, ProbClip, Real, Unit, settings


class ConfidenceMethod(enum.StrEnum):
    """How ``confidence`` is computed: :func:`nba_pra.betting.kelly.confidence_distance`, or the side's P(win)."""

    DISTANCE = "distance"
    SIDE_PROBABILITY = "side_probability"


class PricingMethod(enum.StrEnum):
    """How an offer's probabilities are made (:mod:`nba_pra.betting.pricing` gives the formulas)."""

    MODEL = "model"
    RECALIBRATED = "recalibrated"
    MARKET = "market"
    MARKET_AWARE = "market_aware"


@settings
class SolverSettings:
    """Bisection for the market-implied mean (:mod:`nba_pra.betting.pricing`)."""

    mean_low: Positive
    mean_high: Positive
    steps: Count


@settings
class StackingSettings:
    """Walk-forward logistic stacking of the model on the market (:mod:`nba_pra.betting.stacking`)."""

    refit_every_days: Count
    min_train_props: NonNegInt
    l2: Positive
    max_iter: Count


@settings
class PricingSettings:
    """The one pricing path of the bet stage, the backtest and ``nba-pra market``."""

    method: PricingMethod
    devig: DevigMethod
    consensus: ConsensusMethod
    prob_clip: ProbClip
    solver: SolverSettings
    stacking: StackingSettings


@settings
class EvidenceSettings:
    """The evidence gate (:mod:`nba_pra.betting.gate`)."""

    required: bool
    window_days: Count
    min_bets: NonNegInt
    min_roi_lo: Real
    familywise_error: PositiveUnit
    require_clv: bool


@settings
class BettingSettings:
    kelly_fraction: PositiveUnit
    min_edge: Unit
    max_edge: NonNegative | None
    min_confidence: Unit
    confidence_method: ConfidenceMethod
    max_cv: Positive
    min_games: NonNegInt
    max_stake_fraction: PositiveUnit
    max_player_fraction: PositiveUnit
    max_game_fraction: PositiveUnit
    max_day_fraction: PositiveUnit
    same_player_correlation: Unit
    same_game_correlation: Unit
    stake_decimals: NonNegInt | None
    min_stake_fraction: Unit
    default_market: str
    suspect_edge: NonNegative
    evidence: EvidenceSettings
