"""Settings of the odds providers (``conf/odds/``: ``<provider>.yaml`` composes common/, teams/ and aliases/)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from nba_pra.http_session import RetrySettings
from nba_pra.schema import NonNegative, NonNegInt, Positive, settings


class ProviderKind(StrEnum):
    """Where prop lines come from."""

    SYNTHETIC = "synthetic"  # data/lines.parquet written by the synthetic league (offline default)
    THEODDSAPI = "theoddsapi"  # The Odds API v4 (needs ODDS_API_KEY)
    HISTORICAL = "historical"  # a CSV/parquet file of recorded lines


@settings
class TheOddsApiSettings:
    """The Odds API v4 client (``https://the-odds-api.com/liveapi/guides/v4/``)."""

    base_url: str
    sport: str
    regions: tuple[str, ...]
    bookmakers: tuple[str, ...]
    reference_markets: tuple[str, ...]
    odds_format: str
    connect_timeout_s: Positive
    read_timeout_s: Positive
    retry: RetrySettings
    quota_floor: NonNegInt
    api_key_env: tuple[str, ...]
    env_file: str
    cache_dir: str
    commence_tolerance_minutes: NonNegative
    bookmaker_label: str


@settings
class HistoricalSettings:
    """A recorded lines file (CSV or parquet); see ``nba_pra.odds.historical`` for the accepted schemas."""

    path: str
    local_timezone: str
    keep_snapshot: str


@settings
class MatchingSettings:
    """Bookmaker player names -> slate player ids."""

    suffixes: tuple[str, ...]
    initial_fallback: bool
    aliases: dict[str, Any]


@settings
class OddsSettings:
    provider: ProviderKind
    market: str
    strict: bool
    refresh: bool
    teams: dict[str, Any]
    matching: MatchingSettings
    theoddsapi: TheOddsApiSettings
    historical: HistoricalSettings
