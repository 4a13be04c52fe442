"""Hydra multirun over backtest settings: each sweep point is one MLflow run nested under one parent run.

    uv run python -m nba_pra.backtest.sweep -m betting.min_confidence=0.55,0.6,0.65 betting.max_cv=0.3,0.35,0.5
    ... hydra/launcher=joblib hydra.launcher.n_jobs=2          # parallel points on this machine
    ... hydra/launcher=ray_cluster        # points as tasks of a running Ray cluster (conf/hydra/launcher/)

Before Hydra launches any point, :func:`main` (in the launching process) expands the sweep, creates the MLflow
DB, experiment and parent run (sqlite creation races under parallel writers) and fills the prediction cache for
every distinct model/feature key, so parallel workers only read it. After the last point it prints the summary
table (sorted by ``backtest.sort_metric``, with bootstrap intervals) and logs it to the parent run.
Without ``-m`` it runs one backtest as one (unnested) MLflow run.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, cast

import pandas as pd

from nba_pra.config import (
    CONFIG_DIR_NAME,
    CONFIG_NAME,
    Project,
    compose,
    find_project_root,
    settings_from_dict,
    sweep_points,
)

log = logging.getLogger(__name__)

#: environment variable carrying the parent run id to the sweep's points: set in each job by Hydra
#: (``hydra.job.env_set``), so a point finds it in a joblib worker or a Ray task on another machine alike
PARENT_ENV: Final = "NBA_PRA_SWEEP_PARENT_RUN_ID"
SUMMARY_FILE: Final = "sweep_summary.csv"
SWEEP_DIR_TAG: Final = "sweep_dir"
_MULTIRUN_FLAGS: Final = ("-m", "--multirun")
#: summary columns after the swept parameters (metrics, with their intervals beside them)
SUMMARY_METRICS: Final = (
    "bets", "win_rate", "roi", "roi_lo", "roi_hi", "yield", "yield_lo", "yield_hi", "avg_clv", "log_loss", "brier",
    "max_drawdown", "final_bankroll",
)


# --- before launch ------------------------------------------------------------------------------------------------

def prepare(root: Path, overrides: Sequence[str]) -> tuple[str, Project]:
    """Warm the prediction cache for every point's key, then create the parent run; return its id."""
    from nba_pra.backtest.runner import backtest_tracker, load_inputs
    from nba_pra.evaluation.cache import cache_key
    from nba_pra.evaluation.predictions import cached_predictions, prediction_material

    points = sweep_points(overrides)
    projects = [Project(root=root, settings=settings_from_dict(compose(root, p))) for p in points]
    inputs = load_inputs(projects[0])
    keys = [cache_key(prediction_material(p.settings, inputs.box_scores)) for p in projects]
    log.info("sweep warm-up: %d point(s), %d distinct model/feature setting(s); filling the prediction cache "
             "first (a miss retrains weekly over the range: minutes; blocks already cached are reused)",
             len(points), len(set(keys)))
    for i, (point, project) in enumerate(zip(points, projects, strict=True)):
        # a hit after the first point of each model key
        _, entry = cached_predictions(project, inputs.box_scores)
        log.info("sweep warm-up %d/%d (%s): predictions cache %s", i + 1, len(points), " ".join(point) or "defaults",
                 "hit" if entry.hit else "filled")
    tracker = backtest_tracker(projects[0])
    parent = tracker.create_run(f"sweep-{len(points)}-points", tags={"sweep_points": str(len(points))})
    tracker.log_params_to(parent, {"overrides": " ".join(overrides)[:500], "points": len(points)})
    return parent, projects[0]


# --- one point (runs inside Hydra, possibly in a joblib worker) --------------------------------------------------

def run_point(cfg: Any) -> float | None:
    """Hydra task: one backtest with the point's composed config, logged as a child of the parent run."""
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    from nba_pra.backtest.runner import log_run, run_backtest

    composed = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(composed, dict)
    hydra_cfg = HydraConfig.get()
    # the launching process's folder: a Ray task's own working directory is the Ray node's
    root = find_project_root(Path(hydra_cfg.runtime.cwd))
    project = Project(root=root, settings=settings_from_dict(cast(dict[str, Any], composed)))
    point = " ".join(hydra_cfg.overrides.task) or "defaults"
    result = run_backtest(project)
    tags = {"sweep_point": point}
    if hydra_cfg.sweep.dir:
        tags[SWEEP_DIR_TAG] = str(Path(hydra_cfg.sweep.dir).resolve())
    log_run(project, result, run_name=point[:200], parent_run_id=os.environ.get(PARENT_ENV), tags=tags)
    value = result.metrics.get(project.settings.backtest.sort_metric)
    log.info("sweep point %s: %s = %s (predictions cache %s)", point, project.settings.backtest.sort_metric,
             value, "hit" if result.cache.hit else "miss")
    return None if value is None else float(value)


# --- after the last point -------------------------------------------------------------------------------------------

def summary_table(children: pd.DataFrame, sort_metric: str, descending: bool) -> pd.DataFrame:
    """One row per child run: the parameters that vary across the sweep, then :data:`SUMMARY_METRICS`."""
    params = [c for c in children.columns if c.startswith("params.")]
    varying = [c for c in params if children[c].nunique(dropna=False) > 1
               and not c.endswith(("_key", "predictions_cache"))]
    table = children.loc[:, varying].rename(columns=lambda c: c.removeprefix("params."))
    for metric in SUMMARY_METRICS:
        column = f"metrics.{metric}"
        table[metric] = children[column] if column in children.columns else float("nan")
    table["predictions_cache"] = children.get("params.predictions_cache")
    table["run_id"] = children["run_id"]
    if sort_metric not in table.columns:
        column = f"metrics.{sort_metric}"
        table[sort_metric] = children[column] if column in children.columns else float("nan")
    return table.sort_values(sort_metric, ascending=not descending, kind="mergesort", na_position="last") \
        .reset_index(drop=True)


