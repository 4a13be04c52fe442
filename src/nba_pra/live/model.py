"""The in-game model: the distribution of a player's final PRA given the pre-game forecast and his partial box score.

Final PRA = PRA so far ``y_t`` + remaining PRA ``Y_R``. With ``G`` regulation minutes, ``t`` played and ``R`` left
(:func:`nba_pra.live.state.elapsed_and_remaining`), the pre-game mean ``mu0`` and minutes estimate ``m0``, and his
``m_t`` minutes and ``y_t`` PRA so far:

* **share of the remaining game** he plays, shrunk from the pre-game share ``s0 = m0 / G`` to tonight's ``m_t / t``
  with a prior weight of ``k_m`` game minutes: ``s = (k_m s0 + m_t) / (k_m + t)``;
* **remaining minutes** ``m_R = min(R s exp(x . beta), R)``, with ``x`` = (1, ``f = t/G``, foul pressure
  ``max(0, pf - tolerated(next period))``, blowout pressure ``b = max(0, |margin| - blowout_margin)``,
  ``b s0``, ``s0 f``): foul trouble and garbage time taper his minutes (the bench's rise in a blowout through
  ``b s0``); ``m_R = 0`` once he is out, fouled out, or the clock has run out;
* **PRA per minute** shrunk from the pre-game rate ``r0 = mu0 / m0`` to tonight's with a prior weight of ``k_r`` of
  his minutes: ``r = (k_r r0 + y_t) / (k_r + m_t)`` (the gamma-Poisson posterior mean);
* ``E[Y_R] = mu_R = r m_R`` and ``Var[Y_R] = c0 mu_R + mu_R^2 (c1 (1 - f) + c2 f)`` (points come in twos and
  threes: ``c0 > 1``; the squared term is the uncertainty of his rate and minutes, resolved as the game goes on);
* ``Y_R`` has the pre-game family (negative binomial or gamma) with those moments; with no remaining minutes it is
  0 and the final PRA is ``y_t`` for sure.

``k_m``, ``beta``, ``k_r`` and ``c`` are a :class:`LiveFit` (:mod:`nba_pra.live.fit`). P(over/under/push) of the
final PRA at a live line ``L`` is that of ``Y_R`` at ``L - y_t``, priced by the pre-game path
(:func:`nba_pra.betting.pricing.family_probabilities`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from nba_pra.betting.pricing import family_probabilities
from nba_pra.live.settings import LiveSettings
from nba_pra.live.state import elapsed_and_remaining, regulation_minutes
from nba_pra.model.calibration import over_given_decided
from nba_pra.model.distributions import DistributionParams, LineProbabilities, fit
from nba_pra.model.ensemble import CALIBRATION_COLUMNS
from nba_pra.model.exact import matvec
from nba_pra.model.metrics import crps_rows
from nba_pra.model.recalibration import PlattMap, apply_platt, recalibrated
from nba_pra.model.settings import DistributionFamily

#: the terms ``x`` of the remaining-minutes model, in order
MINUTES_TERMS: Final = ("intercept", "elapsed", "foul_pressure", "blowout", "blowout_x_share", "share_x_elapsed")
#: the pre-game inputs of a state row: the predicted moments and family, and the minutes estimate
PREGAME_COLUMNS: Final = ("mean", "var", "dist_family", "pregame_minutes")
#: what :func:`forecast` adds
FORECAST_COLUMNS: Final = ("remaining_minutes", "remaining_mean", "remaining_var", "dist_family", "dist_param_a",
                           "dist_param_b")


@dataclass(frozen=True)
class LiveFit:
    """The fitted adjustments (see the module docstring)."""

    minutes_prior: float  # k_m, game minutes
    minutes_coef: tuple[float, ...]  # beta over MINUTES_TERMS
    rate_prior: float  # k_r, his minutes
    variance_coef: tuple[float, float, float]  # c0, c1 (start of the game), c2 (end)
    n_states: int  # training states it was fitted on
    #: P(over | no push) recalibration by periods completed (0, 1, ...; none: the identity)
    over_maps: tuple[PlattMap, ...] = field(default=())

    def over_map(self, completed: int) -> PlattMap:
        return self.over_maps[completed] if completed < len(self.over_maps) else PlattMap()


@dataclass(frozen=True)
class Design:
    """Per state: clock, pre-game share and rate, the minutes terms and whether anything is left to play."""

    elapsed: np.ndarray  # t, game minutes
    remaining: np.ndarray  # R, game minutes
    share0: np.ndarray  # s0
    rate0: np.ndarray  # r0, PRA per minute
    terms: np.ndarray  # x, rows x MINUTES_TERMS
    finished: np.ndarray  # bool: no minute left for him


def design(states: pd.DataFrame, settings: LiveSettings) -> Design:
    """The model's inputs of each state row (pre-game and partial box-score columns)."""
    game = settings.game
    total = regulation_minutes(game)
    period = states["period"].to_numpy(np.int64)
    clock = states["clock_s"].to_numpy(float)
    t, r = elapsed_and_remaining(period, clock, game)
    m0 = states["pregame_minutes"].to_numpy(float)
    share0 = np.clip(m0 / total, 0.0, 1.0)
    rate0 = states["mean"].to_numpy(float) / np.maximum(m0, np.finfo(float).tiny)
    # fouls tolerated in the period being played (the next one once the clock of a period has run out)
    playing = np.where((clock <= 0) & (period < game.periods), period + 1, period)
    tolerated = np.asarray(settings.fouls_tolerated, dtype=float)
    pf = states["pf"].to_numpy(float)
    foul = np.maximum(pf - tolerated[np.clip(playing, 1, tolerated.size) - 1], 0.0)
    blow = np.maximum(np.abs(states["margin"].to_numpy(float)) - settings.blowout_margin, 0.0)
    frac = np.clip(t / total, 0.0, 1.0)
    terms = np.column_stack([np.ones_like(t), frac, foul, blow, blow * share0, share0 * frac])
    finished = states["out"].to_numpy(bool) | (pf >= game.foul_out) | (r <= 0)
    return Design(t, r, share0, rate0, terms, finished)


