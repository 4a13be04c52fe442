"""The daily run: keep ``params.yaml`` equal to ``conf/``, make sure raw data exists, then ``dvc repro``."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Final

import pandas as pd
import yaml

from nba_pra import dvc_cli
from nba_pra.config import PARAMS_FILE, Project, compose, render_params
from nba_pra.data import schema
from nba_pra.data.sources import generate
from nba_pra.errors import DataError, PipelineError
from nba_pra.reporting.pipeline_run import record_pipeline_run

log = logging.getLogger(__name__)

DVC_YAML: Final = "dvc.yaml"
#: the lines of ``dvc repro``'s output that say what it did with a stage
_RAN: Final = re.compile(r"^Running stage '([^']+)'", re.MULTILINE)
_UNCHANGED: Final = re.compile(r"^Stage '([^']+)' didn't change", re.MULTILINE)

REQUIRED_RAW = (schema.BOX_SCORES_FILE, schema.SCHEDULE_FILE, schema.ROSTERS_FILE, schema.LINES_FILE)


def sync_params(root: Path, *, check_only: bool = False) -> bool:
    """Rewrite ``params.yaml`` from ``conf/`` when they differ; return whether it differed."""
    wanted = render_params(compose(root))
    path = root / PARAMS_FILE
    current = path.read_text() if path.is_file() else None
    if current == wanted:
        return False
    if not check_only:
        path.write_text(wanted)
        log.info("params.yaml regenerated from conf/")
    return True


def ensure_raw_data(project: Project) -> None:
    """Generate the synthetic league when its files are missing (a fresh clone has no DVC cache)."""
    data_dir = project.path("data")
    missing = [name for name in REQUIRED_RAW if not (data_dir / name).is_file()]
    if not missing:
        return
    if project.settings.data.source != "synthetic":
        raise DataError(f"raw data missing in {data_dir}: {', '.join(missing)}; fetch or import it first")
    log.info("raw data missing (%s): generating the synthetic league", ", ".join(missing))
    # generate also runs `dvc add data`: queued `dvc exp run` workspaces check data/ out from the DVC cache
    generate(project)


def track_archive(project: Project) -> None:
    """``dvc add`` the archive (pre-game news, odds snapshots) when a run appended to it since ``archive.dvc`` was
    written.

    No stage depends on the archive, so ``dvc repro`` leaves its pointer alone (and ``data.dvc`` untouched); a
    failure here only warns: the day's run itself succeeded.
    """
    archive = project.path("archive")
    pointer = archive.parent / f"{archive.name}.dvc"
    files = [path for path in archive.rglob("*") if path.is_file()] if archive.is_dir() else []
    if not files:
        return
    newest = max(path.stat().st_mtime for path in files)
    if pointer.is_file() and pointer.stat().st_mtime >= newest:
        return
    try:
        dvc_cli.dvc_add(project.root, archive)
    except PipelineError as exc:
        log.warning("the archive of pre-game news is not tracked yet: %s", exc)


def daily_stages(root: Path) -> list[str]:
    """dvc.yaml's stages that are not frozen (the daily run; ``backtest`` is frozen): naming them as ``dvc repro``'s
    targets keeps DVC from warning on every run that the frozen stage is frozen."""
    stages = yaml.safe_load((root / DVC_YAML).read_text())["stages"]
    return [name for name, spec in stages.items() if not spec.get("frozen", False)]


def repro_summary(dvc_output: str) -> str:
    """One line from ``dvc repro``'s own output: which stages ran and how many were unchanged."""
    ran = _RAN.findall(dvc_output)
    unchanged = _UNCHANGED.findall(dvc_output)
    return (f"dvc repro: {len(ran)} stage(s) ran" + (f" ({', '.join(ran)})" if ran else "")
            + f", {len(unchanged)} unchanged")


def push_outputs(project: Project) -> None:
    """``dvc push`` after the day's run when the repository has a default DVC remote (README, "A team's DVC
    remote"), so a second clone's ``dvc pull`` gets today's data and outputs; a failed push only warns: the day's
    run itself succeeded and the next push sends everything."""
    remote = dvc_cli.default_remote(project.root)
    if remote is None:
        return
    try:
        dvc_cli.dvc_push(project.root, remote)
    except PipelineError as exc:
        log.warning("%s", exc)
        return
    log.info("dvc push: data and outputs are on the remote %r", remote)


def run_pipeline(project: Project, *, force: bool = False, retrain: bool = False, push: bool = True) -> int:
    sync_params(project.root)
    ensure_raw_data(project)
    if retrain:
        from nba_pra.stages.training_set import request_retrain

        # the changed window record makes DVC rerun training_set, which then moves the window to the slate
        request_retrain(project)
    cmd = [sys.executable, "-m", "dvc", "repro", *(["--force"] if force else []), *daily_stages(project.root)]
    log.info("running %s (each stage prints one line; details in logs/)", " ".join(cmd[2:4]))
    started = pd.Timestamp.now(tz="UTC")
    # DVC's own stdout (each stage's command line, lock-file updates, `git add` and `dvc push` hints) goes to the
    # log file; its warnings and errors (stderr) and each stage's own lines (stderr) reach the console as they come
    completed = subprocess.run(cmd, cwd=project.root, check=False, env=dvc_cli.environment(),
                               stdout=subprocess.PIPE, text=True)
    for line in completed.stdout.splitlines():
        log.debug("dvc: %s", line)
    record_pipeline_run(project.path("logs"), started, pd.Timestamp.now(tz="UTC"), completed.returncode)
    if completed.returncode != 0:
        raise PipelineError(f"`dvc repro` failed with exit code {completed.returncode}; see its output above "
                            "and logs/nba-pra.log")
    log.info("%s", repro_summary(completed.stdout))
    track_archive(project)
    if push:
        push_outputs(project)
    from nba_pra.reporting.recommend import show

    show(project, show_all=False, limit=20)
    return 0
