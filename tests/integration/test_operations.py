"""Unattended operation for real: two runs at once (real processes), a failing job's alert reaching a local
webhook, and the schedule installed into a crontab (a stand-in `crontab` program) and into systemd unit files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_http import LocalHTTPServer, QuietHandler
from nba_pra.cli import main

HOLD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from nba_pra.operations.lock import project_lock
    with project_lock(Path(sys.argv[1]), "nba-pra pipeline", 0):
        print("held", flush=True)
        sys.stdin.readline()
""")


def _holder(root: Path) -> subprocess.Popen:
    """A real process holding the project lock until a line arrives on its stdin."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root / "cache")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _nba_pra(root: Path, *args: str, wait: bool = True) -> subprocess.Popen | subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "nba_pra", *args]
    if wait:
        return subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False, timeout=120)
    return subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_run_exits_at_once_naming_the_run_that_holds_the_project(tmp_project: Path) -> None:
    holder = _holder(tmp_project)
    try:
        second = _nba_pra(tmp_project, "features")
    finally:
        holder.communicate("release\n", timeout=30)
    assert second.returncode == 10
    assert second.stderr.strip().startswith(f"error: the project is busy: pid {holder.pid}, `nba-pra pipeline`, since ")
    assert "(schedule.lock_wait_s is 0: not waiting); retry when it has finished" in second.stderr
    # read-only commands never wait for the lock
    assert _nba_pra(tmp_project, "config", "dump", "--check").returncode in (0, 1)


def test_a_second_run_with_a_wait_starts_when_the_first_finishes(tmp_project: Path) -> None:
    holder = _holder(tmp_project)
    second = _nba_pra(tmp_project, "features", "schedule.lock_wait_s=60", wait=False)
    time.sleep(2.0)
    assert second.poll() is None  # still waiting for the lock
    holder.communicate("release\n", timeout=30)
    _, err = second.communicate(timeout=120)
    # it got the lock, then failed on its own: this copy has no data yet (exit 3, not 10)
    assert second.returncode == 3 and "busy" not in err


class _Hook(LocalHTTPServer):
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        hook = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                hook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()

        super().__init__(Handler)


@pytest.fixture
def hook() -> Iterator[_Hook]:
    with _Hook() as server:
        yield server


def test_a_failed_job_is_alerted_through_the_webhook_and_keeps_its_exit_code(tmp_project, hook, monkeypatch):
    monkeypatch.setenv("NBA_PRA_ALERT_WEBHOOK_URL", f"{hook.root_url}/hooks/s3cr3t")
    # files source without imported data: the morning job's pipeline step fails before DVC runs (a job takes no
    # overrides: it runs conf/ as it is)
    config = tmp_project / "conf" / "config.yaml"
    config.write_text(config.read_text().replace("  - data: synthetic", "  - data: files")
                      + "alerts:\n  webhook:\n    enabled: true\n")
    code = main(["job", "morning", "-q"])
    assert code == 3
    assert len(hook.received) == 1
    text = hook.received[0]["text"]
    assert text.startswith("nba-pra job morning failed in project\n`nba-pra pipeline` failed (exit 3): raw data")
    assert "s3cr3t" not in text


def test_a_failed_job_without_alert_channels_warns_and_releases_the_lock(tmp_project, caplog) -> None:
    # the settle job's ledger step runs inside the job's lock (re-entrant: no deadlock) and fails on missing data
    assert main(["job", "settle", "-q"]) == 3
    assert "nba-pra job settle failed in project; no alert channel is enabled (conf/alerts)" in caplog.text
    assert not (tmp_project / "cache" / "project.lock.holder").exists()
    assert _nba_pra(tmp_project, "features").returncode == 3  # the lock is free again


FAKE_CRONTAB = """#!/bin/sh
# stands in for cron's crontab(1): -l prints the table (exit 1 when there is none), - replaces it from stdin
if [ "$1" = "-l" ]; then
  if [ -f "$CRONTAB_FILE" ]; then cat "$CRONTAB_FILE"; else echo "no crontab for tester" >&2; exit 1; fi
elif [ "$1" = "-" ]; then
  cat > "$CRONTAB_FILE"
fi
"""


def test_install_replaces_this_projects_crontab_block_and_refresh_rewrites_it(tmp_project, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "crontab").write_text(FAKE_CRONTAB)
    (bin_dir / "crontab").chmod(0o755)
    table = tmp_path / "crontab.txt"
    table.write_text("MAILTO=ops@example.com\n15 4 * * * /usr/local/bin/backup\n")
    monkeypatch.setenv("CRONTAB_FILE", str(table))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TZ", "UTC")
    assert main(["schedule", "--install"]) == 0
    assert main(["schedule", "--install"]) == 0
    lines = table.read_text().splitlines()
    assert lines[:2] == ["MAILTO=ops@example.com", "15 4 * * * /usr/local/bin/backup"]
    assert lines.count(f"# >>> nba-pra {tmp_project} >>>") == 1
    jobs = [line for line in lines[2:] if not line.startswith("#")]
    # no data yet: no snapshot lines; settle 06:00 and morning 10:00 Eastern are 11:00 and 15:00 UTC in winter
    # or 10:00 and 14:00 in summer
    assert [line.split(" -m nba_pra job ")[1].split(" ")[0] for line in jobs] == ["settle", "morning", "availability"]
    assert jobs[0].split()[:2] in (["0", "11"], ["0", "10"])
    assert json.loads((tmp_project / "cache" / "schedule.json").read_text()) == {"format": "cron", "unit_dir": None}
    table.write_text(table.read_text().replace("job settle", "job gone"))
    assert main(["schedule", "--refresh-installed"]) == 0
    assert "job gone" not in table.read_text() and table.read_text().count("job settle") == 1


def test_systemd_install_writes_units_and_says_how_to_enable_them(tmp_project, tmp_path, capsys) -> None:
    units = tmp_path / "units"
    assert main(["schedule", "--format", "systemd", "--install", "--unit-dir", str(units)]) == 0
    names = sorted(p.name for p in units.iterdir())
    assert len([n for n in names if n.endswith(".service")]) == 4
    assert len([n for n in names if n.endswith(".timer")]) == 3  # no slate yet: no snapshot timers
    out = capsys.readouterr().out
    assert out.startswith(f"wrote 7 units to {units}")


def test_printing_the_schedule_changes_nothing(tmp_project, capsys) -> None:
    assert main(["schedule"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# >>> nba-pra {tmp_project} >>>")
    assert not (tmp_project / "cache" / "schedule.json").exists()
