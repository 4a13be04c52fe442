"""The DVC command line as this project calls it: in a subprocess of this interpreter, with its ``bin/`` first."""

from __future__ import annotations

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
