"""Realism statistics on hand-built box scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.data.synthetic.realism import compare, league_statistics, real_regular_season


def _box() -> pd.DataFrame:
    # player 1 (starter): PRA 10, 20, 30 over three games with 35, 30, 25 minutes; one DNP.
    # player 2 (bench): PRA 4, 6, 8 with 5, 15, 12 minutes.
    rows = []
    for day, (pra1, m1, pra2, m2) in enumerate([(10, 35, 4, 5), (20, 30, 6, 15), (30, 25, 8, 12)]):
        date = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
        rows.append((1, "2023-24", date, True, True, m1, pra1, 0, 0))
        rows.append((2, "2023-24", date, False, True, m2, pra2, 0, 0))
    rows.append((3, "2023-24", pd.Timestamp("2024-01-01"), False, False, 0.0, np.nan, np.nan, np.nan))
    return pd.DataFrame(
        rows,
        columns=["player_id", "season", "game_date", "starter", "played", "minutes", "pts", "reb", "ast"],
    )


def test_statistics_of_a_tiny_league_match_hand_computed_values() -> None:
    s = league_statistics(_box())
    assert s["dnp_share"] == pytest.approx(1 / 7)
    assert s["pra_mean"] == pytest.approx(78 / 6)
    assert s["pra_mean_min_0_10"] == pytest.approx(4.0)
    assert s["pra_mean_min_10_20"] == pytest.approx(7.0)
    assert s["pra_mean_min_30_40"] == pytest.approx(15.0)
    assert s["starter_minutes_mean"] == pytest.approx(30.0)
    assert s["starter_minutes_q50"] == pytest.approx(30.0)
    assert s["bench_minutes_q25"] == pytest.approx(8.5)  # linear between 5 and 12
    # consecutive pairs: (10,20), (20,30), (4,6), (6,8)
    assert s["pra_autocorr"] == pytest.approx(np.corrcoef([20, 30, 6, 8], [10, 20, 4, 6])[0, 1])
    # centred: player 1 -> -10, 0, 10; player 2 -> -2, 0, 2: pairs (0,-10), (10,0), (0,-2), (2,0)
    assert s["pra_autocorr_within"] == pytest.approx(np.corrcoef([0, 10, 0, 2], [-10, 0, -2, 0])[0, 1])
    assert np.isnan(s["season_average_std"])  # nobody has 20 games


def test_compare_reports_relative_differences_and_the_tolerance() -> None:
    table = compare({"a": 1.1, "b": 2.0, "only_sim": 5.0}, {"a": 1.0, "b": 1.0})
    assert table["statistic"].tolist() == ["a", "b"]
    assert table["rel_diff"].tolist() == pytest.approx([0.1, 1.0])
    assert table["within_tolerance"].tolist() == [True, False]


def test_the_real_file_is_reduced_to_its_regular_season_with_float_stats() -> None:
    raw = _box().assign(season_type=["Regular Season"] * 6 + ["Playoffs"])
    raw["pts"] = raw["pts"].astype("Float64")
    raw["game_date"] = raw["game_date"].dt.strftime("%Y-%m-%d")
    out = real_regular_season(raw)
    assert len(out) == 6 and out["pts"].dtype == np.dtype("float64")
    assert out["game_date"].dtype.kind == "M"
