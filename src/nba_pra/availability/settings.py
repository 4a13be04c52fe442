"""Settings of the pre-game availability sources (``conf/availability/``).

``conf/availability/<source>.yaml`` picks the source; shared values (cut-off, status vocabulary, the official
report's URL pattern and schedule, the lineup file) come from ``conf/availability/common/default.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from nba_pra.odds.settings import RetrySettings


class AvailabilitySource(StrEnum):
    """Where pre-game availability comes from."""

    NONE = "none"  # no source: every pre-game availability feature is "unknown" (NaN)
    SYNTHETIC = "synthetic"  # the synthetic league's own pre-game report (data/injury_report.parquet)
    OFFICIAL = "official"  # the NBA's official injury report PDFs (fetched + cached) and the lineups file
    FILES = "files"  # recorded files only: cached/archived official PDFs and the lineups file (backtests)


@dataclass(frozen=True)
class OfficialReportSettings:
    """The NBA's official injury report: one PDF per publication, named by its (US Eastern) hour."""

    #: ``{published}`` is the publication hour (a datetime, US Eastern, minutes 0): format it with strftime codes
    url_pattern: str = (
        "https://ak-static.cms.nba.com/referee/injury/Injury-Report_{published:%Y-%m-%d_%I%p}.pdf"
    )
    #: a file named for hour HH is published at HH:<publish_minute> ET
    publish_minute: int = 30
    #: US Eastern hours of the day whose report is tried (newest first, stopping at the first that exists)
    schedule_hours_et: tuple[int, ...] = tuple(range(24))
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0
    retry: RetrySettings = field(default_factory=RetrySettings)
    #: raw PDFs are cached under ``<paths.cache>/<cache_dir>/`` (re-runs refetch nothing; every cached PDF is parsed)
    cache_dir: str = "availability/official"
    #: team names the report spells differently from the odds table (``conf/odds/teams/``) -> tricode
    team_names: dict = field(default_factory=dict)
    #: sent with every request (the CDN rejects anonymous clients)
    user_agent: str = "nba-pra (pre-game availability)"


@dataclass(frozen=True)
class LineupFileSettings:
    """Projected / confirmed starters and "may not play" lists recorded in Rotowire's format."""

    #: parquet or CSV; relative paths are under the data folder; empty = no lineup file
    path: str = ""
    #: Rotowire team codes that differ from the NBA tricodes
    team_codes: dict = field(default_factory=dict)
    #: ``row_type`` values listing the projected starting five
    starter_row_types: tuple[str, ...] = ("starter",)


@dataclass(frozen=True)
class SyntheticReportSettings:
    """The synthetic league's report (written by ``nba-pra data generate``) is published this long before tip."""

    lead_minutes: float = 90.0


@dataclass(frozen=True)
class AvailabilitySettings:
    source: AvailabilitySource = AvailabilitySource.SYNTHETIC
    #: only reports / snapshots published at least this long before tip-off are visible to a game's features
    cutoff_minutes: float = 30.0
    #: time zone of report times, snapshot times and assumed tip times
    timezone: str = "America/New_York"
    #: tip-off assumed when the schedule has no commence time (local clock "HH:MM"), weekdays / weekends;
    #: early on purpose: an assumed tip later than the real one would let a post-tip snapshot leak in
    assumed_tip_weekday: str = "19:00"
    assumed_tip_weekend: str = "12:00"
    #: a source failure fails the stage (exit 3) instead of "unknown" features and one warning
    strict: bool = False
    #: printed status / Rotowire play likelihood (lower-cased) -> out | doubtful | questionable | probable | available
    status_map: dict = field(default_factory=dict)
    official: OfficialReportSettings = field(default_factory=OfficialReportSettings)
    lineups: LineupFileSettings = field(default_factory=LineupFileSettings)
    synthetic: SyntheticReportSettings = field(default_factory=SyntheticReportSettings)
