"""Logistic regression by damped Newton's method, shared by P(over) recalibration and the market-aware stack.

    w <- w + t (X'WX + P)^+ (X'(y - p) - P w),   p = sigmoid(X w),   W = diag(p (1 - p))

``P`` is a diagonal ridge penalty (0 for unpenalised coefficients). The step length ``t`` starts at 1 and is
halved until the penalised log-likelihood ``sum(y z - log(1 + e^z)) - w'Pw / 2`` does not fall, so a start far
from the optimum (or separable data) cannot make the iteration diverge.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nba_pra.model.exact import matvec, solve, tmatvec, weighted_gram

_CONVERGED = 1e-10  # Newton step size (max |dw|) below which the fit has converged
_MIN_STEP = 1e-8  # smallest step length tried before the iteration stops


def logit(p: npt.ArrayLike, clip: npt.ArrayLike) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=float), clip, 1.0 - np.asarray(clip, dtype=float))
    return np.log(q / (1.0 - q))


def sigmoid(z: npt.ArrayLike) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))  # = 1 / (1 + e^-z), without overflow


def _log_likelihood(x: np.ndarray, y: np.ndarray, w: np.ndarray, penalty: np.ndarray) -> float:
    z = matvec(x, w)
    return float(np.sum(y * z - np.logaddexp(0.0, z)) - 0.5 * np.sum(w * penalty * w))


def fit_logistic(x: np.ndarray, y: np.ndarray, *, start: np.ndarray, penalty: np.ndarray, max_iter: int) -> np.ndarray:
    """Coefficients of ``P(y = 1) = sigmoid(x @ w)`` with ridge penalty ``diag(penalty)``, from ``start``."""
    pen = np.asarray(penalty, dtype=float)
    w = np.asarray(start, dtype=float).copy()
    current = _log_likelihood(x, y, w, pen)
    for _ in range(max_iter):
        p = sigmoid(matvec(x, w))
        gradient = tmatvec(x, y - p) - pen * w
        hessian = weighted_gram(x, p * (1.0 - p)) + np.diag(pen)
        step = solve(hessian, gradient)
        t = 1.0
        while t >= _MIN_STEP:
            candidate = _log_likelihood(x, y, w + t * step, pen)
            if candidate >= current:
                break
            t *= 0.5
        if t < _MIN_STEP:
            break
        w = w + t * step
        current = candidate
        if np.max(np.abs(t * step)) < _CONVERGED:
            break
    return w
