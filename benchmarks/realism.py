"""Realism benchmark: the default synthetic league against real NBA box scores (regular seasons
2012-13..2023-24).

Run: ``uv run python benchmarks/realism.py [hydra overrides...]`` (e.g. ``scale=seed``). Prints a side-by-side
table, then, as its last line, one JSON object: ``max_rel_diff``, ``simulate_s`` and each statistic's
``[simulated, real]`` pair.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd

from nba_pra.config import load_project
from nba_pra.data.synthetic import simulate_league
from nba_pra.data.synthetic.realism import compare, league_statistics, real_regular_season

REAL_BOX_SCORES = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "box_scores_2012-13_to_2023-24.parquet"
)


def main(overrides: list[str]) -> int:
    if not REAL_BOX_SCORES.is_file():
        print(f"real box scores not found at {REAL_BOX_SCORES}", file=sys.stderr)
        return 1
    settings = load_project(Path(__file__).resolve().parents[1], overrides).settings.data.synthetic
    start = time.perf_counter()
    league = simulate_league(settings)
    simulate_s = time.perf_counter() - start
    real = league_statistics(real_regular_season(pd.read_parquet(REAL_BOX_SCORES)))
    table = compare(league_statistics(league.box_scores), real)
    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))
    print(f"player-games simulated: {len(league.box_scores):,} in {simulate_s:.1f} s")
    result = {
        "max_rel_diff": round(float(table["rel_diff"].max()), 4),
        "simulate_s": round(simulate_s, 2),
        "rows": len(league.box_scores),
        **{row.statistic: [round(row.simulated, 4), round(row.real, 4)] for row in table.itertuples()},
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
