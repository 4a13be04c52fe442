"""Benchmark (issue 21): calibration of the in-game PRA model by game state. SYNTHETIC league only.

The synthetic league is simulated (``conf/`` plus the Hydra overrides given on the command line, e.g.
``data.synthetic.n_teams=10`` for a quick run) and every played game split into quarters
(:mod:`nba_pra.data.synthetic.quarters`). Pre-game distributions are the project's walk-forward backtest predictions
(:func:`nba_pra.evaluation.predictions.cached_predictions`: the backtest range, retrained every
``backtest.retrain_every_days``; cached under ``backtest.cache_dir``); the pre-game minutes estimate is the as-of
feature ``live.minutes_feature``. The in-game adjustments are fitted walk-forward
(:func:`nba_pra.live.fit.walk_forward`: each block of ``live.fit.refit_every_days`` fitted on the states of earlier
days only); the first block has no fit and is not scored.

Scored at the end of Q1, at half time and at the end of Q3, on player-games with a pre-game prop (the consensus
line of the simulated books, :func:`nba_pra.betting.pricing.consensus`):

* ECE of the live P(over | no push) of the final PRA at the pre-game consensus line (equal-width bins,
  ``live.reliability_bins``), recalibrated by the state's walk-forward Platt map (``ece``; before the map:
  ``ece_raw``), beside the pre-game model's raw P(over) on the same rows;
* CRPS of the final PRA, live vs pre-game, on the same rows (``crps_ratio_half`` at half time).

Targets: ECE <= 0.02 at half and Q3 on the default league; ``crps_ratio_half <= 0.7``; ``replay_wall_s`` <= 60:
one night (the middle date of the scored range) replayed end to end by :func:`nba_pra.live.runner.replay` with no
pause between period ends (the pre-game predictions cached by the scoring above).

Run: ``nice -n 10 uv run python benchmarks/live.py [hydra overrides...]``. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from nba_pra.betting.gate import Gate
from nba_pra.betting.pricing import family_probabilities
from nba_pra.config import load_project
from nba_pra.live.fit import walk_forward
from nba_pra.live.model import final_crps, final_probabilities
from nba_pra.live.runner import replay, synthetic_live
from nba_pra.model import calibration
from nba_pra.model.distributions import DistributionParams
from nba_pra.model.metrics import crps_rows
from nba_pra.model.settings import DistributionFamily

ROOT = Path(__file__).resolve().parent.parent
#: the game states scored: (name, periods completed)
STATES = (("end Q1", 1), ("half", 2), ("end Q3", 3))
TARGET_ECE = 0.02
TARGET_CRPS_RATIO = 0.7
KEYS = ["game_id", "player_id"]


def pregame_crps(rows: pd.DataFrame) -> np.ndarray:
    out = np.full(len(rows), np.nan)
    family = rows["dist_family"].to_numpy(dtype=object)
    for fam in DistributionFamily:
        sel = family == fam.value
        if sel.any():
            params = DistributionParams(fam, rows["pre_param_a"].to_numpy(float)[sel],
                                        rows["pre_param_b"].to_numpy(float)[sel])
            out[sel] = crps_rows(params, rows["final_pra"].to_numpy(float)[sel])
    return out


def score(p_over: np.ndarray, rows: pd.DataFrame, bins: int) -> dict[str, float]:
    outcome, decided = calibration.over_outcomes(rows["final_pra"], rows["consensus_line"])
    scores, _ = calibration.over_probability_scores(p_over[decided], outcome[decided], bins)
    return {"n": int(decided.sum()), "p_over": float(np.mean(p_over[decided])),
            "over_rate": float(np.mean(outcome[decided])), "ece": scores["ece_over"], "brier": scores["brier_over"]}


def reliability_table(probs: dict[str, tuple[np.ndarray, pd.DataFrame]], bins: int) -> pd.DataFrame:
    """Per P(over) bin and game state: mean P(over) / over rate (n)."""
    columns = {}
    for name, (p_over, rows) in probs.items():
        outcome, decided = calibration.over_outcomes(rows["final_pra"], rows["consensus_line"])
        table = calibration.reliability(p_over[decided], outcome[decided], bins).set_index("bin")
        columns[name] = [f"{r.p_mean:.3f} / {r.o_mean:.3f} ({r.n})" for r in table.itertuples()]
        columns[name] = pd.Series(columns[name], index=table.index)
    out = pd.DataFrame(columns).fillna("-")
    out.index = [f"[{b / bins:.1f}, {(b + 1) / bins:.1f})" for b in out.index]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="Hydra overrides of conf/ (e.g. data.synthetic.n_teams=10)")
    args = parser.parse_args()
    project = load_project(ROOT, args.overrides)
    s = project.settings
    assert s.data.synthetic is not None, "the live benchmark runs on the synthetic league"
    started = time.perf_counter()
    live = synthetic_live(project)
    forecasts, fits = walk_forward(live.states, s.live)
    scored = forecasts.loc[np.isfinite(forecasts["line"])].rename(columns={"line": "consensus_line"})
    prepared = time.perf_counter() - started

    pre_rows = scored.loc[scored["period"] == 1]
    pre_probs = family_probabilities(pre_rows["dist_family"].to_numpy(dtype=object),
                                     pre_rows["pre_param_a"].to_numpy(float), pre_rows["pre_param_b"].to_numpy(float),
                                     pre_rows["consensus_line"].to_numpy(float))
    pre_over = calibration.over_given_decided(pre_probs)
    table = [{"state": "pre-game", **score(pre_over, pre_rows, s.live.reliability_bins), "ece_raw": np.nan,
              "crps": float(np.mean(pregame_crps(pre_rows)))}]
    ratios = {}
    by_state = {"pre-game": (pre_over, pre_rows)}
    for name, period in STATES:
        at = scored.loc[scored["period"] == period]
        line = at["consensus_line"].to_numpy(float)
        p_over = calibration.over_given_decided(final_probabilities(at, line))
        raw = score(calibration.over_given_decided(final_probabilities(at, line, recalibrate=False)), at,
                    s.live.reliability_bins)
        by_state[name] = (p_over, at)
        live_crps = final_crps(at, at["final_pra"].to_numpy(float))
        ratios[name] = float(np.mean(live_crps) / np.mean(pregame_crps(at)))
        table.append({"state": name, **score(p_over, at, s.live.reliability_bins), "ece_raw": raw["ece"],
                      "crps": float(np.mean(live_crps))})
    frame = pd.DataFrame(table)
    frame["crps_vs_pregame"] = frame["crps"] / frame["crps"].iloc[0]
    league_name = " ".join(args.overrides) or "default league"
    print(f"SYNTHETIC league ({league_name}): live P(over) at the pre-game consensus line, by game state")
    print(f"  {len(scored.loc[scored['period'] == 1])} player-games with a prop and a live fit, "
          f"{len(fits)} walk-forward fits (first block unscored); prediction cache {live.prediction_cache}")
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print("calibration by P(over) bin: mean P(over) / over rate (n)")
    print(reliability_table(by_state, s.live.reliability_bins).to_string())
    last = fits[max(fits)]
    print(f"last fit: k_m={last.minutes_prior:.2f} game min, beta={np.round(last.minutes_coef, 4).tolist()}, "
          f"k_r={last.rate_prior:.1f} min, var coef={np.round(last.variance_coef, 4).tolist()} "
          f"({last.n_states} states); Platt (a, b) by periods completed: "
          f"{[(round(m.intercept, 3), round(m.slope, 3)) for m in last.over_maps]}")
    ece = dict(zip(frame["state"], frame["ece"], strict=True))
    # one night replayed end to end (simulation, cached pre-game forecasts, fit, three period ends, the tables),
    # with no pause between period ends; an open gate (no evidence file is read here)
    day = pd.Timestamp(np.sort(scored["game_date"].unique())[len(scored["game_date"].unique()) // 2])
    with Path(os.devnull).open("w") as sink:
        replay_started = time.perf_counter()
        frames = replay(project, day, gate=Gate.open(), stack=None, bankroll=s.backtest.initial_bankroll,
                        console=Console(file=sink), sleep=lambda _: None)
        replay_wall = time.perf_counter() - replay_started
    print(f"replayed {day.date()}: {sum(len(f) for f in frames)} live offers over {len(frames)} period ends, "
          f"{sum(int(f['decision'].eq('bet').sum()) for f in frames)} bets, {replay_wall:.1f} s")
    result = {
        "label": "synthetic", "league": league_name,
        "ece_pregame": round(ece["pre-game"], 5), "ece_q1": round(ece["end Q1"], 5),
        "ece_half": round(ece["half"], 5), "ece_q3": round(ece["end Q3"], 5),
        "crps_ratio_half": round(ratios["half"], 4), "crps_ratio_q1": round(ratios["end Q1"], 4),
        "crps_ratio_q3": round(ratios["end Q3"], 4), "player_games": len(pre_rows),
        "targets_met": bool(ece["half"] <= TARGET_ECE and ece["end Q3"] <= TARGET_ECE
                            and ratios["half"] <= TARGET_CRPS_RATIO),
        "prepare_wall_s": round(prepared, 1), "replay_wall_s": round(replay_wall, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
