"""Market-aware probability: logistic stacking of the model's and the market's P(over), fitted walk-forward.

    logit p_blend = a + b * logit p_model + c * logit p_market

``p_model`` is the model's P(over | no push) at the main line, ``p_market`` the de-vigged consensus. With
``b = 0, c = 1, a = 0`` the blend *is* the market, so a fitted blend can only lose to the market out of sample by
over-fitting -- which is what the walk-forward evaluation checks: the props of each block of
``refit_every_days`` days are priced by coefficients fitted only on props settled before the block's first day
(and by the market alone until ``min_train_props`` props have settled).

The fit is ridge-penalised logistic regression (slopes only) by Newton's method
(:func:`nba_pra.betting.market_blend.fit_blend`); the daily bet stage can price with the latest fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_pra.betting.market_blend import apply_blend, fit_blend
from nba_pra.market_eval.props import OUTCOME_OVER, OUTCOME_UNDER
from nba_pra.market_eval.settings import BlendSettings


def walk_forward_blend(props: pd.DataFrame, model_col: str, market_col: str,
                       settings: BlendSettings) -> tuple[pd.Series, pd.DataFrame]:
    """P(over) of the blend for every prop (the market's where no fit exists yet) and the table of fits.

    Blocks of ``refit_every_days`` calendar days start at the first prop's day; a block's fit uses the decided
    props (over/under) dated strictly before the block's first day.
    """
    if settings.refit_every_days < 1:
        raise ValueError("market.blend.refit_every_days must be at least 1")
    days = pd.to_datetime(props["game_date"])
    block = ((days - days.min()).dt.days // settings.refit_every_days).to_numpy()
    p_model = props[model_col].to_numpy(float)
    p_market = props[market_col].to_numpy(float)
    usable = np.isfinite(p_model) & np.isfinite(p_market)
    decided = props["outcome"].isin([OUTCOME_OVER, OUTCOME_UNDER]).to_numpy() & usable
    y = (props["outcome"] == OUTCOME_OVER).to_numpy(float)
    blend = np.where(usable, p_market, np.nan)
    fits = []
    for b in np.unique(block):
        first_day = days[block == b].min()
        train = decided & (days < first_day).to_numpy()
        if train.sum() < settings.min_train_props:
            continue
        fit = fit_blend(p_model[train], p_market[train], y[train], l2=settings.l2, max_iter=settings.max_iter,
                        clip=settings.prob_clip)
        rows = (block == b) & usable
        blend[rows] = apply_blend(fit, p_model[rows], p_market[rows], settings.prob_clip)
        fits.append({"block_start": first_day, **fit.__dict__})
    return pd.Series(blend, index=props.index, name="blend_over"), pd.DataFrame(
        fits, columns=["block_start", "intercept", "model_weight", "market_weight", "n_props"])
