"""nba_pra.model.scipy_free gives the very bits scipy.stats gives, on ordinary and edge inputs, in every shape."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from nba_pra.model import scipy_free

#: values at, inside and outside the supports: lines (half and whole), 0, negatives, infinities, NaN
X = np.array([-np.inf, -3.0, -0.5, -0.0, 0.0, 1e-300, 0.5, 1.0, 7.5, 12.0, 24.5, 25.0, 80.0, 1e6, np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-12, 0.025, 0.25, 0.5, 0.75, 0.975, 1 - 1e-12, 1.0, 1.1, np.nan])
#: shape/scale and (n, p) as fitted from PRA moments, and invalid ones
SHAPE = np.array([0.5, 2.0, 9.0, 40.0, 0.0, -1.0, np.nan])
SCALE = np.array([0.3, 1.0, 2.5, 7.0, 1.0, 1.0, 1.0])
N = np.array([0.5, 3.0, 12.0, 1e4, 0.0, 3.0, np.nan])
P = np.array([0.05, 0.4, 0.9, 1.0, 0.5, 1.5, 0.5])


def same(got: object, expected: object) -> None:
    np.testing.assert_array_equal(got, expected, strict=True)


@pytest.mark.parametrize("shape", ["grid", "column", "scalar"])
def test_gamma_functions_equal_scipy_stats(shape: str) -> None:
    if shape == "grid":  # every x against every parameter pair (the metrics' x[None, :], a[:, None])
        x, q, a, s = X[None, :], Q[None, :], SHAPE[:, None], SCALE[:, None]
    elif shape == "column":  # one line per row
        x, q, a, s = X[:7], Q[:7], SHAPE, SCALE
    else:
        x, q, a, s = 24.5, 0.5, 9.0, 2.5
    same(scipy_free.gamma_cdf(x, a, s), stats.gamma.cdf(x, a, scale=s))
    same(scipy_free.gamma_sf(x, a, s), stats.gamma.sf(x, a, scale=s))
    same(scipy_free.gamma_ppf(q, a, s), stats.gamma.ppf(q, a, scale=s))


@pytest.mark.parametrize("shape", ["grid", "column", "scalar"])
def test_negative_binomial_functions_equal_scipy_stats(shape: str) -> None:
    if shape == "grid":
        k, q, n, p = X[None, :], Q[None, :], N[:, None], P[:, None]
    elif shape == "column":
        k, q, n, p = X[:7], Q[:7], N, P
    else:
        k, q, n, p = 25.0, 0.5, 12.0, 0.4
    same(scipy_free.nbinom_cdf(k, n, p), stats.nbinom.cdf(k, n, p))
    same(scipy_free.nbinom_sf(k, n, p), stats.nbinom.sf(k, n, p))
    same(scipy_free.nbinom_pmf(k, n, p), stats.nbinom.pmf(k, n, p))
    same(scipy_free.nbinom_ppf(q, n, p), stats.nbinom.ppf(q, n, p))


def test_fitted_pra_distributions_equal_scipy_stats_at_every_line() -> None:
    rng = np.random.default_rng(3)
    mean = rng.uniform(2.0, 60.0, 2000)
    var = mean * rng.uniform(1.05, 4.0, 2000)
    lines = np.round(mean + rng.normal(0.0, 4.0, 2000)) + rng.choice([0.0, 0.5], 2000)
    a, s = mean**2 / var, var / mean
    n, p = mean**2 / (var - mean), mean / var
    same(scipy_free.gamma_sf(lines, a, s), stats.gamma.sf(lines, a, scale=s))
    same(scipy_free.gamma_cdf(lines + 0.5, a, s), stats.gamma.cdf(lines + 0.5, a, scale=s))
    same(scipy_free.nbinom_sf(np.floor(lines), n, p), stats.nbinom.sf(np.floor(lines), n, p))
    same(scipy_free.nbinom_pmf(np.round(lines), n, p), stats.nbinom.pmf(np.round(lines), n, p))
    same(scipy_free.nbinom_cdf(lines, n, p), stats.nbinom.cdf(lines, n, p))
    same(scipy_free.gamma_ppf(0.5, a, s), stats.gamma.ppf(0.5, a, scale=s))
    same(scipy_free.nbinom_ppf(0.5, n, p), stats.nbinom.ppf(0.5, n, p))


def test_normal_functions_equal_scipy_stats() -> None:
    same(scipy_free.norm_sf(X), stats.norm.sf(X))
    same(scipy_free.norm_ppf(Q), stats.norm.ppf(Q))
    same(scipy_free.norm_sf(1.96), stats.norm.sf(1.96))
    same(scipy_free.norm_ppf(0.975), stats.norm.ppf(0.975))


@pytest.mark.parametrize("module", ["nba_pra.stages.predict", "nba_pra.stages.evidence", "nba_pra.stages.bet",
                                    "nba_pra.stages.ledger"])
def test_the_predict_only_stages_do_not_import_scipy_stats(module: str) -> None:
    code = f"import sys, {module}; print('scipy.stats' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