def completed_periods(states: pd.DataFrame, settings: LiveSettings) -> np.ndarray:
    """Regulation periods completed (0 before the first buzzer; overtime counts as the last one): the game state
    a live P(over) recalibration is fitted and applied by."""
    t, _ = elapsed_and_remaining(states["period"].to_numpy(np.int64), states["clock_s"].to_numpy(float), settings.game)
    done = np.floor(t / settings.game.period_minutes + 1e-9).astype(np.int64)
    return np.clip(done, 0, settings.game.periods - 1)


def shrunk_share(d: Design, minutes: npt.ArrayLike, prior: float) -> np.ndarray:
    """``s = (k_m s0 + m_t) / (k_m + t)``."""
    return (prior * d.share0 + np.asarray(minutes, float)) / (prior + d.elapsed)


def shrunk_rate(d: Design, minutes: npt.ArrayLike, pra: npt.ArrayLike, prior: float) -> np.ndarray:
    """``r = (k_r r0 + y_t) / (k_r + m_t)`` (PRA per minute)."""
    return (prior * d.rate0 + np.asarray(pra, float)) / (prior + np.asarray(minutes, float))


def remaining_minutes(d: Design, minutes: npt.ArrayLike, live: LiveFit) -> np.ndarray:
    """``m_R = min(R s exp(x . beta), R)``, 0 when he is finished."""
    m = d.remaining * shrunk_share(d, minutes, live.minutes_prior) * np.exp(matvec(d.terms, live.minutes_coef))
    return np.where(d.finished, 0.0, np.minimum(m, d.remaining))


def variance_terms(d: Design, mean: np.ndarray) -> np.ndarray:
    """The columns ``(mu, mu^2 (1 - f), mu^2 f)`` that ``Var[Y_R]`` is linear in."""
    frac = d.terms[:, MINUTES_TERMS.index("elapsed")]
    return np.column_stack([mean, mean**2 * (1.0 - frac), mean**2 * frac])


