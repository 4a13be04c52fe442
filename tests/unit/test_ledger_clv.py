"""Closing line value on hand-derived numbers: both sides, moved lines, pushes, one-sided closes, pulled props.

Expected values of moved lines are computed here independently of the code under test: scipy's negative binomial
(``n = mu / (phi - 1)``, ``p = 1 / phi``: mean ``mu``, variance ``phi mu``) with the mean found by ``brentq``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from nba_pra.ledger.clv import ClvNote, closing_for_bets, closing_line_value, own_closes
from settings_support import pricing_settings

PRICING = pricing_settings()  # multiplicative de-vig, mean consensus (conf/pricing/default.yaml)
MEAN, STD = 25.0, 7.0
PHI = STD**2 / MEAN  # 1.96


def bet(side: str, decimal_price: float, *, line: float = 24.5, book: str = "A", bet_id: str = "b1",
        family: str | None = "negbin") -> dict[str, object]:
    return {"bet_id": bet_id, "game_id": "g", "player_id": 1, "market": "pra", "bookmaker": book, "side": side,
            "line": line, "decimal_price": decimal_price, "dist_family": family, "mean": MEAN, "std": STD}


def closes(*rows: tuple[str, float, float, float]) -> pd.DataFrame:
    """Closing quotes (book, close line, close over price, close under price) of prop g / player 1 / pra."""
    frame = pd.DataFrame(rows, columns=["bookmaker", "close_line", "close_over_price", "close_under_price"])
    return frame.assign(game_id="g", player_id=1, market="pra")


def clv(bets: list[dict[str, object]], closing: pd.DataFrame) -> pd.DataFrame:
    return closing_line_value(pd.DataFrame(bets), closing, PRICING).set_index("bet_id")


def nb(mu: float) -> stats.rv_discrete:
    return stats.nbinom(mu / (PHI - 1.0), 1.0 / PHI)


def implied_mu(line: float, q_over: float) -> float:
    """The mean whose P(X > line | X != line) is ``q_over`` (independent of the code under test)."""
    def gap(mu: float) -> float:
        x = nb(mu)
        over = x.sf(np.floor(line))
        push = x.pmf(line) if float(line).is_integer() else 0.0
        return over / (1.0 - push) - q_over
    return optimize.brentq(gap, 1.0, 100.0, xtol=1e-12)


# close +120 / -150: decimals 2.2 and 1 + 100/150 = 5/3; implied 1/2.2 = 0.454545 and 0.6; booksum 1.054545
Q_OVER, Q_UNDER = 1 / 2.2, 0.6
FAIR_OVER = Q_OVER / (Q_OVER + Q_UNDER)  # 0.431034
FAIR_UNDER = Q_UNDER / (Q_OVER + Q_UNDER)  # 0.568966


def test_an_under_bets_clv_uses_the_under_close_and_the_fair_under_probability() -> None:
    # under at -120: d = 1 + 100/120 = 1.833333
    out = clv([bet("under", 1 + 100 / 120)], closes(("A", 24.5, +120, -150))).iloc[0]
    assert out["close_price"] == -150 and out["close_decimal"] == pytest.approx(5 / 3)
    assert out["clv_price"] == pytest.approx((1 + 100 / 120) / (5 / 3) - 1)  # 1.833333 / 1.666667 - 1 = 0.1
    assert out["clv_prob"] == pytest.approx(0.023511, abs=1e-6)  # 0.568966 - 0.545455
    assert out["close_fair"] == pytest.approx(FAIR_UNDER)
    assert out["clv_line"] == 0.0 and out["close_consensus_line"] == 24.5 and out["clv_note"] == ""


def test_an_over_and_an_under_bet_side_by_side_each_get_their_own_sides_figures() -> None:
    out = clv([bet("over", 2.5, bet_id="o"), bet("under", 2.0, bet_id="u")], closes(("A", 24.5, +120, -150)))
    assert out.loc["o", "clv_prob"] == pytest.approx(FAIR_OVER - 1 / 2.5)  # 0.431034 - 0.4 = 0.031034
    assert out.loc["u", "clv_prob"] == pytest.approx(FAIR_UNDER - 1 / 2.0)  # 0.568966 - 0.5 = 0.068966
    assert out.loc["o", "clv_price"] == pytest.approx(2.5 / 2.2 - 1)
    assert out.loc["u", "clv_price"] == pytest.approx(2.0 / (5 / 3) - 1)  # 0.2


def test_an_over_at_a_half_point_that_closes_on_a_whole_number_is_carried_through_the_implied_distribution() -> None:
    """Over 24.5 at 2.0; both books close 26 at -110/-110, so q* = P(X > 26 | X != 26) = 0.5. The closing
    P(over 24.5) = P(X >= 25) of the NB whose mean reproduces q*; the line moved 1.5 points the bet's way."""
    out = clv([bet("over", 2.0)], closes(("A", 26.0, -110, -110), ("B", 26.0, -110, -110))).iloc[0]
    mu = implied_mu(26.0, 0.5)
    expected = nb(mu).sf(24)  # P(X >= 25); no push at a half point
    assert 0.5 < expected < 0.7  # sanity of the hand computation: a line 1.5 above the bet's favours the over
    assert out["close_fair"] == pytest.approx(expected, abs=1e-6)
    assert out["clv_prob"] == pytest.approx(expected - 0.5, abs=1e-6)
    assert out["clv_line"] == pytest.approx(1.5) and out["close_consensus_line"] == 26.0
    assert out["close_push"] == 0.0
    # the book's line moved: no price CLV, the book's closing line kept for the record
    assert out["close_line"] == 26.0 and np.isnan(out["clv_price"]) and np.isnan(out["close_price"])


