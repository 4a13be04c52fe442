"""``nba-pra train -m model=xgboost,lightgbm``: one training (one MLflow run, one registered version) per point.

The overrides expand like a Hydra multirun (``a=1,2 b=x,y``: every combination, :func:`nba_pra.config.sweep_points`);
each point composes ``conf/`` with its overrides and runs what ``nba-pra train`` runs (the training set moved to
the slate, then the train stage), so every version is tagged with its architecture and lands in the registry
ready for ``nba-pra compare``. Points run one after another in this process: they share the project's
training set and report files (the last point's are left on disk; every point's are in its MLflow run).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from nba_pra import artifacts
from nba_pra.config import load_project, sweep_points
from nba_pra.errors import ConfigError

log = logging.getLogger(__name__)

#: the summary's columns after the point
SUMMARY_COLUMNS = ("architecture", "version", "alias", "crps", "mae", "log_score")


def train_points(root: Path, overrides: Sequence[str]) -> pd.DataFrame:
    """Train and register once per sweep point; one summary row per point (its overrides, version, scores)."""
    from hydra.errors import HydraException

    from nba_pra.stages import train, training_set

    try:
        points = sweep_points(overrides)
    except HydraException as exc:
        raise ConfigError(f"cannot expand the multirun overrides {list(overrides)}: {exc}") from exc
    rows = []
    for i, point in enumerate(points):
        name = " ".join(point) or "defaults"
        log.info("train multirun %d/%d: %s", i + 1, len(points), name)
        project = load_project(root, point)
        training_set.run(project, force=True)
        pointer = train.run(project)
        scores = artifacts.read_json(project, artifacts.TRAIN_METRICS) or {}
        rows.append({"point": name, "architecture": pointer["architecture"], "version": pointer["version"],
                     "alias": pointer["alias"] or "",
                     **{k: scores.get(k, float("nan")) for k in ("crps", "mae", "log_score")}})
    return pd.DataFrame(rows, columns=["point", *SUMMARY_COLUMNS])


def format_summary(table: pd.DataFrame) -> str:
    """The summary as text, with the command that compares the first two versions."""
    text = table.to_string(index=False, float_format=lambda v: f"{v:.4f}")
    if len(table) >= 2:
        a, b = table["version"].iloc[0], table["version"].iloc[1]
        text += f"\ncompare two of them: nba-pra compare {a} {b}"
    return text
