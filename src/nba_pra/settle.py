"""Settlement rules shared by the ledger and the walk-forward evidence -- pure, vectorised, no IO.

* a prop's stat total against its line: ``over`` if above, ``under`` if below, ``push`` if equal, ``void`` when
  the player did not play (or a stat is missing);
* a bet on ``side``: ``win`` iff the line outcome is that side, ``push``/``void`` as the line, else ``loss``;
* profit in units at the price taken: win ``stake * (decimal_price - 1)``, loss ``-stake``, push / void ``0``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nba_pra.vocab import LineOutcome, Outcome

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]


def line_outcomes(actual: npt.ArrayLike, line: npt.ArrayLike, played: npt.ArrayLike) -> StrArray:
    """:class:`LineOutcome` of each stat total ``actual`` at ``line``; ``void`` where not ``played`` or NaN."""
    a = np.asarray(actual, dtype=float)
    ln = np.asarray(line, dtype=float)
    out = np.where(a > ln, LineOutcome.OVER, np.where(a < ln, LineOutcome.UNDER, LineOutcome.PUSH))
    voided = ~np.asarray(played, dtype=bool) | ~np.isfinite(a)
    return np.where(voided, LineOutcome.VOID, out)


def bet_outcomes(side: npt.ArrayLike, line_outcome: npt.ArrayLike) -> StrArray:
    """:class:`Outcome` of bets on ``side`` (over/under) given their props' :class:`LineOutcome`."""
    lo = np.asarray(line_outcome)
    return np.select([lo == LineOutcome.VOID, lo == LineOutcome.PUSH, lo == np.asarray(side)],
                     [Outcome.VOID, Outcome.PUSH, Outcome.WIN], default=Outcome.LOSS)


def profits(outcome: npt.ArrayLike, stake: npt.ArrayLike, decimal_price: npt.ArrayLike) -> FloatArray:
    """Profit in units: ``stake * (decimal_price - 1)`` on a win, ``-stake`` on a loss, 0 on a push or void."""
    o = np.asarray(outcome)
    s = np.asarray(stake, dtype=float)
    d = np.asarray(decimal_price, dtype=float)
    return np.select([o == Outcome.WIN, o == Outcome.LOSS], [s * (d - 1.0), -s], default=0.0)
