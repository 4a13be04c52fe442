"""Benchmark: architecture A (``model=xgboost``) vs B (``model=lightgbm``), paired on the rows both predicted.

Both architectures train exactly as ``nba-pra train`` does (the configured 3-season window, 19 walk-forward folds
x (mean + variance) models, the same features, seeds and scores) on the same feature table, one after the other
in this process. Paired: the per-row CRPS difference ``B - A`` over the rows both predicted out of fold, with a
date-block bootstrap interval (game dates are the blocks, ``backtest.bootstrap`` resamples and confidence, seed =
the master seed) and the date-clustered Diebold–Mariano statistic (:mod:`nba_pra.evaluation.paired`). Negative =
B better.

Two settings:

* synthetic (``scale=seed``, ~587,000 player-games of the simulated league; labelled synthetic): the out-of-fold
  rows of the two trainings;
* real (``../shared/data`` or ``$NBA_PRA_SHARED_DATA``): both trained as of the first day of 2023-24 on the three
  seasons before it (``pre_*`` availability features off: the real data has no pre-game reports), each one model
  predicting every played game of the season (held out), scored on the same rows.

Target (issue 25): B trains within 1.5x A's wall time (``train_wall_s_b <= 1.5 * train_wall_s_a``). Wall time on a
shared machine is noisy, so the process CPU time of each training is given beside it (``train_cpu_s_*``).

Run: ``nice -n 10 uv run python benchmarks/ab.py [--scale seed|default] [--no-real] [--no-synthetic]``. The last
line printed is one JSON object: ``arch_b_crps_minus_a`` (``_lo``/``_hi``), ``paired_rows``, ``train_wall_s_a``,
``train_wall_s_b`` (synthetic), the same figures for the real season under ``real_*``, and each architecture's
pooled scores.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from nba_pra.availability.sources import visible_availability
from nba_pra.availability.synthetic import synthetic_snapshots
from nba_pra.config import Settings, load_project
from nba_pra.data.synthetic import simulate_league
from nba_pra.evaluation.paired import BootstrapSpec, compare_versions, results_frame
from nba_pra.evaluation.predictions import empty_slate
from nba_pra.evaluation.walkforward import as_of_frame
from nba_pra.features.engine import build_features
from nba_pra.features.registry import feature_names
from nba_pra.features.slate import build_slate
from nba_pra.market_eval.inputs import load_inputs
from nba_pra.model.evaluation import evaluate_oof
from nba_pra.model.train import TrainResult, train_ensemble, training_mask

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NBA_PRA_SHARED_DATA", ROOT.parent / "shared" / "data"))
BOX_SCORES = "box_scores_2012-13_to_2023-24.parquet"
LINES = "pra_lines_2023-24.csv"
#: A, then B
ARCHITECTURES = ("xgboost", "lightgbm")
#: B's training wall time may be at most this multiple of A's (issue 25)
WALL_RATIO_TARGET = 1.5
#: pooled scores printed per architecture (from the training evaluation)
TABLE_METRICS = ("crps", "log_score", "mae", "rmse", "ece_over", "brier_over")


def timed_training(features: pd.DataFrame, s: Settings) -> tuple[TrainResult, float, float]:
    """The ensemble, its wall and process CPU seconds."""
    w0, c0 = time.perf_counter(), time.process_time()
    result = train_ensemble(features, feature_names(s.features), window=s.window, cv=s.cv, model=s.model,
                            distribution=s.distribution, seed=s.seed)
    return result, time.perf_counter() - w0, time.process_time() - c0


def kept(keep: Path | None, name: str, make: Callable[[], tuple[pd.DataFrame, float, float]]
         ) -> tuple[pd.DataFrame, float, float]:
    """``make()`` (scored rows, wall s, CPU s), or what an earlier run kept under ``keep/name`` (``--keep``: a long
    run's trainings survive a failure after them)."""
    if keep is None:
        return make()
    rows_path, timing_path = keep / f"{name}.parquet", keep / f"{name}.json"
    if rows_path.is_file() and timing_path.is_file():
        timing = json.loads(timing_path.read_text())
        return pd.read_parquet(rows_path), float(timing["wall_s"]), float(timing["cpu_s"])
    rows, wall, cpu = make()
    keep.mkdir(parents=True, exist_ok=True)
    rows.to_parquet(rows_path)
    timing_path.write_text(json.dumps({"wall_s": wall, "cpu_s": cpu}))
    return rows, wall, cpu


def spec_of(s: Settings) -> BootstrapSpec:
    return BootstrapSpec(n_resamples=s.backtest.bootstrap.n_resamples, confidence=s.backtest.bootstrap.confidence,
                         seed=s.seed)


def architecture_table(rows: dict[str, pd.DataFrame], settings: dict[str, Settings], lines: pd.DataFrame | None,
                       walls: dict[str, float], cpus: dict[str, float]) -> pd.DataFrame:
    """One row per architecture: pooled scores on its own scored rows, train wall and CPU seconds."""
    table = []
    for kind, frame in rows.items():
        s = settings[kind]
        ev = evaluate_oof(frame, s.distribution.family, n_bins=s.model.evaluation.n_bins, seed=s.seed, lines=lines,
                          over_calibration=s.model.over_calibration)
        table.append({"architecture": kind, "rows": len(frame),
                      **{m: ev.metrics.get(m, float("nan")) for m in TABLE_METRICS},
                      "train_wall_s": walls[kind], "train_cpu_s": cpus[kind]})
    return pd.DataFrame(table)


def paired_figures(rows: dict[str, pd.DataFrame], s: Settings, lines: pd.DataFrame | None, prefix: str
                   ) -> tuple[dict, pd.DataFrame]:
    a, b = (rows[k] for k in ARCHITECTURES)
    paired = results_frame(compare_versions(a, b, s.distribution.family, spec_of(s), lines))
    crps = paired.set_index("score").loc["crps"]
    return {
        f"{prefix}arch_b_crps_minus_a": round(float(crps["diff"]), 5),
        f"{prefix}arch_b_crps_minus_a_lo": round(float(crps["lo"]), 5),
        f"{prefix}arch_b_crps_minus_a_hi": round(float(crps["hi"]), 5),
        f"{prefix}arch_b_crps_dm_p": round(float(crps["p_value"]), 5),
        f"{prefix}paired_rows": int(crps["rows"]),
        f"{prefix}paired_dates": int(crps["dates"]),
    }, paired


def report(title: str, table: pd.DataFrame, paired: pd.DataFrame) -> None:
    with pd.option_context("display.width", 180, "display.precision", 4, "display.max_columns", 20):
        print(f"--- {title}: each architecture")
        print(table.to_string(index=False))
        print(f"--- {title}: paired B ({ARCHITECTURES[1]}) - A ({ARCHITECTURES[0]}), date-block bootstrap")
        print(paired.to_string(index=False))


def pooled(table: pd.DataFrame, prefix: str) -> dict:
    out = {}
    for record in table.to_dict("records"):
        tag = "a" if record["architecture"] == ARCHITECTURES[0] else "b"
        out |= {f"{prefix}{m}_{tag}": round(float(record[m]), 5) for m in ("crps", "mae", "log_score", "ece_over")}
        out[f"{prefix}train_wall_s_{tag}"] = round(float(record["train_wall_s"]), 1)
        out[f"{prefix}train_cpu_s_{tag}"] = round(float(record["train_cpu_s"]), 1)
    return out


def each_architecture(
    overrides: list[str], train: Callable[[Settings], tuple[pd.DataFrame, float, float]], keep: Path | None,
    name: str, label: str, what: str,
) -> tuple[dict[str, pd.DataFrame], dict[str, Settings], dict[str, float], dict[str, float]]:
    """``train`` run (or read back from ``keep``) with each architecture's settings: rows, settings, wall and CPU
    seconds per architecture."""
    rows, settings, walls, cpus = {}, {}, {}, {}
    for kind in ARCHITECTURES:
        s = settings[kind] = load_project(ROOT, [*overrides, f"model={kind}"]).settings
        rows[kind], walls[kind], cpus[kind] = kept(keep, f"{name}_{kind}", lambda s=s: train(s))
        print(f"{label} {kind}: {len(rows[kind])} {what} rows, {walls[kind]:.1f} s wall, {cpus[kind]:.1f} s CPU",
              flush=True)
    return rows, settings, walls, cpus


def synthetic(scale: str, keep: Path | None) -> dict:
    base = load_project(ROOT, [f"scale={scale}"]).settings
    league = simulate_league(base.data.synthetic)
    snapshots = synthetic_snapshots(league.injury_report, league.schedule, base.availability.synthetic)
    availability, _ = visible_availability(snapshots, league.schedule, league.box_scores, league.rosters,
                                           base.availability, base.odds.matching)
    features = build_features(league.box_scores, build_slate(league.schedule, league.rosters), base.features,
                              availability=availability)
    def train(s: Settings) -> tuple[pd.DataFrame, float, float]:
        result, wall, cpu = timed_training(features, s)
        return result.oof, wall, cpu

    rows, settings, walls, cpus = each_architecture([f"scale={scale}"], train, keep, f"synthetic_{scale}",
                                                    "synthetic", "scored")
    table = architecture_table(rows, settings, league.lines, walls, cpus)
    figures, paired = paired_figures(rows, base, league.lines, "")
    report(f"synthetic league ({scale} scale), out of fold", table, paired)
    return {**figures, **pooled(table, ""), "scale": scale, "player_games": len(league.box_scores)}


def real(data: Path, keep: Path | None) -> dict:
    """Both trained as of the last season's first day, each predicting that whole season (held out)."""
    overrides = [f"market.box_scores={data / BOX_SCORES}", f"market.lines={data / LINES}",
                 "features.pregame_availability=false"]
    project = load_project(ROOT, overrides)
    base = project.settings
    inputs = load_inputs(project)
    features = build_features(inputs.box_scores, empty_slate(), base.features)
    season = features["season"].astype(str) == inputs.season
    start = pd.Timestamp(features.loc[season, "game_date"].min())
    history = as_of_frame(features.loc[~season | (features["game_date"] == start)], start, base.window)
    test = features.loc[season & training_mask(features)]
    def train(s: Settings) -> tuple[pd.DataFrame, float, float]:
        result, wall, cpu = timed_training(history, s)
        predicted = result.ensemble.predict(test)
        held_out = pd.DataFrame({"game_id": test["game_id"], "player_id": test["player_id"],
                                 "game_date": test["game_date"], "block": 0,
                                 "y": test["target_pra"].to_numpy(float), "mean": predicted["mean"],
                                 "var": predicted["var"]}, index=test.index)
        return held_out, wall, cpu

    rows, settings, walls, cpus = each_architecture(overrides, train, keep, "real", "real", "held-out")
    table = architecture_table(rows, settings, inputs.lines, walls, cpus)
    figures, paired = paired_figures(rows, base, inputs.lines, "real_")
    report(f"real {inputs.season}, held out", table, paired)
    return {**figures, **pooled(table, "real_"), "real_season": inputs.season}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="seed", choices=["seed", "default"])
    parser.add_argument("--no-real", action="store_true", help="skip the real held-out season")
    parser.add_argument("--no-synthetic", action="store_true", help="skip the synthetic league")
    parser.add_argument("--data", type=Path, default=SHARED, help="folder of the shared real data")
    parser.add_argument("--keep", type=Path, default=None,
                        help="folder keeping each training's scored rows and times (reused when present)")
    args = parser.parse_args()
    figures: dict = {"architecture_a": ARCHITECTURES[0], "architecture_b": ARCHITECTURES[1]}
    if not args.no_synthetic:
        figures |= synthetic(args.scale, args.keep)
        ratio = figures["train_wall_s_b"] / figures["train_wall_s_a"]
        figures["train_wall_ratio_b_a"] = round(ratio, 3)
        figures["train_wall_target_met"] = bool(ratio <= WALL_RATIO_TARGET)
    if not args.no_real and (args.data / BOX_SCORES).exists() and (args.data / LINES).exists():
        figures |= real(args.data, args.keep)
        figures["real_train_wall_ratio_b_a"] = round(figures["real_train_wall_s_b"] / figures["real_train_wall_s_a"],
                                                     3)
    else:
        print(f"real data skipped ({'--no-real' if args.no_real else f'no {BOX_SCORES} / {LINES} in {args.data}'})")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
