"""Settings of the data sources (``conf/data/``).

The synthetic league's defaults here mirror ``conf/data/synthetic.yaml`` exactly (a test proves it), except the
sportsbook's (:class:`SportsbookSettings`), which are types only: their values live in ``conf/`` alone, so a
``SyntheticLeagueSettings`` is built from the composed config (tests: ``tests/synthetic_support.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

NBA_TRICODES: tuple[str, ...] = (
    "ATL",
    "BOS",
    "BKN",
    "CHA",
    "CHI",
    "CLE",
    "DAL",
    "DEN",
    "DET",
    "GSW",
    "HOU",
    "IND",
    "LAC",
    "LAL",
    "MEM",
    "MIA",
    "MIL",
    "MIN",
    "NOP",
    "NYK",
    "OKC",
    "ORL",
    "PHI",
    "PHX",
    "POR",
    "SAC",
    "SAS",
    "TOR",
    "UTA",
    "WAS",
)


@dataclass(frozen=True)
class ScheduleSettings:
    """How an 82-game season is laid out over the calendar (rest patterns, tip-off times)."""

    #: opening night: this day of October of the season's start year
    opening_day_of_october: int = 22
    #: calendar days from opening night to the last scheduled day of the regular season
    season_length_days: int = 172
    #: relative chance of a team playing on the day after a game (fewer back-to-backs than random)
    back_to_back_weight: float = 0.22
    #: relative chance of playing a third game within four days
    three_in_four_weight: float = 0.85
    #: weight multiplier per day of rest beyond two (rested teams are due a game)
    rested_weight_per_day: float = 2.5
    #: fraction of the league's daily game quota that varies day to day (quiet Mondays, busy Fridays)
    daily_games_jitter: float = 0.35
    #: local (US Eastern) tip-off times in hours after midnight
    tipoff_hours_eastern: tuple[float, ...] = (19.0, 19.5, 20.0, 21.0, 22.0)


@dataclass(frozen=True)
class PlayerSettings:
    """The player pool: positions, talent, aging, retirement, rookies."""

    #: share of players by position G / F / C (the roster keeps roughly this balance)
    position_shares: tuple[float, ...] = (0.42, 0.40, 0.18)
    #: free agents outside every roster, available for call-ups, per team
    free_agents_per_team: float = 2.0
    rookie_age_mean: float = 21.0
    rookie_age_sd: float = 1.2
    veteran_age_max: float = 34.0
    #: talent (a standard-normal latent) of the starting pool and of rookies (rookies start lower)
    rookie_talent_mean: float = -0.7
    rookie_talent_sd: float = 0.9
    #: season-to-season talent change: aging slope per year away from the peak, and random drift
    peak_age: float = 27.0
    aging_slope_young: float = 0.09
    aging_slope_old: float = 0.11
    talent_drift_sd: float = 0.25
    retirement_age: float = 36.0
    #: players below this talent are dropped from the league in the off-season
    retirement_talent_floor: float = -2.6
    #: chance a rostered player stays with his team over the off-season
    offseason_keep_probability: float = 0.72
    #: off-seasons (aging, retirements, drafts) run before the first simulated season so that the talent
    #: distribution is already in its steady state (otherwise the first seasons are visibly less spread)
    burn_in_seasons: int = 15
    #: coach's view of a player = talent + this noise (sets the depth chart independent of true talent)
    depth_noise_sd: float = 0.25


@dataclass(frozen=True)
class MinutesSettings:
    """Playing time: rotation by depth, randomness, rest, blowouts, foul trouble, early exits."""

    #: a team's rotation: expected minutes (given he plays) by rank among healthy players, best first
    # fmt: off
    minutes_by_rank: tuple[float, ...] = (37.0, 36.0, 35.0, 34.0, 32.0, 25.5, 23.0, 20.0, 17.5, 14.0, 9.0,
        5.5, 4.0)
    # fmt: on
    #: chance of a coach's-decision DNP by the same rank (starters always play)
    # fmt: off
    coach_dnp_by_rank: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0, 0.0, 0.01, 0.02, 0.03, 0.07, 0.16, 0.4,
        0.6, 0.75)
    # fmt: on
    starters: int = 5
    #: the starting five by position G / F / C (the best healthy player(s) of each; gaps go to the best left)
    lineup_by_position: tuple[int, ...] = (2, 2, 1)
    #: players dressed per team-game (the rest of the healthy roster is inactive, absent from the box score)
    active_list_size: int = 13
    team_minutes: float = 240.0
    #: per-player spread of his own minutes around the rotation slot (coach trust), log-scale sd
    player_minutes_sd: float = 0.08
    #: game-to-game randomness of minutes by the same rank, coefficient of variation (gamma)
    # fmt: off
    minutes_cv_by_rank: tuple[float, ...] = (0.12, 0.12, 0.12, 0.13, 0.14, 0.25, 0.28, 0.32, 0.36, 0.45,
        0.75, 0.95, 1.1)
    # fmt: on
    #: daily AR(1) of the coach's trust in a player (added to his view, so it moves him along the depth
    #: chart): persistence and stationary sd in talent units
    role_persistence: float = 0.97
    role_sd: float = 0.3
    #: minutes factor on the second night of a back-to-back / the third game in four nights
    back_to_back_minutes: float = 0.96
    three_in_four_minutes: float = 0.98
    #: blowout: |final margin| at least this; then minutes are multiplied by this factor by rank (starters
    #: sit, the end of the bench plays garbage time)
    blowout_margin: float = 20.0
    # fmt: off
    blowout_minutes_by_rank: tuple[float, ...] = (0.78, 0.78, 0.78, 0.8, 0.82, 1.05, 1.1, 1.15, 1.25, 1.4,
        1.8, 2.2, 2.6)
    # fmt: on
    #: nobody plays more than a regulation game (overtime is not simulated)
    max_minutes: float = 48.0
    #: foul trouble: chance per game by position G / F / C and the minutes factor when it happens
    foul_trouble_probability: tuple[float, ...] = (0.05, 0.07, 0.11)
    foul_trouble_minutes: float = 0.72
    #: leaving a game hurt: chance per game, minutes factor, and the injury spell it starts
    early_exit_probability: float = 0.008
    early_exit_minutes: float = 0.3
    #: games after an injury with reduced minutes, and the factor on the first of them (ramps back to 1)
    return_games: int = 4
    return_minutes: float = 0.72


@dataclass(frozen=True)
class RateSettings:
    """Per-minute production and what moves it."""

    #: per-36-minute points / rebounds / assists of an average (talent 0) player by position G / F / C
    pts_per36: tuple[float, ...] = (14.0, 13.0, 12.0)
    reb_per36: tuple[float, ...] = (4.2, 6.6, 10.0)
    ast_per36: tuple[float, ...] = (4.6, 2.4, 2.1)
    #: log-rate gain per unit talent
    talent_log_rate: float = 0.13
    #: per-player style: log-scale sd of each stat's rate around his position's profile
    style_sd: float = 0.1
    #: share of points from threes and free throws by position G / F / C (rest are twos)
    three_point_share: tuple[float, ...] = (0.38, 0.32, 0.15)
    free_throw_share: tuple[float, ...] = (0.17, 0.18, 0.22)
    fg2_pct: float = 0.53
    fg3_pct: float = 0.36
    ft_pct: float = 0.78
    #: game-level "hot/cold" multiplier on all of a player's production: coefficient of variation (gamma)
    game_form_cv: float = 0.1
    #: daily AR(1) of a player's latent form (log-rate): persistence and stationary sd
    form_persistence: float = 0.985
    form_sd: float = 0.15
    #: team context drawn per season: log-sd of pace and of defensive strength
    pace_sd: float = 0.03
    defence_sd: float = 0.04
    home_rate: float = 1.015
    back_to_back_rate: float = 0.975
    #: share of the offence by rank among healthy players (multiplies points and assists per minute): a player
    #: moving up the depth chart because a teammate is out takes over part of his shots
    # fmt: off
    usage_by_rank: tuple[float, ...] = (1.06, 1.04, 1.0, 0.97, 0.94, 0.92, 0.9, 0.88, 0.86, 0.84, 0.78,
        0.72, 0.66)
    # fmt: on
    #: usage redistribution: production gain per unit share of the team's usage sidelined
    usage_redistribution: float = 0.5
    #: final margin: home edge, points per unit of talent difference, and game sd
    home_margin: float = 3.0
    margin_per_talent: float = 12.0
    margin_sd: float = 12.0
    #: turnovers / steals / blocks per 36 by position G / F / C, and personal fouls per 36
    tov_per36: tuple[float, ...] = (2.3, 1.7, 1.8)
    stl_per36: tuple[float, ...] = (1.3, 1.1, 0.8)
    blk_per36: tuple[float, ...] = (0.3, 0.6, 1.6)
    pf_per36: float = 3.2
    #: personal fouls that end a player's night
    foul_out: int = 6
    #: sd of a player's plus-minus around his share of the team margin, over a full 48 minutes
    plus_minus_sd_per48: float = 8.0


@dataclass(frozen=True)
class InjurySettings:
    """Injuries: DNP spells, who is listed while hurt."""

    #: chance per team game day that a healthy player gets hurt before the game (then he sits)
    pregame_probability: float = 0.006
    #: spell length in days: lognormal median and log-sd, and the cap
    duration_median_days: float = 6.0
    duration_log_sd: float = 1.1
    duration_max_days: float = 120.0
    #: chance an injured player is still listed in the box score as a DNP (most are inactive)
    listed_probability: float = 0.12
    #: pre-game report noise: chance a healthy player is listed "questionable" (he then plays as usual)
    questionable_probability: float = 0.03


@dataclass(frozen=True)
class TransactionSettings:
    """Mid-season trades and call-ups."""

    #: season days within which trades happen, and chance of a trade on any such day
    trade_window_days: tuple[int, ...] = (30, 115)
    trade_probability_per_day: float = 0.12
    #: a team calls up a free agent when fewer than this many players are healthy
    call_up_below_healthy: int = 12


@dataclass(frozen=True)
class SoftBookSettings:
    """The soft book: a book that lags the market on some of its props (a known inefficiency).

    Types only: the values (and what they were calibrated against) live in ``conf/data/synthetic.yaml``.
    """

    #: its name, one of ``bookmakers`` ("" = no soft book)
    bookmaker: str
    #: chance it posts a given prop
    coverage: float
    #: share of its props priced from the stale estimate
    stale_share: float
    #: share of today's minutes news (log scale) the stale estimate misses (1 = all of it)
    news_miss: float


@dataclass(frozen=True)
class SportsbookSettings:
    """The simulated books (:mod:`nba_pra.data.synthetic.sportsbook`): who gets props, the market's estimate,
    how books differ, margins, the close and the soft book.

    Types only: every value (with what it means and what it was calibrated against) lives in
    ``conf/data/synthetic.yaml``; tests build these from the composed config.
    """

    min_expected_minutes: float
    coverage: float
    public_halflife_games: float
    public_weight: float
    rate_error_sd: float
    minutes_error_sd: float
    own_line_share: float
    line_error_sd: float
    price_error_sd: float
    over_bias: float
    whole_number_lines: bool
    overround_range: tuple[float, ...]
    closing_truth_weight: float
    closing_error_sd: float
    book_dispersion: float
    soft: SoftBookSettings


@dataclass(frozen=True)
class SyntheticLeagueSettings:
    """Size, seed and behaviour of the simulated league (``conf/data/synthetic.yaml``)."""

    seed: int = 20240
    n_teams: int = 30
    roster_size: int = 15
    #: 3 seasons of history for the training window + the current season
    n_seasons: int = 4
    first_season_start_year: int = 2021
    games_per_team: int = 82
    #: calendar days of the current (last) season already played; the next day with games is the slate
    current_season_days_played: int = 60
    #: the sharp books and the soft one (``sportsbook.soft.bookmaker``)
    # fmt: off
    bookmakers: tuple[str, ...] = ("simbook", "fastline", "northbet", "eastline", "westbet", "primebook",
        "laggard")
    # fmt: on
    team_codes: tuple[str, ...] = NBA_TRICODES
    #: first player id; ids are consecutive from here in order of entering the league
    first_player_id: int = 1_600_000
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    players: PlayerSettings = field(default_factory=PlayerSettings)
    minutes: MinutesSettings = field(default_factory=MinutesSettings)
    rates: RateSettings = field(default_factory=RateSettings)
    injuries: InjurySettings = field(default_factory=InjurySettings)
    transactions: TransactionSettings = field(default_factory=TransactionSettings)
    #: no values here: they live only in conf/data/synthetic.yaml (None = not composed, e.g. with data=files;
    #: simulating then fails with a ConfigError)
    sportsbook: SportsbookSettings | None = None


@dataclass(frozen=True)
class ValidationSettings:
    """Rules applied to every imported or fetched box score (``nba_pra.data.validation``)."""

    #: a season labelled "YYYY-YY" holds games from this MM-DD of its first year ... (no default: conf/ only)
    season_opens: str
    #: ... to this MM-DD of its second year (the 2019-20 bubble season ended on October 11, 2020)
    season_closes: str
    #: offending rows quoted per broken rule in the error message
    max_rows_reported: int = 5
    #: a player's minutes in one game lie in [0, max_minutes] (4 overtimes reach about 68)
    max_minutes: float = 70.0


@dataclass(frozen=True)
class FreshnessSettings:
    """How old the latest completed game may be relative to the slate date (``nba_pra.data.freshness``)."""

    #: days between the latest game in the data and the slate date before warning (All-Star break: ~7)
    max_lag_days: int = 8
    #: fail (StaleDataError) instead of warning
    strict: bool = False


@dataclass(frozen=True)
class RosterSettings:
    """Who is on the next slate when the source has no official rosters (files, nba_api)."""

    #: a player counts as available for his last team if he appeared in a box score within these days
    active_days: int = 21


@dataclass(frozen=True)
class FilesSettings:
    """The ``files`` source: import box scores from a CSV or parquet file (``nba-pra data import``)."""

    #: the box-score file (CSV or parquet); "" = given on the command line
    path: str = ""
    #: csv | parquet | auto (from the file suffix)
    format: str = "auto"
    #: optional upcoming-games file (game_date, home_team, away_team[, game_id, commence_time, season])
    schedule_path: str = ""
    #: optional sportsbook lines in the raw ``lines`` schema; "" = an empty lines table
    lines_path: str = ""
    #: historical slate: the games of this date (YYYY-MM-DD) become the slate and every later result is
    #: dropped; "" = the last game date of the file (its results hidden)
    slate_date: str = ""
    #: keep only these season types when the file has ``season_type`` (empty = all)
    season_types: tuple[str, ...] = ()
    #: position of a player the file never lists with one (bench players without any start)
    default_position: str = "F"
    #: US Eastern tip-off hour assumed when the file gives no commence time
    tipoff_hour_eastern: float = 19.5


@dataclass(frozen=True)
class NbaApiSettings:
    """The ``nba_api`` source: stats.nba.com league game logs and schedule (``nba-pra data fetch``)."""

    base_url: str = "https://stats.nba.com/stats"
    #: seasons fetched ("2023-24"); the last one is the current season
    seasons: tuple[str, ...] = ("2021-22", "2022-23", "2023-24", "2024-25")
    season_types: tuple[str, ...] = ("Regular Season", "PlayIn", "Playoffs")
    #: schedule game-id prefixes kept (002 regular season, 004 playoffs, 005 play-in, 006 NBA Cup final)
    game_id_prefixes: tuple[str, ...] = ("002", "004", "005", "006")
    #: folder under data/ holding one cached parquet per season, season type and mode
    cache_dir: str = "nba_api"
    #: seconds: per-request timeout, minimum interval between requests, first backoff and its cap
    timeout_s: float = 30.0
    min_interval_s: float = 0.6
    backoff_s: float = 2.0
    backoff_max_s: float = 60.0
    #: attempts per request (the first included) before giving up
    max_attempts: int = 5
    #: a season's cache is final once this month-day of its end year has passed (MM-DD)
    season_closed_after: str = "07-01"
    #: headers stats.nba.com expects from a browser
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DataSettings:
    source: str = "synthetic"
    synthetic: SyntheticLeagueSettings = field(default_factory=SyntheticLeagueSettings)
    validation: ValidationSettings = field(default_factory=ValidationSettings)
    freshness: FreshnessSettings = field(default_factory=FreshnessSettings)
    rosters: RosterSettings = field(default_factory=RosterSettings)
    files: FilesSettings = field(default_factory=FilesSettings)
    nba_api: NbaApiSettings = field(default_factory=NbaApiSettings)
