"""One training's MLflow run: its params, metrics, report tables, plots and the registered pyfunc ensemble.

The train stage computes; this module only records what it computed (and registers the model), so the stage
stays a thin script and every MLflow call of a training lives in ``tracking/``.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from nba_pra import artifacts
from nba_pra.model.evaluation import Evaluation
from nba_pra.model.train import TrainResult, training_mask
from nba_pra.tracking.client import Registration, Tracker
from nba_pra.tracking.run_logging import log_metrics_batch
from nba_pra.tracking.settings import TrackingSettings
from nba_pra.tracking.tags import ARCHITECTURE_TAG, DECISION_TAG, PENDING, PROMOTED, REASON_TAG

if TYPE_CHECKING:
    from nba_pra.config import Settings

#: models-from-code: MLflow loads the ensemble through this file, never through a pickle
_PYFUNC_FILE: Final = Path(__file__).resolve().parent.parent / "model" / "pyfunc_model.py"
_INPUT_EXAMPLE_ROWS: Final = 5
#: recent training rows searched for complete (no missing feature) examples
_INPUT_EXAMPLE_SEARCH_ROWS: Final = 5000
#: rows the logged dataset's schema is inferred from (MLflow infers it value by value)
_SCHEMA_SAMPLE_ROWS: Final = 100
#: ``mlflow.log_input`` context of the feature table
_TRAINING_CONTEXT: Final = "training"


def write_run_reports(directory: Path, result: TrainResult, evaluation: Evaluation, folds: pd.DataFrame) -> None:
    """The tables a training logs to its run (the out-of-fold predictions are what promotion compares)."""
    folds.to_csv(directory / artifacts.RUN_FOLDS.name, index=False)
    result.oof[list(artifacts.RUN_OOF_COLUMNS)].to_parquet(directory / artifacts.RUN_OOF.name, index=False)
    evaluation.comparison.to_csv(directory / artifacts.RUN_COMPARISON.name, index=False)
    evaluation.reliability.to_csv(directory / artifacts.RUN_RELIABILITY.name, index=False)
    evaluation.reliability_raw.to_csv(directory / artifacts.RUN_RELIABILITY_RAW.name, index=False)
    evaluation.variance_deciles.to_csv(directory / artifacts.RUN_VARIANCE_DECILES.name, index=False)
    result.feature_importance.to_csv(directory / artifacts.RUN_FEATURE_IMPORTANCE.name, index=False)


@contextmanager
def training_run(tracker: Tracker, *, run_name: str, description: str, architecture: str) -> Iterator[str]:
    """The MLflow run of one training, opened before the fits start (so its duration is the training's) and
    closed after registration and promotion; FAILED if anything inside raises; tagged with the model
    architecture. Yields the run id."""
    with tracker.start_run(run_name=run_name, description=description,
                           tags={ARCHITECTURE_TAG: architecture}) as run:
        yield str(run.info.run_id)


def log_features_input(tracker: Tracker, features: pd.DataFrame, path: Path) -> None:
    """The rows the run trained on (the training set file) as its dataset: digest = the file's md5 (the one dvc.lock
    records)."""
    digest = hashlib.md5(path.read_bytes()).hexdigest() if path.is_file() else "unknown"
    tracker.log_dataset(features.head(_SCHEMA_SAMPLE_ROWS), path=path, digest=digest, rows=len(features),
                        context=_TRAINING_CONTEXT)


def log_training(tracker: Tracker, *, run_id: str, params: Mapping[str, Any], result: TrainResult,
                 evaluation: Evaluation, folds: pd.DataFrame, features: pd.DataFrame,
                 plot_paths: Sequence[Path]) -> Registration:
    """Log one training into its (active) run and register its ensemble: the registration."""
    tracker.log_params(dict(params))
    log_metrics_batch(tracker, evaluation.metrics, folds)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        write_run_reports(tmp_path, result, evaluation, folds)
        tracker.log_artifacts(tmp_path, artifacts.RUN_REPORTS)
        for path in plot_paths:
            tracker.log_artifact(path, artifacts.RUN_PLOTS)
        return _log_and_register(tracker, result, features, tmp_path / "ensemble", run_id)


def describe_training(*, as_of: pd.Timestamp, settings: Settings, rows: int, synthetic: bool) -> str:
    """The run's description (its note in the MLflow UI): what was trained, on what, and why it exists."""
    cv, window = settings.cv, settings.window
    league = "the synthetic league (simulated data)" if synthetic else "real box scores"
    return (
        f"Daily training of the PRA distribution ensemble as of {as_of.date()} ({settings.model.kind.value} "
        f"architecture): {cv.n_folds} walk-forward folds "
        f"({cv.scheme.value}, {cv.embargo_days}-day embargo) over the {window.n_seasons}-season window before that "
        f"date, {settings.distribution.family.value} distribution; {rows:,} feature rows of {league}. "
        f"Registers a new version of `{settings.tracking.model_name}` (champion if it is the first, else "
        f"challenger, compared with the champion on {settings.tracking.promotion_metric})."
    )


