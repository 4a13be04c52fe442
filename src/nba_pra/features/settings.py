"""Settings of the feature engine (``conf/features/``)."""

from __future__ import annotations

from nba_pra.schema import Count, NonNegative, NonNegInt, Positive, Unit, settings


@settings
class FeatureSettings:
    min_games: NonNegInt
    rolling_windows: tuple[Count, ...]
    ewm_halflives: tuple[NonNegative, ...]
    volatility_windows: tuple[Count, ...]
    trend_windows: tuple[Count, ...]
    extreme_window: Count
    matchup_windows: tuple[Count, ...]
    vs_opponent_games: Count
    advanced_windows: tuple[Count, ...]
    availability_windows: tuple[Count, ...]
    position_windows: tuple[Count, ...]
    position_reference_days: Count
    rotation_minutes: NonNegative
    missing_minutes_window: Count
    missing_minutes_games: NonNegInt
    rest_cap_days: Count
    density_days: Count
    dense_games: Count
    dense_days: Count
    per_minutes: Positive
    fta_possession_weight: Unit
    pregame_availability: bool
    pregame_starter_window: Count
    pregame_top_teammates: NonNegInt