def test_an_under_at_a_whole_number_takes_the_push_mass_out_of_the_closing_probability() -> None:
    """Under 25 at 1.9; the close is 24.5 at +100/-120 (fair over 0.5 / (0.5 + 0.545455) = 0.478261). The closing
    P(under 25 | no push) = P(X <= 24) / (1 - P(X = 25)); the line dropped half a point against the over, i.e. the
    under bettor holds half a point more than the close."""
    fair_over = 0.5 / (0.5 + 120 / 220)
    out = clv([bet("under", 1.9, line=25.0)], closes(("A", 24.5, +100, -120))).iloc[0]
    x = nb(implied_mu(24.5, fair_over))
    push = x.pmf(25)
    expected = x.cdf(24) / (1.0 - push)
    assert out["close_push"] == pytest.approx(push, abs=1e-6) and push > 0.03
    assert out["close_fair"] == pytest.approx(expected, abs=1e-6)
    assert out["clv_prob"] == pytest.approx(expected - 1 / 1.9, abs=1e-6)
    assert out["clv_line"] == pytest.approx(0.5)


def test_a_whole_number_line_that_held_compares_the_de_vigged_close_directly() -> None:
    # both at 25: the books' prices already refund pushes, so their fair over is P(over | no push) as it stands
    out = clv([bet("over", 2.0, line=25.0)], closes(("A", 25.0, +120, -150))).iloc[0]
    assert out["close_fair"] == pytest.approx(FAIR_OVER) and out["clv_prob"] == pytest.approx(FAIR_OVER - 0.5)
    assert out["clv_price"] == pytest.approx(2.0 / 2.2 - 1)
    assert out["close_push"] > 0  # the push mass at 25 is reported, not subtracted twice


def test_a_moved_under_loses_line_value_when_the_close_rises() -> None:
    out = clv([bet("under", 2.0)], closes(("A", 26.0, -110, -110))).iloc[0]
    assert out["clv_line"] == pytest.approx(-1.5)
    assert out["close_fair"] == pytest.approx(1.0 - nb(implied_mu(26.0, 0.5)).sf(24), abs=1e-6)
    assert out["clv_prob"] < 0


def test_a_one_sided_close_at_the_bets_book_keeps_its_price_clv_and_the_other_books_give_the_probability() -> None:
    """Book A closes with an over price only (nothing to de-vig); B closes +100/-120 (fair over 0.478261)."""
    out = clv([bet("over", 2.0)], closes(("A", 24.5, +110, np.nan), ("B", 24.5, +100, -120))).iloc[0]
    assert out["clv_price"] == pytest.approx(2.0 / 2.1 - 1)  # -0.047619
    assert out["close_books"] == 1
    assert out["clv_prob"] == pytest.approx(0.5 / (0.5 + 120 / 220) - 0.5)  # -0.021739


def test_only_one_sided_closes_give_a_price_clv_but_no_probability_and_say_why() -> None:
    out = clv([bet("over", 2.0), bet("under", 2.0, bet_id="u")], closes(("A", 24.5, +110, np.nan)))
    assert out.loc["b1", "clv_price"] == pytest.approx(2.0 / 2.1 - 1)
    assert np.isnan(out.loc["u", "clv_price"])  # the under has no closing price
    assert out["clv_prob"].isna().all() and set(out["clv_note"]) == {ClvNote.ONE_SIDED.value}