def version_record(*, as_of: pd.Timestamp, n_folds: int, metrics: Mapping[str, float], alias: str,
                   settings: TrackingSettings, synthetic: bool, architecture: str) -> tuple[str, dict[str, str]]:
    """(description, tags) of a newly registered version: the window end, folds and scores, and the promotion
    decision as registration left it (a later :func:`~nba_pra.tracking.promotion.promote` replaces it)."""
    crps, ece = metrics.get("crps"), metrics.get("ece_over")
    scores = ", ".join(part for part in (
        f"CRPS {crps:.3f}" if crps is not None else "", f"P(over) ECE {ece:.2%}" if ece is not None else "",
    ) if part)
    league = " (synthetic league)" if synthetic else ""
    description = (f"Trained on the window ending {as_of.date()}{league}, {n_folds} walk-forward folds of the "
                   f"{architecture} architecture; "
                   f"out-of-fold {scores or 'scores unavailable'}.")
    if alias == settings.champion_alias:
        decision, reason = PROMOTED, "the first version: no champion to beat"
    else:
        decision, reason = PENDING, "not compared with the champion yet (run `nba-pra promote`)"
    tags = {"window_end": str(as_of.date()), "folds": str(n_folds), ARCHITECTURE_TAG: architecture,
            DECISION_TAG: decision, REASON_TAG: reason}
    tags.update({"crps": f"{crps:.4f}"} if crps is not None else {})
    tags.update({"ece_over": f"{ece:.4f}"} if ece is not None else {})
    return description, tags


def input_example(result: TrainResult, features: pd.DataFrame) -> pd.DataFrame:
    """A few recent training rows, complete ones when there are enough (the model's logged input example)."""
    # the latest training rows only: selecting from the whole table would copy all of it
    latest = np.flatnonzero(training_mask(features).to_numpy())[-_INPUT_EXAMPLE_SEARCH_ROWS:]
    rows = features.iloc[latest][result.ensemble.feature_names].astype("float64")
    complete = rows.dropna()
    return (complete if len(complete) >= _INPUT_EXAMPLE_ROWS else rows.fillna(0.0)).tail(_INPUT_EXAMPLE_ROWS)


def _log_and_register(tracker: Tracker, result: TrainResult, features: pd.DataFrame, ens_dir: Path,
                      run_id: str) -> Registration:
    from mlflow.models import infer_signature

    result.ensemble.save(ens_dir)
    example = input_example(result, features)
    signature = infer_signature(example, result.ensemble.predict(example))
    return tracker.log_pyfunc_and_register(
        python_model=_PYFUNC_FILE, artifacts={"ensemble": str(ens_dir)}, signature=signature,
        input_example=example, run_id=run_id,
    )
