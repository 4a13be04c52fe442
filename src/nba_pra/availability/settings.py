"""Settings of the pre-game availability sources (``conf/availability/``).

``conf/availability/<source>.yaml`` picks the source; shared values (cut-off, status vocabulary, the official
report's URL pattern and schedule, the lineup file) come from ``conf/availability/common/default.yaml``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from nba_pra.odds.settings import RetrySettings
from nba_pra.schema import Count, Field, NonNegative, Positive, settings


class AvailabilitySource(StrEnum):
    """Where pre-game availability comes from."""

    NONE = "none"  # no source: every pre-game availability feature is "unknown" (NaN)
    SYNTHETIC = "synthetic"  # the synthetic league's own pre-game report (data/injury_report.parquet)
    OFFICIAL = "official"  # the NBA's official injury report PDFs (fetched + cached) and the lineups file
    FILES = "files"  # recorded files only: cached/archived official PDFs and the lineups file (backtests)


@settings
class BackfillSettings:
    """``nba-pra availability backfill``: limits of one run (its politeness is the fetcher's ``min_interval_s``)."""

    max_days: Count
    max_consecutive_failures: Count
    log_every: Count


@settings
class OfficialReportSettings:
    """The NBA's official injury report: one PDF per publication, named by its (US Eastern) hour."""

    url_pattern: str
    publish_minute: Annotated[int, Field(ge=0, le=59)]
    schedule_hours_et: tuple[Annotated[int, Field(ge=0, le=23)], ...]
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
    """Projected / confirmed starters and "may not play" lists recorded in Rotowire's format."""

    path: str
    team_codes: dict[str, Any]
    starter_row_types: tuple[str, ...]


@settings
class SyntheticReportSettings:
    """The synthetic league's report (written by ``nba-pra data generate``) is published this long before tip."""

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
