"""Market-aware P(over): logistic stacking of the model's probability with the books' de-vigged consensus.

    logit p = a + b * logit p_model + c * logit p_market

``p_model`` is the model's P(over | no push) at the line, ``p_market`` the books' mean de-vigged P(over) at the
same line. ``a = 0, b = 0, c = 1`` is the market itself. The coefficients are fitted walk-forward by
``nba-pra market`` (:mod:`nba_pra.market_eval.blend`, ridge-penalised logistic regression by Newton's method);
the daily bet stage may price with the latest fit (``betting.market_blend``, off by default).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nba_pra.model.distributions import LineProbabilities
from nba_pra.model.logistic import fit_logistic, logit, sigmoid
from nba_pra.model.recalibration import recalibrated
from nba_pra.odds.market import DevigMethod, consensus_probabilities, fair_probabilities


@dataclass(frozen=True)
class BlendFit:
    intercept: float
    model_weight: float
    market_weight: float
    n_props: int


def design(p_model: np.ndarray, p_market: np.ndarray, clip: float) -> np.ndarray:
    return np.column_stack([np.ones(len(p_model)), logit(p_model, clip), logit(p_market, clip)])


def fit_blend(p_model: np.ndarray, p_market: np.ndarray, y: np.ndarray, *, l2: float, max_iter: int,
              clip: float) -> BlendFit:
    """Ridge logistic regression of the over (``y`` in {0, 1}) on the two logits, slopes penalised by ``l2``.

    Newton: ``w <- w + (X'WX + P)^-1 (X'(y - p) - P w)``, ``W = diag(p (1 - p))``, ``P = diag(0, l2, l2)``,
    starting from the market (``w = (0, 0, 1)``).
    """
    w = fit_logistic(design(p_model, p_market, clip), np.asarray(y, float), start=np.array([0.0, 0.0, 1.0]),
                     penalty=np.array([0.0, l2, l2]), max_iter=max_iter)
    return BlendFit(float(w[0]), float(w[1]), float(w[2]), int(len(y)))


def apply_blend(fit: BlendFit, p_model: np.ndarray, p_market: np.ndarray, clip: float) -> np.ndarray:
    return sigmoid(design(p_model, p_market, clip) @ np.array([fit.intercept, fit.model_weight, fit.market_weight]))


@dataclass(frozen=True)
class MarketBlend:
    """A fitted blend and how to read the market: what the bet stage prices with when enabled."""

    fit: BlendFit
    devig: DevigMethod
    clip: float

    def apply(self, candidates: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
        """``p_over``/``p_under`` of every candidate whose line the books price replaced by the blend's
        (``p_push`` kept: a whole line's push probability is the model's); other rows unchanged."""
        keys = ["game_id", "player_id", "line"]
        market = consensus_probabilities(fair_probabilities(lines, self.devig))
        market = market.drop(columns=["market"], errors="ignore").drop_duplicates(keys)[[*keys, "fair_over"]]
        out = candidates.merge(market, on=keys, how="left")
        push = out["p_push"].to_numpy(float)
        p_over, p_under = np.array(out["p_over"], dtype=float), np.array(out["p_under"], dtype=float)
        model_over = p_over / (p_over + p_under)
        priced = np.isfinite(out["fair_over"].to_numpy(float)) & np.isfinite(model_over)
        blended = apply_blend(self.fit, model_over[priced], out["fair_over"].to_numpy(float)[priced], self.clip)
        split = recalibrated(LineProbabilities(p_over[priced], p_under[priced], push[priced]), blended)
        p_over[priced], p_under[priced] = split.p_over, split.p_under
        out["p_over"], out["p_under"] = p_over, p_under
        return out.drop(columns=["fair_over"]).set_axis(candidates.index)


def latest_fit(fits: pd.DataFrame) -> BlendFit:
    """The most recent row of a fits table (``nba-pra market``'s ``blend_fits.csv``)."""
    last = fits.sort_values("block_start").iloc[-1]
    return BlendFit(float(last["intercept"]), float(last["model_weight"]), float(last["market_weight"]),
                    int(last["n_props"]))
