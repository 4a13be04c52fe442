"""Live offers priced by the pre-game pricing path (:func:`nba_pra.betting.pricing.price_offers`).

A live offer at line ``L`` on a player with ``y_t`` PRA so far is an offer at ``L - y_t`` on his remaining PRA, so the
offers are shifted, joined to the remaining PRA's distribution (:func:`nba_pra.live.model.forecast`) and priced by
the configured method exactly like pre-game offers (the market methods read the books' live consensus, shifted the
same way); the lines are then shifted back. Where nothing is left to play the final PRA is certain and the side it is
on has probability 1 (push when it equals the line).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_pra.betting.pricing import price_offers
from nba_pra.betting.settings import PricingMethod, PricingSettings
from nba_pra.betting.stacking import StackFit

KEYS = ["game_id", "player_id"]
_FORECAST = ["pra", "remaining_mean", "dist_family", "dist_param_a", "dist_param_b"]


def price_live_offers(offers: pd.DataFrame, forecasts: pd.DataFrame, settings: PricingSettings, *,
                      method: PricingMethod | None = None, stack: StackFit | None = None) -> pd.DataFrame:
    """``offers`` (one book's live two-sided quote per row) with ``p_over``, ``p_under``, ``p_push`` of the final PRA
    at their own lines, the pricing diagnostics (lines in final-PRA units) and the forecast's ``pra`` so far."""
    joined = offers.drop(columns=[c for c in _FORECAST if c in offers.columns]).merge(
        forecasts.loc[:, [*KEYS, *_FORECAST]], on=KEYS, how="left", validate="many_to_one")
    return price_shifted(joined, settings, method=method, stack=stack)


def price_shifted(joined: pd.DataFrame, settings: PricingSettings, *, method: PricingMethod | None = None,
                  stack: StackFit | None = None) -> pd.DataFrame:
    """Offers already joined to the forecast (``pra`` so far, ``remaining_mean`` and the remaining PRA's
    ``dist_*``) priced at their own final-PRA lines (see :func:`price_live_offers`)."""
    so_far = joined["pra"].to_numpy(float)
    shifted = joined.assign(line=joined["line"].to_numpy(float) - so_far)
    priced = price_offers(shifted, settings, method=method, stack=stack)
    priced["line"] = joined["line"].to_numpy(float)
    priced["consensus_line"] = priced["consensus_line"].to_numpy(float) + so_far
    certain = np.isfinite(so_far) & ~(joined["remaining_mean"].to_numpy(float) > 0)
    line = priced["line"].to_numpy(float)
    for col, side in (("p_over", so_far > line), ("p_under", so_far < line), ("p_push", so_far == line)):
        priced[col] = np.where(certain, side.astype(float), priced[col].to_numpy(float))
    return priced
