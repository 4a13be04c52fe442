"""Hand-derived values of the pure betting formulas (kelly.py, prices.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nba_pra.betting.kelly import (
    confidence_distance,
    correlation_shrink,
    expected_return,
    kelly_fraction,
    kelly_stake,
)
from nba_pra.odds.prices import american_to_decimal_or_nan

MINUS_110 = 1.0 + 100.0 / 110.0  # 1.90909..., b = 10/11


def test_two_outcome_kelly_at_minus_110_matches_hand_derivation() -> None:
    # b = 10/11; p_w b - p_l = 0.55 * 10/11 - 0.45 = 0.5 - 0.45 = 0.05; f* = 0.05 / (10/11 * 1) = 0.055
    assert kelly_fraction(0.55, 0.45, MINUS_110) == pytest.approx(0.055)
    assert expected_return(0.55, 0.45, MINUS_110) == pytest.approx(0.05)


def test_three_outcome_kelly_counts_the_push_as_stake_returned() -> None:
    # d = 2 (b = 1), p_w = 0.5, p_push = 0.1, p_l = 0.4: edge = 0.5 - 0.4 = 0.1; f* = 0.1 / (1 * 0.9) = 1/9
    assert expected_return(0.5, 0.4, 2.0) == pytest.approx(0.1)
    assert kelly_fraction(0.5, 0.4, 2.0) == pytest.approx(1.0 / 9.0)
    # the same edge without a push chance stakes less: (0.55 - 0.45) / 1 = 0.1 < 1/9
    assert kelly_fraction(0.55, 0.45, 2.0) == pytest.approx(0.1)


def test_plus_money_kelly_matches_hand_derivation() -> None:
    # +150 -> d = 2.5, b = 1.5; p_w = 0.45, p_l = 0.55: edge = 0.675 - 0.55 = 0.125; f* = 0.125 / 1.5 = 1/12
    assert kelly_fraction(0.45, 0.55, 2.5) == pytest.approx(1.0 / 12.0)
    assert expected_return(0.45, 0.55, 2.5) == pytest.approx(0.125)


def test_negative_edge_gets_zero_kelly_not_a_negative_stake() -> None:
    # 0.5 * 10/11 - 0.5 = -0.04545... -> no bet
    assert expected_return(0.5, 0.5, MINUS_110) == pytest.approx(-1.0 / 22.0)
    assert kelly_fraction(0.5, 0.5, MINUS_110) == 0.0


def test_kelly_is_zero_for_nan_inputs_and_certain_push() -> None:
    f = kelly_fraction(np.array([np.nan, 0.0, 0.6]), np.array([0.4, 0.0, 0.4]), np.array([2.0, 2.0, np.nan]))
    assert f.tolist() == [0.0, 0.0, 0.0]


def test_an_infinite_price_is_no_price_and_gets_zero_kelly() -> None:
    # b = inf: numerator and denominator are both inf, so f* = inf / inf would be NaN; a broken price bets nothing
    assert kelly_fraction(0.6, 0.4, np.inf) == 0.0
    assert kelly_fraction(np.array([0.6, 0.55]), np.array([0.4, 0.45]), np.array([np.inf, MINUS_110])).tolist() == [
        0.0, pytest.approx((0.55 * (MINUS_110 - 1) - 0.45) / (MINUS_110 - 1))]


def test_fractional_kelly_stake_scales_fraction_and_bankroll() -> None:
    # 0.25 * 0.055 * 1000 = 13.75 units
    assert kelly_stake(0.55, 0.45, MINUS_110, fraction=0.25, bankroll=1000.0) == pytest.approx(13.75)


def test_confidence_is_distance_of_p_over_from_a_coin_flip() -> None:
    assert confidence_distance(np.array([0.5, 0.8, 0.2, 1.0])) == pytest.approx([0.0, 0.6, 0.6, 1.0])


def test_correlation_shrink_equalises_portfolio_variance() -> None:
    # n = 3, rho = 0.5: 1 / sqrt(1 + 2 * 0.5) = 1 / sqrt(2)
    assert correlation_shrink(3, 0.5) == pytest.approx(1.0 / np.sqrt(2.0))
    assert correlation_shrink(1, 0.9) == pytest.approx(1.0)
    assert correlation_shrink(4, 0.0) == pytest.approx(1.0)


def test_american_prices_convert_to_decimal_and_missing_ones_stay_missing() -> None:
    out = american_to_decimal_or_nan(np.array([-110.0, 150.0, 100.0, -200.0, np.nan, 50.0]))
    assert out[:4] == pytest.approx([MINUS_110, 2.5, 2.0, 1.5])
    assert np.isnan(out[4]) and np.isnan(out[5])
