"""The catalog of every stage output: its name, which stage writes it, how DVC declares it, its reader and writer.

Stages, ``reporting``, promotion and the dashboard name a file only through this module, so a stage never
imports another stage to learn where its input lives. ``tests/unit/test_artifacts.py`` checks that dvc.yaml's
``outs`` / ``metrics`` / ``plots`` are exactly the :data:`DVC_DECLARED` entries, so a file renamed here and not
there (or the reverse) fails a test instead of a morning run.

Paths are ``project.path(kind, name)``: ``kind`` is a configured directory (``artifacts``, ``reports``), so a
project that moves its directories moves every output with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, Protocol

import pandas as pd

from nba_pra.errors import DataError
from nba_pra.io import write_csv, write_json, write_parquet

#: the hint every "input missing" error ends with
_RUN_PIPELINE: Final = "run `nba-pra pipeline` or `dvc repro` first"


class PathsProject(Protocol):
    """What the catalog needs of a project: its configured directories (``nba_pra.config.Project``)."""

    def path(self, kind: str, name: str = "") -> Path: ...


class Declared(StrEnum):
    """How dvc.yaml declares a file: a cached output, a metrics file, a plot, or not at all (side state)."""

    OUT = "outs"
    METRIC = "metrics"
    PLOT = "plots"
    NONE = "none"


@dataclass(frozen=True)
class Artifact:
    """One stage output: ``<paths.kind>/<name>``, written by ``stage`` and declared in dvc.yaml as ``declared``."""

    kind: str
    name: str
    stage: str
    declared: Declared
    #: what the file holds, for errors ("feature table not found at ...")
    what: str

    def path(self, project: PathsProject) -> Path:
        return project.path(self.kind, self.name)

    @property
    def relative(self) -> str:
        """The path as dvc.yaml writes it, for the default directories (``artifacts/features.parquet``)."""
        return f"{self.kind}/{self.name}"


@dataclass(frozen=True)
class RunArtifact:
    """A file logged to a training's MLflow run (not the project tree): ``<folder>/<name>`` in the run."""

    folder: str
    name: str

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}"


#: the headline metrics DVC shows (``nba_pra.reporting.headline``); the full summaries are plain outputs
METRICS_DIR: Final = "metrics"

# --- availability -----------------------------------------------------------------------------------------------
AVAILABILITY: Final = Artifact("artifacts", "availability.parquet", "availability", Declared.OUT,
                               "availability table")
AVAILABILITY_SUMMARY: Final = Artifact("reports", "availability_summary.json", "availability", Declared.OUT,
                                       "availability summary")
# --- features ---------------------------------------------------------------------------------------------------
FEATURES: Final = Artifact("artifacts", "features.parquet", "features", Declared.OUT, "feature table")
FEATURES_SUMMARY: Final = Artifact("reports", "features_summary.json", "features", Declared.OUT,
                                   "feature summary")
# --- training_set -----------------------------------------------------------------------------------------------
TRAINING_SET: Final = Artifact("artifacts", "training_set.parquet", "training_set", Declared.OUT,
                               "training set")
TRAINING_WINDOW: Final = Artifact("artifacts", "training_window.json", "training_set", Declared.OUT,
                                  "training window")
# --- train ------------------------------------------------------------------------------------------------------
MODEL_POINTER: Final = Artifact("artifacts", "model.json", "train", Declared.OUT, "model pointer")
TRAIN_METRICS: Final = Artifact("reports", "train_metrics.json", "train", Declared.OUT, "training metrics")
TRAIN_HEADLINE: Final = Artifact("reports", f"{METRICS_DIR}/train.json", "train", Declared.METRIC,
                                 "training headline metrics")
TRAIN_FOLDS: Final = Artifact("reports", "train_folds.csv", "train", Declared.PLOT, "per-fold scores")
TRAIN_COMPARISON: Final = Artifact("reports", "train_comparison.csv", "train", Declared.PLOT,
                                   "model vs baselines")
PLOTS_DIR: Final = "plots"
PIT_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/pit_histogram.png", "train", Declared.PLOT, "PIT histogram")
RELIABILITY_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/reliability_over.png", "train", Declared.PLOT,
                                   "P(over) reliability diagram")
VARIANCE_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/variance_calibration.png", "train", Declared.PLOT,
                                "variance calibration plot")
# --- predict ----------------------------------------------------------------------------------------------------
PREDICTIONS: Final = Artifact("artifacts", "predictions.parquet", "predict", Declared.OUT, "predictions")
#: the slate predicted by ``tracking.shadow_alias``'s version (empty when off): scored by the ledger, never bet on
SHADOW_PREDICTIONS: Final = Artifact("artifacts", "shadow_predictions.parquet", "predict", Declared.OUT,
                                     "shadow predictions")
#: local copies of the registered ensembles the predictor loaded (XGBoost JSON per version): MLflow's model
#: loading costs seconds, and a version never changes once registered
MODEL_CACHE: Final = Artifact("cache", "models", "predict", Declared.NONE, "local copies of registered models")
# --- evidence ---------------------------------------------------------------------------------------------------
#: where the gate reads it is ``betting.evidence.path`` (settings); this entry is dvc.yaml's default location
EVIDENCE: Final = Artifact("reports", "evidence.json", "evidence", Declared.OUT, "walk-forward evidence")
EVIDENCE_SUMMARY: Final = Artifact("reports", "evidence_summary.json", "evidence", Declared.OUT,
                                   "evidence summary")
