"""Benchmark: train the walk-forward ensemble on a seed-scale synthetic league and print its quality table.

Seed scale (``scale=seed``) is ~587,000 player-games; training uses the configured 3-season window before the
slate, 19 folds x (mean + variance) XGBoost models, exactly as ``nba-pra train``. Reported: simulation, feature
and training wall time, peak RSS, and out-of-fold quality of the model vs the baselines (season average,
last 10, EWMA) and the ground-truth oracle on the same rows, plus CRPS / log score of both distributions.

Targets (issue 5): CRPS <= 1.03 x oracle, P(over) ECE <= 1.5 %, MAE >= 5 % better than the best naive
baseline, training <= 60 s and <= 3 GB.

Run: ``uv run python benchmarks/model.py [--scale seed|default]``. The last line printed is one JSON object with
``train_wall_s``, ``peak_rss_mb``, ``crps_ratio_oracle``, ``ece_over``, ``mae_gain_vs_best_baseline``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import pandas as pd

from nba_pra.config import load_project
from nba_pra.availability.sources import visible_availability
from nba_pra.availability.synthetic import synthetic_snapshots
from nba_pra.data.synthetic import simulate_league
from nba_pra.features.engine import build_features
from nba_pra.features.registry import feature_names
from nba_pra.features.slate import build_slate
from nba_pra.model.evaluation import evaluate_oof
from nba_pra.model.train import train_ensemble

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="seed", choices=["seed", "default"])
    args = parser.parse_args()
    s = load_project(ROOT, [f"scale={args.scale}"]).settings

    t0 = time.perf_counter()
    league = simulate_league(s.data.synthetic)
    t1 = time.perf_counter()
    # the pre-game report the synthetic league publishes, as the daily `availability` stage makes it visible
    snapshots = synthetic_snapshots(league.injury_report, league.schedule, s.availability.synthetic)
    availability, _ = visible_availability(snapshots, league.schedule, league.box_scores, league.rosters,
                                           s.availability, s.odds.matching)
    features = build_features(league.box_scores, build_slate(league.schedule, league.rosters), s.features,
                              availability=availability)
    t2 = time.perf_counter()
    result = train_ensemble(features, feature_names(s.features), window=s.window, cv=s.cv, model=s.model,
                            distribution=s.distribution, seed=s.seed)
    t3 = time.perf_counter()
    ev = s.model.evaluation
    baselines = {name: features.loc[result.oof.index, col].to_numpy(float) for name, col in ev.baselines.items()}
    evaluation = evaluate_oof(result.oof, s.distribution.family, n_bins=ev.n_bins, seed=s.seed,
                              lines=league.lines, baselines=baselines, truth=league.ground_truth)
    with pd.option_context("display.width", 160, "display.precision", 3):
        print(evaluation.comparison.to_string(index=False))
    m = evaluation.metrics
    baseline_maes = [m[f"{name}_mae"] for name in ev.baselines if f"{name}_mae" in m]
    figures = {
        "train_wall_s": round(t3 - t2, 1),
        "crps_ratio_oracle": round(m["crps"] / m["oracle_crps"], 4),
        "ece_over": round(m["ece_over"], 4),
        "mae_gain_vs_best_baseline": round(1 - m["mae"] / min(baseline_maes), 4),
        "scale": args.scale,
        "player_games": len(league.box_scores),
        "training_rows_in_window": int(sum(f.n_train for f in result.folds[-1:]) + result.folds[-1].n_valid),
        "n_folds": len(result.folds),
        "n_features": len(feature_names(s.features)),
        "simulate_s": round(t1 - t0, 1),
        "features_s": round(t2 - t1, 1),
        "train_s": round(t3 - t2, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "quality": {k: round(float(v), 4) for k, v in m.items()},
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
