"""Distribution probabilities at a line, checked against closed forms computed independently of scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nba_pra.model.distributions import fit, line_probabilities, quantile
from nba_pra.model.metrics import crps, log_score, mae, rmse
from nba_pra.model.settings import DistributionFamily as Family


def _erlang_sf(x: float, k: int, scale: float) -> float:
    """Survival of a Gamma with integer shape k: sum_{i<k} e^{-x/s} (x/s)^i / i!."""
    z = x / scale
    return sum(math.exp(-z) * z**i / math.factorial(i) for i in range(k))


def _negbin_pmf(k: int, n: int, p: float) -> float:
    return math.comb(k + n - 1, k) * p**n * (1 - p) ** k


def test_gamma_by_moments_matches_the_erlang_closed_form() -> None:
    params = fit(Family.GAMMA, [20.0], [40.0])  # shape 10, scale 2
    assert params.param_a[0] == pytest.approx(10.0)
    assert params.param_b[0] == pytest.approx(2.0)
    probs = line_probabilities(params, [19.5])
    assert probs.p_over[0] == pytest.approx(_erlang_sf(19.5, 10, 2.0), rel=1e-9)
    assert probs.p_push[0] == 0.0
    assert probs.p_under[0] == pytest.approx(1 - _erlang_sf(19.5, 10, 2.0), rel=1e-9)


def test_negative_binomial_gives_a_push_at_a_whole_line_and_none_at_a_half_line() -> None:
    params = fit(Family.NEGBIN, [20.0], [40.0])  # n = 20, p = 0.5
    push = _negbin_pmf(20, 20, 0.5)
    under = sum(_negbin_pmf(k, 20, 0.5) for k in range(20))
    whole = line_probabilities(params, [20.0])
    assert whole.p_push[0] == pytest.approx(push, rel=1e-9)
    assert whole.p_under[0] == pytest.approx(under, rel=1e-9)
    assert whole.p_over[0] == pytest.approx(1 - under - push, rel=1e-9)
    half = line_probabilities(params, [20.5])
    assert half.p_push[0] == 0.0
    assert half.p_under[0] == pytest.approx(under + push, rel=1e-9)


@given(
    mean=st.floats(1.0, 60.0),
    ratio=st.floats(0.3, 6.0),
    line=st.floats(0.0, 80.0).map(lambda x: round(x * 2) / 2),
    family=st.sampled_from(list(Family)),
)
def test_over_under_and_push_always_sum_to_one(mean: float, ratio: float, line: float, family: Family) -> None:
    probs = line_probabilities(fit(family, [mean], [mean * ratio]), [line])
    total = probs.p_over[0] + probs.p_under[0] + probs.p_push[0]
    assert total == pytest.approx(1.0, abs=1e-9)
    assert min(probs.p_over[0], probs.p_under[0], probs.p_push[0]) >= 0.0


def test_underdispersed_moments_fall_back_to_the_poisson_limit() -> None:
    params = fit(Family.NEGBIN, [10.0], [5.0])
    probs = line_probabilities(params, [10.0])
    poisson_push = math.exp(-10) * 10**10 / math.factorial(10)
    assert probs.p_push[0] == pytest.approx(poisson_push, rel=1e-3)


def test_invalid_moments_are_rejected() -> None:
    with pytest.raises(ValueError):
        fit(Family.GAMMA, [0.0], [1.0])
    with pytest.raises(ValueError):
        fit(Family.NEGBIN, [5.0], [np.nan])


def test_median_of_a_symmetric_ish_gamma_is_near_its_mean() -> None:
    med = quantile(fit(Family.GAMMA, [30.0], [30.0]), 0.5)[0]
    assert 29.0 < med < 30.0  # Gamma median sits just below the mean


def test_point_scores_on_hand_values() -> None:
    assert mae([1, 2, 3], [2, 2, 2]) == pytest.approx(2 / 3)
    assert rmse([0, 0], [3, 4]) == pytest.approx(math.sqrt(12.5))


def test_crps_of_a_negative_binomial_equals_the_exact_sum_over_its_support() -> None:
    n, p, y = 20, 0.5, 17
    params = fit(Family.NEGBIN, [20.0], [40.0])
    cdf = np.cumsum([_negbin_pmf(k, n, p) for k in range(161)])
    exact = sum((cdf[k] - (1.0 if k >= y else 0.0)) ** 2 for k in range(161))
    assert crps(params, [y]) == pytest.approx(exact, rel=1e-6)


def test_crps_equals_the_grid_sum_of_scipys_negative_binomial_cdf_over_the_whole_range_of_moments() -> None:
    """The CRPS's own CDF (the pmf recurrence) against scipy's incomplete-beta ``nbinom.cdf``, cell by cell, from
    the Poisson limit (variance at the floor just above the mean) to very overdispersed rows, small to large means."""
    from scipy import stats

    mean = np.array([0.3, 2.0, 5.0, 20.0, 20.0, 35.0, 60.0, 60.0, 90.0, 140.0, 45.0])
    var = mean * np.array([1.0, 1.5, 8.0, 2.0, 40.0, 1.0 + 1e-9, 1.2, 25.0, 3.0, 1.05, 300.0])
    y = np.array([0.0, 3.0, 1.0, 17.0, 55.0, 35.0, 61.0, 0.0, 160.0, 150.0, 200.0])
    params = fit(Family.NEGBIN, mean, var)
    grid = np.arange(161.0)
    cdf = stats.nbinom.cdf(grid[None, :], params.param_a[:, None], params.param_b[:, None])
    per_row = ((cdf - (grid[None, :] >= y[:, None])) ** 2).sum(axis=1)
    assert crps(params, y) == pytest.approx(per_row.mean(), rel=1e-11, abs=1e-11)
    for row in range(len(y)):  # and row by row (a mean over rows could hide offsetting errors)
        one = fit(Family.NEGBIN, mean[row : row + 1], var[row : row + 1])
        assert crps(one, y[row : row + 1]) == pytest.approx(per_row[row], rel=1e-11, abs=1e-11)


def test_sharper_correct_forecasts_score_better() -> None:
    y = np.array([20.0, 21.0, 19.0, 20.0])
    sharp = fit(Family.NEGBIN, np.full(4, 20.0), np.full(4, 21.0))
    vague = fit(Family.NEGBIN, np.full(4, 20.0), np.full(4, 200.0))
    assert crps(sharp, y) < crps(vague, y)
    assert log_score(sharp, y) < log_score(vague, y)
    assert log_score(fit(Family.GAMMA, np.full(4, 20.0), np.full(4, 21.0)), y) < log_score(
        fit(Family.GAMMA, np.full(4, 20.0), np.full(4, 200.0)), y
    )
    assert log_score(sharp, y) == pytest.approx(-np.mean(np.log([_negbin_pmf(int(v), 400, 20 / 21)
                                                                 for v in y])), rel=1e-3)


@given(mean=st.floats(2.0, 60.0), ratio=st.floats(1.05, 6.0), family=st.sampled_from(list(Family)))
def test_p_over_never_rises_with_the_line_and_the_fit_keeps_the_moments(mean: float, ratio: float,
                                                                         family: Family) -> None:
    from scipy import stats

    params = fit(family, [mean], [mean * ratio])
    lines = np.arange(0.0, 120.0, 0.5)
    p_over = line_probabilities(params, lines).p_over  # one distribution broadcast over every line
    assert p_over.shape == lines.shape
    assert np.all(np.diff(p_over) <= 1e-12)
    a, b = params.param_a[0], params.param_b[0]
    dist = stats.gamma(a, scale=b) if family is Family.GAMMA else stats.nbinom(a, b)
    assert dist.mean() == pytest.approx(mean, rel=1e-9)
    assert dist.var() == pytest.approx(mean * ratio, rel=1e-9)


@pytest.mark.parametrize("family", list(Family))
def test_zero_variance_is_rejected_at_the_boundary(family: Family) -> None:
    # var = 0 would give a Gamma shape mu^2 / 0 = inf: a point mass no family here can represent
    with pytest.raises(ValueError, match="variance > 0"):
        fit(family, [10.0], [0.0])
    with pytest.raises(ValueError, match="mean > 0"):
        fit(family, [0.0], [4.0])


@pytest.mark.parametrize("family", list(Family))
def test_the_smallest_positive_moments_are_accepted(family: Family) -> None:
    params = fit(family, [1e-6], [1e-6])
    assert np.isfinite(params.param_a).all() and np.isfinite(params.param_b).all()
