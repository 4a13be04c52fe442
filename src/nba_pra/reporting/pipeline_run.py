"""The last ``nba-pra pipeline`` run: when it started, how long it took, how it ended (``nba-pra status``).

Saved as ``<paths.logs>/pipeline_run.json`` -- operational state like the log file, not a DVC output::

    {"started": "2025-01-02T15:04:05+00:00", "finished": "...", "duration_s": 83.2,
     "returncode": 0, "ok": true}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from nba_pra.io import write_json

PIPELINE_RUN_FILE = "pipeline_run.json"


@dataclass(frozen=True)
class PipelineRun:
    """One pipeline run; times are ISO 8601 in UTC, ``duration_s = finished - started`` in seconds."""

    started: str
    finished: str
    duration_s: float
    returncode: int
    ok: bool


def pipeline_run_path(log_dir: Path) -> Path:
    return log_dir / PIPELINE_RUN_FILE


def _utc(when: pd.Timestamp) -> pd.Timestamp:
    return when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")


def record_pipeline_run(
    log_dir: Path, started: pd.Timestamp, finished: pd.Timestamp, returncode: int
) -> PipelineRun:
    """Write the run's record (naive timestamps are taken as UTC) and return it."""
    start, end = _utc(pd.Timestamp(started)), _utc(pd.Timestamp(finished))
    run = PipelineRun(
        started=start.isoformat(), finished=end.isoformat(),
        duration_s=round((end - start).total_seconds(), 1), returncode=int(returncode), ok=returncode == 0,
    )
    write_json(asdict(run), pipeline_run_path(log_dir))
    return run


def read_pipeline_run(log_dir: Path) -> PipelineRun | None:
    """The last recorded run, or None when there is none (or the file is unreadable)."""
    path = pipeline_run_path(log_dir)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        return PipelineRun(**{k: data[k] for k in PipelineRun.__dataclass_fields__})
    except (ValueError, TypeError, KeyError):
        return None
