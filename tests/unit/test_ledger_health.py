"""Bucketed results, health warnings and ledger figures on hand-built ledgers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from nba_pra.ledger.health import (
    bucket_labels,
    bucket_metrics,
    by_bucket,
    health_warnings,
    ledger_metrics,
    ledger_warnings,
)
from nba_pra.ledger.plots import bankroll_curve, clv_histogram, win_rate_by_probability
from nba_pra.ledger.settings import LedgerSettings
from settings_support import conf

EDGES = (0.03, 0.10)
AS_OF = pd.Timestamp("2024-02-01")


def ledger(
    rows: list[tuple[float, str, float]], day: str = "2024-01-25", p_win: float = 0.55
) -> pd.DataFrame:
    """Rows of (edge, result, stake) at even money (win +stake, loss -stake)."""
    frame = pd.DataFrame(rows, columns=["edge", "result", "stake"])
    sign = frame["result"].map({"win": 1.0, "loss": -1.0, "push": 0.0, "void": 0.0})
    return frame.assign(
        bet_id=[f"b{i}" for i in range(len(frame))],
        game_date=pd.Timestamp(day),
        p_win=p_win,
        profit=sign * frame["stake"],
        clv_price=0.01,
        clv_prob=0.005,
    )


def test_bucket_labels_cover_below_between_and_above() -> None:
    assert bucket_labels((0.03, 0.05, 0.1)) == ["<0.03", "0.03-0.05", "0.05-0.1", ">=0.1"]


def test_by_bucket_counts_results_and_roi_per_edge_bucket_ignoring_voids() -> None:
    bets = ledger(
        [(0.02, "win", 1), (0.05, "win", 2), (0.05, "loss", 1), (0.05, "void", 9), (0.2, "push", 4)]
    )
    table = by_bucket(bets, "edge", EDGES).set_index("bucket")
    assert table.loc["<0.03", ["bets", "wins", "losses"]].tolist() == [1, 1, 0]
    assert table.loc["0.03-0.1", ["bets", "wins", "losses", "staked", "profit"]].tolist() == [
        2,
        1,
        1,
        3.0,
        1.0,
    ]
    assert table.loc["0.03-0.1", "win_rate"] == pytest.approx(0.5)
    assert table.loc["0.03-0.1", "roi"] == pytest.approx(1 / 3)
    assert np.isnan(table.loc[">=0.1", "win_rate"])  # a push only: no decided bet
    metrics = bucket_metrics(by_bucket(bets, "edge", EDGES))
    assert metrics[">=0.1"]["win_rate"] is None and metrics["<0.03"]["wins"] == 1


def test_a_falling_win_rate_across_edge_buckets_warns() -> None:
    low = [(0.05, "win", 1)] * 6 + [(0.05, "loss", 1)] * 4  # 60 %
    high = [(0.2, "win", 1)] * 4 + [(0.2, "loss", 1)] * 6  # 40 %
    warnings = health_warnings(
        ledger(low + high, p_win=0.5),
        as_of=AS_OF,
        window_days=30,
        edges=EDGES,
        min_bets=10,
        calibration_gap=0.5,
    )
    assert len(warnings) == 1 and "not monotone" in warnings[0] and "0.03-0.1: 60.0%" in warnings[0]


def test_no_warning_when_buckets_are_too_small_or_the_bets_are_old() -> None:
    low = [(0.05, "win", 1)] * 6 + [(0.05, "loss", 1)] * 4
    high = [(0.2, "win", 1)] * 4 + [(0.2, "loss", 1)] * 6
    kwargs = {"as_of": AS_OF, "window_days": 30, "edges": EDGES, "calibration_gap": 0.5}
    assert health_warnings(ledger(low + high), min_bets=11, **kwargs) == []
    assert health_warnings(ledger(low + high, day="2023-12-01"), min_bets=10, **kwargs) == []


def test_realised_win_rate_far_below_prediction_warns_of_overconfidence() -> None:
    bets = ledger([(0.05, "win", 1)] * 4 + [(0.05, "loss", 1)] * 6, p_win=0.6)  # 40 % vs 60 %
    warnings = health_warnings(
        bets, as_of=AS_OF, window_days=30, edges=EDGES, min_bets=10, calibration_gap=0.1
    )
    assert len(warnings) == 1 and "overconfident" in warnings[0]
    assert (
        health_warnings(bets, as_of=AS_OF, window_days=30, edges=EDGES, min_bets=10, calibration_gap=0.25)
        == []
    )


def test_bankroll_curve_plots_initial_plus_each_slates_profit_against_the_game_date() -> None:
    bets = pd.concat([ledger([(0.05, "win", 10), (0.05, "loss", 5), (0.05, None, 3)]),
                      ledger([(0.05, "loss", 2)], day="2024-01-26")], ignore_index=True)
    fig = bankroll_curve(bets, 100.0)
    # the slate of 2024-01-25 settles together (+10 - 5), then 2024-01-26 (-2); the start is the day before
    assert fig.axes[0].lines[0].get_ydata().tolist() == [100.0, 105.0, 103.0]
    assert fig.axes[0].get_xlabel() == "game date" and fig.axes[0].get_ylabel() == "bankroll (units)"
    plt.close(fig)


def test_a_bankroll_chart_without_settled_bets_says_there_is_no_data_yet() -> None:
    open_bets = ledger([(0.05, None, 10)])
    fig = bankroll_curve(open_bets, 100.0)
    assert [t.get_text() for t in fig.axes[0].texts] == [
        "no data yet: no bet has settled (the curve starts with the first settled bet)"]
    plt.close(fig)
    settled = bankroll_curve(ledger([(0.05, "win", 10)]), 100.0)
    assert list(settled.axes[0].texts) == []
    plt.close(settled)


def test_win_rate_and_clv_figures_build_with_and_without_data() -> None:
    bets = ledger([(0.05, "win", 1), (0.05, "loss", 1)])
    for fig in (win_rate_by_probability(bets, (0.5, 0.6)), clv_histogram(bets), clv_histogram(bets.iloc[:0])):
        assert len(fig.axes) == 1
        plt.close(fig)
    heights = [p.get_height() for p in win_rate_by_probability(bets, (0.5, 0.6)).axes[0].patches]
    assert heights == pytest.approx([0.0, 0.55, 0.0, 0.0, 0.5, 0.0])  # predicted bars, then realised bars
    plt.close("all")


def test_ledger_metrics_and_warnings_use_the_configured_buckets_and_thresholds() -> None:
    bets = ledger([(0.05, "win", 1)] * 4 + [(0.05, "loss", 1)] * 6, p_win=0.6)
    settings = conf(LedgerSettings,
        initial_bankroll=100.0, edge_buckets=(0.03, 0.10), health_min_bets=10, health_calibration_gap=0.1
    )
    metrics = ledger_metrics(bets, settings)
    assert metrics["bankroll"] == pytest.approx(98.0)
    assert list(metrics["by_edge"]) == ["<0.03", "0.03-0.1", ">=0.1"]
    assert metrics["by_edge"]["0.03-0.1"]["bets"] == 10
    assert len(ledger_warnings(bets, settings, AS_OF)) == 1


def test_the_ledger_metrics_buckets_count_staked_bets_and_paper_bets_have_their_own_figures() -> None:
    staked = ledger([(0.05, "win", 1)] * 2).assign(state="staked")
    paper = ledger([(0.05, "loss", 1)] * 3).assign(state="paper", stake=0.0, profit=0.0)
    paper["bet_id"] = [f"paper{i}" for i in range(3)]
    settings = conf(LedgerSettings, initial_bankroll=100.0, edge_buckets=(0.03, 0.10))
    metrics = ledger_metrics(pd.concat([staked, paper], ignore_index=True), settings)
    assert metrics["by_edge"]["0.03-0.1"]["bets"] == 2 and metrics["by_edge"]["0.03-0.1"]["wins"] == 2
    assert (metrics["bets"], metrics["paper"]["bets"], metrics["paper"]["losses"]) == (2, 3, 3)
