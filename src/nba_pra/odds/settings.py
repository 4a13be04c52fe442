"""Settings of the odds providers (``conf/odds/``).

``conf/odds/<provider>.yaml`` picks the provider; the shared values come from ``conf/odds/common/default.yaml``,
the team-name table from ``conf/odds/teams/`` and the player-name aliases from ``conf/odds/aliases/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from nba_pra.odds.market import ConsensusMethod, DevigMethod


class ProviderKind(StrEnum):
    """Where prop lines come from."""

    SYNTHETIC = "synthetic"  # data/lines.parquet written by the synthetic league (offline default)
    THEODDSAPI = "theoddsapi"  # The Odds API v4 (needs ODDS_API_KEY)
    HISTORICAL = "historical"  # a CSV/parquet file of recorded lines


@dataclass(frozen=True)
class RetrySettings:
    """urllib3 ``Retry`` of the HTTP session: ``sleep = backoff_factor * 2**(n-1) + U(0, backoff_jitter)``."""

    total: int = 3
    backoff_factor: float = 0.5
    backoff_jitter: float = 0.25
    backoff_max: float = 30.0
    #: a Retry-After longer than this is cut to it (a server asking for an hour does not stall the run)
    retry_after_max_s: int = 60
    #: statuses retried (Retry-After honoured on 429/503)
    status_forcelist: tuple[int, ...] = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class TheOddsApiSettings:
    """The Odds API v4 client (``https://the-odds-api.com/liveapi/guides/v4/``)."""

    base_url: str = "https://api.the-odds-api.com"
    sport: str = "basketball_nba"
    regions: tuple[str, ...] = ("us",)
    #: bookmaker keys; when non-empty they replace ``regions`` in the request (the API allows one or the other)
    bookmakers: tuple[str, ...] = ()
    #: extra markets fetched for reference only (never priced as PRA): player_points, ...
    reference_markets: tuple[str, ...] = ()
    odds_format: str = "american"
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0
    retry: RetrySettings = field(default_factory=RetrySettings)
    #: stop before a request would take the remaining quota below this many credits
    quota_floor: int = 50
    #: environment variables holding the key, first found wins
    api_key_env: tuple[str, ...] = ("ODDS_API_KEY", "ODDS_API_FREE_KEY")
    #: dotenv file read when no variable is set (relative to the working directory = project root)
    env_file: str = ".env"
    #: raw responses are cached under ``<paths.cache>/<cache_dir>/<game date>/<event id>.json``
    cache_dir: str = "odds"
    #: an API event matches a slate game when the teams agree and the commence times differ by at most this
    commence_tolerance_minutes: float = 180.0
    #: bookmaker field written to the lines table: "title" (DraftKings) or "key" (draftkings)
    bookmaker_label: str = "title"


@dataclass(frozen=True)
class HistoricalSettings:
    """A recorded lines file (CSV or parquet); see ``nba_pra.odds.historical`` for the accepted schemas."""

    #: path of the file; relative paths are resolved against the data folder
    path: str = "lines_history.csv"
    #: US local time zone of the schedule's ``game_date`` (the file's ``event_date`` is a UTC date)
    local_timezone: str = "America/New_York"
    #: several snapshots of the same (event, book, player, line): keep the "last" (closest to tip-off)
    keep_snapshot: str = "last"


@dataclass(frozen=True)
class MatchingSettings:
    """Bookmaker player names -> slate player ids."""

    #: name tokens dropped before comparing (after lower-casing and stripping punctuation)
    suffixes: tuple[str, ...] = ("jr", "sr", "ii", "iii", "iv", "v")
    #: "D. Robinson" -> the only player of that game with first initial D and last name Robinson
    initial_fallback: bool = True
    #: book spelling -> slate spelling (both normalised before use); filled from conf/odds/aliases/
    aliases: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OddsSettings:
    provider: ProviderKind = ProviderKind.SYNTHETIC
    #: the market the pipeline prices (direct PRA offers only)
    market: str = "player_points_rebounds_assists"
    devig: DevigMethod = DevigMethod.MULTIPLICATIVE
    consensus: ConsensusMethod = ConsensusMethod.MEAN
    #: an odds failure stops the run (exit 5) instead of degrading to "no bets" with a warning (`--strict`)
    strict: bool = False
    #: refetch instead of reading the raw-response cache (`--refresh`)
    refresh: bool = False
    #: tricode -> full team name as the odds source spells it (conf/odds/teams/); unknown tricodes pass through
    teams: dict = field(default_factory=dict)
    matching: MatchingSettings = field(default_factory=MatchingSettings)
    theoddsapi: TheOddsApiSettings = field(default_factory=TheOddsApiSettings)
    historical: HistoricalSettings = field(default_factory=HistoricalSettings)
