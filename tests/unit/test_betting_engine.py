"""evaluate_candidates: probabilities, edges, sides, best price, decisions and stakes on hand-built slates."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nba_pra.betting.engine import CANDIDATE_COLUMNS, add_edges, bet_id, evaluate_candidates
from nba_pra.betting.settings import BettingSettings, ConfidenceMethod
from nba_pra.data.schema import LINE_COLUMNS
from nba_pra.errors import DataValidationError
from settings_support import betting_settings, model_pricing

DAY = pd.Timestamp("2024-01-05")
MARKET = "player_points_rebounds_assists"
#: no correlation shrink and no group caps unless a test asks: keeps hand-derived stakes exact
PLAIN = betting_settings(
    same_player_correlation=0.0,
    same_game_correlation=0.0,
    max_player_fraction=1.0,
    max_game_fraction=1.0,
    max_day_fraction=1.0,
    max_stake_fraction=1.0,
)


def prediction(
    player_id: int,
    *,
    mean: float = 30.0,
    std: float = 6.0,
    family: str = "gamma",
    game_id: str = "G1",
    **extra: Any,
) -> dict[str, Any]:
    var = std**2
    if family == "gamma":
        a, b = mean**2 / var, var / mean  # shape, scale
    else:
        a, b = mean**2 / (var - mean), mean / var  # n, p
    row = {
        "game_id": game_id,
        "game_date": DAY,
        "season": "2023-24",
        "player_id": player_id,
        "player_name": f"P{player_id}",
        "team": "AAA",
        "opponent": "BBB",
        "home": True,
        "position": "G",
        "n_prior_games": 20,
        "eligible": True,
        "mean": mean,
        "var": var,
        "std": std,
        "cv": std / mean,
        "median": mean,
        "dist_family": family,
        "dist_param_a": a,
        "dist_param_b": b,
        "model_version": "3",
        "model_uri": "models:/nba-pra/3",
    }
    row.update(extra)
    return row


def line(
    player_id: int,
    value: float,
    over: float = -110,
    under: float = -110,
    *,
    book: str = "book_a",
    game_id: str = "G1",
    **extra: Any,
) -> dict[str, Any]:
    row = {
        "game_id": game_id,
        "game_date": DAY,
        "player_id": player_id,
        "player_name": f"p. {player_id}",
        "bookmaker": book,
        "line": value,
        "over_price": over,
        "under_price": under,
        "close_line": np.nan,
        "close_over_price": np.nan,
        "close_under_price": np.nan,
    }
    row.update(extra)
    return row


def run(
    preds: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    settings: BettingSettings = PLAIN,
    bankroll: float = 1000.0,
    **kw: Any,
) -> pd.DataFrame:
    return evaluate_candidates(pd.DataFrame(preds), pd.DataFrame(lines), settings, bankroll,
                               **{**model_pricing(), **kw})


def test_gamma_probabilities_and_edges_use_each_sides_actual_price() -> None:
    out = run([prediction(1)], [line(1, 24.5, over=-120, under=+100)]).iloc[0]
    shape, scale = 25.0, 1.2  # mean 30, var 36
    p_over = stats.gamma.sf(24.5, shape, scale=scale)
    d_over = 1 + 100 / 120
    assert out["p_over"] == pytest.approx(p_over)
    assert out["p_push"] == 0.0
    assert out["edge_over"] == pytest.approx(p_over * (d_over - 1) - (1 - p_over))
    assert out["edge_under"] == pytest.approx((1 - p_over) * 1.0 - p_over)
    assert out["side"] == "over" and out["edge"] == pytest.approx(out["edge_over"])
    assert out["confidence"] == pytest.approx(p_over)  # the default: P(win) of the side bet
    distance = dataclasses.replace(PLAIN, confidence_method=ConfidenceMethod.DISTANCE)
    again = run([prediction(1)], [line(1, 24.5, over=-120, under=+100)], distance).iloc[0]
    assert again["confidence"] == pytest.approx(abs(p_over - 0.5) / 0.5)


def test_negbin_whole_line_push_is_neither_a_win_nor_a_loss_in_the_edge() -> None:
    out = run(
        [prediction(1, mean=20.0, std=5.0, family="negbin")], [line(1, 20.0, over=-105, under=-115)]
    ).iloc[0]
    n, p = 400 / 5, 20 / 25
    p_push = stats.nbinom.pmf(20, n, p)
    p_over = stats.nbinom.sf(20, n, p)
    p_under = stats.nbinom.cdf(19, n, p)
    assert p_push > 0.05
    assert out["p_push"] == pytest.approx(p_push)
    assert out["p_over"] + out["p_under"] + out["p_push"] == pytest.approx(1.0)
    assert out["edge_over"] == pytest.approx(p_over * (100 / 105) - p_under)
    assert out["edge_under"] == pytest.approx(p_under * (100 / 115) - p_over)


def test_add_edges_gives_hand_derived_edge_kelly_and_stake() -> None:
    frame = pd.DataFrame(
        {
            "p_over": [0.55, 0.40],
            "p_under": [0.45, 0.50],
            "p_push": [0.0, 0.10],
            "over_price": [-110, -110],
            "under_price": [-110, +100],
        }
    )
    out = add_edges(frame, PLAIN, bankroll=1000.0)
    # row 0: over, edge 0.05, f* 0.055, stake 0.25 * 0.055 * 1000 = 13.75
    assert out.loc[0, "side"] == "over"
    assert out.loc[0, "edge"] == pytest.approx(0.05)
    assert out.loc[0, "kelly_full"] == pytest.approx(0.055)
    assert out.loc[0, "stake_kelly"] == pytest.approx(13.75)
    # row 1: under at +100 with a 10 % push: edge 0.5 - 0.4 = 0.1, f* 0.1 / 0.9
    assert out.loc[1, "side"] == "under"
    assert out.loc[1, "edge"] == pytest.approx(0.1)
    assert out.loc[1, "kelly_full"] == pytest.approx(1 / 9)
    assert out.loc[1, "decimal_price"] == pytest.approx(2.0) and out.loc[1, "price"] == 100


def test_best_price_across_three_books_yields_one_bet_at_the_best_price() -> None:
    lines = [
        line(1, 24.5, over=-125, book="a"),
        line(1, 24.5, over=+100, book="b"),
        line(1, 24.5, over=-105, book="c"),
    ]
    out = run([prediction(1)], lines)
    assert (out["decision"] == "bet").sum() == 1
    bet = out[out["decision"] == "bet"].iloc[0]
    assert bet["bookmaker"] == "b" and bet["side"] == "over"
    assert sorted(out.loc[out["decision"] == "pass", "reason"]) == ["not_best_price", "not_best_price"]
    assert out["bet_id"].nunique() == 1  # one prop, one id, whichever book


def test_bet_id_is_sha1_of_game_player_market() -> None:
    out = run([prediction(7)], [line(7, 24.5)])
    assert out.loc[0, "bet_id"] == hashlib.sha1(f"G1|7|{MARKET}".encode()).hexdigest()
    ids = bet_id(pd.Series(["G1"]), pd.Series([7]), pd.Series([MARKET]))
    assert ids.iloc[0] == out.loc[0, "bet_id"]


def test_rerunning_the_same_slate_gives_identical_decisions() -> None:
    preds = [prediction(i, mean=20 + i) for i in range(1, 6)]
    lines = [line(i, 14.5 + i) for i in range(1, 6)]
    pd.testing.assert_frame_equal(run(preds, lines), run(preds, lines))


def test_every_candidate_has_a_decision_and_reason_and_all_columns() -> None:
    preds = [
        prediction(1),
        prediction(2, eligible=False),
        prediction(3, n_prior_games=2),
        prediction(4, std=15.0),
        prediction(5),
    ]
    lines = [
        line(1, 24.5),
        line(2, 24.5),
        line(3, 24.5),
        line(4, 24.5),
        line(5, 29.5),
        line(6, 20.5),
        line(1, 24.5, book="x", is_derived=True),
    ]
    lines[4] = line(5, 29.5, over=+120, under=+120)  # a positive edge, but P(over) ~ 0.5
    out = run(preds, lines)
    assert list(out.columns) == list(CANDIDATE_COLUMNS)
    assert len(out) == len(lines)
    assert out["decision"].isin(["bet", "pass"]).all()
    assert ((out["decision"] == "bet") == (out["reason"] == "bet")).all()
    by_player = out.groupby(["player_id", "bookmaker"])["reason"].first()
    assert by_player[(1, "book_a")] == "bet"
    assert by_player[(1, "x")] == "derived_line"
    assert by_player[(2, "book_a")] == "not_eligible"
    assert by_player[(3, "book_a")] == "min_games"
    assert by_player[(4, "book_a")] == "max_cv"
    assert by_player[(5, "book_a")] == "min_confidence"  # edge ok, confidence ~ 0
    assert by_player[(6, "book_a")] == "no_prediction"
    assert (out.loc[out["decision"] == "pass", "stake"] == 0).all()


def test_derived_lines_are_never_bet_even_with_the_best_price() -> None:
    lines = [line(1, 24.5, over=-110, book="a"), line(1, 24.5, over=+200, book="b", is_derived=True)]
    out = run([prediction(1)], lines).set_index("bookmaker")
    assert out.loc["b", "reason"] == "derived_line"
    assert out.loc["a", "reason"] == "bet"


def test_no_positive_edge_on_either_side_fails_min_edge() -> None:
    # a fair-ish line at heavy juice on both sides
    out = run(
        [prediction(1)], [line(1, 29.5, over=-200, under=-200)], dataclasses.replace(PLAIN, min_confidence=0)
    )
    assert out.loc[0, "edge"] < 0
    assert out.loc[0, "reason"] == "min_edge" and out.loc[0, "stake"] == 0


def test_missing_prices_on_both_sides_are_rejected_and_one_missing_side_still_bets_the_other() -> None:
    # player 2: gamma mean 20, sd 6 (shape 100/9, scale 1.8); P(under 24.5) = F(24.5) ~ 0.78 at -110 (d 1.909):
    # edge ~ 0.78 * 1.909 - 1 ~ +0.49, a bet on the only side quoted
    out = run(
        [prediction(1), prediction(2, mean=20.0)],
        [line(1, 24.5, over=np.nan, under=np.nan), line(2, 24.5, over=np.nan, under=-110)],
        dataclasses.replace(PLAIN, min_confidence=0.0),
    )
    assert out.loc[0, "reason"] == "missing_price" and out.loc[0, "stake"] == 0
    p_under = stats.gamma.cdf(24.5, 400 / 36, scale=36 / 20)
    d_under = 1 + 100 / 110
    assert out.loc[1, "side"] == "under" and out.loc[1, "decision"] == "bet" and out.loc[1, "reason"] == "bet"
    assert out.loc[1, "edge"] == pytest.approx(p_under * d_under - 1)
    assert out.loc[1, "stake"] > 0


def test_past_games_are_rejected_when_as_of_is_after_the_game_day() -> None:
    out = run([prediction(1)], [line(1, 24.5)], as_of=DAY + pd.Timedelta(days=1))
    assert out.loc[0, "reason"] == "past_game"
    same_day = run([prediction(1)], [line(1, 24.5)], as_of=pd.Timestamp("2024-01-05 18:00", tz="UTC"))
    assert same_day.loc[0, "reason"] == "bet"
    assert same_day.loc[0, "decided_at"] == pd.Timestamp("2024-01-05 18:00", tz="UTC")


def test_side_probability_confidence_uses_the_chosen_sides_win_probability() -> None:
    settings = dataclasses.replace(PLAIN, confidence_method=ConfidenceMethod.SIDE_PROBABILITY)
    out = run([prediction(1)], [line(1, 24.5)], settings).iloc[0]
    assert out["confidence"] == pytest.approx(out["p_win"])


def test_stake_is_floored_to_cents_when_configured() -> None:
    # a single strong over: stake = 0.25 * f* * 1000, floored to 2 decimals
    out = run([prediction(1)], [line(1, 24.5)], dataclasses.replace(PLAIN, stake_decimals=2)).iloc[0]
    expected = np.floor(0.25 * out["kelly_full"] * 1000 * 100) / 100
    assert out["stake"] == pytest.approx(expected)
    assert out["stake"] <= out["stake_kelly"]


def test_missing_columns_fail_with_a_clear_error() -> None:
    with pytest.raises(DataValidationError, match="predictions is missing"):
        evaluate_candidates(
            pd.DataFrame({"game_id": []}), pd.DataFrame(columns=list(LINE_COLUMNS)), PLAIN, 1.0, **model_pricing()
        )


def test_lines_market_column_is_part_of_the_prop_key() -> None:
    lines = [line(1, 24.5, market=MARKET), line(1, 24.5, market="player_points_rebounds_assists_alt")]
    out = run([prediction(1)], lines)
    assert (out["decision"] == "bet").sum() == 2
    assert out["bet_id"].nunique() == 2


def test_a_unit_bankroll_gives_stakes_as_fractions_of_any_bankroll() -> None:
    preds = [prediction(i, mean=20 + i, game_id=f"G{i % 2}") for i in range(1, 9)]
    lines = [line(i, 14.5 + i, game_id=f"G{i % 2}") for i in range(1, 9)]
    unit = run(preds, lines, betting_settings(), bankroll=1.0)
    big = run(preds, lines, betting_settings(), bankroll=2500.0)
    assert (unit["reason"] == big["reason"]).all()
    assert (unit["stake"] * 2500.0).to_numpy() == pytest.approx(big["stake"].to_numpy())
    assert (unit["decision"] == "bet").any()


def test_game_cap_through_the_engine_cuts_the_lowest_edge_bet() -> None:
    settings = dataclasses.replace(PLAIN, max_stake_fraction=0.05, max_game_fraction=0.10)
    preds = [prediction(i) for i in (1, 2, 3)]
    lines = [line(1, 24.5, over=+100), line(2, 24.5, over=-105), line(3, 24.5, over=-120)]
    out = run(preds, lines, settings).set_index("player_id")
    assert out.loc[[1, 2], "stake"].tolist() == [50.0, 50.0]
    assert out.loc[3, ["decision", "reason", "stake"]].tolist() == ["pass", "cap_game", 0.0]


def test_a_prop_beaten_at_another_book_names_the_book_it_is_bet_at() -> None:
    out = run([prediction(1)], [line(1, 24.5, over=-125, book="a"), line(1, 24.5, over=+100, book="b")])
    beaten = out.set_index("bookmaker").loc["a"]
    bet = out.set_index("bookmaker").loc["b"]
    assert beaten["reason_detail"] == f"not_best_price: the bet is at b (edge {bet['edge']:.3f})"
    assert bet["reason_detail"] == "bet"


def test_redeciding_with_a_higher_min_edge_rejects_the_smaller_edges_at_the_same_prices() -> None:
    from nba_pra.betting.engine import redecide
    from nba_pra.betting.gate import Gate

    preds = [prediction(1, mean=30.0), prediction(2, mean=33.0)]
    lines = [line(1, 27.5), line(2, 27.5)]
    first = run(preds, lines)
    assert first["decision"].tolist() == ["bet", "bet"]
    small = first["edge"].min()
    tighter = dataclasses.replace(PLAIN, min_edge=round(small + 0.01, 3))
    again = redecide(first, tighter, Gate.open())
    assert again.columns.tolist() == list(CANDIDATE_COLUMNS)
    assert again["decision"].tolist() == ["pass" if e == small else "bet" for e in first["edge"]]
    rejected = again[again["decision"].eq("pass")].iloc[0]
    assert rejected["reason_detail"] == f"min_edge: edge {small:.3f} < {small + 0.01:.3f}"
    # the same settings decide the same way as the bet stage did
    pd.testing.assert_frame_equal(redecide(first, PLAIN, Gate.open()), first)


def test_a_kelly_fraction_that_changes_no_stake_names_the_cap_that_binds() -> None:
    from nba_pra.betting.decisions import override_warnings
    from nba_pra.betting.engine import redecide
    from nba_pra.betting.gate import Gate

    capped = dataclasses.replace(PLAIN, max_stake_fraction=0.01)  # 1 % of bankroll: far below a quarter Kelly
    first = run([prediction(1, mean=33.0)], [line(1, 27.5)], capped)
    assert first["capped_by"].tolist() == ["cap_bet"]
    smaller = dataclasses.replace(capped, kelly_fraction=0.1)
    again = redecide(first, smaller, Gate.open())
    assert override_warnings(first, again, {"betting.kelly_fraction": "0.1"}, capped, smaller) == [
        "betting.kelly_fraction=0.1 changes no bet or stake (every stake is capped: cap_bet binds, "
        "betting.max_stake_fraction)"
    ]
    # a Kelly fraction small enough to come under the cap changes the stake: no warning
    tiny = dataclasses.replace(capped, kelly_fraction=0.01)
    assert override_warnings(first, redecide(first, tiny, Gate.open()), {"betting.kelly_fraction": "0.01"},
                             capped, tiny) == []
