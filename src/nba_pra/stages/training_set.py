"""Stage ``training_set``: the feature table's history before the training window's end -> the train stage's input.

Outputs: ``artifacts/training_set.parquet`` (the rows ``train`` fits on) and ``artifacts/training_window.json``
(the window's end and row count: the state that decides the next retrain, see :mod:`nba_pra.model.retrain`).
Both persist across runs (dvc.yaml ``persist: true``), so the stage reads the previous window before writing the
new one; neither is cached by DVC, which also keeps DVC's run cache from replaying an old window.
"""

from __future__ import annotations

import logging

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.errors import DataError
from nba_pra.model import retrain  # not model.train, whose scipy.stats import costs ~1 s a run
from nba_pra.stages._runner import run_stage

log = logging.getLogger(__name__)


def request_retrain(project: Project) -> None:
    """Mark the window record so the next ``training_set`` run moves the window's end to its slate date."""
    record = artifacts.read_json(project, artifacts.TRAINING_WINDOW) or {}
    artifacts.write_record(project, artifacts.TRAINING_WINDOW, {**record, retrain.REQUESTED: True})


def run(project: Project, *, force: bool = False) -> retrain.WindowDecision:
    """Write today's training set; ``force`` moves the window's end to the slate date (``nba-pra train``)."""
    features = artifacts.read_features(project)
    if features.empty:
        raise DataError("the feature table is empty: there is nothing to train on")
    previous = artifacts.read_json(project, artifacts.TRAINING_WINDOW)
    if force:
        previous = {**(previous or {}), retrain.REQUESTED: True}
    decision = retrain.decide_window(retrain.as_of_date(features), previous, project.settings.model.retrain_every_days)
    rows = retrain.training_set(features, decision.end)
    if rows.empty:
        raise DataError(f"no history before {decision.end.date()}: there is nothing to train on")
    artifacts.write_frame(project, artifacts.TRAINING_SET, rows)
    artifacts.write_record(project, artifacts.TRAINING_WINDOW, retrain.window_record(decision, len(rows)))
    if decision.retrain:
        log.info("training window moves to end %s (%s): train reruns on %d rows", decision.end.date(),
                 decision.reason, len(rows))
    else:
        log.info("training window unchanged (%s): next retrain on %s or with `nba-pra pipeline --retrain`",
                 decision.reason, decision.next_retrain.date())
    return decision


if __name__ == "__main__":
    run_stage(run)
