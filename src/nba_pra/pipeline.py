"""The daily run: keep ``params.yaml`` equal to ``conf/``, make sure raw data exists, then ``dvc repro``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from nba_pra.config import PARAMS_FILE, Project, compose, render_params
from nba_pra.data import schema
from nba_pra.data.sources import generate
from nba_pra.errors import DataError, PipelineError
from nba_pra.reporting.pipeline_run import record_pipeline_run

log = logging.getLogger(__name__)

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
    generate(project)
    # into the DVC cache too: queued `dvc exp run` workspaces check data/ out from there
    track_raw_data(project)


def track_raw_data(project: Project) -> bool:
    """``dvc add data``: make ``data.dvc`` describe the raw tables a source just wrote (import, fetch, generate).

    Without it the next ``dvc repro`` would re-hash ``data/`` silently (STACK.md); with it ``git status`` shows
    the new ``data.dvc`` right away, to commit beside the code that used it. Outside a DVC repository (or when
    DVC fails) the data stay written and one warning says why ``data.dvc`` was not updated. Returns success.
    """
    if not (project.root / ".dvc").is_dir():
        log.warning("%s is not a DVC repository: data.dvc not updated (run `dvc init` then `dvc add data`)",
                    project.root)
        return False
    target = os.path.relpath(project.path("data"), project.root)
    completed = subprocess.run([sys.executable, "-m", "dvc", "add", "--quiet", target], cwd=project.root,
                               check=False, env=stage_environment(), capture_output=True, text=True)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        log.warning("`dvc add %s` failed (%s): data.dvc not updated", target, detail[-1] if detail else "no output")
        return False
    log.info("data.dvc updated (`dvc add %s`); commit it with the code: git add %s.dvc", target, target)
    return True


def stage_environment() -> dict[str, str]:
    """This interpreter's ``bin/`` first on PATH: dvc.yaml's ``python -m nba_pra.stages.*`` must find our venv."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_pipeline(project: Project, *, force: bool = False) -> int:
    sync_params(project.root)
    ensure_raw_data(project)
    cmd = [sys.executable, "-m", "dvc", "repro", *(["--force"] if force else [])]
    log.info("running %s", " ".join(cmd[2:]))
    started = pd.Timestamp.now(tz="UTC")
    completed = subprocess.run(cmd, cwd=project.root, check=False, env=stage_environment())
    record_pipeline_run(project.path("logs"), started, pd.Timestamp.now(tz="UTC"), completed.returncode)
    if completed.returncode != 0:
        raise PipelineError(f"`dvc repro` failed with exit code {completed.returncode}; see its output above")
    from nba_pra.reporting.recommend import show

    show(project, show_all=False, limit=20)
    return 0
