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


def run_stage(run: Callable[[Project], Any]) -> None:
    """Run one DVC stage with the settings DVC tracks (``params.yaml``); errors exit with their code."""
    try:
        project = load_project(from_params=True)
        remember(*secrets_of(project.settings))
        setup_logging(project.path("logs"))
        run(project)
    except NbaPraError as exc:
        log.error("%s", exc)
        sys.exit(exc.exit_code)
