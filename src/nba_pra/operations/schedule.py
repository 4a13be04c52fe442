"""The day's jobs as crontab lines or systemd timer units (pure: settings + tip times in, text out).

Four jobs run a season unattended (``nba-pra job NAME``, see :mod:`nba_pra.operations.jobs`):

- ``settle`` daily at ``schedule.settle_at``: last night's box scores, then the ledger settles;
- ``morning`` daily at ``schedule.morning_at``: the morning data, then the daily pipeline;
- ``availability`` hourly over ``schedule.availability_hours``: the pipeline again (availability always reruns,
  the rest only when a report changed something);
- ``snapshot`` at each distinct tip time of the slate minus each of ``schedule.snapshot_minutes_before_tip``:
  every book's current lines, the last of which before a tip is that game's close.

Daily times are wall-clock times in ``schedule.timezone``. systemd takes the zone in ``OnCalendar``; cron runs in the
machine's zone, so cron times are converted for the given day (the installed morning job rewrites them daily,
which also follows daylight-saving changes). Snapshot times are one-shot: dated cron lines or dated timers.
"""

from __future__ import annotations

import enum
import hashlib
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd

from nba_pra.operations.settings import ScheduleSettings

#: the comment lines around this project's block in a crontab (one block per project root)
BLOCK_BEGIN: Final = "# >>> nba-pra {root} >>>"
BLOCK_END: Final = "# <<< nba-pra {root} <<<"
#: where a job's output goes, relative to the project's logs folder
JOB_LOG: Final = "jobs.log"


class Job(enum.StrEnum):
    SETTLE = "settle"
    MORNING = "morning"
    AVAILABILITY = "availability"
    SNAPSHOT = "snapshot"


@dataclass(frozen=True)
class Timer:
    """When a job runs: daily at ``daily`` (HH:MM in the schedule's zone) or once at ``once`` (UTC)."""

    job: Job
    daily: str | None = None
    once: pd.Timestamp | None = None


def day_timers(settings: ScheduleSettings, tips: Iterable[pd.Timestamp], now: pd.Timestamp) -> list[Timer]:
    """Every timer for the day: the three daily jobs, hourly refreshes and the future pre-tip snapshots.

    A snapshot at ``tip - m`` minutes is kept only when it is still ahead of ``now`` (UTC).
    """
    first, last = settings.availability_hours
    timers = [Timer(Job.SETTLE, daily=settings.settle_at), Timer(Job.MORNING, daily=settings.morning_at)]
    timers += [Timer(Job.AVAILABILITY, daily=f"{hour:02d}:00") for hour in range(first, last + 1)]
    moments = {
        pd.Timestamp(tip).tz_convert("UTC") - pd.Timedelta(minutes=m)
        for tip in tips for m in settings.snapshot_minutes_before_tip
    }
    timers += [Timer(Job.SNAPSHOT, once=t) for t in sorted(moments) if t > now]
    return timers


def job_command(root: Path, python: str, job: Job, logs: Path) -> str:
    """The shell command a timer runs: the job in the project, its output appended to ``logs/jobs.log``."""
    return (f"cd {shlex.quote(str(root))} && {shlex.quote(python)} -m nba_pra job {job.value} "
            f">> {shlex.quote(str(logs / JOB_LOG))} 2>&1")


def _local(hhmm: str, day: pd.Timestamp, zone: str, machine_zone: str) -> pd.Timestamp:
    hour, minute = (int(part) for part in hhmm.split(":"))
    moment = pd.Timestamp(day.year, day.month, day.day, hour, minute, tz=ZoneInfo(zone))
    return moment.tz_convert(ZoneInfo(machine_zone))


def cron_lines(
    timers: Sequence[Timer], *, settings: ScheduleSettings, root: Path, python: str, logs: Path,
    day: pd.Timestamp, machine_zone: str,
) -> list[str]:
    """The project's crontab block: daily lines (converted to ``machine_zone`` on ``day``), then dated lines."""
    lines = [BLOCK_BEGIN.format(root=root),
             f"# nba-pra jobs as of {day.date()} (`nba-pra schedule`); times in {machine_zone} "
             f"(conf: {settings.timezone})"]
    hourly = sorted({_local(t.daily, day, settings.timezone, machine_zone).hour
                     for t in timers if t.job is Job.AVAILABILITY and t.daily})
    for t in timers:
        command = job_command(root, python, t.job, logs)
        if t.job is Job.AVAILABILITY:
            if t.daily == f"{settings.availability_hours[0]:02d}:00":  # the hourly refreshes: one line
                lines.append(f"0 {','.join(str(h) for h in hourly)} * * * {command}")
        elif t.daily:
            at = _local(t.daily, day, settings.timezone, machine_zone)
            lines.append(f"{at.minute} {at.hour} * * * {command}")
        elif t.once is not None:
            at = t.once.tz_convert(ZoneInfo(machine_zone))
            lines.append(f"{at.minute} {at.hour} {at.day} {at.month} * {command}")
    lines.append(BLOCK_END.format(root=root))
    return lines


def replace_block(crontab: str, block: Sequence[str], root: Path) -> str:
    """``crontab`` with this project's block replaced by ``block`` (appended when absent); other lines kept."""
    begin, end = BLOCK_BEGIN.format(root=root), BLOCK_END.format(root=root)
    kept: list[str] = []
    inside = False
    for line in crontab.splitlines():
        if line == begin:
            inside = True
        elif line == end:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join([*kept, *block]) + "\n"


def unit_prefix(root: Path) -> str:
    """``nba-pra-<8 hex>``: unit names unique per project root, stable across days."""
    return f"nba-pra-{hashlib.sha256(str(root).encode()).hexdigest()[:8]}"


def systemd_units(
    timers: Sequence[Timer], *, settings: ScheduleSettings, root: Path, python: str, logs: Path
) -> dict[str, str]:
    """File name -> content: one ``.service`` per job and one ``.timer`` per job (daily) or snapshot (dated)."""
    prefix = unit_prefix(root)
    units: dict[str, str] = {}
    for job in Job:
        units[f"{prefix}-{job.value}.service"] = (
            f"[Unit]\nDescription=nba-pra {job.value} job ({root})\n\n[Service]\nType=oneshot\n"
            f"ExecStart=/bin/sh -c {shlex.quote(job_command(root, python, job, logs))}\n"
        )
    daily: dict[Job, list[str]] = {}
    for t in timers:
        if t.daily:
            daily.setdefault(t.job, []).append(f"*-*-* {t.daily}:00 {settings.timezone}")
        elif t.once is not None:
            stamp = t.once.strftime("%Y%m%d-%H%M")
            units[f"{prefix}-snapshot-{stamp}.timer"] = _timer(
                f"nba-pra odds snapshot at {t.once:%Y-%m-%d %H:%M} UTC", [f"{t.once:%Y-%m-%d %H:%M:%S} UTC"],
                f"{prefix}-{Job.SNAPSHOT.value}.service")
    for job, calendars in daily.items():
        units[f"{prefix}-{job.value}.timer"] = _timer(f"nba-pra {job.value} job", calendars,
                                                     f"{prefix}-{job.value}.service")
    return units


def _timer(description: str, calendars: Sequence[str], service: str) -> str:
    on = "".join(f"OnCalendar={c}\n" for c in calendars)
    return (f"[Unit]\nDescription={description}\n\n[Timer]\n{on}Persistent=true\nUnit={service}\n\n"
            "[Install]\nWantedBy=timers.target\n")
