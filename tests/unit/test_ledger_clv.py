"""Closing line value on hand-derived numbers: both sides, one-sided closes and moved lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.ledger.clv import closing_for_bets, closing_line_value


def bet(side: str, decimal_price: float, *, line: float = 24.5, close_line: float = 24.5,
        close_over: float = +120, close_under: float = -150, bet_id: str = "b1") -> dict[str, object]:
    return {"bet_id": bet_id, "side": side, "line": line, "decimal_price": decimal_price, "close_line": close_line,
            "close_over_price": close_over, "close_under_price": close_under}


# close +120 / -150: decimals 2.2 and 1 + 100/150 = 5/3; implied 1/2.2 = 0.454545 and 0.6; booksum 1.054545
Q_OVER, Q_UNDER = 1 / 2.2, 0.6
FAIR_OVER = Q_OVER / (Q_OVER + Q_UNDER)  # 0.431034
FAIR_UNDER = Q_UNDER / (Q_OVER + Q_UNDER)  # 0.568966


def test_an_under_bets_clv_uses_the_under_close_and_the_fair_under_probability() -> None:
    # under at -120: d = 1 + 100/120 = 1.833333
    out = closing_line_value(pd.DataFrame([bet("under", 1 + 100 / 120)])).iloc[0]
    assert out["close_price"] == -150 and out["close_decimal"] == pytest.approx(5 / 3)
    assert out["clv_price"] == pytest.approx((1 + 100 / 120) / (5 / 3) - 1)  # 1.833333 / 1.666667 - 1 = 0.1
    assert out["clv_prob"] == pytest.approx(FAIR_UNDER - 1 / (1 + 100 / 120))  # 0.568966 - 0.545455 = 0.023511
    assert out["clv_prob"] == pytest.approx(0.023511, abs=1e-6)


def test_an_over_and_an_under_bet_side_by_side_each_get_their_own_sides_figures() -> None:
    bets = pd.DataFrame([bet("over", 2.5, bet_id="o"), bet("under", 2.0, bet_id="u")])
    out = closing_line_value(bets).set_index("bet_id")
    assert out.loc["o", "clv_prob"] == pytest.approx(FAIR_OVER - 1 / 2.5)  # 0.431034 - 0.4 = 0.031034
    assert out.loc["u", "clv_prob"] == pytest.approx(FAIR_UNDER - 1 / 2.0)  # 0.568966 - 0.5 = 0.068966
    assert out.loc["o", "clv_price"] == pytest.approx(2.5 / 2.2 - 1)
    assert out.loc["u", "clv_price"] == pytest.approx(2.0 / (5 / 3) - 1)  # 0.2


@pytest.mark.parametrize("missing", ["close_over", "close_under"])
def test_a_close_missing_one_price_gives_no_fair_probability_but_keeps_the_price_clv_of_a_priced_side(
    missing: str,
) -> None:
    """A one-sided close cannot be de-vigged (no booksum), so ``clv_prob`` is NaN; the taken side's closing price
    still compares with the price taken when that side is the one quoted."""
    priced_side = "under" if missing == "close_over" else "over"
    taken = bet(priced_side, 2.0, **{missing: np.nan})
    out = closing_line_value(pd.DataFrame([taken])).iloc[0]
    assert np.isnan(out["clv_prob"])
    close_decimal = 5 / 3 if priced_side == "under" else 2.2
    assert out["clv_price"] == pytest.approx(2.0 / close_decimal - 1)
    unpriced_side = "over" if priced_side == "under" else "under"
    other = closing_line_value(pd.DataFrame([bet(unpriced_side, 2.0, **{missing: np.nan})])).iloc[0]
    assert np.isnan(other["clv_price"]) and np.isnan(other["clv_prob"])


def test_one_sided_and_two_sided_closes_in_one_frame_leave_the_two_sided_bet_its_figures() -> None:
    bets = pd.DataFrame([bet("over", 2.5, bet_id="full"), bet("over", 2.5, bet_id="half", close_under=np.nan)])
    out = closing_line_value(bets).set_index("bet_id")
    assert out.loc["full", "clv_prob"] == pytest.approx(FAIR_OVER - 0.4)
    assert np.isnan(out.loc["half", "clv_prob"])


def test_a_moved_close_gives_no_clv_even_for_an_under() -> None:
    out = closing_line_value(pd.DataFrame([bet("under", 2.0, close_line=25.5)])).iloc[0]
    assert out["close_line"] == 25.5 and np.isnan(out["close_price"])
    assert np.isnan(out["clv_price"]) and np.isnan(out["clv_prob"])


def test_the_closing_row_at_the_bets_own_line_wins_over_another_line_of_the_same_book() -> None:
    bets = pd.DataFrame([{"bet_id": "b", "line": 24.5, "game_id": "g", "player_id": 1, "bookmaker": "A"}])
    closes = pd.DataFrame(
        [("g", 1, "A", 25.5, -110, -110), ("g", 1, "A", 24.5, +120, -150), ("g", 1, "A", np.nan, np.nan, np.nan)],
        columns=["game_id", "player_id", "bookmaker", "close_line", "close_over_price", "close_under_price"],
    )
    out = closing_for_bets(bets, closes)
    assert out.to_dict("records") == [
        {"bet_id": "b", "close_line": 24.5, "close_over_price": 120.0, "close_under_price": -150.0}
    ]


def test_with_a_market_column_on_both_sides_only_the_bets_market_closes_it() -> None:
    bets = pd.DataFrame([{"bet_id": "b", "line": 24.5, "game_id": "g", "player_id": 1, "bookmaker": "A",
                          "market": "pra"}])
    closes = pd.DataFrame(
        [("g", 1, "A", "pts", 24.5, -200, +170), ("g", 1, "A", "pra", 24.5, +120, -150)],
        columns=["game_id", "player_id", "bookmaker", "market", "close_line", "close_over_price",
                 "close_under_price"],
    )
    out = closing_for_bets(bets, closes)
    assert out[["close_over_price", "close_under_price"]].to_numpy().tolist() == [[120.0, -150.0]]
