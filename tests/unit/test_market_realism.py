"""The market-realism statistics on tiny hand-made markets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.market_eval.realism import (
    close_statistics,
    comparison,
    hold,
    market_statistics,
    prop_results,
    relative_difference,
)


def test_hold_of_an_even_market_at_minus_110() -> None:
    # -110 both sides: Q = 2 * 110/210 = 1.0476 -> hold = 1 - 1/Q = 0.04545
    assert hold(np.array([2 * 110 / 210 - 1]))[0] == pytest.approx(1 / 22)


def test_relative_differences_use_the_reference_and_the_floor() -> None:
    assert relative_difference(0.9, 1.0, 0.0) == pytest.approx(0.1)
    # a ratio of 1.057 against 1.047 is compared on the 0.047 above parity
    assert relative_difference(1.057, 1.047, 0.0, 1.0) == pytest.approx(0.01 / 0.047)
    # a share of 0.01 against a real 0 is measured in units of the floor
    assert relative_difference(0.01, 0.0, 0.05) == pytest.approx(0.2)


def test_the_comparison_leaves_out_statistics_one_side_lacks() -> None:
    table = comparison({"a": 2.0, "b": 1.0}, {"a": 2.2, "b": float("nan")}, {}, {}, ["a", "b"])
    assert table["compared"].tolist() == [True, False]
    assert table["rel_diff"].iloc[0] == pytest.approx(0.1)


def _market() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two props of one game: p1 quoted 20.5 by two books and 21.5 by a third; p2 at 10 by one book (whole)."""
    lines = pd.DataFrame({
        "game_id": ["g"] * 4, "player_id": [1, 1, 1, 2], "bookmaker": ["a", "b", "c", "a"],
        "line": [20.5, 20.5, 21.5, 10.0], "over_price": [-110, -110, -110, -110],
        "under_price": [-110, -110, -110, -110],
    })
    box = pd.DataFrame({"game_id": ["g", "g"], "player_id": [1, 2],
                        "game_date": pd.to_datetime(["2024-01-02"] * 2),
                        "played": [True, True], "pts": [15.0, 4.0], "reb": [5.0, 3.0], "ast": [3.0, 1.0]})
    features = pd.DataFrame({"game_id": ["g", "g"], "player_id": [1, 2], "ewm": [20.0, 11.0],
                             "mins": [30.0, 20.0]})
    return lines, prop_results(lines, box, features, ["ewm"], "mins")


def test_market_statistics_of_a_tiny_market() -> None:
    lines, props = _market()
    got = market_statistics(lines, props, ["ewm"], "mins", 24.0, (20.0, 30.0))
    # p1: main line 20.5 (two books), actual 23 -> over, error 2.5; p2: 10, actual 8 -> under, error 2
    assert got["line_mae"] == pytest.approx(2.25)
    # EWMA errors 3 and 3
    assert got["line_over_ewma_mae"] == pytest.approx(2.25 / 3.0)
    assert got["over_rate"] == pytest.approx(0.5)
    # p2 (line 10, below 20) went under at a fair 0.5; no prop's main line reaches 30
    assert got["over_short_low"] == pytest.approx(0.5) and np.isnan(got["over_short_high"])
    assert got["books_per_prop"] == pytest.approx(2.0) and got["props_per_game"] == pytest.approx(2.0)
    # only p1 has two books: they disagree, spread 1
    assert got["disagree_share"] == 1.0 and got["line_spread"] == pytest.approx(1.0)
    assert got["whole_share"] == pytest.approx(0.25)
    assert got["minutes_median"] == pytest.approx(25.0) and got["minutes_below_24"] == pytest.approx(0.5)
    assert got["hold_median"] == pytest.approx(1 / 22) and got["hold_iqr"] == pytest.approx(0.0)
    assert np.isnan(got["close_moved_share"])


def test_close_statistics_count_moved_lines() -> None:
    lines = pd.DataFrame({"line": [20.5, 20.5, 30.5], "close_line": [21.5, 20.5, np.nan]})
    got = close_statistics(lines)
    assert got["close_moved_share"] == pytest.approx(0.5) and got["close_move_mean"] == pytest.approx(0.5)
