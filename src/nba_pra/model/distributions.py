"""Predictive distributions of PRA from a predicted mean and variance, and their probabilities at a line.

A prop at line ``L`` settles *over* when PRA > L, *under* when PRA < L and *push* when PRA == L (possible only
at whole-number lines). For every family and line: ``P(over) + P(under) + P(push) = 1``.

* **Gamma** (method of moments, the original system's choice): shape ``k = mu^2 / var``, scale
  ``theta = var / mu``. Continuous, so ``P(push) = 0`` and ``P(over) = 1 - F(L)``.
* **Negative binomial** (method of moments, discrete on 0, 1, 2, ...): ``n = mu^2 / (var - mu)``,
  ``p = mu / var`` (scipy's parameterisation); needs ``var > mu``, so the variance is floored just above the
  mean (the Poisson limit). ``P(over) = P(X >= floor(L) + 1)``, ``P(push) = P(X = L)`` when ``L`` is whole,
  ``P(under) = P(X <= ceil(L) - 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nba_pra.model import scipy_free
from nba_pra.model.settings import DistributionFamily

FloatArray = npt.NDArray[np.float64]

#: relative margin keeping the negative binomial's variance strictly above its mean
_NEGBIN_MIN_OVERDISPERSION = 1e-6


@dataclass(frozen=True)
class DistributionParams:
    """Per-row parameters of a fitted family: ``param_a``/``param_b`` are (shape, scale) or (n, p)."""

    family: DistributionFamily
    param_a: FloatArray
    param_b: FloatArray


@dataclass(frozen=True)
class LineProbabilities:
    p_over: FloatArray
    p_under: FloatArray
    p_push: FloatArray


def fit(family: DistributionFamily, mean: npt.ArrayLike, var: npt.ArrayLike) -> DistributionParams:
    """Method-of-moments parameters of ``family`` for each (mean, variance) pair (mean > 0, var > 0)."""
    mu = np.asarray(mean, dtype=float)
    v = np.asarray(var, dtype=float)
    if np.any(~np.isfinite(mu) | (mu <= 0)) or np.any(~np.isfinite(v) | (v <= 0)):
        raise ValueError("distribution moments need finite mean > 0 and variance > 0")
    if family is DistributionFamily.GAMMA:
        return DistributionParams(family, mu**2 / v, v / mu)
    v = np.maximum(v, mu * (1.0 + _NEGBIN_MIN_OVERDISPERSION))
    return DistributionParams(family, mu**2 / (v - mu), mu / v)


def line_probabilities(params: DistributionParams, line: npt.ArrayLike) -> LineProbabilities:
    """P(over), P(under), P(push) at ``line`` (broadcast against the parameters)."""
    lines = np.asarray(line, dtype=float)
    a, b = params.param_a, params.param_b
    if params.family is DistributionFamily.GAMMA:
        p_over = scipy_free.gamma_sf(lines, a, b)
        p_push = np.zeros(np.broadcast(a, lines).shape)
        return LineProbabilities(p_over=p_over, p_under=1.0 - p_over, p_push=p_push)
    whole = np.isclose(lines, np.round(lines))
    p_over = scipy_free.nbinom_sf(np.floor(lines), a, b)  # P(X > floor(L)) = P(X >= floor(L) + 1)
    p_push = np.where(whole, scipy_free.nbinom_pmf(np.round(lines), a, b), 0.0)
    p_under = np.clip(1.0 - p_over - p_push, 0.0, 1.0)
    return LineProbabilities(p_over=p_over, p_under=p_under, p_push=p_push)


def quantile(params: DistributionParams, q: float) -> FloatArray:
    """The ``q`` quantile of each row's distribution (e.g. ``q=0.5`` for the median)."""
    if params.family is DistributionFamily.GAMMA:
        return scipy_free.gamma_ppf(q, params.param_a, params.param_b)
    return scipy_free.nbinom_ppf(q, params.param_a, params.param_b).astype(float)
