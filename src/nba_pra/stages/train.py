"""Stage ``train``: features -> one MLflow run (fold metrics, calibration, ensemble pyfunc) + a registered version.

Outputs: ``artifacts/model.json`` (which version this training registered and its alias),
``reports/train_metrics.json`` (pooled out-of-fold scores), ``reports/train_folds.csv`` (per fold),
``reports/train_comparison.csv`` (model vs baselines vs oracle) and PNG calibration plots.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project, Settings
from nba_pra.data import schema
from nba_pra.errors import DataError
from nba_pra.features.registry import feature_names
from nba_pra.model import plots, retrain
from nba_pra.model.evaluation import Evaluation, evaluate_oof
from nba_pra.model.train import TrainResult, train_ensemble
from nba_pra.progress import progress_bar
from nba_pra.provenance import data_is_synthetic
from nba_pra.reporting.headline import train_headline
from nba_pra.stages._runner import run_stage
from nba_pra.tracking.client import Tracker
from nba_pra.tracking.promotion import promote
from nba_pra.tracking.run_logging import flatten_params
from nba_pra.tracking.training_run import (
    describe_training,
    log_features_input,
    log_training,
    training_run,
    version_record,
)

log = logging.getLogger(__name__)



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


def write_plots(evaluation: Evaluation, project: Project, n_bins: int) -> list[Path]:
    return [
        plots.pit_histogram(evaluation.pit, artifacts.PIT_PLOT.path(project), n_bins),
        plots.reliability_diagram(evaluation.reliability, artifacts.RELIABILITY_PLOT.path(project),
                                  "P(over) reliability at the book's lines (out of fold)",
                                  raw=evaluation.reliability_raw),
        plots.variance_calibration(evaluation.variance_deciles, artifacts.VARIANCE_PLOT.path(project)),
    ]


@dataclass(frozen=True)
class _Trained:
    """One training's outcome: the fit, its out-of-fold evaluation and fold table, and the version it registered."""

    result: TrainResult
    evaluation: Evaluation
    folds: pd.DataFrame
    version: str


def _training_inputs(project: Project) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The training_set stage's rows and its window end (the as-of date), not the whole feature table: see
    :mod:`nba_pra.model.retrain`."""
    features = artifacts.read_training_set(project)
    window = artifacts.read_json(project, artifacts.TRAINING_WINDOW) or {}
    if retrain.END not in window:
        raise DataError(f"no training window at {artifacts.TRAINING_WINDOW.path(project)}; run `nba-pra train` "
                        "or `dvc repro` first")
    return features, pd.Timestamp(window[retrain.END])


def _fit_and_evaluate(project: Project, features: pd.DataFrame, names: list[str],
                      as_of: pd.Timestamp) -> tuple[TrainResult, Evaluation]:
    """Train the fold ensemble (with a progress bar) and evaluate it out of fold."""
    s = project.settings
    with progress_bar("training folds") as update:
        result = train_ensemble(
            features, names, window=s.window, cv=s.cv, model=s.model, distribution=s.distribution, seed=s.seed,
            progress=update, as_of=as_of,
        )
    evaluation = evaluate(project, result, features)
    # the registered model prices book lines through the map fitted on every out-of-fold book-line row
    result.ensemble.over_calibration = evaluation.over_calibration
    return result, evaluation


def _run_params(settings: Settings, result: TrainResult, names: list[str]) -> dict[str, Any]:
    """The MLflow run's parameters: the settings the training read, flattened, and what it was trained on."""
    s = settings
    params = flatten_params(
        {"seed": s.seed, "window": s.window, "cv": s.cv, "model": s.model, "distribution": s.distribution,
         "features": s.features}
    )
    params["as_of"] = str(result.as_of.date())
    params["n_features"] = len(names)
    params["n_features_used"] = len(result.ensemble.feature_names)
    return params


