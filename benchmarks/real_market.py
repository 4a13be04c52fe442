"""Benchmark: model vs market on the real 2023-24 PRA lines (``../shared/data``), walk-forward.

Goals (issue #11): ``match_rate`` >= 0.97; ``model_mae`` <= ``line_mae``; ``blend_logloss`` < ``market_logloss``.

Runs ``nba-pra market`` on the shared real files -- box scores 2012-13 -> 2023-24 (walked through 2023-24 with
weekly retrains on the three seasons before each week: the backtest's light model, ``conf/backtest/``) and the
10 books' PRA lines -- in the project itself: predictions are cached under ``artifacts/backtest/cache/`` (the
first run retrains ~30 times: 10-20 minutes on 2 cores; later runs take a minute), reports go to
``reports/market/`` and one MLflow run to the experiment ``nba-pra-market``.

Run: ``uv run python benchmarks/real_market.py [--data DIR] [overrides ...]``. The last line printed is one JSON
object with ``props``, ``match_rate``, ``model_mae``, ``line_mae``, ``model_brier``, ``market_brier``,
``blend_logloss``, ``market_logloss``, ``roi_best_price``, ``roi_random_side`` and more (see
``nba_pra.market_eval.runner.headline``), plus ``wall_s``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("NBA_PRA_SHARED_DATA", ROOT.parent / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the shared real data")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides of conf/ (e.g. market.blend.l2=10)")
    args = parser.parse_args()
    box, lines = args.data / "box_scores_2012-13_to_2023-24.parquet", args.data / "pra_lines_2023-24.csv"
    for path in (box, lines):
        if not path.is_file():
            sys.exit(f"real data not found: {path} (pass --data or set NBA_PRA_SHARED_DATA)")

    from nba_pra.config import load_project
    from nba_pra.logs import setup_logging
    from nba_pra.market_eval.runner import run
    from nba_pra.reporting.market import show

    project = load_project(ROOT, [f"market.box_scores={box}", f"market.lines={lines}", "market.season=2023-24",
                                  *args.overrides])
    setup_logging(project.path("logs"), verbose=False, quiet=False)
    t0 = time.perf_counter()
    evaluation = run(project)
    wall = time.perf_counter() - t0
    show(evaluation)
    print(evaluation.anatomy.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    figures = {k: (round(v, 5) if isinstance(v, float) else v) for k, v in evaluation.headline.items()}
    print(json.dumps({**figures, "predictions_cache": "hit" if evaluation.cache.hit else "miss",
                      "wall_s": round(wall, 1)}))


if __name__ == "__main__":
    main()
