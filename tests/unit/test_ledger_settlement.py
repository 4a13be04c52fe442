"""settle_bets: win / loss / push / void and profit at the price taken, hand-derived."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.errors import LedgerError
from nba_pra.ledger.settlement import settle_bets

PRA = "player_points_rebounds_assists"


def bets_frame(rows: list[tuple[str, str, int, str, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["bet_id", "game_id", "player_id", "side", "line", "decimal_price", "stake"]
    ).assign(market=PRA)


def box(rows: list[tuple[str, int, bool, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["game_id", "player_id", "played", "pts", "reb", "ast"])


BOX = box(
    [
        ("G1", 1, True, 20.0, 5.0, 5.0),  # PRA 30
        ("G1", 2, False, np.nan, np.nan, np.nan),
        ("G1", 3, True, 10.0, 10.0, 4.0),
    ]
)  # PRA 24


def settled(rows: list[tuple[str, str, int, str, float, float, float]]) -> pd.DataFrame:
    return settle_bets(bets_frame(rows), BOX).set_index("bet_id")


def test_over_wins_above_the_line_and_profit_is_at_the_price_taken() -> None:
    out = settled([("a", "G1", 1, "over", 29.5, 1 + 100 / 110, 11.0)])
    assert out.loc["a", "result"] == "win"
    assert out.loc["a", "actual_pra"] == 30.0
    assert out.loc["a", "profit"] == pytest.approx(10.0)  # 11 at -110 wins 10


def test_over_loses_below_the_line_and_under_wins_below_it() -> None:
    out = settled([("a", "G1", 3, "over", 24.5, 2.5, 4.0), ("b", "G1", 3, "under", 24.5, 2.5, 4.0)])
    assert out.loc["a", ["result", "profit"]].tolist() == ["loss", -4.0]
    assert out.loc["b", ["result", "profit"]].tolist() == ["win", pytest.approx(6.0)]


def test_result_equal_to_the_line_is_a_push_for_both_sides_never_an_under_win() -> None:
    out = settled([("a", "G1", 1, "over", 30.0, 1.9, 5.0), ("b", "G1", 1, "under", 30.0, 1.9, 5.0)])
    assert out["result"].tolist() == ["push", "push"]
    assert out["profit"].tolist() == [0.0, 0.0]


def test_player_who_did_not_play_is_void_whether_listed_as_dnp_or_missing() -> None:
    out = settled([("a", "G1", 2, "over", 20.5, 1.9, 5.0), ("b", "G1", 99, "under", 20.5, 1.9, 5.0)])
    assert out["result"].tolist() == ["void", "void"]
    assert out["profit"].tolist() == [0.0, 0.0]
    assert out["actual_pra"].isna().all()


def test_bets_of_games_without_box_scores_stay_unsettled() -> None:
    out = settled([("a", "G2", 1, "over", 20.5, 1.9, 5.0), ("b", "G1", 1, "over", 20.5, 1.9, 5.0)])
    assert out.index.tolist() == ["b"]


def test_other_markets_sum_their_own_stats_and_unknown_markets_fail() -> None:
    frame = bets_frame([("a", "G1", 1, "over", 19.5, 2.0, 1.0)]).assign(market="player_points")
    assert settle_bets(frame, BOX).loc[0, ["result", "actual_pra"]].tolist() == ["win", 20.0]
    with pytest.raises(LedgerError, match="cannot settle market"):
        settle_bets(frame.assign(market="player_blocks"), BOX)


def test_nullable_box_score_dtypes_settle_like_plain_ones() -> None:
    nullable = BOX.astype({"pts": "Float64", "reb": "Int64", "ast": "Float64", "played": "boolean"})
    nullable.loc[1, "played"] = pd.NA  # unknown participation counts as not played
    frame = bets_frame([("a", "G1", 1, "over", 29.5, 2.0, 1.0), ("b", "G1", 2, "over", 9.5, 2.0, 1.0)])
    out = settle_bets(frame, nullable).set_index("bet_id")
    assert out["result"].tolist() == ["win", "void"]
    assert out.loc["a", "actual_pra"] == 30.0


def test_a_box_score_row_with_unknown_participation_is_void_even_when_it_carries_stats() -> None:
    # played unknown (NA) is not "played": the stats may be a placeholder, so the bet is voided, never graded
    unknown = box([("G1", 1, True, 20.0, 5.0, 5.0)]).astype({"played": "boolean"})
    unknown.loc[0, "played"] = pd.NA
    out = settle_bets(bets_frame([("a", "G1", 1, "over", 29.5, 1.9, 5.0)]), unknown).set_index("bet_id")
    assert out.loc["a", "result"] == "void" and out.loc["a", "profit"] == 0.0
    assert np.isnan(out.loc["a", "actual_pra"])
