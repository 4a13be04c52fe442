"""The day's jobs as crontab lines and systemd timers: times converted by hand, blocks replaced, not duplicated."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nba_pra.operations.schedule import (
    Job,
    cron_lines,
    day_timers,
    replace_block,
    systemd_units,
    unit_prefix,
)
from nba_pra.operations.settings import ScheduleSettings
from settings_support import conf

ROOT = Path("/srv/nba pra")
PY = "/venv/bin/python"
LOGS = ROOT / "logs"
# 2024-01-05: US Eastern is UTC-5 (no daylight saving); two tip times, 19:00 and 22:00 Eastern
DAY = pd.Timestamp("2024-01-05", tz="America/New_York")
TIPS = [pd.Timestamp("2024-01-06 00:00", tz="UTC"), pd.Timestamp("2024-01-06 03:00", tz="UTC"),
        pd.Timestamp("2024-01-06 00:00", tz="UTC")]
NOW = pd.Timestamp("2024-01-05 15:00", tz="UTC")


def _settings(**overrides) -> ScheduleSettings:
    values = {"timezone": "America/New_York", "settle_at": "06:00", "morning_at": "10:00",
              "availability_hours": (11, 13), "snapshot_minutes_before_tip": (60, 5)} | overrides
    return conf(ScheduleSettings, **values)


def test_timers_hold_daily_jobs_hourly_refreshes_and_one_snapshot_per_tip_and_offset() -> None:
    timers = day_timers(_settings(), TIPS, NOW)
    assert [(t.job, t.daily) for t in timers if t.daily] == [
        (Job.SETTLE, "06:00"), (Job.MORNING, "10:00"),
        (Job.AVAILABILITY, "11:00"), (Job.AVAILABILITY, "12:00"), (Job.AVAILABILITY, "13:00")]
    # two distinct tips x (60, 5) minutes; the duplicate tip adds nothing
    assert [str(t.once) for t in timers if t.once is not None] == [
        "2024-01-05 23:00:00+00:00", "2024-01-05 23:55:00+00:00", "2024-01-06 02:00:00+00:00",
        "2024-01-06 02:55:00+00:00"]


def test_snapshots_already_past_are_not_scheduled() -> None:
    timers = day_timers(_settings(), TIPS, pd.Timestamp("2024-01-06 01:00", tz="UTC"))
    assert [str(t.once) for t in timers if t.once is not None] == [
        "2024-01-06 02:00:00+00:00", "2024-01-06 02:55:00+00:00"]


def test_cron_lines_are_in_the_machine_zone() -> None:
    timers = day_timers(_settings(), TIPS, NOW)
    lines = cron_lines(timers, settings=_settings(), root=ROOT, python=PY, logs=LOGS, day=DAY,
                       machine_zone="Europe/Berlin")  # UTC+1 in January: Eastern + 6 h
    cmd = "cd '/srv/nba pra' && /venv/bin/python -m nba_pra job {} >> '/srv/nba pra/logs/jobs.log' 2>&1"
    assert lines[0] == "# >>> nba-pra /srv/nba pra >>>" and lines[-1] == "# <<< nba-pra /srv/nba pra <<<"
    assert lines[2:-1] == [
        "0 12 * * * " + cmd.format("settle"),
        "0 16 * * * " + cmd.format("morning"),
        "0 17,18,19 * * * " + cmd.format("availability"),
        "0 0 6 1 * " + cmd.format("snapshot"),    # 23:00 UTC = 00:00 Berlin on the 6th
        "55 0 6 1 * " + cmd.format("snapshot"),
        "0 3 6 1 * " + cmd.format("snapshot"),
        "55 3 6 1 * " + cmd.format("snapshot"),
    ]


def test_cron_follows_daylight_saving_of_the_configured_zone() -> None:
    july = pd.Timestamp("2024-07-05", tz="America/New_York")  # Eastern is UTC-4 in July
    lines = cron_lines(day_timers(_settings(), [], NOW), settings=_settings(), root=ROOT, python=PY, logs=LOGS,
                       day=july, machine_zone="UTC")
    assert lines[2].startswith("0 10 * * * ") and lines[3].startswith("0 14 * * * ")


def test_replacing_the_block_keeps_other_lines_and_never_duplicates() -> None:
    block = ["# >>> nba-pra /srv/nba pra >>>", "0 1 * * * x", "# <<< nba-pra /srv/nba pra <<<"]
    other = "MAILTO=me\n5 5 * * * backup\n"
    once = replace_block(other, block, ROOT)
    assert once == "MAILTO=me\n5 5 * * * backup\n" + "\n".join(block) + "\n"
    new_block = [block[0], "0 2 * * * y", block[2]]
    twice = replace_block(once, new_block, ROOT)
    assert twice == "MAILTO=me\n5 5 * * * backup\n" + "\n".join(new_block) + "\n"
    # another project's block is not ours
    assert "0 2 * * * y" in replace_block(twice, block, Path("/elsewhere"))


def test_systemd_units_take_the_zone_in_their_calendar_and_date_the_snapshots() -> None:
    units = systemd_units(day_timers(_settings(), TIPS[:1], NOW), settings=_settings(), root=ROOT, python=PY,
                          logs=LOGS)
    prefix = unit_prefix(ROOT)
    assert sorted(units) == sorted([f"{prefix}-{j}.service" for j in Job] + [
        f"{prefix}-settle.timer", f"{prefix}-morning.timer", f"{prefix}-availability.timer",
        f"{prefix}-snapshot-20240105-2300.timer", f"{prefix}-snapshot-20240105-2355.timer"])
    assert "OnCalendar=*-*-* 06:00:00 America/New_York\n" in units[f"{prefix}-settle.timer"]
    hourly = units[f"{prefix}-availability.timer"]
    assert [line for line in hourly.splitlines() if line.startswith("OnCalendar")] == [
        f"OnCalendar=*-*-* {h}:00:00 America/New_York" for h in (11, 12, 13)]
    snapshot = units[f"{prefix}-snapshot-20240105-2300.timer"]
    assert "OnCalendar=2024-01-05 23:00:00 UTC\n" in snapshot and f"Unit={prefix}-snapshot.service" in snapshot
    service = units[f"{prefix}-morning.service"]
    assert "Type=oneshot\n" in service
    assert ("ExecStart=/bin/sh -c 'cd '\"'\"'/srv/nba pra'\"'\"' && /venv/bin/python -m nba_pra job morning >> "
            "'\"'\"'/srv/nba pra/logs/jobs.log'\"'\"' 2>&1'\n") in service
