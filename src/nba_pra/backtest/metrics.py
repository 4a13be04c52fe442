"""Backtest figures from the settled bets frame -- pure functions.

On top of :func:`nba_pra.ledger.summary.summarize` (bets, win rate, staked, profit, ``roi = profit / staked``,
bankroll, max drawdown, CLV):

* ``yield`` = mean over bets of ``profit / stake`` (the return of flat one-unit staking on the same bets);
* ``roi_lo/roi_hi``, ``yield_lo/yield_hi``: percentile bootstrap interval over settled non-void bets, resampling
  whole game days with replacement (seeded), coverage ``confidence``; None with fewer than ``min_days`` days;
* ``log_loss`` / ``brier`` of the bet sides on decided (win/loss) bets, with the predicted probability of a
  win given no push ``q = p_win / (p_win + p_loss)``: ``-mean(y ln q + (1-y) ln(1-q))`` and ``mean((q-y)^2)``;
* ``final_bankroll``, ``bankroll_return = final / initial - 1``, ``max_drawdown_fraction = max_drawdown / peak``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.ledger.health import by_bucket
from nba_pra.ledger.summary import summarize
from nba_pra.stats import roi_yield_intervals
from nba_pra.vocab import Outcome

#: clip of predicted probabilities in the log loss (a probability of exactly 0 or 1 would give inf)
_PROB_CLIP = 1e-6


def ran_bets(bets: pd.DataFrame) -> pd.DataFrame:
    """Settled bets that were not void (the bets whose stake was at risk)."""
    return bets[bets["result"].notna() & (bets["result"] != Outcome.VOID)]


def bootstrap_intervals(bets: pd.DataFrame, settings: BootstrapSettings, seed: int) -> dict[str, float | None]:
    """ROI and yield intervals of ``bets`` (profit, stake, game_date), resampling whole game days
    (:func:`nba_pra.stats.roi_yield_intervals`) with the configured resamples, coverage and least days."""
    return roi_yield_intervals(bets["profit"].to_numpy(float), bets["stake"].to_numpy(float),
                               pd.to_datetime(bets["game_date"]).dt.normalize().to_numpy(),
                               settings.n_resamples, settings.confidence, seed, settings.min_days)


def side_scores(bets: pd.DataFrame) -> dict[str, float | None]:
    """Log loss and Brier score of the bet sides' predicted win probability on decided bets."""
    decided = bets[bets["result"].isin([Outcome.WIN, Outcome.LOSS])]
    if decided.empty:
        return {"log_loss": None, "brier": None, "mean_p_win": None}
    p_win = decided["p_win"].to_numpy(float)
    q = p_win / (p_win + decided["p_loss"].to_numpy(float))
    y = (decided["result"] == Outcome.WIN).to_numpy(float)
    qc = np.clip(q, _PROB_CLIP, 1.0 - _PROB_CLIP)
    return {
        "log_loss": float(-np.mean(y * np.log(qc) + (1.0 - y) * np.log(1.0 - qc))),
        "brier": float(np.mean((q - y) ** 2)),
        "mean_p_win": float(np.mean(q)),
    }


def backtest_metrics(
    bets: pd.DataFrame, initial_bankroll: float, bootstrap: BootstrapSettings, seed: int
) -> dict[str, Any]:
    """Every scalar figure of a backtest (see module docstring); ratios over no bets are None."""
    summary = summarize(bets, initial_bankroll)
    ran = ran_bets(bets).sort_values(["game_date", "bet_id"], kind="mergesort")
    profit = ran["profit"].to_numpy(float)
    stake = ran["stake"].to_numpy(float)
    final = summary["bankroll"]
    equity = initial_bankroll + np.cumsum(profit)
    peak = float(np.max(np.concatenate([[initial_bankroll], equity])))
    return {
        **summary,
        "yield": float(np.mean(profit / stake)) if len(ran) else None,
        **bootstrap_intervals(ran, bootstrap, seed),
        **side_scores(bets),
        "final_bankroll": final,
        "bankroll_return": final / initial_bankroll - 1.0,
        "max_drawdown_fraction": summary["max_drawdown"] / peak,
    }


def edge_table(bets: pd.DataFrame, edges: Sequence[float]) -> pd.DataFrame:
    """ROI, win rate and mean predicted P(win) per edge bucket (:func:`nba_pra.ledger.health.by_bucket`)."""
    return by_bucket(bets, "edge", edges)


def metric_name(bucket: str) -> str:
    """An MLflow-safe name for an edge bucket label (``<0.03`` -> ``lt0.03``, ``>=0.2`` -> ``ge0.2``)."""
    return bucket.replace(">=", "ge").replace("<", "lt")
