"""summarize and max_drawdown on hand-built ledgers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.ledger.summary import bankroll_by_date, max_drawdown, summarize


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
    # clv_bets: bets with a probability CLV (a); price_clv_bets: with a price CLV (a, b); the void never ran
    assert s["clv_bets"] == 1 and s["price_clv_bets"] == 2
    assert s["avg_clv"] == pytest.approx(0.03)
    assert s["avg_clv_prob"] == pytest.approx(0.01)
    assert s["max_drawdown"] == pytest.approx(10.0)  # 109 -> 99
    assert s["open_exposure"] == 10.0 and s["roi"] == pytest.approx(-1.0 / 20.0)


def test_paper_bets_stay_out_of_the_money_figures_and_get_a_flat_unit_roi() -> None:
    bets = pd.DataFrame(
        {
            "bet_id": ["s1", "s2", "p1", "p2", "p3", "p4", "p5"],
            "game_date": pd.to_datetime(["2024-01-01"] * 7),
            "state": ["staked", "staked", "paper", "paper", "paper", "paper", "paper"],
            "stake": [10.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "decimal_price": [1.9, 2.0, 2.5, 1.8, 2.0, 1.9, 1.9],
            "result": ["win", "loss", "win", "loss", "push", "void", None],
            "profit": [9.0, -10.0, 0.0, 0.0, 0.0, 0.0, np.nan],
            "clv_price": [0.02, np.nan, 0.06, -0.02, np.nan, 0.9, np.nan],
            "clv_prob": [np.nan] * 7,
        }
    )
    s = summarize(bets, 100.0)
    # staked: +9 - 10 on 20 staked
    assert (s["bets"], s["settled"], s["wins"], s["losses"]) == (2, 2, 1, 1)
    assert s["roi"] == pytest.approx(-1.0 / 20.0) and s["bankroll"] == pytest.approx(99.0)
    assert s["clv_bets"] == 0 and s["price_clv_bets"] == 1 and s["avg_clv"] == pytest.approx(0.02)
    p = s["paper"]
    # paper: win at 2.5 -> +1.5, loss -1, push 0 over 3 bets that ran (the void does not count, the open one neither)
    assert (p["bets"], p["open"], p["settled"], p["voids"]) == (5, 1, 4, 1)
    assert p["win_rate"] == pytest.approx(0.5)
    assert p["notional_profit"] == pytest.approx(0.5)
    assert p["notional_roi"] == pytest.approx(0.5 / 3)
    assert p["price_clv_bets"] == 2 and p["avg_clv"] == pytest.approx(0.02)  # (0.06 - 0.02) / 2; the void's 0.9 is out
    everything = s["all_bets"]
    assert everything["bets"] == 7 and everything["price_clv_bets"] == 3 and everything["clv_bets"] == 0
    assert everything["avg_clv"] == pytest.approx((0.02 + 0.06 - 0.02) / 3)


def test_a_ledger_without_states_is_all_staked_and_has_no_paper_figures() -> None:
    bets = pd.DataFrame(
        {"bet_id": ["a"], "game_date": pd.to_datetime(["2024-01-01"]), "stake": [5.0], "result": ["loss"],
         "profit": [-5.0], "clv_price": [np.nan], "clv_prob": [np.nan]}
    )
    s = summarize(bets, 100.0)
    assert s["bets"] == 1 and s["roi"] == pytest.approx(-1.0)
    assert s["paper"]["bets"] == 0 and s["paper"]["notional_roi"] is None and s["paper"]["win_rate"] is None


def test_the_bankroll_curve_settles_a_slate_together_so_the_drawdown_ignores_the_order_within_a_day() -> None:
    # one day: +10, -10, -10, +10 (in bet_id order, which is a hash: arbitrary). Ordered bet by bet they would
    # draw 100 -> 110 -> 100 -> 90 -> 100, a 20-unit drawdown that never happened; the day nets 0
    bets = pd.DataFrame({
        "bet_id": ["a", "b", "c", "d", "e"],
        "game_date": pd.to_datetime(["2024-01-01"] * 4 + ["2024-01-02"]),
        "stake": [10.0] * 5, "result": ["win", "loss", "loss", "win", "loss"],
        "profit": [10.0, -10.0, -10.0, 10.0, -10.0], "clv_price": [np.nan] * 5, "clv_prob": [np.nan] * 5,
    })
    curve = bankroll_by_date(bets, 100.0)
    assert curve["game_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-02"]
    assert curve["bets"].tolist() == [4, 1]
    assert curve["bankroll"].tolist() == [100.0, 90.0]
    assert summarize(bets, 100.0)["max_drawdown"] == pytest.approx(10.0)
    # any order of the bets within the day gives the same curve
    shuffled = bets.iloc[[3, 1, 0, 4, 2]].assign(bet_id=["z", "y", "x", "w", "v"])
    pd.testing.assert_frame_equal(bankroll_by_date(shuffled, 100.0), curve)


def test_saved_ledger_charts_carry_the_synthetic_banner_and_real_ones_do_not() -> None:
    import matplotlib.pyplot as plt

    from nba_pra.provenance import banner_text, label_figure

    synthetic = banner_text(data_synthetic=True, market_synthetic=True)
    labelled = label_figure(plt.figure(), synthetic)
    real = label_figure(plt.figure(), banner_text(data_synthetic=False, market_synthetic=False))
    try:
        assert [t.get_text() for t in labelled.texts] == [synthetic] and synthetic.startswith("SYNTHETIC")
        assert real.texts == []
    finally:
        plt.close(labelled)
        plt.close(real)
