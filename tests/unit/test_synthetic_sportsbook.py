"""Sportsbook pricing, the market's estimate and the books' lines, checked against hand-computed values."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.stats import nbinom

from nba_pra.data.synthetic.sportsbook import (
    PublicForm,
    even_money_hook,
    fair_over_probability,
    half_point,
    implied_to_american,
    market_estimate,
    market_log_mean,
    median_estimate,
    post_lines,
    posterior_mean,
    price,
    update_form,
)
from synthetic_support import default_league_settings, default_sportsbook

BOOK = default_sportsbook()
#: a market without noise, bias or public lean, one line per book, every book posting every prop
EXACT = dataclasses.replace(
    BOOK, coverage=1.0, public_weight=0.0, rate_error_sd=0.0, minutes_error_sd=0.0, own_line_share=0.0,
    line_error_sd=0.0, price_error_sd=0.0, over_bias=0.0, closing_error_sd=0.0,
    soft=dataclasses.replace(BOOK.soft, bookmaker="soft", coverage=1.0, stale_share=1.0),
)


def test_american_odds_of_common_implied_probabilities() -> None:
    # 0.5238 = 110/210 -> -110; 0.4 -> +150; 0.75 -> -300; 0.5 -> -100
    got = implied_to_american(np.array([110 / 210, 0.4, 0.75, 0.5]))
    assert got.tolist() == [-110, 150, -300, -100]


def test_lines_round_to_the_nearest_half_point_and_never_below_half_a_point() -> None:
    assert half_point(np.array([20.2, 20.3, 20.76, 0.1])).tolist() == [20.0, 20.5, 21.0, 0.5]


def test_the_hooked_line_is_the_one_nearest_even_money() -> None:
    # NB mean 2, variance 4 (dispersion 2): P(X >= 1) = 0.75, P(X >= 2) = 0.5, P(X >= 3) = 0.3125. The median
    # is 1: 0.5 (P(over) 0.75) or 1.5 (0.5) -> 1.5
    assert even_money_hook(np.array([2.0]), 2.0).tolist() == [1.5]
    # mean 30, dispersion 3: the line's P(over) is within half a point-mass of 1/2
    line = even_money_hook(np.array([30.0]), 3.0)
    assert line[0] % 1 == 0.5 and abs(fair_over_probability(np.array([30.0]), line, 3.0)[0] - 0.5) < 0.03


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
    line, over, under = price(np.array([30.0]), np.array([3.0]), BOOK, np.array([0.045]))
    implied = [(-o / (-o + 100) if o < 0 else 100 / (o + 100)) for o in (over[0], under[0])]
    assert sum(implied) - 1 == pytest.approx(0.045, abs=0.003)
    assert line[0] * 2 == int(line[0] * 2)


def test_the_public_form_is_an_exponentially_weighted_rate_per_minute() -> None:
    form = PublicForm.empty(3)
    player = np.array([0, 1, 2])
    played = np.array([True, True, False])
    # half-life of one game: the old sums halve before adding the new game
    form = update_form(form, player, np.array([30.0, 20.0, 0.0]), np.array([30.0, 10.0, np.nan]), played, 1.0)
    form = update_form(form, player, np.array([20.0, 20.0, 0.0]), np.array([40.0, 10.0, np.nan]), played, 1.0)
    # player 0: PRA 0.5*30 + 40 = 55 over minutes 0.5*30 + 20 = 35; mean minutes 35 / 1.5
    assert form.rate(player)[0] == pytest.approx(55 / 35)
    assert form.mean_minutes(player)[0] == pytest.approx(35 / 1.5)
    assert form.rate(player)[1] == pytest.approx(0.5) and np.isnan(form.rate(player)[2])
    assert form.grown(5).games.tolist() == [1.5, 1.5, 0.0, 0.0, 0.0]


def test_the_market_leans_on_the_public_rate_by_its_weight_and_on_the_truth_without_one() -> None:
    cfg = dataclasses.replace(EXACT, public_weight=0.5)
    # true mean 30 at a true rate 1.0; public rate 0.81 -> 30 * 0.81^0.5 = 27
    got = market_estimate(np.array([30.0, 30.0, 30.0]), np.array([1.0, 1.0, 1.0]), np.array([0.81, np.nan, 0.0]),
                          np.zeros((2, 3)), cfg)
    # no public rate, or a player with no production yet (a log of 0), leans on nothing
    assert np.exp(got) == pytest.approx([27.0, 30.0, 30.0])
    noisy = dataclasses.replace(cfg, rate_error_sd=0.2)
    got = market_estimate(np.array([30.0]), np.array([1.0]), np.array([np.nan]), np.array([[1.0], [0.0]]), noisy)
    assert got[0] == pytest.approx(np.log(30.0) + 0.2)


def test_the_market_leans_to_the_over_by_standard_deviations_of_its_posterior_mean() -> None:
    # one prop: the posterior mean is the estimate, 30 e^0.2 = 36.642, leaned 0.1 sd sqrt(3 * 36.642) = 10.485 up
    biased = dataclasses.replace(EXACT, over_bias=0.1, rate_error_sd=0.2)
    got = market_log_mean(np.array([30.0]), np.array([1.0]), np.array([np.nan]), np.array([3.0]),
                          np.array([[1.0], [0.0]]), biased)
    assert np.exp(got[0]) == pytest.approx(36.642 + 1.0485, abs=1e-3)


def test_the_posterior_mean_is_the_least_squares_line_of_the_truth_on_the_estimates() -> None:
    # estimates 1, 2, 3 of truths 1.5, 2, 2.5: slope cov / var = (0.5 + 0.5) / 2 = 0.5 around the means (2, 2)
    got = posterior_mean(np.array([1.5, 2.0, 2.5]), np.array([1.0, 2.0, 3.0]))
    assert got == pytest.approx([1.5, 2.0, 2.5])
    # a noisy estimate of truths 2, 2, 2 (no signal) collapses onto the mean truth
    assert posterior_mean(np.full(3, 2.0), np.array([1.0, 2.0, 4.0])) == pytest.approx([2.0, 2.0, 2.0])
    # nothing to regress on: one prop, or no spread
    assert posterior_mean(np.array([3.0]), np.array([1.0])).tolist() == [1.0]
    assert posterior_mean(np.array([3.0, 4.0]), np.array([1.0, 1.0])).tolist() == [1.0, 1.0]


def test_the_market_is_calibrated_given_its_own_estimate() -> None:
    """With a noisy public lean, the day's market means regress on the truth with slope 1 (what the posterior mean
    is for): among the props it rates highest, the truth is as high as it says, on average."""
    rng = np.random.default_rng(7)
    true_mean = np.exp(rng.normal(np.log(20.0), 0.4, 4000))
    cfg = dataclasses.replace(EXACT, rate_error_sd=0.15)
    market = market_log_mean(true_mean, np.ones(4000), np.full(4000, np.nan), np.full(4000, 3.0),
                             rng.standard_normal((2, 4000)), cfg)
    top = market >= np.quantile(market, 0.9)
    assert np.mean(np.log(true_mean[top])) == pytest.approx(np.mean(market[top]), abs=0.01)
    unshrunk = np.log(true_mean) + 0.15 * rng.standard_normal(4000)  # the same noise without the posterior mean
    top = unshrunk >= np.quantile(unshrunk, 0.9)
    assert np.mean(unshrunk[top]) - np.mean(np.log(true_mean[top])) > 0.04


def test_the_markets_lean_to_the_over_costs_the_over_the_same_probability_at_every_line() -> None:
    """The real lines' overs fall short of their price by about the same probability at low and high lines
    (2023-24, per prop: 1.9 pp below a line of 20, 2.8 pp from 30 up). A lean in standard deviations does the
    same; a log-scale lean (the old market) took 2 pp at low lines and 8 pp at high ones."""
    cfg = dataclasses.replace(EXACT, over_bias=0.07)
    low, high = np.linspace(8.0, 14.0, 601), np.linspace(38.0, 48.0, 1001)

    def mean_true_over(means: np.ndarray) -> float:
        """The truth's mean P(over) at the line the leaning market hangs (NB, variance 3 x mean; averaged
        over a grid of means so the half-point steps wash out)."""
        market = np.exp(market_log_mean(means, np.ones_like(means), np.full_like(means, np.nan),
                                        np.full_like(means, 3.0), np.zeros((2, means.size)), cfg))
        line = even_money_hook(market, 3.0)
        return float(np.mean(nbinom.sf(np.floor(line), means / 2.0, 1.0 / 3.0)))

    # b = 0.07 sd: about 0.07 / sqrt(2 pi) = 2.8 pp below even money at both ends
    assert 0.5 - mean_true_over(low) == pytest.approx(0.028, abs=0.008)
    assert 0.5 - mean_true_over(high) == pytest.approx(0.028, abs=0.008)


def test_books_quote_the_market_line_and_a_stale_soft_book_its_own() -> None:
    log_market = np.log(np.array([30.0]))
    out = post_lines(np.array([30.0]), np.array([3.0]), log_market, np.array([np.log(0.8)]), ("a", "soft"),
                     np.random.default_rng(0), EXACT, closed=np.array([True]))
    assert out["bookmaker"].tolist() == ["a", "soft"] and out["stale"].tolist() == [False, True]
    # median of NB(30, var 90): 30 (1 - 1/90)^3 = 29.0 -> 29.5; the stale book prices 24 -> 23.1 -> 23.5
    assert out["line"].tolist() == [29.5, 23.5]
    # the close moves half-way (log scale) to the truth, so the stale book's close is back near the market
    assert out["close_line"][1] > out["line"][1]


def test_posted_lines_only_close_for_started_games_and_respect_coverage() -> None:
    out = post_lines(np.array([10.0, 30.0]), np.full(2, 3.0), np.log([10.0, 30.0]), np.zeros(2), ("a", "b"),
                     np.random.default_rng(0), EXACT, closed=np.array([True, False]))
    assert out["prop"].tolist() == [0, 0, 1, 1] and out["bookmaker"].tolist() == ["a", "b", "a", "b"]
    assert np.isfinite(out["close_line"][:2]).all() and np.isnan(out["close_line"][2:]).all()
    none = post_lines(np.array([10.0]), np.array([3.0]), np.log([10.0]), np.zeros(1), ("a",), np.random.default_rng(0),
                      dataclasses.replace(EXACT, coverage=0.0), closed=np.array([True]))
    assert none["prop"].size == 0


def test_every_line_of_the_default_league_has_a_finite_line_and_american_prices() -> None:
    """A player with no production yet once gave an infinite market mean: NaN lines and prices of -2^63."""
    from nba_pra.data.synthetic import simulate_league

    lines = simulate_league(dataclasses.replace(default_league_settings(), n_seasons=1,
                                                current_season_days_played=30)).lines
    assert np.isfinite(lines["line"]).all()
    for col in ("over_price", "under_price"):
        assert (lines[col].abs() >= 100).all() and (lines[col].abs() < 100_000).all()


def test_books_hang_a_wider_players_line_lower_at_the_same_mean() -> None:
    """The books price each prop with its own variance-to-mean ratio. At mean 40, P(over 38.5) / P(over 39.5) is
    0.525 / 0.488 with variance 120 and 0.511 / 0.479 with variance 160 (scipy's nbinom): the hook nearest even
    money is 39.5 for the narrower player and 38.5 for the wider one."""
    out = post_lines(np.array([40.0, 40.0]), np.array([3.0, 4.0]), np.log([40.0, 40.0]), np.zeros(2), ("a",),
                     np.random.default_rng(0), EXACT, closed=np.array([False, False]))
    assert out["line"].tolist() == [39.5, 38.5]


def test_only_the_soft_books_stale_offers_are_worth_betting_by_the_ground_truth() -> None:
    """The default league's one known inefficiency is the soft book's stale offers: on them the side today's news
    favours is worth more than nothing. Every sharp book's over and under, on role players' lines (< 20), the
    middle and stars' lines (>= 30), are worth less than nothing on average (the old log-scale lean made the
    stars' unders worth +4 % to +8 % at every sharp book)."""
    from nba_pra.data.synthetic import simulate_league
    from nba_pra.data.synthetic.truth import consensus_side_returns, offer_returns

    cfg = default_league_settings()
    league = simulate_league(cfg)
    offers = offer_returns(league.lines, league.ground_truth)
    sharp = offers.loc[offers["bookmaker"] != cfg.sportsbook.soft.bookmaker]
    bucket = np.select([sharp["line"] < 20, sharp["line"] >= 30], ["role", "star"], "middle")
    by_book = sharp.groupby([sharp["bookmaker"], bucket])[["ev_over", "ev_under"]].mean()
    assert len(by_book) == 3 * (len(cfg.bookmakers) - 1)
    assert (by_book < 0).all().all(), by_book
    soft = consensus_side_returns(league.lines, league.ground_truth, cfg.sportsbook.soft.bookmaker)
    assert soft["soft_ev_news_stale"] > 0.01 and soft["soft_news_positive_share"] > 0.5