def _train_in_run(project: Project, tracker: Tracker, features: pd.DataFrame, names: list[str], *,
                  as_of: pd.Timestamp, synthetic: bool) -> _Trained:
    """Train, evaluate, log and register a version in one MLflow run; promote it when it is the challenger and
    auto-promotion is on."""
    s = project.settings
    description = describe_training(as_of=as_of, settings=s, rows=len(features), synthetic=synthetic)
    # the run is open while the folds train, so its duration in MLflow is the training's
    architecture = s.model.kind.value
    with training_run(tracker, run_name=f"train-{as_of.date()}-{architecture}", description=description,
                      architecture=architecture) as run_id:
        log_features_input(tracker, features, artifacts.TRAINING_SET.path(project))
        result, evaluation = _fit_and_evaluate(project, features, names, as_of)
        folds = result.fold_table()
        plot_paths = write_plots(evaluation, project, s.model.evaluation.n_bins)
        registration = log_training(tracker, run_id=run_id, params=_run_params(s, result, names), result=result,
                                    evaluation=evaluation, folds=folds, features=features, plot_paths=plot_paths)
        version = registration.version
        tracker.describe_version(version, *version_record(
            as_of=result.as_of, n_folds=len(result.folds), metrics=evaluation.metrics, alias=registration.alias,
            settings=s.tracking, synthetic=synthetic, architecture=architecture))
        if registration.alias == s.tracking.challenger_alias and s.tracking.auto_promote:
            promote(project, tracker, version=version)
    return _Trained(result, evaluation, folds, version)


def _model_pointer(settings: Settings, trained: _Trained, alias: str | None, n_features: int) -> dict[str, Any]:
    """``artifacts/model.json``: which version this training registered and the alias it holds.

    No run id (random): the same inputs give the same model.json, which dvc.lock records; the registry maps the
    version to its run.
    """
    return {
        "model_name": settings.tracking.model_name,
        "version": trained.version,
        "alias": alias,
        "as_of": str(trained.result.as_of.date()),
        "n_folds": len(trained.result.folds),
        "n_features": n_features,
        "architecture": settings.model.kind.value,
    }


def _write_outputs(project: Project, pointer: dict[str, Any], trained: _Trained) -> None:
    """Write the stage's outputs: the model pointer, the metrics and headline, the fold and comparison tables."""
    metrics = trained.evaluation.metrics
    artifacts.write_record(project, artifacts.MODEL_POINTER, pointer)
    artifacts.write_record(project, artifacts.TRAIN_METRICS, {**metrics, "n_folds": len(trained.result.folds)})
    artifacts.write_record(project, artifacts.TRAIN_HEADLINE, train_headline(metrics))
    artifacts.write_frame(project, artifacts.TRAIN_FOLDS, trained.folds)
    artifacts.write_frame(project, artifacts.TRAIN_COMPARISON, trained.evaluation.comparison)


def _log_registration(model_name: str, trained: _Trained, held: tuple[str, ...]) -> None:
    """Log the registered version and the aliases it holds now (warn when a later training took them)."""
    metrics = trained.evaluation.metrics
    if held:
        log.info("registered %s version %s, now @%s (crps %.3f, mae %.3f)", model_name, trained.version,
                 " and @".join(held), metrics["crps"], metrics["mae"])
    else:
        log.warning("registered %s version %s (crps %.3f, mae %.3f), but it holds no alias now: another "
                    "training registered a later version since", model_name, trained.version,
                    metrics["crps"], metrics["mae"])


def run(project: Project) -> dict:
    """Train on the training set's window, register the version, and write its pointer and reports."""
    s = project.settings
    features, as_of = _training_inputs(project)
    names = feature_names(s.features)
    synthetic = data_is_synthetic(s)
    tracker = Tracker(s.tracking, project.root)
    trained = _train_in_run(project, tracker, features, names, as_of=as_of, synthetic=synthetic)
    # what the registry holds now, not what this process set: a concurrent training may have moved an alias on
    held = tracker.aliases_of(trained.version)
    pointer = _model_pointer(s, trained, held[0] if held else None, len(names))
    _write_outputs(project, pointer, trained)
    _log_registration(s.tracking.model_name, trained, held)
    return pointer


if __name__ == "__main__":
    run_stage(run)