EVIDENCE_HEADLINE: Final = Artifact("reports", f"{METRICS_DIR}/evidence.json", "evidence", Declared.METRIC,
                                    "evidence headline metrics")
# --- bet --------------------------------------------------------------------------------------------------------
CANDIDATES: Final = Artifact("artifacts", "candidates.parquet", "bet", Declared.OUT, "bet decisions")
BETS: Final = Artifact("artifacts", "bets.csv", "bet", Declared.OUT, "today's bets")
BET_SUMMARY: Final = Artifact("reports", "bet_summary.json", "bet", Declared.OUT, "bet summary")
BET_HEADLINE: Final = Artifact("reports", f"{METRICS_DIR}/bet.json", "bet", Declared.METRIC, "bet headline metrics")
#: last seen usage headers of The Odds API: operational state kept across runs, not a DVC output
ODDS_QUOTA: Final = Artifact("artifacts", "odds_quota.json", "bet", Declared.NONE, "odds quota")
#: every book's lines of the slate at each ``nba-pra odds snapshot``: raw observations (they cannot be fetched
#: again), appended one parquet file per capture, never overwritten (:mod:`nba_pra.odds.snapshots`); kept for good
#: in the archive with the pre-game news, not in data/ (a live capture must not change data.dvc)
ODDS_SNAPSHOTS: Final = Artifact("archive", "odds_snapshots", "snapshot", Declared.NONE, "odds snapshots")
# --- ledger -----------------------------------------------------------------------------------------------------
LEDGER_METRICS: Final = Artifact("reports", "ledger_metrics.json", "ledger", Declared.OUT, "ledger metrics")
LEDGER_HEADLINE: Final = Artifact("reports", f"{METRICS_DIR}/ledger.json", "ledger", Declared.METRIC,
                                  "ledger headline metrics")
BANKROLL_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/bankroll.png", "ledger", Declared.PLOT, "bankroll curve")
WIN_RATE_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/win_rate_by_probability.png", "ledger", Declared.PLOT,
                                "win rate by probability")
CLV_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/clv_distribution.png", "ledger", Declared.PLOT,
                           "CLV distribution")
CLV_TIME_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/clv_over_time.png", "ledger", Declared.PLOT,
                                "CLV over time")
# --- backtest (frozen stage, no DVC outputs on purpose: see dvc.yaml) -------------------------------------------
BACKTEST_METRICS: Final = Artifact("reports", "backtest_metrics.json", "backtest", Declared.NONE, "backtest metrics")
BACKTEST_METHODS: Final = Artifact("reports", "backtest_pricing.csv", "backtest", Declared.NONE,
                                   "backtest per pricing method")
BACKTEST_GATE: Final = Artifact("reports", "backtest_gate.csv", "backtest", Declared.NONE, "backtest gate decisions")
#: the evidence as of the backtest's last day, under the backtest's settings (overrides included): for reading,
#: never the gate's (that is the evidence stage's EVIDENCE, measured under the settings the bet stage uses)
BACKTEST_EVIDENCE: Final = Artifact("reports", "backtest_evidence.json", "backtest", Declared.NONE,
                                    "backtest evidence")
BACKTEST_EDGE: Final = Artifact("reports", "backtest_by_edge.csv", "backtest", Declared.NONE, "backtest by edge")
BACKTEST_DAILY: Final = Artifact("reports", "backtest_daily.csv", "backtest", Declared.NONE, "backtest daily")
BACKTEST_BANKROLL_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/backtest_bankroll.png", "backtest", Declared.NONE,
                                         "backtest bankroll curve")
BACKTEST_CALIBRATION_PLOT: Final = Artifact("reports", f"{PLOTS_DIR}/backtest_edge_calibration.png", "backtest",
                                            Declared.NONE, "backtest edge calibration")

#: every catalogued project file, in pipeline order
CATALOG: Final[tuple[Artifact, ...]] = (
    AVAILABILITY, AVAILABILITY_SUMMARY, FEATURES, FEATURES_SUMMARY, TRAINING_SET, TRAINING_WINDOW, MODEL_POINTER,
    TRAIN_METRICS, TRAIN_HEADLINE, TRAIN_FOLDS, TRAIN_COMPARISON, PIT_PLOT, RELIABILITY_PLOT, VARIANCE_PLOT,
    PREDICTIONS, SHADOW_PREDICTIONS, MODEL_CACHE, EVIDENCE, EVIDENCE_SUMMARY, EVIDENCE_HEADLINE, CANDIDATES, BETS,
    BET_SUMMARY, BET_HEADLINE,
    ODDS_QUOTA, ODDS_SNAPSHOTS, LEDGER_METRICS, LEDGER_HEADLINE, BANKROLL_PLOT, WIN_RATE_PLOT, CLV_PLOT,
    CLV_TIME_PLOT,
    BACKTEST_METRICS, BACKTEST_METHODS, BACKTEST_GATE, BACKTEST_EVIDENCE, BACKTEST_EDGE, BACKTEST_DAILY,
    BACKTEST_BANKROLL_PLOT,
    BACKTEST_CALIBRATION_PLOT,
)
#: the entries dvc.yaml declares (outs, metrics, plots)
DVC_DECLARED: Final = tuple(a for a in CATALOG if a.declared is not Declared.NONE)
#: the stage outputs whose age the dashboard's health page shows, with their labels, in pipeline order
HEALTH_OUTPUTS: Final = (
    ("features", FEATURES), ("model pointer", MODEL_POINTER), ("predictions", PREDICTIONS),
    ("candidates", CANDIDATES), ("bets", BETS), ("ledger metrics", LEDGER_METRICS),
)

