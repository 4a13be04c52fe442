"""summarize and max_drawdown on hand-built ledgers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.ledger.summary import max_drawdown, summarize


def test_max_drawdown_is_the_largest_fall_from_a_running_peak() -> None:
    # equity 100 -> 110 -> 95 -> 105 -> 80 -> 120: peak 110, trough 80 -> 30
    assert max_drawdown(pd.Series([10.0, -15.0, 10.0, -25.0, 40.0]), 100.0) == pytest.approx(30.0)
    assert max_drawdown(pd.Series([-5.0]), 100.0) == pytest.approx(5.0)  # a fall from the initial bankroll
    assert max_drawdown(pd.Series([1.0, 2.0]), 100.0) == 0.0
    assert max_drawdown(pd.Series([], dtype=float), 100.0) == 0.0


def test_clv_is_averaged_over_settled_bets_that_ran_and_have_one() -> None:
    bets = pd.DataFrame(
        {
            "bet_id": ["a", "b", "c", "d"],
            "game_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"]),
            "stake": [10.0, 10.0, 10.0, 10.0],
            "result": ["win", "loss", "void", None],
            "profit": [9.0, -10.0, 0.0, np.nan],
            "clv_price": [0.04, 0.02, 0.5, np.nan],
            "clv_prob": [0.01, np.nan, 0.2, np.nan],
        }
    )
    s = summarize(bets, 100.0)
    assert s["clv_bets"] == 2
    assert s["avg_clv"] == pytest.approx(0.03)
    assert s["avg_clv_prob"] == pytest.approx(0.01)
    assert s["max_drawdown"] == pytest.approx(10.0)  # 109 -> 99
    assert s["open_exposure"] == 10.0 and s["roi"] == pytest.approx(-1.0 / 20.0)
