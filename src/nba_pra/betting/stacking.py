"""Market-aware P(over): logistic stacking of the model's probability on the books' de-vigged consensus.

    logit p = a + b * logit p_model + c * logit p_market

``p_model`` is the model's raw P(over | no push) at the consensus line, ``p_market`` the books' de-vigged
consensus there. ``a = 0, b = 0, c = 1`` is the market itself, and the slopes are ridge-penalised, so with few
props the fit stays near the market; out of sample it can only lose to the market by over-fitting, which the
walk-forward evidence measures (:mod:`nba_pra.evidence`).

Walk-forward: props are cut into blocks of ``refit_every_days`` calendar days from the first prop's day; the fit
that prices a block uses only props decided (over or under) strictly before the block's first day, and none
exists until ``min_train_props`` such props have settled. A last fit on every decided prop is dated the day after
the last prop: it prices the days after the evaluated range (the daily bet stage).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from nba_pra.betting.settings import StackingSettings
from nba_pra.model.exact import matvec
from nba_pra.model.logistic import fit_logistic, logit, sigmoid

#: columns of a fits table (one row per fitted block)
FIT_COLUMNS: Final = ("block_start", "intercept", "model_weight", "market_weight", "n_props")


@dataclass(frozen=True)
class StackFit:
    intercept: float
    model_weight: float
    market_weight: float
    n_props: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StackFit:
        return cls(float(data["intercept"]), float(data["model_weight"]), float(data["market_weight"]),
                   int(data["n_props"]))


def design(p_model: np.ndarray, p_market: np.ndarray, clip: float) -> np.ndarray:
    return np.column_stack([np.ones(len(p_model)), logit(p_model, clip), logit(p_market, clip)])


def fit_stack(p_model: np.ndarray, p_market: np.ndarray, y: np.ndarray, *, l2: float, max_iter: int,
              clip: float) -> StackFit:
    """Ridge logistic regression of the over (``y`` in {0, 1}) on the two logits, slopes penalised by ``l2``.

    Newton: ``w <- w + (X'WX + P)^-1 (X'(y - p) - P w)``, ``W = diag(p (1 - p))``, ``P = diag(0, l2, l2)``,
    starting from the market (``w = (0, 0, 1)``).
    """
    w = fit_logistic(design(p_model, p_market, clip), np.asarray(y, float), start=np.array([0.0, 0.0, 1.0]),
                     penalty=np.array([0.0, l2, l2]), max_iter=max_iter)
    return StackFit(float(w[0]), float(w[1]), float(w[2]), len(y))


def apply_stack(fit: StackFit, p_model: np.ndarray, p_market: np.ndarray, clip: float) -> np.ndarray:
    return sigmoid(matvec(design(p_model, p_market, clip), [fit.intercept, fit.model_weight, fit.market_weight]))


def blocks(days: pd.Series, every_days: int) -> np.ndarray:
    """Block number of each day: whole ``every_days``-day periods since the first day."""
    if every_days < 1:
        raise ValueError("pricing.stacking.refit_every_days must be at least 1")
    days = pd.to_datetime(days)
    return ((days - days.min()).dt.days // every_days).to_numpy()


def walk_forward_schedule(day: pd.Series, usable: np.ndarray, every_days: int, min_rows: int,
                          fit: Callable[[np.ndarray], dict[str, Any]]) -> list[dict[str, Any]]:
    """The walk-forward refits (module docstring): for each block's first day, and the day after the last,
    ``fit(train)`` on the ``usable`` rows dated strictly before it, once ``min_rows`` of them exist; one row per
    fit with its ``block_start``."""
    day = pd.to_datetime(day).reset_index(drop=True)
    block = blocks(day, every_days)
    starts = [day[block == b].min() for b in np.unique(block)] + [day.max() + pd.Timedelta(days=1)]
    rows = []
    for start in starts:
        train = np.asarray(usable, bool) & (day < start).to_numpy()
        if train.sum() >= min_rows:
            rows.append({"block_start": start, **fit(train)})
    return rows


def walk_forward_fits(day: pd.Series, p_model: np.ndarray, p_market: np.ndarray, outcome_over: np.ndarray,
                      decided: np.ndarray, settings: StackingSettings, clip: float) -> pd.DataFrame:
    """The fits table (:data:`FIT_COLUMNS`) of the stack (:func:`walk_forward_schedule`)."""
    usable = np.isfinite(p_model) & np.isfinite(p_market) & np.asarray(decided, bool)

    def fit(train: np.ndarray) -> dict[str, Any]:
        return fit_stack(p_model[train], p_market[train], outcome_over[train], l2=settings.l2,
                         max_iter=settings.max_iter, clip=clip).to_dict()

    rows = walk_forward_schedule(day, usable, settings.refit_every_days, settings.min_train_props, fit)
    return pd.DataFrame(rows, columns=list(FIT_COLUMNS))


def fit_for_day(fits: pd.DataFrame, day: pd.Timestamp) -> StackFit | None:
    """The fit that prices ``day``: the latest one whose block starts on or before it (None before any)."""
    if fits.empty:
        return None
    usable = fits.loc[pd.to_datetime(fits["block_start"]) <= pd.Timestamp(day)]
    if usable.empty:
        return None
    return StackFit.from_dict(cast(dict[str, Any], usable.sort_values("block_start").iloc[-1].to_dict()))
