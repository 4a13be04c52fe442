"""The NBA's official injury report: fetch the PDFs a slate needs into the archive, parse the archived reports
visible before each game's cut-off into report snapshots.

The report is republished through the day as ``Injury-Report_<date>_<HH><AM|PM>.pdf`` (the hour of publication,
US Eastern; ``conf/availability/`` holds the URL pattern and the hours tried). For each game only the latest
report published by its cut-off matters, so the fetcher walks that day's scheduled hours newest first (never
later than the cut-off or than "now") and stops at the first report that exists: the archive first
(:mod:`nba_pra.availability.archive`), then one GET, at least ``min_interval_s`` after the previous one. 403/404
mean "not published" (the CDN answers either) and are indexed; such a URL is asked again until a 403/404 has been
seen ``missing_final_after_hours`` after its publication time. Other failures raise :class:`AvailabilityError`
after the configured retries (429/5xx, ``Retry-After`` honoured up to its cap). Archived PDFs are never refetched.

Reading: for every game of the schedule (history and slate) the newest archived report of its local day published
by its cut-off is parsed -- the same choice the fetcher makes, so a backfilled season and a season of live runs
give the same snapshots. Parsing a PDF takes seconds, so parsed rows are kept by the PDF's SHA-256 in
``<paths.cache>/<parse_cache>`` (re-derivable, not tracked) and each archived PDF is parsed once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd
import requests

from nba_pra.availability.archive import ReportArchive
from nba_pra.availability.asof import REPORT, SNAPSHOT_COLUMNS, map_status, normalize_snapshots
from nba_pra.availability.injury_pdf import NOT_YET_SUBMITTED, REPORT_COLUMNS, parse_injury_report
from nba_pra.availability.settings import OfficialReportSettings
from nba_pra.errors import AvailabilityError
from nba_pra.http_session import retrying_session
from nba_pra.io import write_parquet

log = logging.getLogger(__name__)

PDF_GLOB: Final = "*.pdf"
#: statuses meaning "no such report (yet)": S3/CloudFront answer 403 for a missing key
_NOT_PUBLISHED: Final = (403, 404)
_HTTP_OK: Final = 200
_PDF_MAGIC: Final = b"%PDF"
_PLACEHOLDER = re.compile(r"\{published:([^}]*)\}")
#: parse cache column: the PDF's SHA-256
_SHA: Final = "sha256"


def report_url(settings: OfficialReportSettings, published_hour: datetime) -> str:
    """The URL of the report published in ``published_hour`` (US Eastern, minutes 0)."""
    return settings.url_pattern.format(published=published_hour)


def file_name(url: str) -> str:
    """The archive's name for a report URL: its last path segment."""
    return url.rsplit("/", 1)[-1]


def published_at(published_hour: datetime, settings: OfficialReportSettings, timezone: str) -> pd.Timestamp:
    """UTC publication time of the report named for local wall-clock ``published_hour`` (minutes 0):
    HH:``publish_minute`` local (a wall time the DST switch skips counts as the next valid instant)."""
    wall = pd.Timestamp(published_hour).replace(tzinfo=None) + pd.Timedelta(minutes=settings.publish_minute)
    return wall.tz_localize(ZoneInfo(timezone), ambiguous=True, nonexistent="shift_forward").tz_convert("UTC")


def published_hour_of(name: str, settings: OfficialReportSettings) -> datetime | None:
    """The local publication hour a report file name encodes (``url_pattern``'s last segment), None if another
    name."""
    pattern = _PLACEHOLDER.sub(lambda m: m.group(1), file_name(settings.url_pattern))
    try:
        return datetime.strptime(name, pattern)
    except ValueError:
        return None


def day_hours(day: pd.Timestamp, settings: OfficialReportSettings, limit: pd.Timestamp,
              timezone: str) -> list[datetime]:
    """The scheduled publication hours (local wall clock, naive) of local ``day`` published by ``limit``, newest
    first (wall hours, so a DST day still tries every scheduled hour's file name)."""
    midnight = pd.Timestamp(day.date())
    walls = [midnight + pd.Timedelta(hours=h) for h in sorted(settings.schedule_hours_et, reverse=True)]
    return [wall.to_pydatetime() for wall in walls if published_at(wall, settings, timezone) <= limit]


