"""The dashboard's pure views: intervals, the slate table, sorting, paging, the bankroll curve.

Redaction lives in :mod:`nba_pra.redaction` (tests/unit/test_redaction.py).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from nba_pra import formatting
from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.dashboard import pages, views
from nba_pra.stats import wilson_interval
from settings_support import conf


def test_the_wilson_interval_matches_the_closed_form_and_stays_in_the_unit_interval() -> None:
    lo, hi = wilson_interval(pd.Series([5, 0, 10, 0]), pd.Series([10, 10, 10, 0]), 0.95)
    assert lo[0] == pytest.approx(0.2366, abs=1e-4) and hi[0] == pytest.approx(0.7634, abs=1e-4)
    assert lo[1] == pytest.approx(0.0, abs=1e-12) and 0 < hi[1] < 0.35
    assert hi[2] == pytest.approx(1.0) and lo[2] > 0.65
    assert math.isnan(lo[3]) and math.isnan(hi[3])


def test_paging_clamps_to_the_pages_that_exist() -> None:
    frame = pd.DataFrame({"x": range(12)})
    rows, page, pages_ = views.paginate(frame, 3, 5)
    assert (rows["x"].tolist(), page, pages_) == ([10, 11], 3, 3)
    assert views.paginate(frame, 99, 5)[1] == 3 and views.paginate(frame, 0, 5)[1] == 1
    assert views.paginate(frame.iloc[:0], 1, 5)[1:] == (1, 1)


def _candidate(player_id: int, book: str, edge: float, decision: str, **extra) -> dict:
    return {
        "game_id": "g1", "game_date": pd.Timestamp("2025-01-02"), "player_id": player_id, "market": "pra",
        "player_name": f"P{player_id}", "book_player_name": f"P{player_id}", "team": "BOS", "opponent": "NYK",
        "mean": 20.0, "std": 6.0, "line": 19.5, "p_over": 0.6, "p_under": 0.4, "p_push": 0.0, "side": "over",
        "bookmaker": book, "price": -110.0, "edge": edge, "stake": 0.02 if decision == "bet" else 0.0,
        "bankroll": 1.0, "decision": decision, "reason": "bet" if decision == "bet" else "min_edge",
        "bet_id": f"b{player_id}", **extra,
    }


def test_the_slate_keeps_the_bet_or_the_best_edge_per_prop_and_lists_players_without_lines() -> None:
    candidates = pd.DataFrame([
        _candidate(1, "a", 0.10, "pass"), _candidate(1, "b", 0.05, "bet"),  # the bet wins over a larger edge
        _candidate(2, "a", 0.01, "pass"), _candidate(2, "b", 0.02, "pass"),
        _candidate(3, "a", np.nan, "pass", player_name=np.nan, book_player_name="Book Name", mean=np.nan),
    ])
    predictions = pd.DataFrame({
        "game_id": ["g1"] * 3, "game_date": [pd.Timestamp("2025-01-02")] * 3, "player_id": [1, 2, 4],
        "player_name": ["P1", "P2", "P4"], "team": ["BOS"] * 3, "opponent": ["NYK"] * 3, "mean": [20.0, 15.0, 9.0],
        "std": [6.0, 5.0, 4.0],
    })
    table = views.slate_table(predictions, candidates, pd.Series({"b1": 21.5})).set_index("player_id")
    assert list(table.columns) == [c for c in views.schemas.SlateRow.model_fields if c != "player_id"]
    assert (table.loc[1, "best_book"], table.loc[1, "decision"], table.loc[1, "stake_units"]) == ("b", "bet", 21.5)
    assert table.loc[1, "stake_pct"] == pytest.approx(2.0)
    assert (table.loc[2, "best_book"], table.loc[2, "decision"]) == ("b", "pass")
    assert math.isnan(table.loc[2, "stake_units"])
    assert table.loc[3, "player_name"] == "Book Name"  # a line for a player the model did not predict
    assert (table.loc[4, "decision"], table.loc[4, "reason"]) == (views.NO_LINE, views.NO_LINE)
    assert math.isnan(table.loc[4, "line"])


def test_filter_sort_matches_names_and_teams_case_insensitively_and_puts_missing_values_last() -> None:
    table = pd.DataFrame({"player_name": ["Ann Lee", "Bo Lee", None, "Cy Day"], "team": ["BOS", "nyk", "BOS", "BOS"],
                          "edge": [0.1, np.nan, 0.3, 0.2]})
    assert views.filter_sort(table, sort="edge")["edge"].tolist()[:3] == [0.3, 0.2, 0.1]
    assert math.isnan(views.filter_sort(table, sort="edge", descending=False)["edge"].iloc[-1])
    assert views.filter_sort(table, player=" lee ")["player_name"].tolist() == ["Ann Lee", "Bo Lee"]
    assert views.filter_sort(table, team="NYK")["player_name"].tolist() == ["Bo Lee"]


def _bets(rows: list[tuple[str, str | None, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["game_date", "result", "edge", "stake", "profit"]).assign(
        game_date=lambda f: pd.to_datetime(f["game_date"]), bet_id=lambda f: [f"b{i}" for i in range(len(f))],
        p_win=0.6)


def test_the_bankroll_curve_has_one_point_per_settled_game_date_in_date_order() -> None:
    bets = _bets([("2025-01-02", "loss", 0.1, 10, -10), ("2025-01-01", "win", 0.1, 10, 9), ("2025-01-03", None,
                  0.1, 10, np.nan), ("2025-01-01", "loss", 0.1, 10, -10), ("2025-01-01", "win", 0.1, 10, 9)])
    curve = views.bankroll_curve(bets, 100.0)
    assert curve["date"].tolist() == ["start", "2025-01-01", "2025-01-02"]
    assert curve["bets"].tolist() == [0, 3, 1]
    assert curve["bankroll"].tolist() == [100.0, 108.0, 98.0]


def test_edge_buckets_carry_wilson_and_bootstrap_intervals_and_an_empty_ledger_has_none() -> None:
    # the top bucket's ten bets fall on ten days; the small bucket's two on one day
    rows = [(f"2025-01-{day:02d}", "win", 0.25, 10, 9.0) for day in range(1, 7)]
    rows += [(f"2025-01-{day:02d}", "loss", 0.25, 10, -10.0) for day in range(7, 11)]
    rows += [("2025-01-01", "push", 0.04, 10, 0.0), ("2025-01-01", "void", 0.04, 10, 0.0)]
    table = views.edge_bucket_table(_bets(rows), (0.03, 0.05, 0.2),
                                    conf(BootstrapSettings, n_resamples=200, confidence=0.9, min_days=10), seed=1)
    top = table.set_index("bucket").loc[">=0.2"]
    assert (top["bets"], top["wins"], top["roi"]) == (10, 6, pytest.approx(14 / 100))
    assert top["win_rate_lo"] < 0.6 < top["win_rate_hi"] and top["roi_lo"] < 0.14 < top["roi_hi"]
    # one day's push: no win rate, and no evidence of a spread (no ROI interval)
    push = table.set_index("bucket").loc["0.03-0.05"]
    assert push["bets"] == 1 and math.isnan(push["win_rate"]) and np.isnan(push["roi_lo"]) and np.isnan(push["roi_hi"])
    empty = views.edge_bucket_table(_bets([]), (0.03,), conf(BootstrapSettings, n_resamples=50, confidence=0.9),
                                    seed=1)
    assert empty["bets"].sum() == 0 and empty["roi_lo"].isna().all()


def test_cells_and_the_chart_format_missing_values_as_a_dash_and_flat_curves_mid_height() -> None:
    assert pages._fmt(None, "pct") == pages.MISSING and pages._fmt(float("nan"), "num2") == pages.MISSING
    assert (pages._fmt(0.0312, "pct"), pages._fmt(-110.0, "american"), pages._fmt("x", "text")) == ("3.1%", "-110", "x")
    assert pages.svg_points([]) == ""
    assert pages.svg_points([5.0, 5.0], width=100, height=50, pad=0) == "0.0,25.0 100.0,25.0"
    assert pages.svg_points([0.0, 10.0], width=100, height=50, pad=0) == "0.0,50.0 100.0,0.0"


def test_the_slate_shows_state_and_gate_reason_for_bets_only_and_flags_suspect_edges() -> None:
    reason = "no_evidence: none yet (run nba-pra backtest or nba-pra market)"
    candidates = pd.DataFrame([
        _candidate(1, "a", 0.04, "bet", state="staked", gate_reason="", edge_suspect=False, pricing="market"),
        _candidate(2, "a", 0.17, "bet", state="paper", gate_reason=reason, edge_suspect=True, pricing="market",
                   stake=0.0),
        _candidate(3, "a", 0.30, "pass", state="", gate_reason="", edge_suspect=True, pricing="market"),
    ])
    predictions = candidates.loc[:, ["game_id", "game_date", "player_id", "player_name", "team", "opponent"]]
    table = views.slate_table(predictions, candidates, pd.Series(dtype=float), 0.10).set_index("player_id")
    assert table.loc[1, "state"] == "staked" and pd.isna(table.loc[1, "gate_reason"])
    assert (table.loc[2, "state"], table.loc[2, "gate_reason"], table.loc[2, "stake_pct"]) == ("paper", reason, 0.0)
    assert pd.isna(table.loc[3, "state"]) and pd.isna(table.loc[3, "gate_reason"])  # a pass has no state
    assert table.loc[[1, 2, 3], "edge_suspect"].tolist() == [False, True, True]  # the stage's flag, on passes too
    assert table["pricing"].eq("market").all()


def test_decisions_written_before_the_gate_flag_edges_with_the_configured_bound() -> None:
    candidates = pd.DataFrame([_candidate(1, "a", 0.12, "bet"), _candidate(2, "a", 0.08, "pass")])
    predictions = candidates.loc[:, ["game_id", "game_date", "player_id", "player_name", "team", "opponent"]]
    table = views.slate_table(predictions, candidates, pd.Series(dtype=float), 0.10).set_index("player_id")
    assert table.loc[[1, 2], "edge_suspect"].tolist() == [True, False]
    assert table["state"].isna().all()


def test_round_ticks_cover_the_values_with_a_step_of_one_two_or_five() -> None:
    assert pages.nice_ticks(96.3, 108.9, most=5) == [95.0, 100.0, 105.0, 110.0]
    assert pages.nice_ticks(0.0, 1.0, most=5) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert pages.nice_ticks(7.0, 7.0) == [7.0]


def test_the_bankroll_chart_has_labelled_axes_with_date_and_unit_ticks() -> None:
    labels = ["start", "2025-01-01", "2025-01-02", "2025-01-03"]
    g = pages.line_chart(labels, [100.0, 104.0, 96.0, 102.0], width=470, height=245, x_ticks=3)
    left, top, right, bottom = g["box"]
    assert (left, top, right, bottom) == (70, 10, 430, 200)  # 10 on top, 70 left, 40 right, 45 bottom
    # range 8 over at most 5 ticks: step 2, 96..104 (104 at the top, 96 at the bottom of the 190-unit box)
    assert g["y_ticks"] == [(200.0, "96"), (152.5, "98"), (105.0, "100"), (57.5, "102"), (10.0, "104")]
    # three of the four dates are labelled (first, middle, last), at their points' x
    assert g["x_ticks"] == [(70.0, "start"), (310.0, "2025-01-02"), (430.0, "2025-01-03")]
    assert g["points"] == "70.0,105.0 190.0,10.0 310.0,200.0 430.0,57.5"
    assert pages.line_chart([], [])["points"] == ""


def test_an_interval_without_ends_reads_n_a_as_on_the_cli() -> None:
    assert pages._interval(float("nan"), 0.1) == formatting.NO_INTERVAL == "[n/a]"
    assert pages._interval(None, None) == "[n/a]"
    assert pages._interval(-0.0412, 0.1225) == "[-4.12%, +12.25%]"
