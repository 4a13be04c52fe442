"""The DVC command line as this project calls it: in a subprocess of this interpreter, with its ``bin/`` first."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from nba_pra.errors import PipelineError

log = logging.getLogger(__name__)


def environment() -> dict[str, str]:
    """This interpreter's ``bin/`` first on PATH: dvc.yaml's ``python -m nba_pra.stages.*`` must find our venv."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # no usage report and no pip "new release" notice in the pipeline's output (.dvc/config also turns off
    # analytics and DVC's update check)
    env.setdefault("DVC_NO_ANALYTICS", "1")
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def dvc_add(root: Path, target: Path) -> bool:
    """``dvc add <target>`` in the project at ``root``; False (with one warning) outside a DVC repository.

    Raises :class:`PipelineError` when DVC fails: ``<target>.dvc`` must describe ``target``, or the next
    ``dvc repro`` would re-hash it silently (STACK.md).
    """
    if not (root / ".dvc").is_dir():
        name = os.path.relpath(target, root)
        log.warning("%s is not a DVC repository: %s.dvc not updated (run `dvc init` then `dvc add %s`)", root, name,
                    name)
        return False
    relative = os.path.relpath(target, root)
    completed = subprocess.run([sys.executable, "-m", "dvc", "add", "--quiet", relative], cwd=root, check=False,
                               env=environment(), capture_output=True, text=True)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise PipelineError(f"`dvc add {relative}` failed ({detail[-1] if detail else 'no output'}); {relative}/ "
                            f"and {relative}.dvc were left as they were")
    log.info("%s.dvc updated (`dvc add %s`); commit it with the code: git add %s.dvc", relative, relative, relative)
    return True


#: dependencies whose hashes a fresh clone has without running anything: the code and ``params.yaml``
_CHECKED_DEPS = ("src/", "params.yaml")


def stale_lock_entries(root: Path) -> list[str]:
    """``stage: dependency`` for every code or params dependency whose hash differs from ``dvc.lock``.

    Cheap (``dvc status`` hashes the code; nothing runs) and meaningful in a fresh clone, where data and outputs
    are absent: a stale entry means the committed lock was not regenerated after a code or config change, so the
    first ``dvc repro`` rewrites ``dvc.lock`` and ``git status`` shows it modified.
    """
    completed = subprocess.run([sys.executable, "-m", "dvc", "status", "--json"], cwd=root, check=False,
                               env=environment(), capture_output=True, text=True)
    if completed.returncode != 0:
        raise PipelineError(f"`dvc status` failed: {completed.stderr.strip() or completed.stdout.strip()}")
    stale = []
    for stage, changes in json.loads(completed.stdout or "{}").items():
        for change in changes:
            if isinstance(change, dict):
                deps = change.get("changed deps", {})
                stale += [f"{stage}: {dep}" for dep in deps if dep.startswith(_CHECKED_DEPS)]
    return stale


def default_remote(root: Path) -> str | None:
    """The name of the repository's default DVC remote (``dvc remote default``), None when none is set."""
    completed = subprocess.run([sys.executable, "-m", "dvc", "remote", "default"], cwd=root, check=False,
                               env=environment(), capture_output=True, text=True)
    name = completed.stdout.strip()
    return name if completed.returncode == 0 and name else None


def dvc_push(root: Path, remote: str) -> None:
    """``dvc push`` of the data and every cached stage output to ``remote``; a failure raises
    :class:`PipelineError` with DVC's last line (the day's outputs stay in the local cache for the next push)."""
    completed = subprocess.run([sys.executable, "-m", "dvc", "push", "--quiet", "--remote", remote], cwd=root,
                               check=False, env=environment(), capture_output=True, text=True)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise PipelineError(f"`dvc push` to the remote {remote!r} failed ({detail[-1] if detail else 'no output'}); "
                            "the outputs stay in the local DVC cache: run `dvc push` again when it is reachable")
