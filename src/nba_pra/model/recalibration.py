"""Recalibration of P(over) at the sportsbook's lines (Platt scaling on the logit, fitted out of fold).

A distribution can be calibrated overall (uniform PIT, right variance) and still be overconfident at the book's
lines: the line is set with information the features lag, so where the model disagrees with it most, the model
is most often wrong. Measured on the synthetic league the raw P(over | no push) at book lines has an ECE of
~8 %; on the out-of-fold rows the fitted slope is ~0.4 (model logits shrunk by more than half).

    p_cal = sigmoid(a + b * logit(p)),    p = P(over | no push) at the line

``(a, b)`` minimise the log loss of the over on earlier out-of-fold rows (Newton's method from the identity
``a = 0, b = 1``). The map only holds where it was fitted: book lines sit near a player's median, so raw
probabilities beyond the fit rows' ``[low, high]`` quantiles are never seen, and Platt's shrink would turn a raw
P(PRA >= 1) of 0.99 into ~0.6. Beyond that range the map tapers linearly back to the raw certainty:
``p_cal = f(high) + (p - high) (1 - f(high)) / (1 - high)`` above ``high`` and ``p_cal = f(low) p / low`` below
``low``, continuous and still monotone. A whole line keeps the model's P(push): ``P(over) = p_cal * (1 - P(push))`` and
``P(under) = (1 - p_cal) * (1 - P(push))``, so the three still sum to 1. The map is monotone (``b > 0`` in
every fit we have seen; a fit with ``b <= 0`` is refused and the identity kept), so P(over) still falls as the
line rises at lines of the same kind (all half-points, or all whole numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from nba_pra.model.distributions import LineProbabilities
from nba_pra.model.logistic import fit_logistic, logit, sigmoid


@dataclass(frozen=True)
class PlattMap:
    """``p -> sigmoid(intercept + slope * logit(p))``; the default is the identity."""

    intercept: float = 0.0
    slope: float = 1.0
    n_rows: int = 0
    #: probabilities are clipped to ``[clip, 1 - clip]`` before the logit (as when the map was fitted)
    clip: float = 1e-4
    #: the raw probabilities the map was fitted over; beyond them it tapers back to the raw value
    low: float = 0.0
    high: float = 1.0

    @property
    def is_identity(self) -> bool:
        return self.intercept == 0.0 and self.slope == 1.0

    def apply(self, p: npt.ArrayLike) -> np.ndarray:
        if self.is_identity:
            return np.asarray(p, dtype=float)
        return apply_platt(p, self.intercept, self.slope, self.clip, self.low, self.high)

    def to_dict(self) -> dict[str, float | int]:
        return {"intercept": self.intercept, "slope": self.slope, "n_rows": self.n_rows, "clip": self.clip,
                "low": self.low, "high": self.high}

    @classmethod
    def from_dict(cls, data: dict | None) -> PlattMap:
        """The map saved by :meth:`to_dict`; the identity for models saved before recalibration existed, and no
        taper for maps saved before it existed (registered versions stay loadable)."""
        if not data:
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {k: (int(v) if k == "n_rows" else float(v)) for k, v in data.items() if k in known}
        return cls(**values)


def apply_platt(p: npt.ArrayLike, intercept: npt.ArrayLike, slope: npt.ArrayLike, clip: npt.ArrayLike,
                low: npt.ArrayLike, high: npt.ArrayLike) -> np.ndarray:
    """The tapered Platt map of the module docstring, broadcast over arrays of probabilities and parameters."""
    # a ratio such as P(over) / (1 - P(push)) can exceed 1 by a rounding error; beyond a map fitted up to 1 that
    # would divide by a vanishing (1 - high) and return ~1e292
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    a, b = np.asarray(intercept, dtype=float), np.asarray(slope, dtype=float)
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)

    def f(x: np.ndarray) -> np.ndarray:
        return sigmoid(a + b * logit(x, clip))

    inside = f(np.clip(p, lo, hi))
    f_hi, f_lo = f(hi), f(lo)
    above = f_hi + (p - hi) * (1.0 - f_hi) / np.maximum(1.0 - hi, np.finfo(float).tiny)
    below = f_lo * p / np.maximum(lo, np.finfo(float).tiny)
    return np.where(p > hi, above, np.where(p < lo, below, inside))


def fit_platt(p: npt.ArrayLike, outcome: npt.ArrayLike, *, clip: float, max_iter: int,
              range_quantile: float = 0.0) -> PlattMap:
    """The log-loss-optimal ``(a, b)`` for P(over | no push) ``p`` and over outcomes in {0, 1}; the map holds
    between the ``range_quantile`` and ``1 - range_quantile`` quantiles of ``p``."""
    x = logit(p, clip)
    low, high = (float(q) for q in np.quantile(x, [range_quantile, 1.0 - range_quantile]))
    low, high = float(sigmoid(low)), float(sigmoid(high))
    design = np.column_stack([np.ones(len(x)), x])
    w = fit_logistic(design, np.asarray(outcome, float), start=np.array([0.0, 1.0]), penalty=np.zeros(2),
                     max_iter=max_iter)
    if not (np.all(np.isfinite(w)) and w[1] > 0):
        return PlattMap(n_rows=len(x), clip=clip)
    return PlattMap(float(w[0]), float(w[1]), len(x), clip, low, high)


def walk_forward_platt(p: np.ndarray, outcome: np.ndarray, block: np.ndarray, fit_rows: np.ndarray, *,
                       min_rows: int, clip: float, max_iter: int, range_quantile: float = 0.0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Each block's ``p`` recalibrated by a map fitted on the ``fit_rows`` of earlier blocks only.

    Returns the recalibrated probabilities (the raw ``p`` where earlier blocks hold fewer than ``min_rows``
    fit rows) and a mask of the rows that were recalibrated.
    """
    out = np.asarray(p, float).copy()
    done = np.zeros(len(out), dtype=bool)
    for b in np.unique(block):
        train = fit_rows & (block < b)
        if train.sum() < min_rows:
            continue
        rows = block == b
        fit = fit_platt(p[train], outcome[train], clip=clip, max_iter=max_iter, range_quantile=range_quantile)
        out[rows] = fit.apply(p[rows])
        done |= rows
    return out, done


def recalibrated(probs: LineProbabilities, over_given_decided: np.ndarray) -> LineProbabilities:
    """Line probabilities with P(over | no push) replaced and P(push) kept."""
    decided = 1.0 - probs.p_push
    return LineProbabilities(p_over=over_given_decided * decided, p_under=(1.0 - over_given_decided) * decided,
                             p_push=probs.p_push)
