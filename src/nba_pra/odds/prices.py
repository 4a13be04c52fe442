"""Price conversions: American odds <-> decimal odds and implied probability. The one home of these formulas.

Conventions: American odds ``a >= +100`` win ``a`` per 100 staked, ``a <= -100`` need ``|a|`` staked to win 100
(``+100`` and ``-100`` are the same price); decimal odds ``d`` are the total return per unit staked, stake
included (``d > 1``); implied probability ``q = 1 / d`` includes the bookmaker's margin.

Two variants of the American -> decimal conversion, chosen by the caller on purpose:

* :func:`american_to_decimal` raises on a missing or invalid price: market math on quotes that must exist;
* :func:`american_to_decimal_or_nan` leaves NaN there: a book that posted no (or an invalid) price for one side
  of an offer simply cannot be bet on that side (the betting engine, CLV, the evidence's offers).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: American odds are quoted per 100 staked; odds strictly inside (-100, +100) are not valid quotes (a convention
#: of the format, not a tunable)
AMERICAN_UNIT: Final = 100.0


def american_to_decimal(american: npt.ArrayLike) -> FloatArray:
    """Decimal odds of American odds: ``d = 1 + a/100`` for ``a >= 100``, ``d = 1 + 100/|a|`` for ``a <= -100``.

    Raises ``ValueError`` for values strictly between -100 and +100 (not valid American odds) or NaN.
    """
    a = np.asarray(american, dtype=np.float64)
    if np.any(~np.isfinite(a)) or np.any(np.abs(a) < AMERICAN_UNIT):
        raise ValueError("American odds must be finite and <= -100 or >= +100")
    return np.where(a > 0, 1.0 + a / AMERICAN_UNIT, 1.0 + AMERICAN_UNIT / np.abs(a))


def decimal_to_american(decimal: npt.ArrayLike) -> FloatArray:
    """American odds of decimal odds: ``a = 100 (d - 1)`` for ``d >= 2``, ``a = -100 / (d - 1)`` for ``1 < d < 2``.

    Not rounded: books quote integers, callers round when they need a quote. Raises ``ValueError`` for ``d <= 1``.
    """
    d = np.asarray(decimal, dtype=np.float64)
    if np.any(~np.isfinite(d)) or np.any(d <= 1.0):
        raise ValueError("decimal odds must be finite and > 1")
    return np.where(d >= 2.0, AMERICAN_UNIT * (d - 1.0), -AMERICAN_UNIT / (d - 1.0))


def implied_probability(american: npt.ArrayLike) -> FloatArray:
    """Implied probability of American odds, margin included: ``q = 1 / d``."""
    return 1.0 / american_to_decimal(american)


def american_to_decimal_or_nan(american: npt.ArrayLike) -> FloatArray:
    """Decimal odds of American odds, elementwise; NaN where the price is missing or invalid."""
    a = np.asarray(american, dtype=float)
    valid = np.isfinite(a) & (np.abs(a) >= AMERICAN_UNIT)
    out = np.full(a.shape, np.nan)
    if valid.any():
        out[valid] = american_to_decimal(a[valid])
    return out
