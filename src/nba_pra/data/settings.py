"""Settings of the data sources (``conf/data/``) and of the synthetic league (``conf/data/synthetic.yaml``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from nba_pra.schema import Count, Field, HourOfDay, NonNegative, NonNegInt, Positive, Real, Unit, settings


@settings
class ScheduleSettings:
    """How a season's games are laid out over the calendar (rest patterns, tip-off times)."""

    opening_day_of_october: Annotated[int, Field(ge=1, le=31)]
    season_length_days: Count
    back_to_back_weight: NonNegative
    three_in_four_weight: NonNegative
    rested_weight_per_day: NonNegative
    daily_games_jitter: NonNegative
    tipoff_hours_eastern: tuple[HourOfDay, ...]


@settings
class PlayerSettings:
    """The player pool: positions, talent, aging, retirement, rookies."""

    position_shares: tuple[Unit, ...]
    free_agents_per_team: NonNegative
    rookie_age_mean: NonNegative
    rookie_age_sd: NonNegative
    veteran_age_max: NonNegative
    rookie_talent_mean: Real
    rookie_talent_sd: NonNegative
    peak_age: NonNegative
    aging_slope_young: NonNegative
    aging_slope_old: NonNegative
    talent_drift_sd: NonNegative
    retirement_age: NonNegative
    retirement_talent_floor: Real
    offseason_keep_probability: Unit
    burn_in_seasons: NonNegInt
    depth_noise_sd: NonNegative


@settings
class MinutesSettings:
    """Playing time: rotation by depth, randomness, rest, blowouts, foul trouble, early exits."""

    minutes_by_rank: tuple[NonNegative, ...]
    coach_dnp_by_rank: tuple[NonNegative, ...]
    starters: Count
    lineup_by_position: tuple[NonNegInt, ...]
    active_list_size: Count
    team_minutes: Positive
    player_minutes_sd: NonNegative
    minutes_cv_by_rank: tuple[NonNegative, ...]
    role_persistence: Unit
    role_sd: NonNegative
    back_to_back_minutes: NonNegative
    three_in_four_minutes: NonNegative
    blowout_margin: NonNegative
    blowout_minutes_by_rank: tuple[NonNegative, ...]
    max_minutes: Positive
    foul_trouble_probability: tuple[Unit, ...]
    foul_trouble_minutes: NonNegative
    early_exit_probability: Unit
    early_exit_minutes: NonNegative
    return_games: NonNegInt
    return_minutes: NonNegative


@settings
class RateSettings:
    """Per-minute production and what moves it."""

    pts_per36: tuple[NonNegative, ...]
    reb_per36: tuple[NonNegative, ...]
    ast_per36: tuple[NonNegative, ...]
    talent_log_rate: NonNegative
    style_sd: NonNegative
    three_point_share: tuple[Unit, ...]
    free_throw_share: tuple[Unit, ...]
    fg2_pct: Unit
    fg3_pct: Unit
    ft_pct: Unit
    game_form_cv: NonNegative
    form_persistence: Unit
    form_sd: NonNegative
    pace_sd: NonNegative
    defence_sd: NonNegative
    home_rate: NonNegative
    back_to_back_rate: NonNegative
    usage_by_rank: tuple[NonNegative, ...]
    usage_redistribution: NonNegative
    home_margin: Real
    margin_per_talent: NonNegative
    margin_sd: NonNegative
    tov_per36: tuple[NonNegative, ...]
    stl_per36: tuple[NonNegative, ...]
    blk_per36: tuple[NonNegative, ...]
    pf_per36: NonNegative
    foul_out: Count
    plus_minus_sd_per48: NonNegative


@settings
class InjurySettings:
    """Injuries: DNP spells, who is listed while hurt."""

    pregame_probability: Unit
    duration_median_days: NonNegative
    duration_log_sd: NonNegative
    duration_max_days: NonNegative
    listed_probability: Unit
    questionable_probability: Unit


@settings
class TransactionSettings:
    """Mid-season trades and call-ups."""

    trade_window_days: tuple[NonNegInt, ...]
    trade_probability_per_day: Unit
    call_up_below_healthy: NonNegInt


@settings
class SoftBookSettings:
    bookmaker: str
    coverage: Unit
    stale_share: Unit
    news_miss: Unit


@settings
class SportsbookSettings:
    min_expected_minutes: NonNegative
    coverage: Unit
    public_halflife_games: NonNegative
    public_weight: Unit
    rate_error_sd: NonNegative
    minutes_error_sd: NonNegative
    own_line_share: Unit
    line_error_sd: NonNegative
    price_error_sd: NonNegative
    over_bias: Real
    whole_number_lines: bool
    overround_range: tuple[NonNegative, ...]
    closing_truth_weight: Unit
    closing_error_sd: NonNegative
    soft: SoftBookSettings


@settings
class QuarterSettings:
    """How a played game splits into quarters (:mod:`nba_pra.data.synthetic.quarters`): the live ground truth."""

    periods: Count
    starter_profile: tuple[Unit, ...]
    bench_profile: tuple[Unit, ...]
    profile_concentration: Positive
    foul_trouble_period: tuple[Unit, ...]
    foul_trouble_weight: Positive
    blowout_removal_tail: Unit


@settings
class SyntheticLeagueSettings:
    seed: NonNegInt
    n_teams: Count
    roster_size: Count
    n_seasons: Count
    first_season_start_year: Count
    games_per_team: Count
    current_season_days_played: NonNegInt
    bookmakers: tuple[str, ...]
    team_codes: tuple[str, ...]
    first_player_id: NonNegInt
    schedule: ScheduleSettings
    players: PlayerSettings
    minutes: MinutesSettings
    rates: RateSettings
    injuries: InjurySettings
    transactions: TransactionSettings
    sportsbook: SportsbookSettings | None
    quarters: QuarterSettings


@settings
class ValidationSettings:
    """Rules applied to every imported or fetched box score (``nba_pra.data.validation``)."""

    season_opens: str
    season_closes: str
    max_rows_reported: Count
    max_minutes: Positive


@settings
class FreshnessSettings:
    """How old the latest completed game may be relative to the slate date (``nba_pra.data.freshness``)."""

    max_lag_days: NonNegInt
    strict: bool


@settings
class RosterSettings:
    active_days: NonNegInt


@settings
class FilesSettings:
    path: str
    format: str
    schedule_path: str
    lines_path: str
    slate_date: str
    season_types: tuple[str, ...]
    default_position: str
    tipoff_hour_eastern: HourOfDay


@settings
class NbaApiSettings:
    base_url: str
    seasons: tuple[str, ...]
    season_types: tuple[str, ...]
    game_id_prefixes: tuple[str, ...]
    cache_dir: str
    timeout_s: Positive
    min_interval_s: NonNegative
    backoff_s: NonNegative
    backoff_max_s: NonNegative
    max_attempts: Count
    season_closed_after: str


@settings
class DataSettings:
    source: str
    # absent (the scale group's empty mapping) unless source is synthetic
    synthetic: Annotated[SyntheticLeagueSettings | None, BeforeValidator(lambda value: value or None)]
    validation: ValidationSettings
    freshness: FreshnessSettings
    rosters: RosterSettings
    files: FilesSettings
    nba_api: NbaApiSettings
