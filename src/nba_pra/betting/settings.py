"""Settings of the betting engine (``conf/betting/``).

Every threshold, cap and correlation the engine uses lives here; the YAML in ``conf/betting/default.yaml``
sets them. Fractions of bankroll are plain fractions (0.05 = 5 %), stakes are in bankroll units.
"""

from __future__ import annotations

import enum
from typing import Annotated

from nba_pra.odds.market import ConsensusMethod, DevigMethod
from nba_pra.schema import Count, Field, NonNegative, NonNegInt, Positive, Real, Unit, settings


class ConfidenceMethod(enum.StrEnum):
    """How ``confidence`` is computed from the predicted distribution.

    * ``distance`` (default, the original system's definition): ``|P(over) - 0.5| / 0.5`` -- how far the
      model's P(over) sits from a coin flip, scaled to [0, 1]. It ignores prices and the chosen side.
    * ``side_probability``: P(win) of the chosen side (pushes count as not winning).
    """

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
    """Bisection for the market-implied mean: the bracket (PRA points) and the number of halvings."""

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
    """``conf/pricing/``: the one pricing path of the bet stage, the backtest and ``nba-pra market``."""

    method: PricingMethod
    devig: DevigMethod
    consensus: ConsensusMethod
    prob_clip: Annotated[float, Field(gt=0, lt=0.5)]
    solver: SolverSettings
    stacking: StackingSettings


@settings
class EvidenceSettings:
    """``betting.evidence``: stake only where walk-forward evidence says the pricing beats the market."""

    required: bool
    window_days: Count
    min_bets: NonNegInt
    min_roi_lo: Real


@settings
class BettingSettings:
    kelly_fraction: Annotated[float, Field(gt=0, le=1)]
    min_edge: Unit
    max_edge: NonNegative | None
    min_confidence: Unit
    confidence_method: ConfidenceMethod
    max_cv: Positive
    min_games: NonNegInt
    max_stake_fraction: Annotated[float, Field(gt=0, le=1)]
    max_player_fraction: Annotated[float, Field(gt=0, le=1)]
    max_game_fraction: Annotated[float, Field(gt=0, le=1)]
    max_day_fraction: Annotated[float, Field(gt=0, le=1)]
    same_player_correlation: Unit
    same_game_correlation: Unit
    stake_decimals: NonNegInt | None
    min_stake_fraction: Unit
    default_market: str
    suspect_edge: NonNegative
    evidence: EvidenceSettings
