"""Sportsbook pricing formulas, checked against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from nba_pra.data.settings import SportsbookSettings
from nba_pra.data.synthetic.sportsbook import (
    fair_over_probability,
    half_point,
    implied_to_american,
    median_estimate,
    post_lines,
    price,
)


def test_american_odds_of_common_implied_probabilities() -> None:
    # 0.5238 = 110/210 -> -110; 0.4 -> +150; 0.75 -> -300; 0.5 -> -100
    got = implied_to_american(np.array([110 / 210, 0.4, 0.75, 0.5]))
    assert got.tolist() == [-110, 150, -300, -100]


def test_lines_round_to_the_nearest_half_point_and_never_below_half_a_point() -> None:
    assert half_point(np.array([20.2, 20.3, 20.76, 0.1])).tolist() == [20.0, 20.5, 21.0, 0.5]


def test_the_median_of_a_skewed_count_is_below_its_mean() -> None:
    # k = 20 / 2 = 10 -> 20 * (1 - 1/90)^3 = 19.34
    assert median_estimate(np.array([20.0]), 2.0)[0] == pytest.approx(20 * (1 - 1 / 90) ** 3)


def test_fair_probabilities_at_the_median_are_near_even_and_fall_as_the_line_rises() -> None:
    mean = np.full(3, 25.0)
    p = fair_over_probability(mean, np.array([20.5, 24.5, 30.5]), 3.0)
    assert p[0] > p[1] > p[2]
    assert 0.45 < p[1] < 0.55


def test_a_whole_number_line_excludes_the_push_from_the_fair_probability() -> None:
    # NB with mean 2 and variance 4: n = 2, p = 0.5. P(X=0)=0.25, P(X=1)=0.25, P(X=2)=0.1875
    # line 1: over = 1 - 0.5 = 0.5, under = 0.25 -> fair over = 2/3
    assert fair_over_probability(np.array([2.0]), np.array([1.0]), 2.0)[0] == pytest.approx(2 / 3)


def test_both_prices_carry_the_requested_margin() -> None:
    line, over, under = price(np.array([30.0]), SportsbookSettings(), np.array([0.045]))
    implied = [(-o / (-o + 100) if o < 0 else 100 / (o + 100)) for o in (over[0], under[0])]
    assert sum(implied) - 1 == pytest.approx(0.045, abs=0.003)
    assert line[0] * 2 == int(line[0] * 2)


def test_posted_lines_only_close_for_started_games_and_respect_coverage() -> None:
    cfg = SportsbookSettings(coverage=1.0)
    out = post_lines(
        np.array([10.0, 30.0]), ("a", "b"), np.random.default_rng(0), cfg, closed=np.array([True, False])
    )
    assert out["prop"].tolist() == [0, 0, 1, 1] and out["bookmaker"].tolist() == ["a", "b", "a", "b"]
    assert np.isfinite(out["close_line"][:2]).all() and np.isnan(out["close_line"][2:]).all()
    none = post_lines(
        np.array([10.0]),
        ("a",),
        np.random.default_rng(0),
        SportsbookSettings(coverage=0.0),
        closed=np.array([True]),
    )
    assert none["prop"].size == 0