def candidate_hours(
    cutoffs: Iterable[pd.Timestamp], settings: OfficialReportSettings, now: pd.Timestamp, timezone: str
) -> list[list[datetime]]:
    """Per cut-off: the scheduled publication hours of that local day published by min(cut-off, now), newest
    first."""
    zone = ZoneInfo(timezone)
    out = []
    for cutoff in cutoffs:
        limit = min(pd.Timestamp(cutoff), pd.Timestamp(now)).tz_convert(zone)
        out.append(day_hours(limit.normalize(), settings, limit, timezone))
    return out


def make_session(settings: OfficialReportSettings) -> requests.Session:
    """A session with the configured retries (429/5xx, Retry-After honoured up to its cap)."""
    return retrying_session(settings.retry, settings.user_agent)


@dataclass
class Pacer:
    """At least ``min_interval_s`` between the starts of two requests (politeness towards the CDN)."""

    min_interval_s: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)

    def wait(self) -> None:
        if self._last is not None:
            remaining = self.min_interval_s - (self.clock() - self._last)
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()


@dataclass
class ReportFetcher:
    """Fetch report URLs into an archive: archived and finally-missing URLs are answered without a request."""

    settings: OfficialReportSettings
    archive: ReportArchive
    timezone: str
    session: requests.Session = field(default_factory=requests.Session)
    pacer: Pacer | None = None
    now: Callable[[], pd.Timestamp] = lambda: pd.Timestamp.now(tz="UTC")
    requests_made: int = 0

    def __post_init__(self) -> None:
        if self.pacer is None:
            self.pacer = Pacer(self.settings.min_interval_s)

    def known(self, hour: datetime) -> tuple[str, Path | None, bool]:
        """(url, archived path, known missing) of the report named for ``hour``, without a request."""
        url = report_url(self.settings, hour)
        final = pd.Timedelta(hours=self.settings.missing_final_after_hours)
        state = self.archive.known(url, file_name(url), final)
        return url, state.path, state.missing

    def fetch(self, hour: datetime) -> Path | None:
        """The archived report of ``hour`` (fetched and archived now if needed), None when not published."""
        url, path, missing = self.known(hour)
        if path is not None or missing:
            return path
        name = file_name(url)
        assert self.pacer is not None
        self.pacer.wait()
        self.requests_made += 1
        try:
            response = self.session.get(url, timeout=(self.settings.connect_timeout_s, self.settings.read_timeout_s))
        except requests.Timeout:
            raise AvailabilityError(f"injury report request timed out ({name})") from None
        except requests.RequestException as exc:
            raise AvailabilityError(f"injury report request failed ({type(exc).__name__}, {name})") from None
        when = published_at(hour, self.settings, self.timezone)
        if response.status_code in _NOT_PUBLISHED:
            log.debug("injury report %s not published (HTTP %d)", name, response.status_code)
            self.archive.record_missing(url, name, published_at=when, fetched_at=self.now(),
                                        http_status=response.status_code)
            return None
        if response.status_code != _HTTP_OK:
            raise AvailabilityError(f"injury report server answered HTTP {response.status_code} for {name}")
        if not response.content.startswith(_PDF_MAGIC):
            raise AvailabilityError(f"injury report {name} is not a PDF")
        stored = self.archive.store(url, name, response.content, published_at=when, fetched_at=self.now(),
                                    http_status=response.status_code)
        log.info("injury report %s fetched and archived", name)
        return stored


def fetch_reports(
    cutoffs: Iterable[pd.Timestamp],
    settings: OfficialReportSettings,
    archive_dir: Path,
    *,
    now: pd.Timestamp,
    timezone: str,
    session: requests.Session | None = None,
) -> list[Path]:
    """Make sure the latest report published by each cut-off is in the archive at ``archive_dir``; returns
    those files. A cut-off before which no report was published yields nothing (its games stay unknown)."""
    fetcher = ReportFetcher(settings, ReportArchive(archive_dir), timezone, session or make_session(settings))
    found: dict[datetime, Path | None] = {}
    wanted: list[Path] = []
    for hours in candidate_hours(sorted(set(cutoffs)), settings, now, timezone):
        for hour in hours:
            if hour not in found:
                found[hour] = fetcher.fetch(hour)
            report = found[hour]
            if report is not None:
                wanted.append(report)
                break
    return sorted(set(wanted))


