"""Settings of the betting engine (``conf/betting/``).

Every threshold, cap and correlation the engine uses lives here; the YAML in ``conf/betting/default.yaml``
sets them. Fractions of bankroll are plain fractions (0.05 = 5 %), stakes are in bankroll units.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from nba_pra.odds.market import DevigMethod


class ConfidenceMethod(enum.StrEnum):
    """How ``confidence`` is computed from the predicted distribution.

    * ``distance`` (default, the original system's definition): ``|P(over) - 0.5| / 0.5`` -- how far the
      model's P(over) sits from a coin flip, scaled to [0, 1]. It ignores prices and the chosen side.
    * ``side_probability``: P(win) of the chosen side (pushes count as not winning).
    """

    DISTANCE = "distance"
    SIDE_PROBABILITY = "side_probability"


@dataclass(frozen=True)
class MarketBlendSettings:
    """Price with the market-aware blend (:mod:`nba_pra.betting.market_blend`) instead of the model alone."""

    #: off until the blend earns its place (``nba-pra market`` reports its log loss against the market's)
    enabled: bool = False
    #: the walk-forward fits written by ``nba-pra market`` (the latest row is used), relative to the project root
    fits: str = "reports/market/blend_fits.csv"
    #: de-vig method of the market probability (must be the one the fits were made with: ``market.primary_devig``)
    devig: DevigMethod = DevigMethod.MULTIPLICATIVE
    #: probabilities are clipped to [clip, 1 - clip] before logits
    prob_clip: float = 1e-4


@dataclass(frozen=True)
class BettingSettings:
    #: fraction of full Kelly staked
    kelly_fraction: float = 0.25
    #: minimum expected return per unit staked at the chosen side's actual price
    min_edge: float = 0.03
    #: edges above this are treated as a stale or erroneous line and not bet (null = no upper limit)
    max_edge: float | None = None
    #: minimum confidence (see :class:`ConfidenceMethod`)
    min_confidence: float = 0.60
    confidence_method: ConfidenceMethod = ConfidenceMethod.SIDE_PROBABILITY
    #: maximum coefficient of variation (predicted std / predicted mean)
    max_cv: float = 0.35
    #: prior games a player needs before we bet on him
    min_games: int = 5
    #: cap on one bet's stake, fraction of bankroll
    max_stake_fraction: float = 0.05
    #: cap on the summed stakes on one player on one day, fraction of bankroll
    max_player_fraction: float = 0.06
    #: cap on the summed stakes on one game, fraction of bankroll
    max_game_fraction: float = 0.10
    #: cap on the summed stakes of one day (game_date), fraction of bankroll
    max_day_fraction: float = 0.25
    #: assumed pairwise correlation of results of bets on the same player (several markets)
    same_player_correlation: float = 0.5
    #: assumed pairwise correlation of results of bets in the same game (teammates, opponents)
    same_game_correlation: float = 0.1
    #: stakes are floored to this many decimals of the bankroll's unit (null = no rounding); flooring keeps every
    #: cap satisfied. Leave null when the engine runs on a unit bankroll (stakes as fractions).
    stake_decimals: int | None = None
    #: stakes below this fraction of bankroll (after caps and rounding) are not placed; a zero stake never is
    min_stake_fraction: float = 0.0
    #: market assumed when the lines table has no ``market`` column
    default_market: str = "player_points_rebounds_assists"
    market_blend: MarketBlendSettings = field(default_factory=MarketBlendSettings)
    #: claimed edges above this are flagged as more likely model error than value (never a filter); the bound
    #: lives in conf/betting/ only (None: no flag, for tests that build settings by hand)
    suspect_edge: float | None = None
