"""Point and probabilistic scores of PRA forecasts (lower is better for every score here).

* MAE, RMSE of the mean.
* CRPS(F, y) = integral of (F(x) - 1{x >= y})^2 dx, computed on a grid of step ``grid_step`` over
  ``[0, grid_max]`` (exact for the discrete negative binomial with step 1; a Riemann sum for Gamma).
* Log score = -log P(Y = y), with the Gamma discretised to ``F(y + 0.5) - F(y - 0.5)`` so that continuous
  and discrete families are scored on the same (integer) outcomes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

from nba_pra.model.distributions import DistributionParams
from nba_pra.model.settings import DistributionFamily

_LOG_FLOOR = 1e-12


def mae(y: npt.ArrayLike, pred: npt.ArrayLike) -> float:
    return float(np.mean(np.abs(np.asarray(y, float) - np.asarray(pred, float))))


def rmse(y: npt.ArrayLike, pred: npt.ArrayLike) -> float:
    return float(np.sqrt(np.mean((np.asarray(y, float) - np.asarray(pred, float)) ** 2)))


def _cdf(params: DistributionParams, x: np.ndarray) -> np.ndarray:
    a = params.param_a[:, None]
    b = params.param_b[:, None]
    if params.family is DistributionFamily.GAMMA:
        return stats.gamma.cdf(x[None, :], a, scale=b)
    return stats.nbinom.cdf(x[None, :], a, b)


def crps_rows(params: DistributionParams, y: npt.ArrayLike, *, grid_max: float = 160.0,
              chunk: int = 20_000) -> np.ndarray:
    """CRPS of each row (PRA units): ``sum_x (F(x) - 1{x >= y})^2 * step`` over the grid."""
    obs = np.asarray(y, float)
    discrete = params.family is DistributionFamily.NEGBIN
    step = 1.0 if discrete else 0.25
    grid = np.arange(0.0, grid_max + step, step)
    out = np.empty(len(obs))
    for lo in range(0, len(obs), chunk):
        sl = slice(lo, lo + chunk)
        part = DistributionParams(params.family, params.param_a[sl], params.param_b[sl])
        F = _cdf(part, grid)
        ind = (grid[None, :] >= obs[sl, None]).astype(float)
        out[sl] = np.sum((F - ind) ** 2, axis=1) * step
    return out


def crps(params: DistributionParams, y: npt.ArrayLike, *, grid_max: float = 160.0, chunk: int = 20_000) -> float:
    """Mean CRPS over rows (PRA units)."""
    return float(np.mean(crps_rows(params, y, grid_max=grid_max, chunk=chunk)))


def log_score_rows(params: DistributionParams, y: npt.ArrayLike) -> np.ndarray:
    """Negative log probability of each row's observed integer PRA."""
    obs = np.round(np.asarray(y, float))
    if params.family is DistributionFamily.GAMMA:
        upper = stats.gamma.cdf(obs + 0.5, params.param_a, scale=params.param_b)
        lower = stats.gamma.cdf(np.maximum(obs - 0.5, 0.0), params.param_a, scale=params.param_b)
        prob = upper - np.where(obs > 0, lower, 0.0)
    else:
        prob = stats.nbinom.pmf(obs, params.param_a, params.param_b)
    return np.asarray(-np.log(np.maximum(prob, _LOG_FLOOR)), dtype=float)


def log_score(params: DistributionParams, y: npt.ArrayLike) -> float:
    """Mean negative log probability of the observed integer PRA."""
    return float(np.mean(log_score_rows(params, y)))
