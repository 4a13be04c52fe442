"""One training's MLflow run: its params, metrics, report tables, plots and the registered pyfunc ensemble.

The train stage computes; this module only records what it computed (and registers the model), so the stage
stays a thin script and every MLflow call of a training lives in ``tracking/``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra import artifacts
from nba_pra.model.evaluation import Evaluation
from nba_pra.model.train import TrainResult, training_mask
from nba_pra.tracking.client import Registration, Tracker
from nba_pra.tracking.run_logging import log_metrics_batch

#: models-from-code: MLflow loads the ensemble through this file, never through a pickle
_PYFUNC_FILE: Final = Path(__file__).resolve().parent.parent / "model" / "pyfunc_model.py"
_INPUT_EXAMPLE_ROWS: Final = 5
#: recent training rows searched for complete (no missing feature) examples
_INPUT_EXAMPLE_SEARCH_ROWS: Final = 5000


def write_run_reports(directory: Path, result: TrainResult, evaluation: Evaluation, folds: pd.DataFrame) -> None:
    """The tables a training logs to its run (the out-of-fold predictions are what promotion compares)."""
    folds.to_csv(directory / artifacts.RUN_FOLDS.name, index=False)
    result.oof[list(artifacts.RUN_OOF_COLUMNS)].to_parquet(directory / artifacts.RUN_OOF.name, index=False)
    evaluation.comparison.to_csv(directory / artifacts.RUN_COMPARISON.name, index=False)
    evaluation.reliability.to_csv(directory / artifacts.RUN_RELIABILITY.name, index=False)
    evaluation.reliability_raw.to_csv(directory / artifacts.RUN_RELIABILITY_RAW.name, index=False)
    evaluation.variance_deciles.to_csv(directory / artifacts.RUN_VARIANCE_DECILES.name, index=False)
    result.feature_importance.to_csv(directory / artifacts.RUN_FEATURE_IMPORTANCE.name, index=False)


def log_training(tracker: Tracker, *, run_name: str, params: Mapping[str, Any], result: TrainResult,
                 evaluation: Evaluation, folds: pd.DataFrame, features: pd.DataFrame,
                 plot_paths: Sequence[Path]) -> tuple[str, Registration]:
    """Log one training as one MLflow run and register its ensemble: (run id, the registration)."""
    with tracker.start_run(run_name=run_name) as run:
        tracker.log_params(dict(params))
        log_metrics_batch(tracker, evaluation.metrics, folds)
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            write_run_reports(tmp_path, result, evaluation, folds)
            tracker.log_artifacts(tmp_path, artifacts.RUN_REPORTS)
            for path in plot_paths:
                tracker.log_artifact(path, artifacts.RUN_PLOTS)
            registration = _log_and_register(tracker, result, features, tmp_path / "ensemble", run.info.run_id)
    return run.info.run_id, registration


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
