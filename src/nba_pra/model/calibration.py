"""Calibration evidence for probabilistic PRA forecasts: PIT, variance by decile, P(over) reliability.

* Randomised PIT for integer outcomes: ``u = F(y - 1) + V * (F(y) - F(y - 1))``, ``V ~ U(0, 1)``
  (the Gamma is discretised at ``y +- 0.5``). A calibrated forecast gives uniform ``u``.
* Variance calibration: rows sorted into deciles of predicted variance; in each, the mean predicted variance
  should equal the mean realised squared error ``(y - mean)^2``.
* P(over) at a line: Brier ``mean((p - o)^2)`` and expected calibration error
  ``ECE = sum_b (n_b / n) |mean(p)_b - mean(o)_b|`` over equal-width probability bins, pushes excluded.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from nba_pra.model import scipy_free
from nba_pra.model.distributions import DistributionParams, LineProbabilities
from nba_pra.model.settings import DistributionFamily


def _cdf(params: DistributionParams, x: np.ndarray) -> np.ndarray:
    if params.family is DistributionFamily.GAMMA:
        return np.where(x < 0, 0.0, scipy_free.gamma_cdf(np.maximum(x, 0.0) + 0.5, params.param_a, params.param_b))
    return scipy_free.nbinom_cdf(x, params.param_a, params.param_b)


def randomized_pit(params: DistributionParams, y: npt.ArrayLike, seed: int) -> np.ndarray:
    obs = np.round(np.asarray(y, float))
    upper = _cdf(params, obs)
    lower = np.where(obs > 0, _cdf(params, obs - 1), 0.0)
    v = np.random.default_rng(seed).uniform(size=len(obs))
    return np.clip(lower + v * (upper - lower), 0.0, 1.0)


def variance_by_decile(pred_var: npt.ArrayLike, y: npt.ArrayLike, mean: npt.ArrayLike, n_bins: int) -> pd.DataFrame:
    frame = pd.DataFrame({"pred_var": np.asarray(pred_var, float),
                          "sq_err": (np.asarray(y, float) - np.asarray(mean, float)) ** 2})
    frame["decile"] = pd.qcut(frame["pred_var"].rank(method="first"), n_bins, labels=False)
    return frame.groupby("decile", as_index=False).agg(pred_var=("pred_var", "mean"), sq_err=("sq_err", "mean"),
                                                       n=("sq_err", "size"))


def over_outcomes(y: npt.ArrayLike, line: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """(over happened as 0/1, row is not a push)."""
    obs = np.asarray(y, float)
    ln = np.asarray(line, float)
    return (obs > ln).astype(float), obs != ln


def reliability(p_over: npt.ArrayLike, outcome: npt.ArrayLike, n_bins: int) -> pd.DataFrame:
    p = np.asarray(p_over, float)
    o = np.asarray(outcome, float)
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    frame = pd.DataFrame({"bin": bins, "p": p, "o": o})
    return frame.groupby("bin", as_index=False).agg(p_mean=("p", "mean"), o_mean=("o", "mean"), n=("o", "size"))


def brier(p: npt.ArrayLike, outcome: npt.ArrayLike) -> float:
    return float(np.mean((np.asarray(p, float) - np.asarray(outcome, float)) ** 2))


def expected_calibration_error(table: pd.DataFrame) -> float:
    n = table["n"].sum()
    return float(np.sum(table["n"] / n * np.abs(table["p_mean"] - table["o_mean"])))


def over_given_decided(probs: LineProbabilities) -> np.ndarray:
    """P(over | no push) (0.5 where a push is certain)."""
    decided = 1.0 - probs.p_push
    return np.divide(probs.p_over, decided, out=np.full_like(decided, 0.5), where=decided > 0)


def over_probability_scores(p_over: npt.ArrayLike, outcome: npt.ArrayLike, n_bins: int
                            ) -> tuple[dict[str, float], pd.DataFrame]:
    """Brier, ECE and the reliability table of P(over | no push) on decided rows (pushes already excluded)."""
    table = reliability(p_over, outcome, n_bins)
    if table.empty:
        return {"brier_over": float("nan"), "ece_over": float("nan")}, table
    return {"brier_over": brier(p_over, outcome), "ece_over": expected_calibration_error(table)}, table
