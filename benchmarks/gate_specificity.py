"""Benchmark: does the evidence gate stake only where the ground truth says there is an edge? (issue #18: the
gate finds the soft book and only that book).

Runs the walk-forward evidence of the synthetic project at ``--root`` (default: this checkout) over a long range
(default overrides: :data:`DEFAULT_OVERRIDES`, about 14 months from 2023-10-22 with loose filters, so every book
collects bets), the gate deciding weekly which (pricing method, book) may stake from the 120 days before. Each
replayed bet's true expected return per unit comes from the league's ground truth
(:func:`nba_pra.data.synthetic.truth.true_expected_return`). Per (method, book) it prints the weeks the gate
staked it, those staked bets' count, returned ROI and true EV, and all of its replayed bets' ROI [interval] and
true EV.

A **false stake** is a weekly (method, book) decision to stake whose staked bets are worth nothing or less by the
truth (their mean true EV <= 0): money staked on luck. The predictions come from the backtest's cache (a cold
14-month run trains 35 blocks: about 10 minutes on 2 cores).

Run: ``uv run python benchmarks/gate_specificity.py [--root DIR] [KEY=VALUE ...]``. The last line printed is one
JSON object with ``false_stake_weeks``, ``false_staked_bets``, ``soft_book_weeks`` (weeks the consensus-priced
method staked the soft book), ``soft_book_staked_truth_ev``, ``weeks``, ``over_bias`` and ``wall_s``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OVERRIDES = ("backtest.start=2023-10-22", "pricing.method=market", "betting.min_confidence=0.5",
                     "betting.max_cv=1.0")


def _figures(bets: pd.DataFrame) -> pd.Series:
    return pd.Series({"bets": len(bets), "roi": bets["profit"].mean() if len(bets) else np.nan,
                      "truth": bets["true_ev"].mean() if len(bets) else np.nan})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="a synthetic project (data/ generated)")
    parser.add_argument("overrides", nargs="*", default=list(DEFAULT_OVERRIDES), help="Hydra overrides")
    args = parser.parse_args()

    from nba_pra.backtest.runner import load_inputs, walk_forward_evidence
    from nba_pra.config import load_project
    from nba_pra.data import schema
    from nba_pra.data.store import read_raw_table
    from nba_pra.data.synthetic.truth import true_expected_return
    from nba_pra.evidence.gate_figures import roi_figures
    from nba_pra.logs import setup_logging
    from nba_pra.vocab import PLAYER_GAME_KEYS, Outcome

    t0 = time.perf_counter()
    project = load_project(args.root, args.overrides)
    setup_logging(project.path("logs"), verbose=False, quiet=True)
    s = project.settings
    run = walk_forward_evidence(project, load_inputs(project), source="backtest")
    truth = read_raw_table(project.path("data"), schema.GROUND_TRUTH_FILE)
    bets = run.gate.bets
    bets = bets.loc[bets["result"].notna() & (bets["result"] != Outcome.VOID)]
    bets = bets.merge(truth[[*PLAYER_GAME_KEYS, "true_mean", "true_var"]], on=list(PLAYER_GAME_KEYS), how="left",
                      validate="many_to_one")
    bets["true_ev"] = true_expected_return(bets["true_mean"], bets["true_var"], bets["line"].to_numpy(float),
                                           bets["price"].to_numpy(float), bets["side"].to_numpy())
    decisions = run.gate.decisions
    starts = np.sort(decisions["block_start"].unique())
    bets["block_start"] = starts[np.searchsorted(starts, pd.to_datetime(bets["game_date"]).to_numpy(),
                                                 side="right") - 1]
    staked = bets.loc[bets["state"] == "staked"]
    per_week = staked.groupby(["method", "bookmaker", "block_start"])["true_ev"].agg(["size", "mean"])
    false = per_week.loc[per_week["mean"] <= 0]

    rows = []
    for (method, book), part in bets.groupby(["method", "bookmaker"], sort=True):
        fig = roi_figures(part, s.backtest.bootstrap, s.seed)
        mine = staked.loc[(staked["method"] == method) & (staked["bookmaker"] == book)]
        weeks = int(decisions.loc[(decisions["method"] == method) & (decisions["bookmaker"] == book),
                                  "staked"].sum())
        rows.append({"method": method, "book": book, "weeks_staked": weeks,
                     **_figures(mine).add_prefix("staked_").to_dict(),
                     "bets": fig["bets"], "roi": fig["roi"], "roi_lo": fig["roi_lo"], "roi_hi": fig["roi_hi"],
                     "truth": part["true_ev"].mean()})
    table = pd.DataFrame(rows)
    print(f"SYNTHETIC: {run.start.date()}..{run.end.date()}, {len(starts)} weekly gate decisions, "
          f"familywise error {s.betting.evidence.familywise_error}, over_bias "
          f"{s.data.synthetic.sportsbook.over_bias}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:+.4f}"))
    soft_book = s.data.synthetic.sportsbook.soft.bookmaker
    soft = table.loc[(table["method"] == "market") & (table["book"] == soft_book)]
    out = {"false_stake_weeks": len(false), "false_staked_bets": int(false["size"].sum()),
           "false_stakes": sorted({f"{m}@{b}" for m, b, _ in false.index}),
           "soft_book_weeks": int(soft["weeks_staked"].sum()),
           "soft_book_staked_truth_ev": round(float(soft["staked_truth"].iloc[0]), 4) if len(soft) else None,
           "weeks": len(starts), "over_bias": s.data.synthetic.sportsbook.over_bias,
           "wall_s": round(time.perf_counter() - t0, 1)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
