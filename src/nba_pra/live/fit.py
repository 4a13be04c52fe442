"""Fitting the in-game adjustments (:class:`nba_pra.live.model.LiveFit`) on finished games, walk-forward.

On training states (partial box scores with the final PRA and minutes known):

1. ``k_m`` and ``beta``: a Poisson regression (log link) of the remaining minutes ``M_R = final - m_t`` on ``x``
   with offset ``log(R s(k_m))``, Newton's method for ``beta`` inside a bounded search of ``log k_m`` on the
   Poisson loss ``sum(mu - M_R log mu)`` (states with minutes left to play);
2. ``k_r``: a bounded search of ``log k_r`` on ``sum((Y_R - r(k_r) M_R)^2)``, the rate judged on the minutes he
   actually had left;
3. ``c``: non-negative least squares of the squared error ``(Y_R - mu_R)^2`` on ``(mu_R, mu_R^2 (1 - f),
   mu_R^2 f)`` with the fitted ``mu_R``, each row weighted by ``1 / mu_R``;
4. when the states carry the pre-game consensus ``line``: a Platt map of P(over | no push) of the final PRA at that
   line per number of periods completed (:func:`nba_pra.model.recalibration.fit_platt`, ``live.over_calibration``;
   the identity below ``min_rows`` decided states or when disabled).

Walk-forward (:func:`walk_forward`): states are cut into blocks of ``refit_every_days`` calendar days; a block is
forecast by the fit on the states dated strictly before its first day, so no forecast ever sees its own game or a
later one. A block with fewer than ``min_states`` training states is not forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar, nnls

from nba_pra.evaluation.walkforward import retrain_dates
from nba_pra.live.model import (
    Design,
    LiveFit,
    completed_periods,
    design,
    final_probabilities,
    forecast,
    remaining_minutes,
    shrunk_rate,
    shrunk_share,
    variance_terms,
)
from nba_pra.live.settings import LiveFitSettings, LiveSettings
from nba_pra.model.calibration import over_given_decided, over_outcomes
from nba_pra.model.exact import matvec, solve, tmatvec, weighted_gram
from nba_pra.model.recalibration import PlattMap, fit_platt

#: the log-mean is kept within +-this in the Newton steps (exp overflows beyond ~709)
_MAX_LOG = 50.0


def _poisson_newton(terms: np.ndarray, offset: np.ndarray, y: np.ndarray, fs: LiveFitSettings
                    ) -> tuple[np.ndarray, float]:
    """``beta`` of the Poisson regression with log link and ``offset``, and its loss ``sum(mu - y log mu)``."""
    beta = np.zeros(terms.shape[1])
    for _ in range(fs.newton_steps):
        mu = np.exp(np.clip(offset + matvec(terms, beta), -_MAX_LOG, _MAX_LOG))
        step = solve(weighted_gram(terms, mu), tmatvec(terms, mu - y))
        beta -= step
        if np.max(np.abs(step)) < fs.newton_tolerance:
            break
    eta = np.clip(offset + matvec(terms, beta), -_MAX_LOG, _MAX_LOG)
    return beta, float(np.sum(np.exp(eta) - y * eta))


def _subset(d: Design, rows: np.ndarray) -> Design:
    return Design(d.elapsed[rows], d.remaining[rows], d.share0[rows], d.rate0[rows], d.terms[rows],
                  d.finished[rows])


def fit_live(states: pd.DataFrame, settings: LiveSettings) -> LiveFit:
    """Fit the adjustments on finished games' states (module docstring); ``states`` carry the pre-game columns,
    the partial box score and the outcomes."""
    fs = settings.fit
    d = design(states, settings)
    minutes = states["minutes"].to_numpy(float)
    left_minutes = np.maximum(states["final_minutes"].to_numpy(float) - minutes, 0.0)
    left_pra = np.maximum(states["final_pra"].to_numpy(float) - states["pra"].to_numpy(float), 0.0)

    playing = ~d.finished & (d.share0 > 0)
    dp = _subset(d, playing)

    def minutes_loss(log_prior: float) -> tuple[np.ndarray, float]:
        share = shrunk_share(dp, minutes[playing], float(np.exp(log_prior)))
        offset = np.log(np.maximum(dp.remaining * share, np.finfo(float).tiny))
        return _poisson_newton(dp.terms, offset, left_minutes[playing], fs)

    lo, hi = np.log(fs.minutes_prior_bounds)
    best = minimize_scalar(lambda v: minutes_loss(v)[1], bounds=(lo, hi), method="bounded",
                           options={"xatol": fs.search_tolerance})
    minutes_prior = float(np.exp(best.x))
    beta = minutes_loss(float(best.x))[0]

    pra = states["pra"].to_numpy(float)
    lo, hi = np.log(fs.rate_prior_bounds)
    rate_fit = minimize_scalar(
        lambda v: float(np.sum((left_pra - shrunk_rate(d, minutes, pra, float(np.exp(v))) * left_minutes) ** 2)),
        bounds=(lo, hi), method="bounded", options={"xatol": fs.search_tolerance})
    rate_prior = float(np.exp(rate_fit.x))

    partial = LiveFit(minutes_prior, tuple(float(b) for b in beta), rate_prior, (1.0, 0.0, 0.0), len(states))
    mean = shrunk_rate(d, minutes, pra, rate_prior) * remaining_minutes(d, minutes, partial)
    used = mean > 0
    # each row divided by mu_R: a squared error's spread grows with the variance, so unweighted rows would let
    # the stars' largest errors decide the variance of everyone
    scale = 1.0 / mean[used]
    coef, _ = nnls(variance_terms(_subset(d, used), mean[used]) * scale[:, None],
                   (left_pra[used] - mean[used]) ** 2 * scale)
    unmapped = LiveFit(minutes_prior, partial.minutes_coef, rate_prior,
                       (float(coef[0]), float(coef[1]), float(coef[2])), len(states))
    return LiveFit(unmapped.minutes_prior, unmapped.minutes_coef, unmapped.rate_prior, unmapped.variance_coef,
                   unmapped.n_states, _over_maps(states, unmapped, settings))


def _over_maps(states: pd.DataFrame, live: LiveFit, settings: LiveSettings) -> tuple[PlattMap, ...]:
    """Per periods completed: the Platt map of the raw live P(over | no push) at the states' ``line``."""
    oc = settings.over_calibration
    if not oc.enabled or "line" not in states.columns:
        return ()
    forecasts = forecast(states, live, settings)
    line = states["line"].to_numpy(float)
    p = over_given_decided(final_probabilities(forecasts, line, recalibrate=False))
    outcome, decided = over_outcomes(states["final_pra"], line)
    usable = np.isfinite(line) & decided & (forecasts["remaining_mean"].to_numpy(float) > 0)
    completed = completed_periods(states, settings)
    maps = []
    for k in range(settings.game.periods):
        rows = usable & (completed == k)
        maps.append(fit_platt(p[rows], outcome[rows], clip=oc.clip, max_iter=oc.max_iter,
                              range_quantile=oc.range_quantile) if rows.sum() >= max(oc.min_rows, 1) else PlattMap())
    return tuple(maps)


def walk_forward(states: pd.DataFrame, settings: LiveSettings) -> tuple[pd.DataFrame, dict[pd.Timestamp, LiveFit]]:
    """Forecasts of every state by the fit of its block (module docstring), with ``fit_date`` (the block's first
    day; NaT and no forecast where the block had too few training states), and the fits by block."""
    dates = pd.to_datetime(states["game_date"])
    start = dates.min()
    block = retrain_dates(dates, start, settings.fit.refit_every_days)
    parts, fits = [], {}
    for day in np.sort(block.unique()):
        day = pd.Timestamp(day)
        rows = (block == day).to_numpy()
        train = states.loc[(dates < day).to_numpy()]
        if len(train) < settings.fit.min_states:
            continue
        fits[day] = fit_live(train, settings)
        parts.append(forecast(states.loc[rows], fits[day], settings).assign(fit_date=day))
    if not parts:
        return states.iloc[:0].assign(fit_date=pd.Series(dtype="datetime64[ns]")), fits
    return pd.concat(parts).sort_index(), fits
