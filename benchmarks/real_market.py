"""Benchmark: every pricing method vs the market on the real 2023-24 PRA lines (``../shared/data``), walk-forward.

Goals (issue #11): ``match_rate`` >= 0.97; ``model_mae`` <= ``line_mae``. Issue #17: ``pricing_logloss`` (the
default pricing method, ``pricing_method``) <= ``market_logloss`` and <= 0.6931; ``pricing_ece`` <= 1.5 %; the
gate's staked bets (``gate_staked_*``: count, ROI with interval, CLV where closes exist) beside its paper bets
(``gate_paper_*``); moonshot ``pricing_minus_market_hi`` < 0 (beating the market with 95 % confidence).

Runs ``nba-pra market`` on the shared real files -- box scores 2012-13 -> 2023-24 (walked through 2023-24 with
weekly retrains on the three seasons before each week: the backtest's light model, ``conf/backtest/``) and the
10 books' PRA lines -- in the project itself: predictions are cached under ``artifacts/backtest/cache/`` (the
first run retrains ~30 times: 15-25 minutes on 2 cores; later runs take a few minutes), reports go to
``reports/market/``, the evidence to ``reports/evidence.json`` and one MLflow run to the experiment
``nba-pra-market``.

Run: ``uv run python benchmarks/real_market.py [--data DIR] [overrides ...]``. The last line printed is one JSON
object with ``props``, ``match_rate``, ``model_mae``, ``line_mae``, per pricing method ``<method>_logloss``,
``<method>_minus_market`` (``_lo``/``_hi``), ``<method>_ece``, the ``pricing_*`` and ``gate_*`` keys above, the
model's flat-bet ``roi_best_price`` beside ``roi_random_side``, and ``wall_s``. Issue #19: per pricing method the
CLV of its replayed bets against the close (the file's pre-tip snapshot, ``market.close_from_snapshot``):
``<method>_clv_prob`` (probability points) and ``<method>_clv_line`` (PRA points), each with ``_lo``/``_hi`` (95 %
bootstrap resampling whole days), ``<method>_clv_bets`` and ``<method>_beat_close`` -- e.g. ``model_clv_prob``
and ``market_aware_clv_prob``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("NBA_PRA_SHARED_DATA", ROOT.parent / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the shared real data")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides of conf/ (e.g. pricing.stacking.l2=10)")
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
    # NaN (e.g. no staked bet to take an ROI of) is JSON null: the last line stays strict JSON
    figures = {k: ((round(v, 5) if math.isfinite(v) else None) if isinstance(v, float) else v)
               for k, v in evaluation.headline.items()}
    print(json.dumps({**figures, "predictions_cache": "hit" if evaluation.cache.hit else "miss",
                      "wall_s": round(wall, 1)}))


if __name__ == "__main__":
    main()
