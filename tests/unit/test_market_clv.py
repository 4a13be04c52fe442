"""CLV of the replayed bets on recorded lines: the snapshot taken as the close, and per-method day-blocked figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.settings import PricingMethod
from nba_pra.market_eval.clv import clv_headline, snapshot_as_close
from settings_support import conf

BOOT = conf(BootstrapSettings, n_resamples=300, confidence=0.9, min_days=2)  # the fixtures span two days


def _lines(close_line: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"game_id": ["g1", "g1"], "player_id": [1, 1], "bookmaker": ["A", "B"],
                         "line": [20.5, 21.5], "over_price": [-110, -105], "under_price": [-110, -115],
                         "close_line": close_line, "close_over_price": [np.nan, np.nan],
                         "close_under_price": [np.nan, np.nan]})


def test_lines_without_any_close_become_their_own_close() -> None:
    out = snapshot_as_close(_lines([np.nan, np.nan]))
    assert out["close_line"].tolist() == [20.5, 21.5]
    assert out["close_over_price"].tolist() == [-110.0, -105.0]
    assert out["close_under_price"].tolist() == [-110.0, -115.0]


def test_lines_with_a_close_are_left_alone_a_missing_one_is_a_pulled_prop() -> None:
    lines = _lines([22.5, np.nan])
    pd.testing.assert_frame_equal(snapshot_as_close(lines), lines)


def test_each_methods_clv_counts_settled_bets_and_its_day_blocked_interval() -> None:
    d1, d2 = pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")
    bets = pd.DataFrame({
        "method": ["model"] * 5 + ["market_aware"],
        "game_date": [d1, d1, d2, d2, d2, d1],
        "result": ["win", "loss", "win", "void", "loss", None],
        "clv_prob": [0.02, 0.04, 0.03, 0.50, np.nan, 0.10],
        "clv_line": [1.0, -1.0, 0.0, 9.0, 2.0, 1.0],
    })
    out = clv_headline(bets, BOOT, seed=3, methods=[PricingMethod.MODEL, PricingMethod.MARKET_AWARE])
    # model: the void and the bet without a close are out; both days average 0.03 (and 0.0 points): no spread
    assert out["model_clv_bets"] == 3
    assert out["model_clv_prob"] == pytest.approx(0.03)
    assert out["model_clv_prob_lo"] == pytest.approx(0.03) and out["model_clv_prob_hi"] == pytest.approx(0.03)
    assert out["model_clv_line"] == pytest.approx(0.0)
    assert out["model_clv_line_lo"] == pytest.approx(0.0) and out["model_clv_line_hi"] == pytest.approx(0.0)
    assert out["model_beat_close"] == 1.0
    # market_aware: its one bet is unsettled: nothing to report
    assert out["market_aware_clv_bets"] == 0
    assert np.isnan(out["market_aware_clv_prob"]) and np.isnan(out["market_aware_beat_close"])