def test_a_book_that_pulled_the_prop_gets_the_probability_clv_of_the_remaining_books_consensus() -> None:
    """Bet at A, which pulled the prop; B closes -110/-110 (fair 0.5), C +100/-120 (fair 0.478261): the mean fair
    over is 0.489130 and P(over) - 1/2.1 = 0.489130 - 0.476190 = 0.012940."""
    out = clv([bet("over", 2.1)], closes(("B", 24.5, -110, -110), ("C", 24.5, +100, -120))).iloc[0]
    assert np.isnan(out["close_line"]) and np.isnan(out["clv_price"])
    assert out["close_books"] == 2
    assert out["clv_prob"] == pytest.approx((0.5 + 0.5 / (0.5 + 120 / 220)) / 2 - 1 / 2.1)
    assert out["clv_prob"] == pytest.approx(0.012940, abs=1e-6)


def test_the_consensus_line_is_the_one_most_books_quote() -> None:
    # B and C at 26, A (the bet's book) at 25.5: L* = 26 and q* is B's and C's mean
    out = clv([bet("over", 2.0)], closes(("A", 25.5, -110, -110), ("B", 26.0, -110, -110),
                                         ("C", 26.0, -110, -110))).iloc[0]
    assert out["close_consensus_line"] == 26.0 and out["close_books"] == 2
    assert out["close_line"] == 25.5  # A's own close is still recorded


def test_a_prop_nobody_closed_has_no_clv_and_says_so() -> None:
    other_player = closes(("A", 24.5, -110, -110)).assign(player_id=2)
    out = clv([bet("over", 2.0)], other_player).iloc[0]
    assert out[["clv_price", "clv_prob", "clv_line", "close_fair"]].isna().all()
    assert out["clv_note"] == ClvNote.NO_CLOSE.value


def test_a_moved_close_without_a_distribution_gives_line_clv_only_and_says_why() -> None:
    out = clv([bet("over", 2.0, family=None)], closes(("A", 26.0, -110, -110))).iloc[0]
    assert out["clv_line"] == pytest.approx(1.5) and np.isnan(out["clv_prob"])
    assert out["clv_note"] == ClvNote.NO_DISTRIBUTION.value
    held = clv([bet("over", 2.0, family=None)], closes(("A", 24.5, +120, -150))).iloc[0]
    assert held["clv_prob"] == pytest.approx(FAIR_OVER - 0.5)  # at the bet's line no distribution is needed


def test_a_bets_own_stored_close_is_a_one_book_closing_table() -> None:
    stored = pd.DataFrame([{**bet("over", 2.5), "close_line": 24.5, "close_over_price": 120.0,
                            "close_under_price": -150.0}])
    out = closing_line_value(stored, own_closes(stored), PRICING).iloc[0]
    assert out["clv_prob"] == pytest.approx(FAIR_OVER - 0.4) and out["clv_price"] == pytest.approx(2.5 / 2.2 - 1)


def test_the_closing_row_at_the_bets_own_line_wins_over_another_line_of_the_same_book() -> None:
    bets = pd.DataFrame([{"bet_id": "b", "line": 24.5, "game_id": "g", "player_id": 1, "bookmaker": "A"}])
    closing = pd.DataFrame(
        [("g", 1, "A", 25.5, -110, -110), ("g", 1, "A", 24.5, +120, -150), ("g", 1, "A", np.nan, np.nan, np.nan)],
        columns=["game_id", "player_id", "bookmaker", "close_line", "close_over_price", "close_under_price"],
    )
    out = closing_for_bets(bets, closing)
    assert out.to_dict("records") == [
        {"bet_id": "b", "close_line": 24.5, "close_over_price": 120.0, "close_under_price": -150.0}
    ]


def test_with_a_market_column_on_both_sides_only_the_bets_market_closes_it() -> None:
    bets = pd.DataFrame([{"bet_id": "b", "line": 24.5, "game_id": "g", "player_id": 1, "bookmaker": "A",
                          "market": "pra"}])
    closing = pd.DataFrame(
        [("g", 1, "A", "pts", 24.5, -200, +170), ("g", 1, "A", "pra", 24.5, +120, -150)],
        columns=["game_id", "player_id", "bookmaker", "market", "close_line", "close_over_price",
                 "close_under_price"],
    )
    out = closing_for_bets(bets, closing)
    assert out[["close_over_price", "close_under_price"]].to_numpy().tolist() == [[120.0, -150.0]]