def visible_reports(folder: Path, cutoffs: Iterable[pd.Timestamp], settings: OfficialReportSettings,
                    timezone: str) -> list[Path]:
    """The PDFs in ``folder`` that are, for some cut-off, the newest report of its local day published by it
    (what :func:`fetch_reports` would take); PDFs whose name encodes no hour are always included."""
    by_hour: dict[datetime, Path] = {}
    chosen: set[Path] = set()
    for path in sorted(folder.glob(PDF_GLOB)):
        hour = published_hour_of(path.name, settings)
        if hour is None:
            chosen.add(path)
        else:
            by_hour[hour] = path
    days = {hour.date() for hour in by_hour}
    zone = ZoneInfo(timezone)
    for cutoff in sorted(set(cutoffs)):
        local = pd.Timestamp(cutoff).tz_convert(zone)
        if local.date() not in days:  # no archived report that day: nothing to look up
            continue
        hours = day_hours(local.normalize(), settings, local, timezone)
        newest = next((by_hour[h] for h in hours if h in by_hour), None)
        if newest is not None:
            chosen.add(newest)
    return sorted(chosen)


def parsed_reports(paths: Iterable[Path], parse_cache: Path) -> pd.DataFrame:
    """Parsed rows (:data:`REPORT_COLUMNS`) of ``paths``: from the parse cache by SHA-256, else parsed now and
    added to it. A PDF that fails to parse is skipped with a warning."""
    cached = pd.read_parquet(parse_cache) if parse_cache.is_file() else pd.DataFrame(
        columns=[_SHA, *REPORT_COLUMNS])
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    known = set(cached[_SHA])
    fresh = []
    for path, digest in digests.items():
        if digest in known:
            continue
        try:
            fresh.append(parse_injury_report(path).assign(**{_SHA: digest}))
        except AvailabilityError as exc:
            log.warning("injury report %s skipped: %s", path.name, exc)
        known.add(digest)
    if fresh:
        cached = pd.concat([cached, *fresh], ignore_index=True).astype({_SHA: str})
        write_parquet(cached[[_SHA, *REPORT_COLUMNS]], parse_cache)
    rows = cached.loc[cached[_SHA].isin(set(digests.values()))]
    return rows[list(REPORT_COLUMNS)].reset_index(drop=True)


def team_codes(odds_teams: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """Full team name (lower-case) -> tricode, from the odds table (tricode -> name) plus extra spellings."""
    table = {str(name).lower(): str(code) for code, name in odds_teams.items()}
    table.update({str(name).lower(): str(code) for name, code in extra.items()})
    return table


def report_snapshots(rows: pd.DataFrame, names: Mapping[str, str], status_map: dict) -> pd.DataFrame:
    """Parsed report rows -> report snapshots. NOT YET SUBMITTED rows are dropped (that team's report is not
    known yet); an unknown team name is an error (the table in ``conf/`` needs it)."""
    listed = rows.loc[rows["reason"].astype(str) != NOT_YET_SUBMITTED].dropna(subset=["player_name"])
    team = listed["team"].astype(str).str.lower().map(names)
    if team.isna().any():
        unknown = sorted(listed.loc[team.isna(), "team"].astype(str).unique())
        raise AvailabilityError(
            f"injury report team name(s) {', '.join(unknown)} not in conf/odds/teams or "
            "availability.official.team_names"
        )
    frame = pd.DataFrame(
        {
            "kind": REPORT,
            "published_at": pd.to_datetime(listed["report_time"].astype(str), utc=True, format="ISO8601"),
            "game_date": pd.to_datetime(listed["game_date"]),
            "team": team,
            "player_name": listed["player_name"].astype(object),
            "player_id": pd.NA,
            "status": map_status(listed["status"], status_map),
            "starter": float("nan"),
        }
    )
    return normalize_snapshots(frame[list(SNAPSHOT_COLUMNS)])


def archived_snapshots(
    folder: Path,
    cutoffs: Iterable[pd.Timestamp],
    names: Mapping[str, str],
    settings: OfficialReportSettings,
    *,
    status_map: dict,
    timezone: str,
    parse_cache: Path,
) -> pd.DataFrame:
    """Report snapshots of the archived PDFs visible before ``cutoffs`` (:func:`visible_reports`)."""
    rows = parsed_reports(visible_reports(folder, cutoffs, settings, timezone), parse_cache)
    if rows.empty:
        return normalize_snapshots(pd.DataFrame({c: [] for c in SNAPSHOT_COLUMNS}))
    return report_snapshots(rows, names, status_map)
