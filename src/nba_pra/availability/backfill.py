"""``nba-pra availability backfill --from D --to D``: fetch past official injury reports into the archive.

Every scheduled publication hour (``availability.official.schedule_hours_et``) of every day of the range, oldest
first, is looked up at the report URL pattern, skipping hours not yet published. It is

* **resumable** -- archived URLs and URLs known to be missing (a final 403/404 in the index) are not asked again,
  and every result is in the archive the moment it arrives, so a run that was interrupted (Ctrl-C, a server
  that failed) continues where it stopped when run again;
* **polite** -- at least ``min_interval_s`` between requests, the fetcher's retries for 429/5xx (``Retry-After``
  honoured up to its cap), and a stop after ``backfill.max_consecutive_failures`` URLs in a row failed;
* **visible** -- a progress bar on a terminal, else a log line every ``backfill.log_every`` hours.

A URL that still fails after its retries is reported at the end (the command exits 3 naming it) and is asked
again by the next run. Then ``dvc add`` keeps ``archive.dvc`` describing the archive.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import requests

from nba_pra import dvc_cli
from nba_pra.availability.archive import ReportArchive
from nba_pra.availability.official import ReportFetcher, day_hours, file_name, make_session, report_url
from nba_pra.availability.settings import AvailabilitySettings, BackfillSettings, OfficialReportSettings
from nba_pra.availability.sources import archive_folder
from nba_pra.config import Project
from nba_pra.errors import AvailabilityError, ConfigError
from nba_pra.progress import ProgressCallback, progress_bar

log = logging.getLogger(__name__)

_DATE_FORMAT = "%Y-%m-%d"
_DESCRIPTION = "injury report backfill"


def parse_range(start: str | None, end: str | None, *, today: date, max_days: int) -> tuple[date, date]:
    """``--from`` / ``--to`` as dates, or a :class:`ConfigError` saying in one sentence what is wrong."""
    if not start or not end:
        raise ConfigError("`nba-pra availability backfill` needs both --from YYYY-MM-DD and --to YYYY-MM-DD")
    days = []
    for flag, text in (("--from", start), ("--to", end)):
        try:
            days.append(datetime.strptime(text, _DATE_FORMAT).date())
        except ValueError:
            raise ConfigError(f"{flag} {text!r} is not a date: expected YYYY-MM-DD, e.g. 2025-03-08") from None
    first, last = days
    if first > last:
        raise ConfigError(f"--from {first} is after --to {last}: the range must run forward")
    if last > today:
        raise ConfigError(f"--to {last} is in the future (today is {today} US Eastern): reports do not exist yet")
    span = (last - first).days + 1
    if span > max_days:
        raise ConfigError(
            f"--from {first} --to {last} spans {span} days, more than "
            f"availability.official.backfill.max_days = {max_days}: split it into shorter runs"
        )
    return first, last


def backfill_hours(first: date, last: date, settings: OfficialReportSettings, *, now: pd.Timestamp,
                   timezone: str) -> list[datetime]:
    """Every scheduled publication hour (local wall clock) from ``first`` to ``last`` published by ``now``,
    oldest first."""
    hours: list[datetime] = []
    for day in pd.date_range(first, last, freq="D"):
        hours.extend(reversed(day_hours(day, settings, now, timezone)))
    return hours


@dataclass
class BackfillResult:
    """What one backfill run did, hour by hour."""

    first: date
    last: date
    hours: int
    archived: int = 0
    not_published: int = 0
    already_known: int = 0
    #: (file name, one-sentence problem) of every hour that failed after its retries
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: the run stopped early: too many failures in a row
    stopped: bool = False
    requests: int = 0

    @property
    def changed(self) -> bool:
        return self.archived + self.not_published > 0

    def summary(self) -> str:
        return (f"backfill {self.first}..{self.last}: {self.hours} report hours, {self.archived} archived, "
                f"{self.not_published} not published, {self.already_known} already known, "
                f"{len(self.failed)} failed ({self.requests} requests)")


def run_backfill(fetcher: ReportFetcher, hours: list[datetime], settings: BackfillSettings,
                 result: BackfillResult, progress: ProgressCallback) -> BackfillResult:
    """Fetch ``hours`` in order into the fetcher's archive, counting into ``result`` (pure of CLI concerns)."""
    in_a_row = 0
    for done, hour in enumerate(hours, start=1):
        url, path, missing = fetcher.known(hour)
        if path is not None or missing:
            result.already_known += 1
        else:
            try:
                fetched = fetcher.fetch(hour)
            except AvailabilityError as exc:
                result.failed.append((file_name(url), str(exc)))
                in_a_row += 1
                log.warning("%s: %s (will be asked again by the next run)", file_name(url), exc)
                if in_a_row >= settings.max_consecutive_failures:
                    result.stopped = True
                    break
            else:
                in_a_row = 0
                if fetched is None:
                    result.not_published += 1
                else:
                    result.archived += 1
        progress(done, len(hours), file_name(report_url(fetcher.settings, hour)))
    result.requests = fetcher.requests_made
    return result


def backfill(project: Project, start: str | None, end: str | None, *, now: pd.Timestamp | None = None,
             session: requests.Session | None = None) -> BackfillResult:
    """Fetch the official reports of ``start``..``end`` into the archive, then ``dvc add`` it; raises
    :class:`AvailabilityError` (exit 3) when some hours failed, after keeping what was fetched."""
    settings: AvailabilitySettings = project.settings.availability
    official = settings.official
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    today = now.tz_convert(settings.timezone).date()
    first, last = parse_range(start, end, today=today, max_days=official.backfill.max_days)
    folder = archive_folder(project.path("archive"), settings)
    fetcher = ReportFetcher(official, ReportArchive(folder), settings.timezone, session or make_session(official))
    hours = backfill_hours(first, last, official, now=now, timezone=settings.timezone)
    result = BackfillResult(first, last, len(hours))
    log.info("backfill %s..%s: %d report hours into %s", first, last, len(hours), folder)
    try:
        with progress_bar(_DESCRIPTION, log=log, log_every=official.backfill.log_every) as update:
            run_backfill(fetcher, hours, official.backfill, result, update)
    finally:
        result.requests = fetcher.requests_made
        archive_root = project.path("archive")
        if fetcher.requests_made and folder.resolve().is_relative_to(archive_root.resolve()):
            dvc_cli.dvc_add(project.root, archive_root)
    log.info("%s", result.summary())
    if result.failed:
        name, problem = result.failed[-1]
        how = "stopped after" if result.stopped else "finished with"
        raise AvailabilityError(
            f"backfill {how} {len(result.failed)} failed report hour(s) (last: {name}: {problem}); what was "
            "fetched is archived: run the same command again to resume"
        )
    return result
