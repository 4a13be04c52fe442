"""Paired comparison of two versions: per-row scores, the date-block bootstrap and the DM statistic.

Expected values are computed here without the module: CRPS by its energy form ``E|X - y| - E|X - X'| / 2`` summed
over the negative binomial's support, probabilities with scipy, the DM statistic from scipy's one-sample t.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nba_pra.evaluation import paired
from nba_pra.evaluation.paired import BootstrapSpec, PairedScore
from nba_pra.model.settings import DistributionFamily

NEGBIN = DistributionFamily.NEGBIN
SPEC = BootstrapSpec(n_resamples=1000, confidence=0.95, seed=7)
VAR_RATIO = 2.0  # variance = 2 x mean: over-dispersed like PRA
SUPPORT = np.arange(0, 400)


def _nb(mean: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's (n, p) for a mean and variance."""
    return mean**2 / (var - mean), mean / var


def _crps_energy(y: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    n, p = _nb(mean, var)
    pmf = stats.nbinom.pmf(SUPPORT[None, :], n[:, None], p[:, None])
    e_xy = np.sum(pmf * np.abs(SUPPORT[None, :] - y[:, None]), axis=1)
    gap = np.abs(SUPPORT[:, None] - SUPPORT[None, :])
    e_xx = np.einsum("ri,ij,rj->r", pmf, gap, pmf)
    return e_xy - 0.5 * e_xx


def _league(n_dates: int, per_date: int, seed: int) -> pd.DataFrame:
    """Rows of ``per_date`` players on each of ``n_dates`` nights, outcomes drawn from the true NegBin, with a
    shared nightly factor (rows of one night are correlated)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=n_dates, freq="D")
    date = np.repeat(dates, per_date)
    night = np.repeat(rng.normal(1.0, 0.05, n_dates), per_date)
    mean = rng.uniform(8.0, 35.0, len(date)) * night
    var = VAR_RATIO * mean
    n, p = _nb(mean, var)
    return pd.DataFrame({"game_id": np.repeat(np.arange(n_dates), per_date), "player_id": np.tile(
        np.arange(per_date), n_dates), "game_date": date, "y": stats.nbinom.rvs(n, p, random_state=rng).astype(
        float), "mean": mean, "var": var})


def _result(results: list[paired.PairedResult], score: PairedScore) -> paired.PairedResult:
    return next(r for r in results if r.score == score.value)


def test_per_row_crps_is_the_energy_form_of_the_negative_binomial() -> None:
    y = np.array([0.0, 5.0, 17.0, 40.0])
    mean = np.array([3.0, 12.0, 20.0, 30.0])
    var = VAR_RATIO * mean
    got = paired.row_scores(y, mean, var, NEGBIN)[PairedScore.CRPS.value].to_numpy()
    np.testing.assert_allclose(got, _crps_energy(y, mean, var), rtol=1e-9, atol=1e-9)


def test_over_scores_use_the_probability_of_over_given_no_push_at_the_book_line() -> None:
    y = np.array([25.0, 10.0, 20.0, 15.0])
    mean = np.array([20.0, 20.0, 20.0, 20.0])
    var = VAR_RATIO * mean
    line = np.array([19.5, 19.5, 20.0, np.nan])  # row 3 pushes, row 4 has no line
    got = paired.row_scores(y, mean, var, NEGBIN, line)
    n, p = _nb(mean[:2], var[:2])
    p_over = stats.nbinom.sf(19, n, p)  # P(X >= 20)
    outcome = np.array([1.0, 0.0])
    np.testing.assert_allclose(got[PairedScore.BRIER_OVER.value].to_numpy()[:2], (p_over - outcome) ** 2)
    np.testing.assert_allclose(got[PairedScore.LOG_LOSS_OVER.value].to_numpy()[:2],
                               [-np.log(p_over[0]), -np.log(1 - p_over[1])])
    assert got[PairedScore.BRIER_OVER.value].iloc[2:].isna().all()
    assert got[PairedScore.MAE.value].tolist() == [5.0, 10.0, 0.0, 5.0]


def test_a_version_with_its_mean_shifted_up_is_worse_by_the_independently_computed_crps() -> None:
    a = _league(n_dates=40, per_date=25, seed=1)
    b = a.assign(mean=a["mean"] * 1.3)  # same variance, mean 30 % too high: worse everywhere on average
    results = paired.compare_versions(a, b, NEGBIN, SPEC)
    crps = _result(results, PairedScore.CRPS)
    expected = (_crps_energy(a["y"].to_numpy(), b["mean"].to_numpy(), b["var"].to_numpy())
                - _crps_energy(a["y"].to_numpy(), a["mean"].to_numpy(), a["var"].to_numpy())).mean()
    assert crps.diff == pytest.approx(expected, rel=1e-9)
    assert crps.diff > 0 and crps.lo > 0 and crps.lo < crps.diff < crps.hi
    assert crps.rows == 1000 and crps.dates == 40
    assert _result(results, PairedScore.MAE).lo > 0
    assert crps.p_value < 0.001 and crps.dm > 0


def test_two_versions_differing_only_by_seed_give_an_interval_that_includes_zero() -> None:
    truth = _league(n_dates=40, per_date=25, seed=2)
    noise_a = np.random.default_rng(10).normal(0.0, 0.05, len(truth))
    noise_b = np.random.default_rng(11).normal(0.0, 0.05, len(truth))
    a = truth.assign(mean=truth["mean"] * (1 + noise_a))
    b = truth.assign(mean=truth["mean"] * (1 + noise_b))
    for r in paired.compare_versions(a, b, NEGBIN, SPEC):
        assert r.lo < 0 < r.hi, r


def test_the_bootstrap_is_reproducible_and_depends_on_the_seed() -> None:
    a = _league(n_dates=30, per_date=10, seed=3)
    b = a.assign(mean=a["mean"] * 1.05)
    first = paired.results_frame(paired.compare_versions(a, b, NEGBIN, SPEC))
    again = paired.results_frame(paired.compare_versions(a, b, NEGBIN, SPEC))
    other = paired.results_frame(paired.compare_versions(a, b, NEGBIN, BootstrapSpec(1000, 0.95, seed=8)))
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["lo"], other["lo"])
    np.testing.assert_allclose(first["diff"], other["diff"])


def test_blocks_are_dates_so_a_shared_nightly_error_widens_the_interval() -> None:
    # per-row differences that are identical within a night: 20 rows/night carry one night's information
    rng = np.random.default_rng(4)
    nights = np.repeat(np.arange(30), 20)
    diff = np.repeat(rng.normal(0.0, 1.0, 30), 20)
    _, lo_block, hi_block = SPEC.interval(diff, nights)
    _, lo_rows, hi_rows = SPEC.interval(diff, np.arange(len(diff)))
    assert hi_block - lo_block > 3 * (hi_rows - lo_rows)


def test_with_one_row_per_date_the_block_bootstrap_is_the_row_percentile_bootstrap() -> None:
    d = np.random.default_rng(5).normal(0.2, 1.0, 50)
    mean, lo, hi = SPEC.interval(d, np.arange(50))
    idx = np.random.default_rng(SPEC.seed).integers(0, 50, size=(SPEC.n_resamples, 50))
    means = d[idx].mean(axis=1)
    assert mean == pytest.approx(d.mean())
    assert (lo, hi) == pytest.approx((np.percentile(means, 2.5), np.percentile(means, 97.5)))


def test_the_diebold_mariano_statistic_with_one_row_per_date_is_the_scaled_t_statistic() -> None:
    d = np.random.default_rng(6).normal(0.3, 1.0, 80)
    stat, p = paired.diebold_mariano(d, np.arange(80))
    t = stats.ttest_1samp(d, 0.0).statistic
    assert stat == pytest.approx(t * np.sqrt(80 / 79))
    assert p == pytest.approx(2 * stats.norm.sf(abs(stat)))


def test_rows_are_paired_on_keys_and_line_scores_appear_only_with_book_lines() -> None:
    a = _league(n_dates=5, per_date=4, seed=7)
    b = a.iloc[3:].assign(mean=lambda f: f["mean"] + 1.0)
    lines = pd.DataFrame({"game_id": [0, 1], "player_id": [3, 0], "line": [20.5, 15.5], "book": ["x", "x"]})
    no_lines = paired.compare_versions(a, b, NEGBIN, SPEC)
    assert {r.score for r in no_lines} == {"crps", "log_score", "mae"}
    assert {r.rows for r in no_lines} == {17}
    with_lines = paired.compare_versions(a, b, NEGBIN, SPEC, lines)
    assert _result(with_lines, PairedScore.BRIER_OVER).rows == 2
    assert _result(with_lines, PairedScore.BRIER_OVER).dates == 2


def test_fewer_dates_than_the_minimum_give_no_interval_and_no_dm_rather_than_a_confident_one() -> None:
    # two nights: a date-block bootstrap has 3 distinct resamples and would print a narrow interval
    d = np.array([0.5, 0.4, 0.6, -0.2, -0.1, -0.3])
    nights = np.array([1, 1, 1, 2, 2, 2])
    mean, lo, hi = BootstrapSpec(1000, 0.95, seed=1, min_blocks=10).interval(d, nights)
    assert mean == pytest.approx(d.mean()) and np.isnan(lo) and np.isnan(hi)
    assert all(np.isnan(paired.diebold_mariano(d, nights, min_blocks=10)))
    assert np.isfinite(BootstrapSpec(1000, 0.95, seed=1, min_blocks=2).interval(d, nights)[1])
