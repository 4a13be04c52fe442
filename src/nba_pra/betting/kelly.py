"""Pure formulas of a prop bet with three outcomes: win, push (stake returned) and loss.

Notation, per unit staked at decimal price ``d`` (net odds ``b = d - 1``) with outcome probabilities
``p_w + p_p + p_l = 1``:

* a win returns ``+b``, a push ``0`` (stake back), a loss ``-1``.
* expected return (the *edge*): ``E = p_w * b - p_l``.
* growth-optimal (Kelly) fraction of bankroll: maximise ``p_w log(1 + f b) + p_l log(1 - f)`` (the push term is
  ``p_p log 1 = 0``). Setting the derivative to zero, ``p_w b (1 - f) = p_l (1 + f b)``, gives
  ``f* = (p_w b - p_l) / (b (p_w + p_l))``, floored at 0. Without pushes (``p_w + p_l = 1``) this is the classic
  ``f* = (p b - q) / b``; a push chance scales the stake up because it removes variance, not expectation.

All functions broadcast over numpy arrays and return float arrays; NaN inputs give NaN (or 0 stake).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def expected_return(p_win: npt.ArrayLike, p_loss: npt.ArrayLike, decimal_price: npt.ArrayLike) -> FloatArray:
    """Expected profit per unit staked: ``p_w * (d - 1) - p_l`` (a push returns the stake, so adds 0)."""
    p_w = np.asarray(p_win, dtype=float)
    p_l = np.asarray(p_loss, dtype=float)
    b = np.asarray(decimal_price, dtype=float) - 1.0
    return p_w * b - p_l


def kelly_fraction(p_win: npt.ArrayLike, p_loss: npt.ArrayLike, decimal_price: npt.ArrayLike) -> FloatArray:
    """Full-Kelly fraction of bankroll ``f* = max(0, (p_w b - p_l) / (b (p_w + p_l)))`` with ``b = d - 1``.

    Zero when the edge is not positive, when the price pays nothing (``b <= 0``), when ``p_w + p_l = 0``
    (a certain push) or when any input is NaN.
    """
    p_w = np.asarray(p_win, dtype=float)
    p_l = np.asarray(p_loss, dtype=float)
    b = np.asarray(decimal_price, dtype=float) - 1.0
    numerator = p_w * b - p_l
    denominator = b * (p_w + p_l)
    valid = np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0) & (numerator > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(valid, numerator / np.where(valid, denominator, 1.0), 0.0)
    return np.asarray(f, dtype=float)


def kelly_stake(
    p_win: npt.ArrayLike,
    p_loss: npt.ArrayLike,
    decimal_price: npt.ArrayLike,
    *,
    fraction: float,
    bankroll: float,
) -> FloatArray:
    """Fractional-Kelly stake in bankroll units before caps: ``fraction * f* * bankroll``."""
    return fraction * kelly_fraction(p_win, p_loss, decimal_price) * bankroll


def confidence_distance(p_over: npt.ArrayLike) -> FloatArray:
    """The original system's confidence ``|P(over) - 0.5| / 0.5``, in [0, 1] (0 = coin flip, 1 = certain)."""
    return np.abs(np.asarray(p_over, dtype=float) - 0.5) / 0.5


def correlation_shrink(n_bets: npt.ArrayLike, correlation: float) -> FloatArray:
    """Stake multiplier ``1 / sqrt(1 + (n - 1) rho)`` for ``n`` bets whose results correlate pairwise by ``rho``.

    ``n`` equal stakes ``s`` with pairwise correlation ``rho`` have portfolio variance ``s^2 n (1 + (n - 1) rho)``;
    scaling each stake by this factor gives the variance ``n`` independent bets of stake ``s`` would have.
    One bet (``n = 1``) or ``rho = 0`` leaves stakes unchanged.
    """
    n = np.asarray(n_bets, dtype=float)
    return 1.0 / np.sqrt(1.0 + np.maximum(n - 1.0, 0.0) * correlation)
