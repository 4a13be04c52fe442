"""Benchmark: how much do pre-game availability features improve PRA forecasts? Real data, walk forward.

Data: the real box scores (``../shared/data``) read through the files data source, and the Rotowire lineup
snapshots of 2021-03-20 -> 2021-07-14 (projected/confirmed starters, "may not play" lists with a likelihood).
The box scores carry no tip-off times, so each game's cut-off uses the configured *assumed* tip
(``availability.assumed_tip_weekday`` / ``_weekend``, deliberately early: 19:00 / 12:00 ET) minus
``cutoff_minutes``: a snapshot taken after the real tip can never be visible, at the price of ignoring late
(confirmed) lineups of evening weekend games.

Walk forward: the project's ``train_ensemble`` (3-season window before 2021-07-15, expanding folds) with the
validation blocks placed on the lineup period (``cv.min_train_fraction`` set so the first block starts on
2021-03-20; the first block is the variance warm-up and is not scored). Two runs on the same feature frame
and folds: *without* (every registry feature except ``pre_*``) and *with* (all). Fewer folds / rounds than the
daily run (``--folds``, ``--mean-rounds``, ``--variance-rounds``) keep it to a few minutes on 2 cores.

Scored on the same out-of-fold rows: MAE, CRPS, log score, PIT KS, realised / predicted squared error and
the 80 % interval's coverage, overall, on rows whose team had a visible lineup, and for players whose role
changed: projected starter != his last-10 start majority, or one of his team's top-2 players (PRA form) listed
out / doubtful. Both runs are logged to MLflow (experiment ``nba-pra-availability-value``).

Run: ``uv run python benchmarks/availability_value.py``. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from nba_pra.availability.asof import availability_table, team_candidates
from nba_pra.availability.lineups import RotowireFileProvider
from nba_pra.config import load_project
from nba_pra.data.files import prepare_input, read_table_file
from nba_pra.data.tables import normalize_box_scores
from nba_pra.features.engine import build_features
from nba_pra.features.registry import feature_names
from nba_pra.model import calibration, distributions, metrics
from nba_pra.model.folds import window_start
from nba_pra.model.train import as_of_date, train_ensemble, training_rows
from nba_pra.tracking.client import resolve_tracking_uri

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NBA_PRA_SHARED_DATA", ROOT.parent / "shared" / "data"))
BOX_SCORES = "box_scores_2012-13_to_2023-24.parquet"
LINEUPS = "availability/rotowire_lineups_2020-21_2023-24.parquet"
SEASONS = ("2017-18", "2018-19", "2019-20", "2020-21")  # 2017-18 only warms up the rolling forms
SPRING_START, SPRING_END = pd.Timestamp("2021-03-20"), pd.Timestamp("2021-07-14")
EXPERIMENT = "nba-pra-availability-value"
INTERVAL = (0.1, 0.9)
MAJORITY = 0.5
BOOTSTRAP = 1000


def load_box_scores(season_types: tuple[str, ...], default_position: str) -> pd.DataFrame:
    raw = read_table_file(SHARED / BOX_SCORES)
    raw = raw.loc[raw["season"].isin(SEASONS) & (pd.to_datetime(raw["game_date"]) <= SPRING_END)]
    return normalize_box_scores(prepare_input(raw, season_types), default_position)


def team_games(box: pd.DataFrame) -> pd.DataFrame:
    games = box[["game_id", "game_date", "season", "team"]].drop_duplicates(["game_id", "team"])
    return games.assign(commence_time=pd.NaT).reset_index(drop=True)


def first_valid_fraction(features: pd.DataFrame, window) -> float:
    """``cv.min_train_fraction`` that makes the first validation block start on SPRING_START."""
    rows = training_rows(features)
    as_of = as_of_date(features)
    dates = rows["game_date"]
    days = np.sort(dates[(dates >= window_start(as_of, window)) & (dates < as_of)].unique())
    first = int(np.searchsorted(days, np.datetime64(SPRING_START)))
    return (first + 0.5) / len(days)


def scores(frame: pd.DataFrame, family, seed: int) -> dict[str, float]:
    y, mean, var = (frame[c].to_numpy(float) for c in ("y", "mean", "var"))
    params = distributions.fit(family, mean, var)
    lo, hi = (distributions.quantile(params, q) for q in INTERVAL)
    pit = np.sort(calibration.randomized_pit(params, y, seed))
    return {
        "n": float(len(y)),
        "mae": metrics.mae(y, mean),
        "crps": metrics.crps(params, y),
        "log_score": metrics.log_score(params, y),
        "pit_ks": float(np.max(np.abs(pit - np.arange(1, len(pit) + 1) / len(pit)))),
        "var_ratio": float(np.sum((y - mean) ** 2) / np.sum(var)),
        "coverage80": float(np.mean((y >= lo) & (y <= hi))),
    }


def groups(features: pd.DataFrame, index: pd.Index) -> dict[str, np.ndarray]:
    f = features.loc[index]
    share = f["pre_starter"] - f["pre_starter_vs_g10"]
    role = f["pre_starter"].notna() & share.notna() & ((f["pre_starter"] == 1) != (share >= MAJORITY))
    top = f["pre_team_top_out"] == 1
    return {
        "all": np.ones(len(f), dtype=bool),
        "lineup_visible": (f["pre_known"] == 1).to_numpy(),
        "role_changed": role.to_numpy(),
        "top_teammate_out": top.to_numpy(),
        "role_changed_or_top_out": (role | top).to_numpy(),
    }


def paired_mae_ci(without: pd.DataFrame, with_: pd.DataFrame, seed: int) -> tuple[float, float]:
    """95 % bootstrap interval (rows resampled) of MAE(with) - MAE(without)."""
    diff = (np.abs(with_["y"] - with_["mean"]) - np.abs(without["y"] - without["mean"])).to_numpy()
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(diff), (BOOTSTRAP, len(diff)))
    means = diff[draws].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--mean-rounds", type=int, default=150)
    parser.add_argument("--variance-rounds", type=int, default=80)
    parser.add_argument("--no-mlflow", action="store_true")
    args = parser.parse_args()
    overrides = [
        "availability=files",
        f"availability.lineups.path={SHARED / LINEUPS}",
        f"cv.n_folds={args.folds}",
        f"model.mean_rounds={args.mean_rounds}",
        f"model.variance_rounds={args.variance_rounds}",
    ]
    s = load_project(ROOT, overrides).settings
    t0 = time.perf_counter()
    box = load_box_scores(s.data.files.season_types, s.data.files.default_position)
    games = team_games(box)
    candidates = team_candidates(box[["game_date", "season", "team", "player_id", "player_name"]], games)
    snapshots = RotowireFileProvider(Path(s.availability.lineups.path), s.availability.lineups,
                                     s.availability.status_map).lineups()
    table, join = availability_table(snapshots, games, candidates, s.availability, s.odds.matching)
    slate = box.iloc[:0][["game_id", "game_date", "season", "player_id", "player_name", "team", "opponent", "home",
                         "position"]].assign(commence_time=pd.Series(dtype="datetime64[ns, UTC]"))
    features = build_features(box, slate, s.features, availability=table)
    t1 = time.perf_counter()
    cv = dataclasses.replace(s.cv, min_train_fraction=first_valid_fraction(features, s.window))
    names = feature_names(s.features)
    variants = {"without": [n for n in names if not n.startswith("pre_")], "with": names}
    oof, seconds = {}, {}
    for variant, columns in variants.items():
        start = time.perf_counter()
        result = train_ensemble(features, columns, window=s.window, cv=cv, model=s.model,
                                distribution=s.distribution, seed=s.seed)
        seconds[variant] = round(time.perf_counter() - start, 1)
        oof[variant] = result.oof.loc[result.oof["game_date"] >= SPRING_START]
    common = oof["without"].index.intersection(oof["with"].index)
    masks = groups(features, common)
    family = s.distribution.family
    table_rows, figures = [], {}
    for group, mask in masks.items():
        if not mask.any():
            continue
        pair = {v: oof[v].loc[common[mask]] for v in variants}
        for variant in variants:
            sc = scores(pair[variant], family, s.seed)
            figures[f"{group}.{variant}"] = {k: round(v, 4) for k, v in sc.items()}
            table_rows.append({"group": group, "variant": variant, **sc})
        lo, hi = paired_mae_ci(pair["without"], pair["with"], s.seed)
        figures[f"{group}.mae_diff_ci95"] = [round(lo, 4), round(hi, 4)]
    report = pd.DataFrame(table_rows)
    with pd.option_context("display.width", 160, "display.precision", 3):
        print(report.to_string(index=False))
    summary = {
        "period": [str(SPRING_START.date()), str(SPRING_END.date())],
        "scored_rows": len(common),
        "lineup_coverage_of_scored_rows": round(float(masks["lineup_visible"].mean()), 4),
        "join": {k: v for k, v in join.as_dict().items() if k != "unmatched_sample"},
        "unmatched_sample": join.as_dict()["unmatched_sample"][:10],
        "assumed_tip": [s.availability.assumed_tip_weekday, s.availability.assumed_tip_weekend],
        "cutoff_minutes": s.availability.cutoff_minutes,
        "folds": args.folds,
        "mean_rounds": args.mean_rounds,
        "variance_rounds": args.variance_rounds,
        "features_s": round(t1 - t0, 1),
        "train_s": seconds,
        "figures": figures,
    }
    if not args.no_mlflow:
        log_to_mlflow(s, summary, report)
    print(json.dumps(summary))


def log_to_mlflow(s, summary: dict, report: pd.DataFrame) -> None:
    import mlflow

    mlflow.set_tracking_uri(resolve_tracking_uri(s.tracking.uri, ROOT))
    mlflow.set_experiment(EXPERIMENT)
    params = {k: summary[k] for k in ("folds", "mean_rounds", "variance_rounds", "cutoff_minutes")}
    with mlflow.start_run(run_name="availability-value") as parent:
        mlflow.log_params({**params, "period": "..".join(summary["period"]),
                           "assumed_tip": "/".join(summary["assumed_tip"])})
        mlflow.log_dict(summary, "availability_value.json")
        for variant, part in report.groupby("variant", sort=False):
            with mlflow.start_run(run_name=f"{variant}-availability", nested=True,
                                  parent_run_id=parent.info.run_id):
                mlflow.log_params({**params, "variant": variant})
                mlflow.log_metrics({f"{row.group}_{m}": float(getattr(row, m)) for row in part.itertuples()
                                    for m in ("n", "mae", "crps", "log_score", "pit_ks", "var_ratio", "coverage80")})


if __name__ == "__main__":
    main()