# --- files inside a training's MLflow run -----------------------------------------------------------------------
RUN_REPORTS: Final = "reports"
RUN_PLOTS: Final = "plots"
#: out-of-fold predictions: promotion compares two versions on the rows both predicted out of fold
RUN_OOF: Final = RunArtifact(RUN_REPORTS, "oof.parquet")
RUN_OOF_COLUMNS: Final = ("game_id", "player_id", "game_date", "block", "y", "mean", "var")
RUN_FOLDS: Final = RunArtifact(RUN_REPORTS, TRAIN_FOLDS.name)
RUN_COMPARISON: Final = RunArtifact(RUN_REPORTS, TRAIN_COMPARISON.name)
RUN_RELIABILITY: Final = RunArtifact(RUN_REPORTS, "reliability_over.csv")
RUN_RELIABILITY_RAW: Final = RunArtifact(RUN_REPORTS, "reliability_over_raw.csv")
RUN_VARIANCE_DECILES: Final = RunArtifact(RUN_REPORTS, "variance_deciles.csv")
RUN_FEATURE_IMPORTANCE: Final = RunArtifact(RUN_REPORTS, "feature_importance.csv")

#: ids that look numeric (NBA game ids like 0022300001) must stay strings when a CSV is read back
_STRING_COLUMNS: Final = {"game_id": str, "bet_id": str, "season": str}


# --- readers ----------------------------------------------------------------------------------------------------


def read_required_parquet(project: PathsProject, artifact: Artifact, hint: str = _RUN_PIPELINE) -> pd.DataFrame:
    """A parquet stage input, or a :class:`DataError` saying how to produce it."""
    path = artifact.path(project)
    if not path.is_file():
        raise DataError(f"{artifact.what} not found at {path}; {hint}")
    return pd.read_parquet(path)


def read_optional_parquet(project: PathsProject, artifact: Artifact) -> pd.DataFrame | None:
    """A parquet stage output, or None when its stage has not run."""
    path = artifact.path(project)
    return pd.read_parquet(path) if path.is_file() else None


def read_features(project: PathsProject) -> pd.DataFrame:
    return read_required_parquet(project, FEATURES, "run `nba-pra features` or `dvc repro` first")


def read_slate_features(project: PathsProject) -> pd.DataFrame:
    """The feature table's slate rows only (``is_slate``): parquet filters them before pandas converts the table,
    whose history rows are most of its ~70 MB on the default league."""
    path = FEATURES.path(project)
    if not path.is_file():
        raise DataError(f"{FEATURES.what} not found at {path}; run `nba-pra features` or `dvc repro` first")
    return pd.read_parquet(path, filters=[("is_slate", "==", True)])


def read_training_set(project: PathsProject) -> pd.DataFrame:
    return read_required_parquet(project, TRAINING_SET, "run `nba-pra train` or `dvc repro` first")


def read_predictions(project: PathsProject) -> pd.DataFrame:
    return read_required_parquet(project, PREDICTIONS, "run `nba-pra predict` or `dvc repro` first")


def read_bets_file(path: Path) -> pd.DataFrame:
    """Bets as the bet stage writes them (empty frame when there are none or the file is missing)."""
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_csv(path, dtype=_STRING_COLUMNS, parse_dates=["game_date"])


def read_bets(project: PathsProject) -> pd.DataFrame:
    return read_bets_file(BETS.path(project))


def read_json_file(path: Path) -> dict[str, Any] | None:
    """A JSON object, or None when the file is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text()) if path.is_file() else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read_json(project: PathsProject, artifact: Artifact) -> dict[str, Any] | None:
    return read_json_file(artifact.path(project))


# --- writers ----------------------------------------------------------------------------------------------------


def write_frame(project: PathsProject, artifact: Artifact, frame: pd.DataFrame) -> Path:
    """Write a table atomically in the format its name says (``.parquet`` or ``.csv``)."""
    path = artifact.path(project)
    return write_parquet(frame, path) if path.suffix == ".parquet" else write_csv(frame, path)


def write_record(project: PathsProject, artifact: Artifact, data: dict[str, Any]) -> Path:
    """Write a JSON object atomically (sorted keys, so ``dvc metrics diff`` compares like with like)."""
    return write_json(data, artifact.path(project))
