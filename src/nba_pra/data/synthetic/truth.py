"""What an offer is truly worth: expected returns of prop bets under the synthetic league's ground truth.

Evaluation only (benchmarks, tests): it reads ``ground_truth.parquet``, which no feature, pricing or betting
code may read. The truth of a player-game is PRA ~ negative binomial with mean ``true_mean`` and variance
``true_var`` (method of moments, :func:`nba_pra.model.distributions.fit`), given that he plays; a bet on a
player who does not play is void (stake returned), so every expected return here is conditional on playing,
the same footing as an ROI over settled bets.

Expected return per unit staked of one side at decimal odds ``d``: ``EV = p_win (d - 1) - p_loss`` (a push on a
whole-number line returns the stake), as :func:`nba_pra.betting.kelly.expected_return`.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from nba_pra.betting.kelly import expected_return
from nba_pra.model.distributions import fit, line_probabilities
from nba_pra.model.settings import DistributionFamily
from nba_pra.odds.market import main_lines
from nba_pra.odds.prices import american_to_decimal
from nba_pra.vocab import PLAYER_GAME_KEYS, Side

_KEYS: Final = list(PLAYER_GAME_KEYS)


def true_expected_return(true_mean: npt.ArrayLike, true_var: npt.ArrayLike, line: npt.ArrayLike,
                         american: npt.ArrayLike, side: npt.ArrayLike) -> np.ndarray:
    """True EV per unit staked of betting ``side`` (``"over"``/``"under"``) at ``line`` and American price
    ``american``, for PRA ~ NB(``true_mean``, ``true_var``) (module docstring; all arguments broadcast)."""
    probs = line_probabilities(fit(DistributionFamily.NEGBIN, true_mean, true_var), line)
    over = np.asarray(side) == Side.OVER
    p_win = np.where(over, probs.p_over, probs.p_under)
    p_loss = np.where(over, probs.p_under, probs.p_over)
    return np.asarray(expected_return(p_win, p_loss, american_to_decimal(american)), dtype=float)


def offer_returns(lines: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Every two-sided offer of a player-game with a ground truth (and a true mean), with ``ev_over``,
    ``ev_under`` (true EVs at its prices), ``ev_better`` (the larger) and ``ev_mean`` (their average), plus the
    truth's ``soft_stale`` flag."""
    offers = lines.loc[lines["over_price"].notna() & lines["under_price"].notna()]
    cols = [*_KEYS, "true_mean", "true_var", *(c for c in ("soft_stale", "soft_stale_shift") if c in truth)]
    offers = offers.merge(truth[cols], on=_KEYS, how="inner")
    offers = offers.loc[np.isfinite(offers["true_mean"]) & (offers["true_mean"] > 0)].reset_index(drop=True)
    mean, var, line = (offers[c].to_numpy(float) for c in ("true_mean", "true_var", "line"))
    offers["ev_over"] = true_expected_return(mean, var, line, offers["over_price"].to_numpy(float), Side.OVER)
    offers["ev_under"] = true_expected_return(mean, var, line, offers["under_price"].to_numpy(float), Side.UNDER)
    offers["ev_better"] = np.maximum(offers["ev_over"], offers["ev_under"])
    offers["ev_mean"] = (offers["ev_over"] + offers["ev_under"]) / 2.0
    return offers


def _finite_mean(x: np.ndarray) -> float:
    """Mean of the finite values (NaN when there is none)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else float("nan")


def line_shop_side(line: np.ndarray, consensus_line: np.ndarray) -> np.ndarray:
    """The side a line shopper takes at a book whose line differs from the other books' main line: the over
    below it, the under above it, ``""`` at the same line."""
    return np.where(line < consensus_line, Side.OVER, np.where(line > consensus_line, Side.UNDER, ""))


def consensus_side_returns(lines: pd.DataFrame, truth: pd.DataFrame, soft_book: str) -> dict[str, float]:
    """Ground-truth value of the soft book and of the sharp books (mean true EV per unit staked).

    * ``sharp_ev_mean_side`` -- sharp books, average of both sides (about minus half their hold: no edge);
    * ``sharp_ev_better_side`` / ``soft_ev_better_all`` / ``soft_ev_better_stale`` -- the better side by the
      truth (an oracle's pick: an upper bound), at the sharp books, at the soft book on all its offers and on
      its stale ones;
    * ``sharp_ev_line_shop`` -- the same at a sharp book whose line differs from the sharp main line (no edge);
    * ``soft_ev_news_stale`` -- on the soft book's stale offers, the side today's news favours (the under when
      its stale mean is too high, ``soft_stale_shift > 0``, else the over): the edge a bettor who knows the news
      (or reads it off the consensus) has there, and ``soft_news_positive_share`` the share of those bets with a
      positive true EV;
    * ``soft_ev_line_shop`` -- the side a line shopper takes at the soft book where its line differs from the
      sharp books' main line (:func:`line_shop_side`), and ``soft_line_shop_share`` the share of its offers
      where it does.
    """
    offers = offer_returns(lines, truth)
    soft = offers["bookmaker"] == soft_book
    sharp_lines = lines.loc[lines["bookmaker"] != soft_book]
    consensus = main_lines(sharp_lines).rename(columns={"main_line": "consensus_line"})
    at_soft = offers.loc[soft].merge(consensus, on=_KEYS, how="left")
    side = line_shop_side(at_soft["line"].to_numpy(float), at_soft["consensus_line"].to_numpy(float))
    shop = np.where(side == Side.OVER, at_soft["ev_over"], np.where(side == Side.UNDER, at_soft["ev_under"],
                                                                  np.nan))
    stale = at_soft["soft_stale"].to_numpy(bool) if "soft_stale" in at_soft else np.zeros(len(at_soft), bool)
    shift = (at_soft["soft_stale_shift"].to_numpy(float) if "soft_stale_shift" in at_soft
             else np.zeros(len(at_soft)))
    news = np.where(shift > 0, at_soft["ev_under"], at_soft["ev_over"])[stale]
    at_sharp = offers.loc[~soft].merge(consensus, on=_KEYS, how="left")
    sharp_side = line_shop_side(at_sharp["line"].to_numpy(float), at_sharp["consensus_line"].to_numpy(float))
    sharp_shop = np.where(sharp_side == Side.OVER, at_sharp["ev_over"],
                          np.where(sharp_side == Side.UNDER, at_sharp["ev_under"], np.nan))
    return {
        "sharp_ev_mean_side": float(offers.loc[~soft, "ev_mean"].mean()),
        "sharp_ev_better_side": float(offers.loc[~soft, "ev_better"].mean()),
        "sharp_ev_line_shop": _finite_mean(sharp_shop),
        "sharp_line_shop_share": float(np.mean(sharp_side != "")),
        "soft_ev_mean_side": float(at_soft["ev_mean"].mean()),
        "soft_ev_better_all": float(at_soft["ev_better"].mean()),
        "soft_ev_better_stale": float(at_soft.loc[stale, "ev_better"].mean()),
        "soft_stale_share": float(stale.mean()),
        "soft_ev_news_stale": _finite_mean(news),
        "soft_news_positive_share": float(np.mean(news > 0)) if news.size else float("nan"),
        "soft_ev_line_shop": _finite_mean(shop),
        "soft_line_shop_share": float(np.mean(side != "")),
        "soft_ev_line_shop_stale": _finite_mean(shop[stale]),
    }
