"""``nba-pra schedule``: print the day's crontab block or systemd units, or install them (IO around
:mod:`nba_pra.operations.schedule`).

cron: ``--install`` replaces this project's block in the user's crontab (``crontab -l`` / ``crontab -``) and keeps
every other line. systemd: ``--install`` writes the units to the unit folder and prints the ``systemctl`` commands
that enable them. Either way ``<paths.cache>/schedule.json`` remembers what was installed, so the morning job
(``--refresh-installed``) rewrites it for the new slate's tip times.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pandas as pd

from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.errors import ConfigError
from nba_pra.features.slate import next_slate_games
from nba_pra.operations.schedule import Timer, cron_lines, day_timers, replace_block, systemd_units

log = logging.getLogger(__name__)

INSTALLED: Final = "schedule.json"
DEFAULT_UNIT_DIR: Final = Path("~/.config/systemd/user")
_ZONEINFO_ROOT: Final = "zoneinfo/"


def machine_zone() -> str:
    """The machine's IANA zone (``TZ``, ``/etc/timezone`` or the ``/etc/localtime`` link), else UTC: cron's zone."""
    if os.environ.get("TZ"):
        return os.environ["TZ"].lstrip(":")
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file() and timezone_file.read_text().strip():
        return timezone_file.read_text().strip()
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if _ZONEINFO_ROOT in target:
            return target.split(_ZONEINFO_ROOT, 1)[1]
    return "UTC"


def slate_tips(project: Project) -> list[pd.Timestamp]:
    """Distinct tip times (UTC) of the next slate's games in ``data/schedule.parquet`` (none without data)."""
    path = project.path("data", schema.SCHEDULE_FILE)
    if not path.is_file():
        log.warning("no %s: the schedule has no pre-tip odds snapshots (run the pipeline first)", path)
        return []
    games = next_slate_games(pd.read_parquet(path, columns=["game_date", "status", "commence_time"]))
    return sorted(set(pd.to_datetime(games["commence_time"], utc=True).dropna()))


def render(project: Project, timers: list[Timer], fmt: str, now: pd.Timestamp) -> tuple[str, dict[str, str]]:
    """(crontab block, {}) or ("", systemd units) for ``timers``."""
    settings = project.settings.schedule
    logs = project.path("logs")
    if fmt == "cron":
        block = cron_lines(timers, settings=settings, root=project.root, python=sys.executable, logs=logs,
                           day=now.tz_convert(settings.timezone).normalize(), machine_zone=machine_zone())
        return "\n".join(block) + "\n", {}
    return "", systemd_units(timers, settings=settings, root=project.root, python=sys.executable, logs=logs)


def _install_cron(block: str, root: Path) -> None:
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
    # exit 1 with "no crontab for USER" is an empty crontab
    existing = current.stdout if current.returncode == 0 else ""
    wanted = replace_block(existing, block.splitlines(), root)
    written = subprocess.run(["crontab", "-"], input=wanted, capture_output=True, text=True, check=False)
    if written.returncode != 0:
        raise ConfigError(f"`crontab -` failed: {(written.stderr or written.stdout).strip() or 'no output'}")


def _install_units(units: dict[str, str], unit_dir: Path) -> None:
    unit_dir.mkdir(parents=True, exist_ok=True)
    prefix = next(iter(units)).rsplit("-", 1)[0]
    # yesterday's dated snapshot timers go: only this slate's remain
    for old in unit_dir.glob(f"{prefix}-snapshot-*.timer"):
        if old.name not in units:
            old.unlink()
    for name, text in units.items():
        (unit_dir / name).write_text(text)


def _systemctl(command: list[str]) -> bool:
    """Run a systemctl command; False (with one warning) where there is no systemd user manager."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return False
    if done.returncode != 0:
        log.warning("`%s` failed: %s", " ".join(command[:3]), (done.stderr or done.stdout).strip() or "no output")
    return done.returncode == 0


def show_schedule(project: Project, *, fmt: str, install: bool, unit_dir: str | None,
                  refresh_installed: bool = False) -> int:
    """Print (and optionally install) the schedule; ``refresh_installed`` rewrites what was installed, if any."""
    marker = project.path("cache", INSTALLED)
    if refresh_installed:
        if not marker.is_file():
            log.info("no installed schedule to refresh (%s)", marker)
            return 0
        saved = json.loads(marker.read_text())
        fmt, install, unit_dir = saved["format"], True, saved.get("unit_dir")
    now = pd.Timestamp.now(tz="UTC")
    timers = day_timers(project.settings.schedule, slate_tips(project), now)
    block, units = render(project, timers, fmt, now)
    folder = Path(unit_dir).expanduser() if unit_dir else DEFAULT_UNIT_DIR.expanduser()
    if not install:
        print(block if fmt == "cron" else "".join(f"# {folder / n}\n{t}\n" for n, t in units.items()), end="")
        return 0
    if fmt == "cron":
        _install_cron(block, project.root)
        print(f"crontab: this project's block now holds {len(block.splitlines()) - 3} jobs")
    else:
        _install_units(units, folder)
        enable = ["systemctl", "--user", "enable", "--now", *sorted(n for n in units if n.endswith(".timer"))]
        if _systemctl(["systemctl", "--user", "daemon-reload"]) and _systemctl(enable):
            print(f"wrote {len(units)} units to {folder} and enabled their timers")
        else:
            print(f"wrote {len(units)} units to {folder}; enable them with:\n"
                  f"  systemctl --user daemon-reload && {' '.join(enable)}")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"format": fmt, "unit_dir": str(folder) if fmt == "systemd" else None}))
    return 0
