"""The default synthetic league against real NBA box scores: every statistic within 15 % (issue 4)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nba_pra.data.synthetic import simulate_league
from nba_pra.data.synthetic.realism import REALISM_TOLERANCE, compare, league_statistics, real_regular_season
from synthetic_support import default_league_settings

REAL_FILE = "box_scores_2012-13_to_2023-24.parquet"


def test_the_default_league_is_within_15_percent_of_the_real_nba_on_every_statistic(
    shared_data: Path,
) -> None:
    path = shared_data / REAL_FILE
    if not path.is_file():
        pytest.skip(f"real box scores not available at {path}")
    real = league_statistics(real_regular_season(pd.read_parquet(path)))
    table = compare(league_statistics(simulate_league(default_league_settings()).box_scores), real)
    assert len(table) == len(real)
    off = table[table["rel_diff"] > REALISM_TOLERANCE]
    assert off.empty, "statistics off by more than 15 %:\n" + off.to_string(index=False)
