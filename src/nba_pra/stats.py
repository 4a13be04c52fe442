"""Interval estimates shared by the backtest, the evidence and the dashboard -- pure, seeded, no IO.

Every interval over bets or props resamples whole game days (:func:`day_blocked_ratios`): one night's bets share
its games, lines and news, so they are not independent draws. The bootstraps are percentile bootstraps that draw
one ``(n_resamples, n_days)`` matrix of indices from ``numpy.random.default_rng(seed)``.
``scipy.stats.bootstrap(method="percentile")`` resamples items, not blocks, so it does not fit here.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def _day_codes(days: npt.ArrayLike) -> tuple[IntArray, int]:
    """Each value's day as an index into the sorted distinct days, and how many days there are."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(days)), sort=True)
    return codes.astype(np.int64), len(uniques)


def _sums(values: npt.ArrayLike, codes: IntArray, n_days: int) -> FloatArray:
    return np.bincount(codes, weights=np.asarray(values, dtype=float), minlength=n_days).astype(float)


def day_sums(values: npt.ArrayLike, days: npt.ArrayLike) -> FloatArray:
    """Per-day sums of ``values``, days in sorted order (the blocks of :func:`day_blocked_ratios`)."""
    codes, n_days = _day_codes(days)
    return _sums(values, codes, n_days)


def _resampled_ratios(ratios: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]], days: npt.ArrayLike,
                      n_resamples: int, seed: int, min_days: int
                      ) -> dict[str, tuple[float, FloatArray | None]] | None:
    """Per name: ``sum(num) / sum(den)`` and its day-blocked resamples (None with fewer than ``min_days`` days);
    None when there is no day at all (see :func:`day_blocked_ratios`)."""
    codes, n_days = _day_codes(days)
    if n_days == 0:
        return None
    idx = resample_indices(n_days, n_resamples, seed) if n_days >= min_days else None
    out: dict[str, tuple[float, FloatArray | None]] = {}
    for name, (num, den) in ratios.items():
        top, bottom = _sums(num, codes, n_days), _sums(den, codes, n_days)
        ratio = float(np.sum(np.asarray(num, dtype=float)) / np.sum(np.asarray(den, dtype=float)))
        out[name] = (ratio, None if idx is None else top[idx].sum(axis=1) / bottom[idx].sum(axis=1))
    return out


def day_blocked_ratios(ratios: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]], days: npt.ArrayLike,
                       n_resamples: int, confidence: float, seed: int, min_days: int
                       ) -> dict[str, tuple[float, float, float]]:
    """Per name of ``ratios = {name: (num, den)}``: ``sum(num) / sum(den)`` and its percentile interval,
    resampling whole days with replacement.

    Values of one day share its games, lines and news, so they are not independent draws: resampling items would
    make the interval too narrow. A resample of the ``D`` days ``d_1..d_D`` gives
    ``sum_j Num(d_j) / sum_j Den(d_j)`` (``Num``, ``Den``: the day's sums); every name uses the same resamples.
    The interval is NaN with fewer than ``min_days`` days: two days have three distinct resamples, and an
    interval from them looks certain while it knows nothing. All NaN when there is no value.
    """
    resampled = _resampled_ratios(ratios, days, n_resamples, seed, min_days)
    if resampled is None:
        return {name: (float("nan"),) * 3 for name in ratios}
    nan = (float("nan"), float("nan"))
    return {name: (ratio, *(nan if draws is None else percentile_interval(draws, confidence)))
            for name, (ratio, draws) in resampled.items()}


def _day_blocked_mean_draws(values: npt.ArrayLike, days: npt.ArrayLike, n_resamples: int, seed: int,
                            min_days: int) -> tuple[float, FloatArray | None]:
    """Mean of the finite ``values`` and its day-blocked resampled means (:func:`day_blocked_ratios` with
    ``den = 1``); None with fewer than ``min_days`` days, ``(NaN, None)`` without values."""
    x = np.asarray(values, dtype=float)
    keep = np.isfinite(x)
    resampled = _resampled_ratios({"mean": (x[keep], np.ones(int(keep.sum())))}, np.asarray(days)[keep],
                                  n_resamples, seed, min_days)
    return (float("nan"), None) if resampled is None else resampled["mean"]


def day_blocked_mean(values: npt.ArrayLike, days: npt.ArrayLike, n_resamples: int, confidence: float,
                     seed: int, min_days: int) -> tuple[float, float, float]:
    """Mean of the finite ``values`` and its day-blocked interval (NaN with fewer than ``min_days`` days)."""
    mean, draws = _day_blocked_mean_draws(values, days, n_resamples, seed, min_days)
    lo, hi = (float("nan"), float("nan")) if draws is None else percentile_interval(draws, confidence)
    return mean, lo, hi


def bootstrap_p_value(samples: npt.ArrayLike, threshold: float) -> float:
    """One-sided bootstrap p-value of "the statistic is at most ``threshold``": ``(1 + #{s_b <= t}) / (1 + B)``
    over the ``B`` resampled statistics ``s_b`` (the +1s keep it above zero: a test with B draws cannot say
    less than p = 1/(B+1)). A percentile interval's lower end at one-sided level ``a`` clears ``t`` about when
    ``p < a``.
    """
    values = np.asarray(samples, dtype=float)
    return float((1.0 + np.count_nonzero(values <= threshold)) / (1.0 + len(values)))


def day_blocked_mean_test(values: npt.ArrayLike, days: npt.ArrayLike, n_resamples: int, confidence: float,
                          seed: int, min_days: int, threshold: float) -> tuple[float, float, float, float]:
    """:func:`day_blocked_mean` and the one-sided p-value of "mean <= ``threshold``" from the same resamples
    (:func:`bootstrap_p_value`).

    Interval and p are NaN with fewer than ``min_days`` days (so no test passes on them); all NaN without values.
    """
    mean, draws = _day_blocked_mean_draws(values, days, n_resamples, seed, min_days)
    if draws is None:
        return mean, float("nan"), float("nan"), float("nan")
    return (mean, *percentile_interval(draws, confidence), bootstrap_p_value(draws, threshold))


def roi_yield_intervals(profit: FloatArray, stake: FloatArray, days: npt.ArrayLike, n_resamples: int,
                        confidence: float, seed: int, min_days: int) -> dict[str, float | None]:
    """Day-blocked percentile intervals of ``roi = sum(profit)/sum(stake)`` and ``yield = mean(profit/stake)``
    (the same resamples for both, :func:`day_blocked_ratios`); None where there is no interval."""
    ratios = {"roi": (profit, stake), "yield": (profit / stake, np.ones(len(profit)))}
    blocked = day_blocked_ratios(ratios, days, n_resamples, confidence, seed, min_days)
    return {f"{name}_{end}": (None if np.isnan(value) else value)
            for name, (_, lo, hi) in blocked.items() for end, value in (("lo", lo), ("hi", hi))}


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
