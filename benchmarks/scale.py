"""Benchmark: a cold walk-forward on this machine, local against Ray with 1 and 2 workers, in one run (issue #20).

The walk-forward is the backtest's (``nba-pra backtest``, ``nba-pra market``, the evidence stage): weekly retrain
blocks of the backtest's light model over the start of the default synthetic league's last season, with no cache
(every block is fitted: cold). Three runs on the same history features:

* ``local``: the project's settings as they are (``backtest.executor=local``: one fit after another, each with the
  model's own library threads, 2 here); ``local_1``: the same with one library thread per fit;
* ``ray_1``: ``backtest.executor=ray`` on a Ray instance started here with 1 CPU, one library thread per fit;
* ``ray_2`` (``ray_wall_s``): the same with 2 CPUs, so two fits run at once.

Each Ray run includes starting its Ray instance (``ray_start_s`` gives that start-up alone, measured apart).
``work_per_retrain_s`` is the mean fit time one Ray task reports (one library thread), ``ray_overhead_per_block_s``
what ``ray_1`` spent per block beyond it (a worker's imports, the history frame and the model files moving), and
``task_fit_s_2_workers`` the tasks' fit time when two share the machine: N workers take about
``blocks / N * (work_per_retrain_s + ray_overhead_per_block_s) + ray_start_s``. The three runs'
predictions are compared value for value (``identical_predictions``). Synthetic league.

Target: Ray with 2 workers at least 1.5x faster than local (``speedup`` = ``local_wall_s / ray_wall_s``).

Run: ``uv run python benchmarks/scale.py [--blocks 6]``. Needs the ``ray`` extra (in the dev group). The
last line printed is one JSON object: ``local_wall_s``, ``ray_1_wall_s``, ``ray_wall_s``, ``speedup``,
``speedup_over_local_1``, ``speedup_1``, ``local_1_wall_s``, ``work_per_retrain_s``, ``ray_overhead_per_block_s``,
``task_fit_s_2_workers``, ``ray_start_s``, ``blocks``, ``rows``,
``identical_predictions`` (all four runs) and ``load_1min`` (the machine's load average before and after).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from nba_pra.backtest.settings import BacktestModelSettings, RaySettings
from nba_pra.config import Project, load_project
from nba_pra.data.sources import generate
from nba_pra.evaluation.predictions import history_features
from nba_pra.evaluation.ray_executor import ray_executor, ray_session
from nba_pra.evaluation.walkforward import (
    BlockFit,
    FitExecutor,
    fit_locally,
    training_settings,
    walk_forward_predictions,
)
from nba_pra.features.registry import feature_names

ROOT = Path(__file__).resolve().parent.parent
TARGET_SPEEDUP = 1.5


def block_fit(project: Project, threads: int | None) -> BlockFit:
    """The backtest's retrain recipe, with ``threads`` library threads per fit (None: the model's own)."""
    s = project.settings
    light = dataclasses.replace(s.backtest.model, threads=threads) if threads else s.backtest.model
    assert isinstance(light, BacktestModelSettings)
    cv, model = training_settings(s.cv, s.model, light)
    return BlockFit(feature_names=feature_names(s.features), window=s.window, cv=cv, model=model,
                    distribution=s.distribution, seed=s.seed)


class TaskTimes(logging.Handler):
    """The fit seconds each Ray task reports (its log record's ``task_fit_s``)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "task_fit_s"):
            self.seconds.append(float(record.task_fit_s))


def timed(features: pd.DataFrame, fit: BlockFit, executor: FitExecutor, start: pd.Timestamp, end: pd.Timestamp,
          every: int) -> tuple[pd.DataFrame, float]:
    t0 = time.perf_counter()
    out = walk_forward_predictions(features, fit, start=start, end=end, retrain_every_days=every, executor=executor)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=6, help="weekly retrain blocks of the walk-forward")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]  # other work on the machine distorts wall times: printed beside them
    project = load_project(ROOT)
    if not (project.path("data") / "box_scores.parquet").is_file():
        generate(project)
    s = project.settings
    box = pd.read_parquet(project.path("data") / "box_scores.parquet")
    every = s.backtest.retrain_every_days
    start = pd.Timestamp(box.loc[box["season"] == box["season"].max(), "game_date"].min())
    end = start + pd.Timedelta(days=args.blocks * every - 1)
    t0 = time.perf_counter()
    features = history_features(box.loc[pd.to_datetime(box["game_date"]) <= end], s)
    print(f"history features: {len(features):,} rows in {time.perf_counter() - t0:.0f} s; walk-forward "
          f"{start.date()}..{end.date()} in {args.blocks} blocks of {every} days (synthetic league)", flush=True)

    t0 = time.perf_counter()
    with ray_session(RaySettings(address=None, num_cpus=2)):
        pass
    ray_start_s = time.perf_counter() - t0

    runs = {
        "local": (block_fit(project, None), fit_locally),
        "local_1": (block_fit(project, 1), fit_locally),
        "ray_1": (block_fit(project, 1), ray_executor(RaySettings(address=None, num_cpus=1))),
        "ray_2": (block_fit(project, 1), ray_executor(RaySettings(address=None, num_cpus=2))),
    }
    walls: dict[str, float] = {}
    frames: dict[str, pd.DataFrame] = {}
    tasks: dict[str, list[float]] = {}
    ray_log = logging.getLogger(ray_executor.__module__)
    ray_log.setLevel(logging.INFO)
    for name, (fit, executor) in runs.items():
        times = TaskTimes()
        ray_log.addHandler(times)
        frames[name], walls[name] = timed(features, fit, executor, start, end, every)
        ray_log.removeHandler(times)
        tasks[name] = times.seconds
        per_task = f"; its tasks' fits {np.mean(times.seconds):.1f} s each" if times.seconds else ""
        print(f"{name:7s} {walls[name]:7.1f} s wall, {fit.threads} library thread(s) per fit, "
              f"{frames[name]['retrain_date'].nunique()} blocks, {len(frames[name]):,} rows{per_task}", flush=True)

    blocks = int(frames["local"]["retrain_date"].nunique())
    identical = all(frames[name].equals(frames["local"]) for name in runs)
    speedup = walls["local"] / walls["ray_2"]
    work = float(np.mean(tasks["ray_1"]))
    overhead = (walls["ray_1"] - ray_start_s) / blocks - work
    print(f"\nspeedup (local / Ray, 2 workers): {speedup:.2f}x (target {TARGET_SPEEDUP}x); over local with one "
          f"thread per fit: {walls['local_1'] / walls['ray_2']:.2f}x; Ray with 1 worker: "
          f"{walls['local'] / walls['ray_1']:.2f}x. Work per retrain {work:.1f} s (one thread), Ray's cost "
          f"{overhead:.1f} s per block + {ray_start_s:.1f} s start-up: N workers take about blocks / N x "
          f"{work + overhead:.1f} s + {ray_start_s:.1f} s. Identical predictions: {identical}")
    print(json.dumps({
        "local_wall_s": round(walls["local"], 1), "ray_1_wall_s": round(walls["ray_1"], 1),
        "ray_wall_s": round(walls["ray_2"], 1), "speedup": round(speedup, 3),
        "speedup_over_local_1": round(walls["local_1"] / walls["ray_2"], 3),
        "speedup_1": round(walls["local"] / walls["ray_1"], 3), "local_1_wall_s": round(walls["local_1"], 1),
        "work_per_retrain_s": round(work, 2), "ray_overhead_per_block_s": round(overhead, 2),
        "task_fit_s_2_workers": round(float(np.mean(tasks["ray_2"])), 2), "ray_start_s": round(ray_start_s, 1),
        "blocks": blocks, "rows": len(frames["local"]), "identical_predictions": identical,
        "target_speedup": TARGET_SPEEDUP, "load_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }))


if __name__ == "__main__":
    main()
