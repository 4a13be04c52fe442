"""Interval estimates shared by the backtest, the evidence and the dashboard -- pure, seeded, no IO.

The bootstraps are percentile bootstraps that draw one ``(n_resamples, n)`` matrix of indices from
``numpy.random.default_rng(seed)``. ``scipy.stats.bootstrap(method="percentile")`` was tried on the same seeds: it
agrees on most intervals but not all (last-bit differences, and it refuses a single bet), so every reported figure
would not stay identical; this algorithm is kept as it was, only moved here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from nba_pra.model import scipy_free

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: percent in a percentile (np.percentile takes 0..100)
_PERCENT = 100.0


def resample_indices(n: int, n_resamples: int, seed: int) -> IntArray:
    """``n_resamples`` bootstrap samples of ``n`` indices drawn with replacement (one row per resample)."""
    return np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))


def percentile_interval(samples: npt.ArrayLike, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` interval of bootstrap ``samples``: their ``(1-c)/2`` and ``(1+c)/2`` percentiles."""
    tail = (1.0 - confidence) / 2.0 * _PERCENT
    values = np.asarray(samples)
    return float(np.percentile(values, tail)), float(np.percentile(values, _PERCENT - tail))


def roi_yield_intervals(profit: FloatArray, stake: FloatArray, n_resamples: int, confidence: float,
                        seed: int) -> dict[str, float | None]:
    """Percentile intervals of ``roi = sum(profit)/sum(stake)`` and ``yield = mean(profit/stake)`` over bets (the
    same resamples for both); None when there is no bet."""
    n = len(profit)
    if n == 0:
        return {"roi_lo": None, "roi_hi": None, "yield_lo": None, "yield_hi": None}
    idx = resample_indices(n, n_resamples, seed)
    roi = profit[idx].sum(axis=1) / stake[idx].sum(axis=1)
    per_unit = profit / stake
    yld = per_unit[idx].mean(axis=1)
    roi_lo, roi_hi = percentile_interval(roi, confidence)
    yield_lo, yield_hi = percentile_interval(yld, confidence)
    return {"roi_lo": roi_lo, "roi_hi": roi_hi, "yield_lo": yield_lo, "yield_hi": yield_hi}


def paired_difference(a: npt.ArrayLike, b: npt.ArrayLike, n_resamples: int, confidence: float,
                      seed: int) -> tuple[float, float, float]:
    """Mean of ``a - b`` over the same items and its percentile bootstrap interval (resampling items); NaNs when
    there is none."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if not len(diff):
        return float("nan"), float("nan"), float("nan")
    means = diff[resample_indices(len(diff), n_resamples, seed)].mean(axis=1)
    lo, hi = percentile_interval(means, confidence)
    return float(diff.mean()), lo, hi


def day_blocked_mean(values: npt.ArrayLike, days: npt.ArrayLike, n_resamples: int, confidence: float,
                     seed: int) -> tuple[float, float, float]:
    """Mean of ``values`` and its percentile bootstrap interval resampling whole days (blocks) with replacement.

    Values of one day share its games, lines and news, so they are not independent draws: resampling items would
    make the interval too narrow. A resample of the ``D`` days ``d_1..d_D`` gives ``sum_j S(d_j) / sum_j N(d_j)``
    (``S``, ``N``: the day's sum and count of values), the mean of the values of the drawn days. NaNs when there
    is no value.
    """
    x = np.asarray(values, dtype=float)
    if not len(x):
        return float("nan"), float("nan"), float("nan")
    codes, uniques = pd.factorize(pd.Series(np.asarray(days)), sort=True)
    sums, counts = np.bincount(codes, weights=x), np.bincount(codes).astype(float)
    idx = resample_indices(len(uniques), n_resamples, seed)
    means = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    lo, hi = percentile_interval(means, confidence)
    return float(x.mean()), lo, hi


def wilson_interval(wins: pd.Series, n: pd.Series, confidence: float) -> tuple[pd.Series, pd.Series]:
    """Wilson score interval of a binomial proportion ``wins / n`` at two-sided ``confidence`` (NaN where n = 0).

    ``centre = (p + z^2/2n) / (1 + z^2/n)``, ``half = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)``; unlike the
    normal approximation it stays inside [0, 1] and is sensible for the small counts of a ledger's buckets.
    """
    z = float(scipy_free.norm_ppf(0.5 + confidence / 2.0))
    n = n.astype(float).where(n > 0)
    p = wins.astype(float) / n
    denom = 1.0 + z**2 / n
    centre = (p + z**2 / (2.0 * n)) / denom
    half = z * np.sqrt(p * (1.0 - p) / n + z**2 / (4.0 * n**2)) / denom
    return centre - half, centre + half
