"""Market math on hand-derived numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from nba_pra.odds.market import (
    ConsensusMethod,
    DevigMethod,
    best_prices,
    consensus_probabilities,
    devig,
    fair_probabilities,
    main_lines,
    overround,
    shin_z,
)
from nba_pra.odds.prices import american_to_decimal, decimal_to_american, implied_probability


def test_american_odds_convert_to_decimal_by_the_textbook_formulas() -> None:
    assert np.allclose(american_to_decimal([-110, 150, 100, -100, -200]), [1 + 100 / 110, 2.5, 2.0, 2.0, 1.5])


def test_decimal_odds_convert_to_american_with_even_money_as_plus_100() -> None:
    assert np.allclose(decimal_to_american([2.5, 1.5, 2.0]), [150, -200, 100])


@pytest.mark.parametrize("bad", [-99, 0, 50, float("nan")])
def test_values_between_minus_and_plus_100_are_not_american_odds(bad: float) -> None:
    with pytest.raises(ValueError, match="American odds"):
        american_to_decimal(bad)


def test_decimal_odds_at_or_below_one_are_rejected() -> None:
    with pytest.raises(ValueError, match="decimal odds"):
        decimal_to_american(1.0)


def test_a_minus_110_market_has_a_4_76_percent_overround() -> None:
    q = implied_probability([-110, -110])
    assert np.isclose(q[0], 110 / 210)
    assert np.isclose(overround(q[None, :])[0], 2 * 110 / 210 - 1)


# q = (0.6, 0.4545...) from -150 / +120; Q = 1.054545...
Q_FAV, Q_DOG = 150 / 250, 100 / 220


def test_multiplicative_devig_divides_by_the_booksum() -> None:
    p = devig([[Q_FAV, Q_DOG]], DevigMethod.MULTIPLICATIVE)[0]
    assert np.allclose(p, [Q_FAV / (Q_FAV + Q_DOG), Q_DOG / (Q_FAV + Q_DOG)])


def test_additive_devig_removes_half_the_margin_from_each_side() -> None:
    m = Q_FAV + Q_DOG - 1
    assert np.allclose(devig([[Q_FAV, Q_DOG]], DevigMethod.ADDITIVE)[0], [Q_FAV - m / 2, Q_DOG - m / 2])


def test_additive_devig_floors_a_long_shot_at_zero_and_renormalises() -> None:
    # Q = 1.22: each side loses 0.22/3; 0.02 - 0.0733 < 0 -> 0, then (0.82667, 0.22667) / 1.05333
    p = devig([[0.9, 0.3, 0.02]], DevigMethod.ADDITIVE)[0]
    assert np.allclose(p, [0.82666667 / 1.05333333, 0.22666667 / 1.05333333, 0.0])


def test_power_devig_raises_both_sides_to_one_common_power() -> None:
    p = devig([[Q_FAV, Q_DOG]], DevigMethod.POWER)[0]
    k = math.log(p[0]) / math.log(Q_FAV)
    assert k > 1 and np.isclose(Q_DOG**k, p[1]) and np.isclose(p.sum(), 1)


def test_shin_equals_additive_on_a_two_way_market() -> None:
    # a known identity for two outcomes (Shin's p_i reduces to q_i - (Q - 1)/2)
    q = [[Q_FAV, Q_DOG], [110 / 210, 110 / 210], [0.8, 0.25]]
    assert np.allclose(devig(q, DevigMethod.SHIN), devig(q, DevigMethod.ADDITIVE))


def test_shin_z_is_zero_without_margin_and_positive_with_it() -> None:
    z = shin_z([[0.5, 0.5], [Q_FAV, Q_DOG], [0.45, 0.5]])
    assert z[0] == 0 and 0 < z[1] < 1 and z[2] == 0


def test_three_way_shin_solves_its_defining_equation() -> None:
    q = np.array([[0.5, 0.35, 0.22]])
    z = shin_z(q)[0]
    big_q = q.sum()
    p = (np.sqrt(z**2 + 4 * (1 - z) * q**2 / big_q) - z) / (2 * (1 - z))
    assert np.isclose(p.sum(), 1) and np.allclose(devig(q, DevigMethod.SHIN), p)


def test_malformed_implied_probabilities_are_rejected() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        devig([[0.5, 1.2]], DevigMethod.MULTIPLICATIVE)
    with pytest.raises(ValueError, match="n_outcomes >= 2"):
        devig([[0.5]], DevigMethod.MULTIPLICATIVE)


def lines_table() -> pd.DataFrame:
    rows = [  # game, player, book, line, over, under, derived
        ("g", 1, "A", 24.5, -110, -110, False),
        ("g", 1, "B", 24.5, 100, -125, False),
        ("g", 1, "C", 24.5, -120, 100, False),
        ("g", 1, "D", 25.5, 105, -135, False),
        ("g", 1, "E", 23.5, 150, -150, True),  # derived: never a price
        ("g", 2, "A", 10.5, -115, -105, False),
        ("g", 2, "B", 11.5, -110, -110, False),
    ]
    frame = pd.DataFrame(rows, columns=["game_id", "player_id", "bookmaker", "line", "over_price", "under_price",
                                        "is_derived"])
    return frame.assign(market="pra")


def test_best_prices_compare_books_only_at_the_same_line() -> None:
    best = best_prices(lines_table()).set_index(["player_id", "line"])

    assert list(best.index) == [(1, 24.5), (1, 25.5), (2, 10.5), (2, 11.5)]  # the derived 23.5 is absent
    row = best.loc[(1, 24.5)]
    assert (row["best_over_price"], row["best_over_bookmaker"]) == (100, "B")
    assert (row["best_under_price"], row["best_under_bookmaker"]) == (100, "C")
    assert row["n_books"] == 3 and row["is_main_line"]
    assert not best.loc[(1, 25.5), "is_main_line"]


def test_best_price_ties_go_to_the_first_bookmaker_alphabetically() -> None:
    frame = lines_table().iloc[:1]
    tie = pd.concat([frame.assign(bookmaker="Z"), frame.assign(bookmaker="M")])
    assert best_prices(tie).loc[0, "best_over_bookmaker"] == "M"


def test_the_main_line_tie_is_broken_towards_the_median_then_the_lower_line() -> None:
    main = main_lines(lines_table()).set_index("player_id")["main_line"]
    assert main[1] == 24.5  # three books
    assert main[2] == 10.5  # one book each, median 11.0 equidistant -> lower line


def test_fair_probabilities_and_their_consensus_at_each_line() -> None:
    fair = fair_probabilities(lines_table(), DevigMethod.MULTIPLICATIVE)
    assert len(fair) == 6  # derived row dropped
    a = fair.loc[fair["bookmaker"] == "A"].iloc[0]
    assert np.isclose(a["fair_over"], 0.5) and np.isclose(a["overround"], 2 * 110 / 210 - 1)
    b = fair.loc[fair["bookmaker"] == "B"].iloc[0]  # +100 / -125: q = 100/200 and 125/225
    assert np.allclose(b[["implied_over", "implied_under"]].astype(float), [0.5, 125 / 225])

    cons = consensus_probabilities(fair, ConsensusMethod.MEAN).set_index(["player_id", "line"])
    b_over = (100 / 200) / (100 / 200 + 125 / 225)
    c_over = (120 / 220) / (120 / 220 + 100 / 200)
    assert np.isclose(cons.loc[(1, 24.5), "fair_over"], (0.5 + b_over + c_over) / 3)
    assert np.isclose(cons.loc[(1, 24.5), "fair_under"], 1 - (0.5 + b_over + c_over) / 3)
    assert cons.loc[(1, 24.5), "n_books"] == 3
    median = consensus_probabilities(fair, ConsensusMethod.MEDIAN).set_index(["player_id", "line"])
    assert np.isclose(median.loc[(1, 24.5), "fair_over"], sorted([0.5, b_over, c_over])[1])


def test_market_filter_keeps_only_the_requested_market() -> None:
    table = pd.concat([lines_table(), lines_table().assign(market="player_points")])
    assert set(best_prices(table, market="pra")["market"]) == {"pra"}
    assert len(best_prices(table)) == 2 * len(best_prices(table, market="pra"))


def test_empty_tables_give_empty_results() -> None:
    empty = lines_table().iloc[0:0]
    assert best_prices(empty).empty
    assert fair_probabilities(empty, DevigMethod.SHIN).empty


@pytest.mark.parametrize("bad", [0.0, 1.0])
def test_implied_probabilities_of_exactly_zero_or_one_are_rejected(bad: float) -> None:
    # 0 and 1 are not prices (a certain outcome or an impossible one); the check is strict at both ends
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        devig([[bad, 0.5]], DevigMethod.MULTIPLICATIVE)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        devig([[0.5, bad]], DevigMethod.POWER)


def test_probabilities_just_inside_zero_and_one_are_accepted() -> None:
    p = devig([[1e-9, 1 - 1e-9]], DevigMethod.MULTIPLICATIVE)
    assert p.sum() == pytest.approx(1.0)


def _one_sided(over: float, under: float) -> pd.DataFrame:
    rows = [("g", 1, "A", 24.5, -110, -110), ("g", 1, "B", 25.5, over, under), ("g", 1, "C", 25.5, over, under)]
    return pd.DataFrame(rows, columns=["game_id", "player_id", "bookmaker", "line", "over_price", "under_price"])


@pytest.mark.parametrize(("over", "under"), [(np.nan, -110), (-110, np.nan)])
def test_a_row_priced_on_one_side_only_is_never_an_offer(over: float, under: float) -> None:
    """Books B and C quote 25.5 on one side only: no fair probability, no best price, no vote for the main line
    (two one-sided votes would otherwise outvote book A's single two-sided 24.5)."""
    lines = _one_sided(over, under)
    assert fair_probabilities(lines, DevigMethod.MULTIPLICATIVE)["bookmaker"].tolist() == ["A"]
    assert best_prices(lines)["line"].tolist() == [24.5]
    assert main_lines(lines)["main_line"].tolist() == [24.5]


def test_the_main_line_tie_goes_to_the_line_nearest_the_median_even_when_it_is_not_the_lowest() -> None:
    # lines 20.5, 26.5 and 27.5, one book each, so all tie on count; median of (20.5, 26.5, 27.5) = 26.5
    # -> distances 6, 0, 1 -> 26.5 (the lowest, 20.5, is farthest)
    rows = [("g", 1, "A", 20.5), ("g", 1, "B", 26.5), ("g", 1, "C", 27.5)]
    lines = pd.DataFrame(rows, columns=["game_id", "player_id", "bookmaker", "line"]).assign(
        over_price=-110, under_price=-110)
    assert main_lines(lines)["main_line"].tolist() == [26.5]


def test_the_main_line_tie_uses_the_distance_to_the_median_not_the_sum() -> None:
    # lines 30.5, 31.5, 33.5: median 31.5; |line - median| = 1, 0, 2 -> 31.5. Sum-based ranking (line + median)
    # would pick the lowest, 30.5
    rows = [("g", 1, "A", 33.5), ("g", 1, "B", 30.5), ("g", 1, "C", 31.5)]
    lines = pd.DataFrame(rows, columns=["game_id", "player_id", "bookmaker", "line"]).assign(
        over_price=-110, under_price=-110)
    assert main_lines(lines)["main_line"].tolist() == [31.5]


# three markets with different booksums: (0.55, 0.55) Q = 1.1; (0.7, 0.4) Q = 1.1; (0.5, 0.5) Q = 1 (no margin)
MARKETS = [[0.55, 0.55], [0.7, 0.4], [0.5, 0.5]]


def test_multiplicative_devig_divides_each_market_by_its_own_booksum() -> None:
    # row 2: 0.7 / 1.1 = 0.636364, 0.4 / 1.1 = 0.363636
    expected = [[0.5, 0.5], [0.7 / 1.1, 0.4 / 1.1], [0.5, 0.5]]
    assert np.allclose(devig(MARKETS, DevigMethod.MULTIPLICATIVE), expected)


def test_additive_devig_splits_each_markets_own_margin() -> None:
    # row 1: margin 0.1 -> 0.05 off each side; row 2: 0.7 - 0.05, 0.4 - 0.05; row 3: nothing to remove
    expected = [[0.5, 0.5], [0.65, 0.35], [0.5, 0.5]]
    assert np.allclose(devig(MARKETS, DevigMethod.ADDITIVE), expected)
    assert np.allclose(devig(MARKETS, DevigMethod.SHIN), expected)  # two-way Shin = additive


def test_power_devig_solves_one_exponent_per_market() -> None:
    p = devig(MARKETS, DevigMethod.POWER)
    q = np.array(MARKETS)
    kappa = np.log(p) / np.log(q)  # p_i = q_i^kappa: the same kappa across a row
    assert np.allclose(kappa[:, 0], kappa[:, 1])
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(p[0], [0.5, 0.5]) and np.allclose(p[2], [0.5, 0.5])  # symmetric rows stay even
    assert kappa[1, 0] > 1 and np.isclose(kappa[2, 0], 1.0)  # a margin needs kappa > 1; none needs kappa = 1


def test_shin_z_has_one_value_per_market() -> None:
    z = shin_z(MARKETS)
    assert z.shape == (3,) and z[0] > 0 and z[1] > 0 and z[2] == 0


def test_the_market_tables_have_exactly_their_documented_columns() -> None:
    lines = lines_table()
    assert list(main_lines(lines).columns) == ["game_id", "player_id", "market", "main_line"]
    assert list(best_prices(lines).columns) == [
        "game_id", "player_id", "line", "market", "best_over_price", "best_over_bookmaker", "best_under_price",
        "best_under_bookmaker", "n_books", "is_main_line"]
    assert list(fair_probabilities(lines, DevigMethod.MULTIPLICATIVE).columns) == [
        "game_id", "player_id", "line", "market", "bookmaker", "implied_over", "implied_under", "overround",
        "fair_over", "fair_under"]


def test_the_market_tables_are_sorted_by_their_keys() -> None:
    # rows arrive shuffled; every table comes out in key order (players 1 then 2)
    lines = lines_table().iloc[::-1]
    assert main_lines(lines)["player_id"].tolist() == [1, 2]
    assert best_prices(lines)[["player_id", "line"]].values.tolist() == [[1, 24.5], [1, 25.5], [2, 10.5], [2, 11.5]]
    cons = consensus_probabilities(fair_probabilities(lines, DevigMethod.MULTIPLICATIVE))
    assert cons[["player_id", "line"]].values.tolist() == [[1, 24.5], [1, 25.5], [2, 10.5], [2, 11.5]]
