"""Prices as the engine needs them: American odds -> decimal odds, with missing prices allowed.

The conversion itself is :func:`nba_pra.odds.market.american_to_decimal` (the odds package owns market math);
that function rejects NaN, so this wrapper converts only the valid entries and leaves NaN where a book posted
no (or an invalid) price for a side -- such a side simply cannot be bet.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nba_pra.odds.market import american_to_decimal as _american_to_decimal

FloatArray = npt.NDArray[np.float64]

#: American odds strictly inside (-100, +100) are not valid quotes (format convention, not a tunable)
_AMERICAN_UNIT = 100.0


def american_to_decimal(american: npt.ArrayLike) -> FloatArray:
    """Decimal odds (stake included) of American odds, elementwise; NaN where the price is missing or invalid."""
    a = np.asarray(american, dtype=float)
    valid = np.isfinite(a) & (np.abs(a) >= _AMERICAN_UNIT)
    out = np.full(a.shape, np.nan)
    if valid.any():
        out[valid] = _american_to_decimal(a[valid])
    return out
