"""Stage ``train``: features -> one MLflow run (fold metrics, calibration, ensemble pyfunc) + a registered version.

Outputs: ``artifacts/model.json`` (which version this training registered and its alias),
``reports/train_metrics.json`` (pooled out-of-fold scores), ``reports/train_folds.csv`` (per fold),
``reports/train_comparison.csv`` (model vs baselines vs oracle) and PNG calibration plots.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.features.registry import feature_names
from nba_pra.io import read_parquet, write_csv, write_json
from nba_pra.model import plots
from nba_pra.model.evaluation import Evaluation, evaluate_oof
from nba_pra.model.train import TrainResult, train_ensemble, training_mask
from nba_pra.progress import progress_bar
from nba_pra.stages._runner import run_stage
from nba_pra.stages.features import FEATURES_FILE
from nba_pra.tracking.client import Registration, Tracker
from nba_pra.tracking.promotion import promote
from nba_pra.tracking.run_logging import flatten_params, log_metrics_batch

log = logging.getLogger(__name__)

MODEL_POINTER = "model.json"
METRICS_FILE = "train_metrics.json"
FOLDS_FILE = "train_folds.csv"
COMPARISON_FILE = "train_comparison.csv"
PLOTS_DIR = "plots"
_PYFUNC_FILE = Path(__file__).resolve().parent.parent / "model" / "pyfunc_model.py"
_INPUT_EXAMPLE_ROWS = 5
#: recent training rows searched for complete (no missing feature) examples
_INPUT_EXAMPLE_SEARCH_ROWS = 5000


def load_features(project: Project) -> pd.DataFrame:
    return read_parquet(
        project.path("artifacts", FEATURES_FILE), "feature table", "run `nba-pra features` or `dvc repro` first"
    )


def _optional_raw(project: Project, name: str) -> pd.DataFrame | None:
    path = project.path("data", name)
    return pd.read_parquet(path) if path.is_file() else None


def evaluate(project: Project, result: TrainResult, features: pd.DataFrame) -> Evaluation:
    """Out-of-fold calibration, baselines and (synthetic league only) the oracle, on the same rows."""
    s = project.settings
    ev = s.model.evaluation
    baselines = {
        name: features.loc[result.oof.index, column].to_numpy(float)
        for name, column in ev.baselines.items()
        if column in features.columns
    }
    return evaluate_oof(
        result.oof, s.distribution.family, n_bins=ev.n_bins, seed=s.seed,
        lines=_optional_raw(project, schema.LINES_FILE),
        baselines=baselines,
        truth=_optional_raw(project, schema.GROUND_TRUTH_FILE),
        over_calibration=s.model.over_calibration,
    )


def write_plots(evaluation: Evaluation, directory: Path, n_bins: int) -> list[Path]:
    return [
        plots.pit_histogram(evaluation.pit, directory / "pit_histogram.png", n_bins),
        plots.reliability_diagram(evaluation.reliability, directory / "reliability_over.png",
                                  "P(over) reliability at the book's lines (out of fold)",
                                  raw=evaluation.reliability_raw),
        plots.variance_calibration(evaluation.variance_deciles, directory / "variance_calibration.png"),
    ]


def run(project: Project) -> dict:
    s = project.settings
    features = load_features(project)
    names = feature_names(s.features)
    with progress_bar("training folds") as update:
        result = train_ensemble(
            features, names, window=s.window, cv=s.cv, model=s.model, distribution=s.distribution, seed=s.seed,
            progress=update,
        )
    evaluation = evaluate(project, result, features)
    # the registered model prices book lines through the map fitted on every out-of-fold book-line row
    result.ensemble.over_calibration = evaluation.over_calibration
    folds = result.fold_table()
    plot_paths = write_plots(evaluation, project.path("reports", PLOTS_DIR), s.model.evaluation.n_bins)
    tracker = Tracker(s.tracking, project.root)
    with tracker.start_run(run_name=f"train-{result.as_of.date()}") as run:
        params = flatten_params(
            {"seed": s.seed, "window": s.window, "cv": s.cv, "model": s.model, "distribution": s.distribution,
             "features": s.features}
        )
        params["as_of"] = str(result.as_of.date())
        params["n_features"] = len(names)
        params["n_features_used"] = len(result.ensemble.feature_names)
        tracker.log_params(params)
        log_metrics_batch(tracker, evaluation.metrics, folds)
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            folds.to_csv(tmp_path / FOLDS_FILE, index=False)
            result.oof[["game_id", "player_id", "game_date", "block", "y", "mean", "var"]].to_parquet(
                tmp_path / "oof.parquet", index=False
            )
            evaluation.comparison.to_csv(tmp_path / COMPARISON_FILE, index=False)
            evaluation.reliability.to_csv(tmp_path / "reliability_over.csv", index=False)
            evaluation.reliability_raw.to_csv(tmp_path / "reliability_over_raw.csv", index=False)
            evaluation.variance_deciles.to_csv(tmp_path / "variance_deciles.csv", index=False)
            result.feature_importance.to_csv(tmp_path / "feature_importance.csv", index=False)
            tracker.log_artifacts(tmp_path, "reports")
            for path in plot_paths:
                tracker.log_artifact(path, "plots")
            registration = _log_and_register(tracker, result, features, tmp_path / "ensemble", run.info.run_id)
    version = registration.version
    if registration.alias == s.tracking.challenger_alias and s.tracking.auto_promote:
        promote(project, tracker, version=version)
    # what the registry holds now, not what this process set: a concurrent training may have moved an alias on
    held = tracker.aliases_of(version)
    alias = held[0] if held else None
    pointer = {
        "model_name": s.tracking.model_name,
        "version": version,
        "alias": alias,
        "run_id": run.info.run_id,
        "as_of": str(result.as_of.date()),
        "n_folds": len(result.folds),
        "n_features": len(names),
    }
    write_json(pointer, project.path("artifacts", MODEL_POINTER))
    write_json({**evaluation.metrics, "n_folds": len(result.folds)}, project.path("reports", METRICS_FILE))
    write_csv(folds, project.path("reports", FOLDS_FILE))
    write_csv(evaluation.comparison, project.path("reports", COMPARISON_FILE))
    if held:
        log.info("registered %s version %s, now @%s (crps %.3f, mae %.3f)", s.tracking.model_name, version,
                 " and @".join(held), evaluation.metrics["crps"], evaluation.metrics["mae"])
    else:
        log.warning("registered %s version %s (crps %.3f, mae %.3f), but it holds no alias now: another "
                    "training registered a later version since", s.tracking.model_name, version,
                    evaluation.metrics["crps"], evaluation.metrics["mae"])
    return pointer


def _log_and_register(tracker: Tracker, result: TrainResult, features: pd.DataFrame, ens_dir: Path,
                      run_id: str) -> Registration:
    from mlflow.models import infer_signature

    result.ensemble.save(ens_dir)
    # the latest training rows only: selecting from the whole table would copy all of it
    latest = np.flatnonzero(training_mask(features).to_numpy())[-_INPUT_EXAMPLE_SEARCH_ROWS:]
    rows = features.iloc[latest][result.ensemble.feature_names].astype("float64")
    complete = rows.dropna()
    example = (complete if len(complete) >= _INPUT_EXAMPLE_ROWS else rows.fillna(0.0)).tail(_INPUT_EXAMPLE_ROWS)
    signature = infer_signature(example, result.ensemble.predict(example))
    return tracker.log_pyfunc_and_register(
        python_model=_PYFUNC_FILE, artifacts={"ensemble": str(ens_dir)}, signature=signature,
        input_example=example, run_id=run_id,
    )


if __name__ == "__main__":
    run_stage(run)
