"""A small synthetic project set up for walk-forward backtests (shared by the backtest and market tests)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from conftest import make_small_project, set_config_value
from nba_pra.config import load_project
from nba_pra.data.sources import generate

#: the small project's own light model (25/10 rounds), 2 folds and two-week retrains keep a backtest ~1 minute
LIGHT_BACKTEST = {
    "backtest.model.mean_rounds": None,
    "backtest.model.variance_rounds": None,
    "backtest.model.n_folds": 2,
    "backtest.retrain_every_days": 14,
    # the default confidence and CV filters leave a few dozen bets on this league; looser ones give the intervals
    # work (and let the consensus-priced bets reach the soft book's stale lines)
    "betting.min_confidence": 0.3,
    "betting.max_cv": 1.0,
    # the backtest's own figures stake every bet; the gate's walk-forward is tested in test_backtest_leakage
    "betting.evidence.required": False,
}


def make_backtest_project(dest: Path, overrides: Mapping[str, object] = LIGHT_BACKTEST) -> Path:
    """A small project with ``overrides`` (default: the light backtest settings) and its synthetic league
    generated."""
    root = make_small_project(dest)
    for key, value in overrides.items():
        set_config_value(root, key, value)
    generate(load_project(root))
    return root


def last_season_start(root: Path) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The project's box scores and the first game day of their last season."""
    box = pd.read_parquet(root / "data" / "box_scores.parquet")
    return box, pd.Timestamp(box.loc[box["season"] == box["season"].max(), "game_date"].min())
