"""Benchmark: the feature engine at seed scale (~587,000 player-games).

Target: <= 60 s wall and <= 3 GB peak RSS on the 2-core machine.

Input (default ``--source real``): the real box scores in ../shared/data mapped to our schema, tiled into a
second, parallel league (new player ids, team codes and game ids; the most recent dates) until the seed-scale
row count is
reached; the last date is used as the slate. ``--source synthetic`` simulates the league instead (simulation
time is not counted).

Run: ``uv run python benchmarks/features.py``. The last line printed is one JSON object:
``rows``, ``wall_s``, ``peak_rss_mb``, ``n_features``, ``features_by_family``, ``source``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd

from nba_pra.features.engine import build_features, validate_feature_frame
from nba_pra.features.registry import count_by_family, feature_names

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SEED_SCALE_ROWS = 587_000
_COPY_PLAYER_OFFSET = 10**8


def _support():
    """The real-data mapping kept with the tests (tests/unit/features_support.py), loaded by path."""
    spec = importlib.util.spec_from_file_location(
        "features_support", ROOT / "tests" / "unit" / "features_support.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def tiled_real(rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Real box scores plus a parallel copy of their latest dates: ``rows`` player-games (whole dates)."""
    support = _support()
    real = support.real_box_scores(SHARED_DATA)
    need = rows - len(real)
    copy = real.iloc[0:0]
    if need > 0:
        dates = real["game_date"].sort_values(ascending=False)
        cutoff = dates.iloc[min(need, len(dates)) - 1]
        copy = real.loc[real["game_date"] >= cutoff].copy()
        copy["player_id"] += _COPY_PLAYER_OFFSET
        for c in ("team", "opponent"):
            copy[c] = copy[c] + "2"
        copy["game_id"] = copy["game_id"] + "b"
    box = pd.concat([real, copy], ignore_index=True)
    return support.slate_from_history(box, box["game_date"].max())


def synthetic(rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:  # pragma: no cover - depends on the simulator
    from dataclasses import replace

    from nba_pra.config import load_project
    from nba_pra.data.synthetic import simulate_league
    from nba_pra.features.slate import build_slate

    base = load_project(ROOT).settings.data.synthetic  # the sportsbook's values live only in conf/
    per_season = base.n_teams * base.games_per_team * base.roster_size
    league = simulate_league(replace(base, n_seasons=max(1, round(rows / per_season))))
    return league.box_scores, build_slate(league.schedule, league.rosters)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("real", "synthetic"), default="real")
    parser.add_argument("--rows", type=int, default=SEED_SCALE_ROWS)
    args = parser.parse_args(argv)
    if args.source == "real" and not SHARED_DATA.is_dir():
        sys.exit(f"real data not found at {SHARED_DATA}; use --source synthetic")
    box, slate = tiled_real(args.rows) if args.source == "real" else synthetic(args.rows)
    from nba_pra.config import load_project

    settings = load_project(ROOT).settings.features
    start = time.perf_counter()
    features = build_features(box, slate, settings)
    wall = time.perf_counter() - start
    validate_feature_frame(features, settings)
    result = {
        "rows": len(features),
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "n_features": len(feature_names(settings)),
        "features_by_family": count_by_family(settings),
        "slate_rows": int(features["is_slate"].sum()),
        "source": args.source,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
