"""Shared entry for ``python -m nba_pra.stages.<name>``: settings from params.yaml, logging, exit codes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from nba_pra.config import Project, load_project
from nba_pra.errors import NbaPraError
from nba_pra.logs import setup_logging
from nba_pra.redaction import remember, secrets_of

log = logging.getLogger(__name__)

#: under ``dvc repro`` the console gets each stage's own summary line (its module's INFO) and every warning; the
#: progress of folds, retrains and odds goes to ``logs/nba-pra.log`` (the CLI verbs, e.g. ``nba-pra train``,
#: still print it). DVC runs ``python -m nba_pra.stages.<name>``, so the stage module's logger is ``__main__``.
STAGE_CONSOLE_LOGGERS = ("__main__", "nba_pra.stages.")


def run_stage(run: Callable[[Project], Any]) -> None:
    """Run one DVC stage with the settings DVC tracks (``params.yaml``); errors exit with their code."""
    try:
        project = load_project(from_params=True)
        remember(*secrets_of(project.settings))
        setup_logging(project.path("logs"), console_info_from=STAGE_CONSOLE_LOGGERS)
        run(project)
    except NbaPraError as exc:
        log.error("%s", exc)
        sys.exit(exc.exit_code)