#: the outcome columns two points must share to count as "the same result"
OUTCOME_COLUMNS: Final = ("bets", "roi", "yield", "final_bankroll")


def same_results(table: pd.DataFrame) -> pd.Series:
    """For each row, the 1-based row number of the first earlier row with identical outcomes ("" if none): a
    setting whose rows all repeat one another changed nothing (another filter binds first)."""
    outcome = table.loc[:, [c for c in OUTCOME_COLUMNS if c in table.columns]].astype(float).round(12)
    # one hash per row over the values (a missing ROI hashes like another missing ROI)
    signature = pd.util.hash_pandas_object(outcome, index=False)
    first = signature.groupby(signature, sort=False).transform(lambda g: g.index[0])
    return pd.Series(["" if f == i else f"#{f + 1}" for i, f in zip(table.index, first, strict=True)],
                     index=table.index)


def spread(table: pd.DataFrame) -> str:
    """One line: the range of ROI and bets across the points, and how many points repeat another's results."""
    roi, bets = table["roi"].dropna(), table["bets"].dropna()
    repeats = int((same_results(table) != "").sum())
    roi_text = f"ROI {roi.min():+.1%} to {roi.max():+.1%}" if len(roi) else "ROI n/a (no settled staked bet)"
    bets_text = f"bets {int(bets.min())} to {int(bets.max())}" if len(bets) else "bets n/a"
    return (f"spread across {len(table)} points: {roi_text}; {bets_text}; {repeats} point(s) repeat an earlier "
            "point's results (same_as)")


def format_table(table: pd.DataFrame) -> str:
    """Readable text: ROI and yield as ``+x.x% [lo, hi]`` percentages, the rest rounded, and ``same_as``: the row
    whose results a row repeats (a swept setting that changes nothing shows up as repeats)."""
    shown = table.drop(columns=["run_id"]).copy()
    shown.insert(0, "#", range(1, len(table) + 1))
    shown["same_as"] = same_results(table).to_numpy()
    for name in ("roi", "yield"):
        shown[name] = [
            "n/a" if pd.isna(v) else f"{v:+.1%} [{lo:+.1%}, {hi:+.1%}]"
            for v, lo, hi in zip(table[name], table[f"{name}_lo"], table[f"{name}_hi"], strict=True)
        ]
        shown = shown.drop(columns=[f"{name}_lo", f"{name}_hi"])
    return shown.to_string(index=False, float_format=lambda v: f"{v:.4g}")


def finish(project: Project, parent: str) -> pd.DataFrame:
    """Print and log the summary of the parent's children; mark the parent finished."""
    from nba_pra.backtest.runner import backtest_tracker

    bt = project.settings.backtest
    tracker = backtest_tracker(project)
    children = tracker.child_runs(parent)
    table = summary_table(children, bt.sort_metric, bt.sort_descending) if len(children) else pd.DataFrame()
    text = f"{format_table(table)}\n{spread(table)}" if len(table) else "(no sweep point finished)"
    print(f"\nsweep summary ({len(table)} points, sorted by {bt.sort_metric}; 95 % bootstrap intervals):\n{text}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / SUMMARY_FILE
        table.to_csv(path, index=False)
        (Path(tmp) / "sweep_summary.txt").write_text(text + "\n")
        tracker.log_artifact_to(parent, path, "sweep")
        tracker.log_artifact_to(parent, Path(tmp) / "sweep_summary.txt", "sweep")
    if len(children) and f"tags.{SWEEP_DIR_TAG}" in children.columns:
        sweep_dir = Path(str(children[f"tags.{SWEEP_DIR_TAG}"].dropna().iloc[0]))
        if sweep_dir.is_dir():
            table.to_csv(sweep_dir / SUMMARY_FILE, index=False)
    tracker.finish_run(parent, "FINISHED" if len(children) else "FAILED")
    return table


# --- entry --------------------------------------------------------------------------------------------------------

def hydra_app(config_dir: Path) -> Any:
    """``run_point`` wrapped by ``hydra.main`` on the project's absolute ``conf/`` directory."""
    import hydra

    return hydra.main(version_base="1.3", config_path=str(config_dir), config_name=CONFIG_NAME)(run_point)


def _disconnect_ray() -> None:
    """Hydra's Ray launcher leaves this process connected to the cluster; a connected driver is ended by Ray when
    the cluster stops, so disconnect once the points are done (a no-op for the other launchers)."""
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the Hydra app on ``argv`` (default: ``sys.argv[1:]``) with the sweep's setup and summary around it."""
    from nba_pra.evaluation.ray_executor import use_cluster_python
    from nba_pra.logs import setup_logging

    use_cluster_python()  # before Hydra's Ray launcher (if chosen) imports ray
    args = list(sys.argv[1:] if argv is None else argv)
    root = find_project_root()
    multirun = any(a in _MULTIRUN_FLAGS for a in args)
    # before Hydra configures its own logging per point: the warm-up's lines (console and logs/) come from here
    setup_logging(Project(root=root, settings=settings_from_dict(compose(root))).path("logs"))
    parent = project = None
    if multirun:
        overrides = [a for a in args if not a.startswith("-")]
        parent, project = prepare(root, overrides)
        args.append(f"++hydra.job.env_set.{PARENT_ENV}={parent}")
    saved = sys.argv
    sys.argv = [saved[0] if saved else "nba-pra-sweep", *args]
    try:
        hydra_app(root / CONFIG_DIR_NAME)()
    finally:
        sys.argv = saved
        _disconnect_ray()
    if parent is not None and project is not None:
        finish(project, parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
