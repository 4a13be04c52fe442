"""Book sanity: a book whose prices run the wrong way with its lines is a data error, not a betting opportunity.

For a coherent book, P(over) falls as the line rises: an alternate line *below* the consensus ("main") line has
the over favoured, one above has the under favoured. Per book this check compares the mean de-vigged P(over)
of its offers below the main line with that of its offers above it; ``inverted`` = below < above (with at least
``min_offers`` on each side). In the real 2023-24 export, BetRivers and Unibet (one Kambi feed) quote the over
at +150 below the consensus and at -175 above it while the over hits 56 % and 39 % of the time: their over and
under prices are swapped. Betting against such rows shows a +40 % "ROI" that no one could have collected, so
inverted books are reported and left out of the consensus and of every betting figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_pra.odds.market import DevigMethod, fair_probabilities, main_lines
from nba_pra.vocab import PLAYER_GAME_KEYS


def book_quality(lines: pd.DataFrame, min_offers: int) -> pd.DataFrame:
    """Per book: offers, share off the main line, mean fair P(over) below / at / above it, and ``inverted``."""
    keys = list(PLAYER_GAME_KEYS)
    main = main_lines(lines).drop(columns=["market"], errors="ignore")
    fair = fair_probabilities(lines, DevigMethod.MULTIPLICATIVE).drop(columns=["market"], errors="ignore")
    fair = fair.merge(main, on=keys)
    side = np.sign(fair["line"] - fair["main_line"])
    fair = fair.assign(side=np.select([side < 0, side > 0], ["below", "above"], "at"))
    counts = fair.pivot_table(index="bookmaker", columns="side", values="fair_over", aggfunc="size", fill_value=0)
    means = fair.pivot_table(index="bookmaker", columns="side", values="fair_over", aggfunc="mean")
    out = pd.DataFrame(index=counts.index)
    out["offers"] = counts.sum(axis=1)
    for name in ("below", "at", "above"):
        out[f"n_{name}"] = counts.get(name, 0)
        out[f"p_over_{name}"] = means.get(name, np.nan)
    out["share_off_main"] = (out["n_below"] + out["n_above"]) / out["offers"]
    enough = (out["n_below"] >= min_offers) & (out["n_above"] >= min_offers)
    out["inverted"] = enough & (out["p_over_below"] < out["p_over_above"])
    return out.reset_index()
