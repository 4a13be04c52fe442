"""Scheduled jobs: ``nba-pra job NAME`` runs a job's steps under the project lock and alerts when one fails.

A step is a CLI command line (``["pipeline"]``), dispatched in this process by the caller's ``dispatch``, so a job
does exactly what a user typing those commands would, and holds the lock from its first step to its last.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from nba_pra.alerts.dispatch import send_failure_alert
from nba_pra.config import Project
from nba_pra.errors import NbaPraError
from nba_pra.operations.schedule import Job
from nba_pra.redaction import redact_text, remembered

log = logging.getLogger(__name__)

#: runs one CLI command line in-process; raises NbaPraError (or returns non-zero) when it fails
Dispatch = Callable[[Sequence[str]], int]

#: data sources whose new games arrive by a fetch (files are imported by hand; the synthetic league is generated)
_FETCHED_SOURCES = ("nba_api",)


def job_steps(job: Job, project: Project) -> list[list[str]]:
    """The command lines of ``job`` for this project's data source."""
    refresh = [["data", "fetch"]] if project.settings.data.source in _FETCHED_SOURCES else []
    if job is Job.SETTLE:
        return [*refresh, ["ledger"]]
    if job is Job.MORNING:
        return [*refresh, ["pipeline"], ["schedule", "--refresh-installed"]]
    if job is Job.AVAILABILITY:
        return [["pipeline"]]
    return [["odds", "snapshot"]]


def run_job(job: Job, project: Project, dispatch: Dispatch) -> int:
    """Run every step in order; the first failure stops the job, is alerted and returned (its exit code)."""
    for step in job_steps(job, project):
        command = "nba-pra " + " ".join(step)
        log.info("job %s: %s", job.value, command)
        try:
            code = dispatch(step)
            detail = f"`{command}` exited with code {code}"
        except NbaPraError as exc:
            message = redact_text(str(exc), remembered())
            code, detail = exc.exit_code, f"`{command}` failed (exit {exc.exit_code}): {message}"
        if code != 0:
            subject = f"nba-pra job {job.value} failed in {project.root.name}"
            log.error("%s: %s", subject, detail)
            send_failure_alert(project.settings.alerts, subject, detail)
            return code
    log.info("job %s: done", job.value)
    return 0