def forecast(states: pd.DataFrame, live: LiveFit, settings: LiveSettings) -> pd.DataFrame:
    """``states`` with :data:`FORECAST_COLUMNS`: the remaining minutes and the remaining PRA's moments and
    distribution parameters (NaN parameters where nothing is left: the final PRA is the PRA so far)."""
    d = design(states, settings)
    minutes = states["minutes"].to_numpy(float)
    m_r = remaining_minutes(d, minutes, live)
    mu = shrunk_rate(d, minutes, states["pra"].to_numpy(float), live.rate_prior) * m_r
    var = matvec(variance_terms(d, mu), live.variance_coef)
    family = states["dist_family"].to_numpy(dtype=object)
    a, b = np.full(len(states), np.nan), np.full(len(states), np.nan)
    for fam in DistributionFamily:
        rows = (mu > 0) & (var > 0) & (family == fam.value)
        if rows.any():
            params = fit(fam, mu[rows], var[rows])
            a[rows], b[rows] = params.param_a, params.param_b
    out = states.copy()
    out["remaining_minutes"], out["remaining_mean"], out["remaining_var"] = m_r, mu, np.where(mu > 0, var, 0.0)
    out["dist_param_a"], out["dist_param_b"] = a, b
    completed = completed_periods(states, settings)
    maps = [live.over_map(k) for k in range(settings.game.periods)]
    for key, column in CALIBRATION_COLUMNS.items():
        out[column] = np.asarray([getattr(m, key) for m in maps], dtype=float)[completed]
    return out


def _certain(rows: pd.DataFrame) -> np.ndarray:
    """Rows whose remaining PRA is 0 for sure."""
    return ~(rows["remaining_mean"].to_numpy(float) > 0)


def final_probabilities(forecasts: pd.DataFrame, line: npt.ArrayLike, *, recalibrate: bool = True
                        ) -> LineProbabilities:
    """P(final PRA over / under / push ``line``): the remaining PRA's at ``line - y_t`` through the pre-game pricing
    path, P(over | no push) through the state's Platt map (``over_cal_*``, as the ``recalibrated`` pricing method
    does; ``recalibrate=False``: raw); where nothing is left, 1 for the side the PRA so far is on (push when it
    equals the line)."""
    so_far = forecasts["pra"].to_numpy(float)
    lines = np.broadcast_to(np.asarray(line, float), so_far.shape)
    probs = family_probabilities(forecasts["dist_family"].to_numpy(dtype=object),
                                 forecasts["dist_param_a"].to_numpy(float), forecasts["dist_param_b"].to_numpy(float),
                                 lines - so_far)
    if recalibrate and all(c in forecasts.columns for c in CALIBRATION_COLUMNS.values()):
        cal = {key: forecasts[column].to_numpy(float) for key, column in CALIBRATION_COLUMNS.items()}
        probs = recalibrated(probs, apply_platt(over_given_decided(probs), **cal))
    certain = _certain(forecasts)
    over = np.where(certain, (so_far > lines).astype(float), probs.p_over)
    push = np.where(certain, (so_far == lines).astype(float), probs.p_push)
    under = np.where(certain, (so_far < lines).astype(float), probs.p_under)
    return LineProbabilities(p_over=over, p_under=under, p_push=push)


def final_crps(forecasts: pd.DataFrame, final_pra: npt.ArrayLike) -> np.ndarray:
    """CRPS of each row's final-PRA distribution (PRA units). The CRPS is shift-invariant, so it is the remaining
    PRA's at ``y - y_t``; a certain remaining 0 scores ``|y - y_t|``."""
    so_far = forecasts["pra"].to_numpy(float)
    left = np.asarray(final_pra, float) - so_far
    out = np.abs(left)
    certain = _certain(forecasts)
    family = forecasts["dist_family"].to_numpy(dtype=object)
    a, b = forecasts["dist_param_a"].to_numpy(float), forecasts["dist_param_b"].to_numpy(float)
    for fam in DistributionFamily:
        rows = ~certain & (family == fam.value)
        if rows.any():
            out[rows] = crps_rows(DistributionParams(fam, a[rows], b[rows]), left[rows])
    return out
