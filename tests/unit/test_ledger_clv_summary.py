"""CLV summaries on hand-counted bets: overall, by edge bucket, by book, over time, beat-the-close with Wilson."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.ledger.clv_summary import clv_by_book, clv_by_edge, clv_over_time, clv_overall

BETS = pd.DataFrame({
    "bet_id": list("abcdef"),
    "game_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-09", "2024-01-09",
                                 "2024-01-09"]),
    "bookmaker": ["A", "A", "B", "B", "B", "A"],
    "edge": [0.02, 0.04, 0.04, 0.12, 0.12, 0.04],
    "result": ["win", "loss", "push", "win", "void", None],
    "clv_prob": [0.03, -0.01, 0.05, np.nan, 0.5, 0.2],  # d: no close; e: void; f: open
    "clv_line": [1.0, -0.5, 2.0, np.nan, 9.0, 1.0],
    "clv_price": [0.02, np.nan, np.nan, np.nan, 0.3, np.nan],
})


def test_overall_counts_settled_bets_that_ran_and_the_beat_rate_has_a_wilson_interval() -> None:
    out = clv_overall(BETS, 0.95)
    # settled non-void: a, b, c, d; with a CLV: a, b, c; beat (> 0): a, c
    assert (out["bets"], out["clv_bets"], out["beat"], out["price_bets"]) == (4, 3, 2, 1)
    assert out["coverage"] == pytest.approx(0.75)
    assert out["clv_prob"] == pytest.approx((0.03 - 0.01 + 0.05) / 3)
    assert out["clv_line"] == pytest.approx((1.0 - 0.5 + 2.0) / 3)
    assert out["beat_rate"] == pytest.approx(2 / 3)
    # Wilson, z = 1.959964, n = 3, p = 2/3: centre (p + z^2/6) / (1 + z^2/3) = 0.5731, half 0.3654
    assert out["beat_lo"] == pytest.approx(0.2077, abs=1e-3) and out["beat_hi"] == pytest.approx(0.9385, abs=1e-3)


def test_by_edge_book_and_week_split_the_same_bets() -> None:
    edge = clv_by_edge(BETS, (0.03, 0.05, 0.10), 0.95).set_index("group")
    assert edge.loc["<0.03", "clv_bets"] == 1 and edge.loc["0.03-0.05", "clv_bets"] == 2
    assert edge.loc["0.05-0.1", "bets"] == 0 and edge.loc[">=0.1", "clv_bets"] == 0  # d has no close
    assert edge.loc["0.03-0.05", "clv_prob"] == pytest.approx(0.02)
    book = clv_by_book(BETS, 0.95).set_index("group")
    assert book.loc["A", "beat"] == 1 and book.loc["B", "beat"] == 1 and book.loc["B", "coverage"] == 0.5
    week = clv_over_time(BETS, "W", 0.95).set_index("group")
    assert list(week.index) == ["2024-01-01", "2024-01-08"]  # weeks start on Monday
    assert week.loc["2024-01-01", "clv_bets"] == 3 and week.loc["2024-01-08", "bets"] == 1


def test_an_empty_ledger_has_zero_counts_and_no_rates() -> None:
    out = clv_overall(BETS.iloc[:0], 0.95)
    assert out["bets"] == 0 and out["clv_prob"] is None and out["beat_rate"] is None
