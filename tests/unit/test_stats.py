"""Shared interval estimates on hand-checkable inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.stats import (
    day_blocked_mean,
    day_blocked_ratios,
    percentile_interval,
    roi_yield_intervals,
    wilson_interval,
)


def test_the_wilson_interval_of_half_of_ten_is_symmetric_around_a_half() -> None:
    lo, hi = wilson_interval(pd.Series([5]), pd.Series([10]), 0.95)
    # z = 1.959964: centre 0.5, half = z sqrt(0.025 + z^2/400) / (1 + z^2/10)
    z = 1.959963984540054
    half = z * np.sqrt(0.025 + z**2 / 400) / (1 + z**2 / 10)
    assert lo.iloc[0] == pytest.approx(0.5 - half) and hi.iloc[0] == pytest.approx(0.5 + half)


def test_the_wilson_interval_of_no_trials_is_unknown() -> None:
    lo, hi = wilson_interval(pd.Series([0]), pd.Series([0]), 0.95)
    assert np.isnan(lo.iloc[0]) and np.isnan(hi.iloc[0])


def test_bootstrap_intervals_collapse_when_every_bet_returns_the_same_and_are_none_without_bets() -> None:
    got = roi_yield_intervals(np.full(5, 0.5), np.ones(5), np.arange(5), 100, 0.9, seed=1, min_days=2)
    assert got == pytest.approx({"roi_lo": 0.5, "roi_hi": 0.5, "yield_lo": 0.5, "yield_hi": 0.5})
    assert roi_yield_intervals(np.empty(0), np.empty(0), np.empty(0), 100, 0.9, seed=1, min_days=2)["roi_lo"] is None


def test_roi_and_yield_resample_the_same_days() -> None:
    # day 1: a 1-unit bet wins +1; day 2: a 3-unit bet loses 3. A resample of two days is 11, 22 or a mix:
    # ROI 1, -1 or (1 - 3)/4 = -0.5, and yield 1, -1 or 0
    profit, stake, days = np.array([1.0, -3.0]), np.array([1.0, 3.0]), ["d1", "d2"]
    got = roi_yield_intervals(profit, stake, days, 4000, 0.9, seed=5, min_days=2)
    assert (got["roi_lo"], got["roi_hi"]) == (-1.0, 1.0) and (got["yield_lo"], got["yield_hi"]) == (-1.0, 1.0)
    ratios = day_blocked_ratios({"roi": (profit, stake)}, days, 4000, 0.4, seed=5, min_days=2)
    assert ratios["roi"] == (-0.5, -0.5, -0.5)  # the 30th to 70th percentiles fall in the mixed half


def test_a_paired_difference_is_seeded_and_its_interval_brackets_the_mean() -> None:
    rng = np.random.default_rng(0)
    d, days = rng.normal(1.0, 1.0, 200) - rng.normal(0.0, 1.0, 200), np.arange(200) // 4
    first, again = day_blocked_mean(d, days, 300, 0.95, 7, min_days=2), day_blocked_mean(d, days, 300, 0.95, 7, 2)
    assert first == again and first[1] < first[0] < first[2]


def test_the_percentile_interval_cuts_equal_tails() -> None:
    assert percentile_interval(np.arange(101.0), 0.9) == pytest.approx((5.0, 95.0))


def test_the_day_blocked_mean_resamples_whole_days() -> None:
    # day A holds 1 and 1, day B holds 4: a resample of two days is AA -> 1, BB -> 4, or AB/BA -> (1+1+4)/3 = 2
    values, days = [1.0, 1.0, 4.0], ["2024-01-02", "2024-01-02", "2024-01-03"]
    mean, lo, hi = day_blocked_mean(values, days, n_resamples=4000, confidence=0.9, seed=5, min_days=2)
    assert mean == pytest.approx(2.0)
    # P(AA) = P(BB) = 1/4, P(mixed) = 1/2: the 5th percentile is 1 and the 95th is 4 (an item bootstrap would
    # also give 3 = (1+4+4)/3 and other means that a whole-day resample never makes)
    assert (lo, hi) == (1.0, 4.0)


def test_the_day_blocked_interval_collapses_when_every_day_has_the_same_mean() -> None:
    values = [0.02, 0.04, 0.03, 0.03, 0.01, 0.05]
    days = ["d1", "d1", "d2", "d2", "d3", "d3"]
    mean, lo, hi = day_blocked_mean(values, days, n_resamples=500, confidence=0.95, seed=1, min_days=3)
    assert mean == lo == pytest.approx(0.03) and hi == pytest.approx(0.03)
    assert all(np.isnan(day_blocked_mean([], [], 500, 0.95, 1, min_days=2)))
    # fewer days than min_days: the mean, but no interval; NaN values are left out
    mean, lo, hi = day_blocked_mean([*values, np.nan], [*days, "d4"], 500, 0.95, 1, min_days=4)
    assert mean == pytest.approx(0.03) and np.isnan(lo) and np.isnan(hi)
