"""The NBA's official injury report: fetch the PDFs a slate needs, cache them under ``data/``, parse every
cached PDF into report snapshots.

The report is republished through the day as ``Injury-Report_<date>_<HH><AM|PM>.pdf`` (the hour of publication,
US Eastern; ``conf/availability/`` holds the URL pattern and the hours tried). For each game of the slate only
the latest report published by its cut-off matters, so the fetcher walks that day's scheduled hours newest
first (never later than the cut-off or than "now") and stops at the first report that exists: the cache first,
then one GET. 403/404 mean "not published" (the CDN answers either); other failures raise
:class:`AvailabilityError` after the configured retries. Cached PDFs are never refetched and every cached PDF
is parsed, so a day's reports stay reproducible and history accumulates run after run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from nba_pra.availability.asof import REPORT, SNAPSHOT_COLUMNS, map_status, normalize_snapshots
from nba_pra.availability.injury_pdf import NOT_YET_SUBMITTED, parse_injury_report
from nba_pra.availability.settings import OfficialReportSettings
from nba_pra.errors import AvailabilityError
from nba_pra.io import atomic_write

log = logging.getLogger(__name__)

PDF_GLOB: Final = "*.pdf"
#: statuses meaning "no such report (yet)": S3/CloudFront answer 403 for a missing key
_NOT_PUBLISHED: Final = (403, 404)
_HTTP_OK: Final = 200
_PDF_MAGIC: Final = b"%PDF"


def report_url(settings: OfficialReportSettings, published_hour: datetime) -> str:
    """The URL of the report published in ``published_hour`` (US Eastern, minutes 0)."""
    return settings.url_pattern.format(published=published_hour)


def candidate_hours(
    cutoffs: Iterable[pd.Timestamp], settings: OfficialReportSettings, now: pd.Timestamp, timezone: str
) -> list[list[datetime]]:
    """Per cut-off: the scheduled publication hours of that local day published by min(cut-off, now), newest
    first."""
    zone = ZoneInfo(timezone)
    out = []
    for cutoff in cutoffs:
        limit = min(pd.Timestamp(cutoff), pd.Timestamp(now)).tz_convert(zone)
        day = limit.normalize()
        hours = [
            (day + pd.Timedelta(hours=h)).to_pydatetime()
            for h in sorted(settings.schedule_hours_et, reverse=True)
            if day + pd.Timedelta(hours=h, minutes=settings.publish_minute) <= limit
        ]
        out.append(hours)
    return out


def make_session(settings: OfficialReportSettings) -> requests.Session:
    """A session with the configured retries (429/5xx, Retry-After honoured up to its cap)."""
    r = settings.retry
    retry = Retry(
        total=r.total,
        backoff_factor=r.backoff_factor,
        backoff_jitter=r.backoff_jitter,
        backoff_max=r.backoff_max,
        status_forcelist=r.status_forcelist,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    return session


def fetch_reports(
    cutoffs: Iterable[pd.Timestamp],
    settings: OfficialReportSettings,
    cache_dir: Path,
    *,
    now: pd.Timestamp,
    timezone: str,
    session: requests.Session | None = None,
) -> list[Path]:
    """Make sure the latest report published by each cut-off is in ``cache_dir``; returns those files.

    A cut-off before which no report was published yields nothing (its games stay unknown).
    """
    session = session or make_session(settings)
    found: dict[str, Path | None] = {}
    wanted: list[Path] = []
    for hours in candidate_hours(sorted(set(cutoffs)), settings, now, timezone):
        for hour in hours:
            url = report_url(settings, hour)
            if url not in found:
                found[url] = _cached_or_fetched(url, cache_dir, settings, session)
            report = found[url]
            if report is not None:
                wanted.append(report)
                break
    return sorted(set(wanted))


def _cached_or_fetched(
    url: str, cache_dir: Path, settings: OfficialReportSettings, session: requests.Session
) -> Path | None:
    path = cache_dir / url.rsplit("/", 1)[-1]
    if path.is_file():
        return path
    try:
        response = session.get(url, timeout=(settings.connect_timeout_s, settings.read_timeout_s))
    except requests.Timeout:
        raise AvailabilityError(f"injury report request timed out ({path.name})") from None
    except requests.RequestException as exc:
        raise AvailabilityError(f"injury report request failed ({type(exc).__name__}, {path.name})") from None
    if response.status_code in _NOT_PUBLISHED:
        log.debug("injury report %s not published (HTTP %d)", path.name, response.status_code)
        return None
    if response.status_code != _HTTP_OK:
        raise AvailabilityError(f"injury report server answered HTTP {response.status_code} for {path.name}")
    if not response.content.startswith(_PDF_MAGIC):
        raise AvailabilityError(f"injury report {path.name} is not a PDF")
    atomic_write(path, lambda tmp: tmp.write_bytes(response.content))
    log.info("injury report %s fetched and cached", path.name)
    return path


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


def cached_snapshots(cache_dir: Path, names: Mapping[str, str], status_map: dict) -> pd.DataFrame:
    """Report snapshots of every PDF in ``cache_dir`` (a PDF that fails to parse is skipped with a warning)."""
    parts = []
    for path in sorted(cache_dir.glob(PDF_GLOB)):
        try:
            parts.append(parse_injury_report(path))
        except AvailabilityError as exc:
            log.warning("injury report %s skipped: %s", path.name, exc)
    if not parts:
        return normalize_snapshots(pd.DataFrame({c: [] for c in SNAPSHOT_COLUMNS}))
    return report_snapshots(pd.concat(parts, ignore_index=True), names, status_map)

