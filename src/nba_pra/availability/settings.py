"""Settings of the pre-game availability sources (``conf/availability/``: ``<source>.yaml`` composes common/)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from nba_pra.http_session import RetrySettings
from nba_pra.schema import Count, Field, Hour, NonNegative, Positive, settings


class AvailabilitySource(StrEnum):
    """Where pre-game availability comes from."""

    NONE = "none"  # no source: every pre-game availability feature is "unknown" (NaN)
    SYNTHETIC = "synthetic"  # the synthetic league's own pre-game report (data/injury_report.parquet)
    OFFICIAL = "official"  # the NBA's official injury report PDFs (fetched + cached) and the lineups file
    FILES = "files"  # recorded files only: cached/archived official PDFs and the lineups file (backtests)


@settings
class BackfillSettings:
    """Limits of one ``nba-pra availability backfill`` run (:mod:`nba_pra.availability.backfill`)."""

    max_days: Count
    max_consecutive_failures: Count
    log_every: Count


@settings
class OfficialReportSettings:
    """The NBA's official injury report (:mod:`nba_pra.availability.official`)."""

    url_pattern: str
    publish_minute: Annotated[int, Field(ge=0, le=59)]
    schedule_hours_et: tuple[Hour, ...]
    connect_timeout_s: Positive
    read_timeout_s: Positive
    retry: RetrySettings
    min_interval_s: NonNegative
    missing_final_after_hours: NonNegative
    archive_dir: str
    parse_cache: str
    backfill: BackfillSettings
    team_names: dict[str, Any]
    user_agent: str


@settings
class LineupFileSettings:
    """Rotowire-format starters and "may not play" lists (:mod:`nba_pra.availability.lineups`)."""

    path: str
    team_codes: dict[str, Any]
    starter_row_types: tuple[str, ...]


@settings
class SyntheticReportSettings:
    lead_minutes: NonNegative


@settings
class AvailabilitySettings:
    source: AvailabilitySource
    cutoff_minutes: NonNegative
    timezone: str
    assumed_tip_weekday: str
    assumed_tip_weekend: str
    strict: bool
    status_map: dict[str, Any]
    official: OfficialReportSettings
    lineups: LineupFileSettings
    synthetic: SyntheticReportSettings
