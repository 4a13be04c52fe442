"""One pricing path: P(win), P(push), P(loss) of both sides of every offer, by the configured method.

The daily bet stage, the backtest and ``nba-pra market`` all price through :func:`price_offers`, so the figures
that justify a bet describe the forecaster that places it. An *offer* is one book's two-sided quote of a prop
(game, player, market) at a line; ``offers`` holds every book's offers of the props being priced (the market's
consensus is read from them) joined to the model's predicted distribution (``dist_family``, ``dist_param_a/b``,
optional ``over_cal_*`` Platt map).

Methods (:class:`PricingMethod`, ``conf/pricing/``):

* ``model``: the predicted distribution at the offer's line.
* ``recalibrated``: ``model`` with P(over | no push) through the Platt map the predictions carry
  (:mod:`nba_pra.model.recalibration`); P(push) kept.
* ``market``: the de-vigged consensus carried to any line. The consensus line ``L*`` is the line most books quote;
  ``q*`` is the books' mean (or median) de-vigged P(over | no push) at ``L*``. The market-implied distribution is
  the model's family with the model's dispersion ``phi = Var / E`` held fixed and the mean ``mu*`` solved so that

      P(X > L* | X != L*; mu*, phi) = q*

  (bisection on ``log mu``; P(over | no push) rises with ``mu`` at a fixed dispersion). It then prices every
  other line of the prop, whole numbers with their pushes included.
* ``market_aware`` (default): the market plus what the model demonstrably adds. The target at ``L*`` is the
  logistic stack :func:`nba_pra.betting.stacking.apply_stack` of the model's raw P(over | no push) at ``L*`` and
  ``q*``, fitted walk-forward on earlier props only; without a fit (too few settled props) it *is* the market.
  The mean is solved for that target as above.

Every method returns, per offer, ``p_over + p_under + p_push = 1``; a side's P(win)/P(loss) are its own and the
other side's probability, and a push returns the stake. Rows that cannot be priced (no prediction, or no
two-sided quote for the market methods) get NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

import numpy as np
import pandas as pd

from nba_pra.betting.settings import PricingMethod, PricingSettings, SolverSettings
from nba_pra.betting.stacking import StackFit, apply_stack
from nba_pra.model.calibration import over_given_decided
from nba_pra.model.distributions import DistributionParams, LineProbabilities, fit, line_probabilities
from nba_pra.model.ensemble import CALIBRATION_COLUMNS
from nba_pra.model.recalibration import apply_platt, recalibrated
from nba_pra.model.settings import DistributionFamily
from nba_pra.odds.market import consensus_probabilities, fair_probabilities, main_lines

PROBABILITY_COLUMNS: Final = ("p_over", "p_under", "p_push")
#: per-offer columns :func:`price_offers` adds besides the probabilities
DIAGNOSTIC_COLUMNS: Final = (
    "consensus_line",  # L*: the line most books quote
    "consensus_over",  # q*: the books' de-vigged P(over | no push) at L*
    "consensus_books",  # books quoting L* with both prices
    "model_over",  # the model's raw P(over | no push) at the offer's own line
    "model_consensus_over",  # ... and at L* (the stack's input)
    "target_over",  # the method's P(over | no push) at L*
    "implied_mean",  # mu* of the market methods' distribution
)


def dispersion(family: np.ndarray, param_b: np.ndarray) -> np.ndarray:
    """Variance-to-mean ratio ``phi`` of each row's distribution: ``1/p`` for NB(n, p), the scale for Gamma."""
    b = np.asarray(param_b, dtype=float)
    negbin = np.asarray(family) == DistributionFamily.NEGBIN.value
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(negbin, 1.0 / b, b)


def family_probabilities(family: np.ndarray, param_a: np.ndarray, param_b: np.ndarray,
                         line: np.ndarray) -> LineProbabilities:
    """P(over/under/push) at ``line`` of rows whose distributions may be of different families (NaN if none)."""
    out = {col: np.full(len(line), np.nan) for col in PROBABILITY_COLUMNS}
    usable = np.isfinite(param_a) & np.isfinite(param_b) & np.isfinite(line)
    for fam in DistributionFamily:
        rows = usable & (np.asarray(family) == fam.value)
        if rows.any():
            probs = line_probabilities(DistributionParams(fam, param_a[rows], param_b[rows]), line[rows])
            out["p_over"][rows], out["p_under"][rows], out["p_push"][rows] = probs.p_over, probs.p_under, probs.p_push
    return LineProbabilities(out["p_over"], out["p_under"], out["p_push"])


def _moment_params(family: np.ndarray, mean: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parameters of each row's family with mean ``mean`` and variance ``phi * mean``."""
    a, b = np.full(len(mean), np.nan), np.full(len(mean), np.nan)
    ok = np.isfinite(mean) & np.isfinite(phi) & (mean > 0) & (phi > 0)
    for fam in DistributionFamily:
        rows = ok & (np.asarray(family) == fam.value)
        if rows.any():
            params = fit(fam, mean[rows], phi[rows] * mean[rows])
            a[rows], b[rows] = params.param_a, params.param_b
    return a, b


def implied_means(family: np.ndarray, phi: np.ndarray, line: np.ndarray, target_over: np.ndarray,
                  solver: SolverSettings) -> np.ndarray:
    """``mu`` with ``P(X > line | X != line) = target_over`` for ``X`` of ``family``, mean ``mu``, variance
    ``phi mu`` (vectorised bisection on ``log mu`` within ``[solver.mean_low, solver.mean_high]``; NaN where the
    inputs are missing). The bracket's ends are returned where the target lies beyond them."""
    n = len(line)
    lo, hi = np.full(n, np.log(solver.mean_low)), np.full(n, np.log(solver.mean_high))
    ok = np.isfinite(phi) & np.isfinite(line) & np.isfinite(target_over)
    for _ in range(solver.steps):
        mid = 0.5 * (lo + hi)
        a, b = _moment_params(family, np.exp(mid), phi)
        p = over_given_decided(family_probabilities(family, a, b, line))
        below = p < target_over
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return np.where(ok, np.exp(0.5 * (lo + hi)), np.nan)


def probabilities_at_mean(family: np.ndarray, mean: np.ndarray, phi: np.ndarray,
                          line: np.ndarray) -> LineProbabilities:
    """P(over/under/push) at ``line`` of ``family`` with mean ``mean`` and variance ``phi * mean`` (PRA points)."""
    family = np.asarray(family, dtype=object)
    return family_probabilities(family, *_moment_params(family, np.asarray(mean, dtype=float),
                                                        np.asarray(phi, dtype=float)), np.asarray(line, dtype=float))


def market_implied_probabilities(family: np.ndarray, phi: np.ndarray, consensus_line: np.ndarray,
                                 target_over: np.ndarray, line: np.ndarray, solver: SolverSettings
                                 ) -> LineProbabilities:
    """P(over/under/push) at ``line`` of the market-implied distribution: ``family`` with variance-to-mean ratio
    ``phi`` and the mean ``mu*`` of :func:`implied_means` that reproduces ``target_over`` = P(over | no push) at
    ``consensus_line``. The translation of a quote at one line to any other line: :func:`price_offers` (per prop,
    one solve) and the closing line value of :mod:`nba_pra.ledger.clv` both go through it."""
    family = np.asarray(family, dtype=object)
    phi = np.asarray(phi, dtype=float)
    mu = implied_means(family, phi, np.asarray(consensus_line, dtype=float), np.asarray(target_over, dtype=float),
                       solver)
    return probabilities_at_mean(family, mu, phi, line)


def consensus(offers: pd.DataFrame, settings: PricingSettings) -> pd.DataFrame:
    """Per prop (``game_id``, ``player_id``[, ``market``]): the consensus line ``L*`` (quoted by the most books;
    :func:`nba_pra.odds.market.main_lines`) and the books' de-vigged P(over | no push) there ``q*``."""
    main = main_lines(offers)
    group = [c for c in main.columns if c != "main_line"]
    at_main = offers.merge(main.rename(columns={"main_line": "line"}), on=[*group, "line"])
    fair = consensus_probabilities(fair_probabilities(at_main, settings.devig), settings.consensus)
    return fair.rename(columns={"line": "consensus_line", "fair_over": "consensus_over",
                                "n_books": "consensus_books"})[[*group, "consensus_line", "consensus_over",
                                                                "consensus_books"]]


def _platt(frame: pd.DataFrame, probs: LineProbabilities) -> LineProbabilities:
    """Rows carrying a Platt map (``over_cal_*``): P(over | no push) through it, P(push) kept."""
    if not all(c in frame.columns for c in CALIBRATION_COLUMNS.values()):
        return probs
    cal = {key: frame[column].to_numpy(float) for key, column in CALIBRATION_COLUMNS.items()}
    rows = np.logical_and.reduce([np.isfinite(v) for v in cal.values()]) & np.isfinite(probs.p_push) & (
        probs.p_push < 1.0)
    if not rows.any():
        return probs
    part = LineProbabilities(probs.p_over[rows], probs.p_under[rows], probs.p_push[rows])
    mapped = recalibrated(part, apply_platt(over_given_decided(part), **{k: v[rows] for k, v in cal.items()}))
    out = LineProbabilities(probs.p_over.copy(), probs.p_under.copy(), probs.p_push.copy())
    out.p_over[rows], out.p_under[rows] = mapped.p_over, mapped.p_under
    return out


def _model_target(frame: pd.DataFrame, settings: PricingSettings, stack: StackFit | None) -> np.ndarray:
    return frame["model_consensus_over"].to_numpy(float)


def _recalibrated_target(frame: pd.DataFrame, settings: PricingSettings, stack: StackFit | None) -> np.ndarray:
    p = frame["model_consensus_over"].to_numpy(float)
    if not all(c in frame.columns for c in CALIBRATION_COLUMNS.values()):
        return p
    cal = {key: frame[column].to_numpy(float) for key, column in CALIBRATION_COLUMNS.items()}
    mapped = apply_platt(p, **cal)
    return np.where(np.isfinite(mapped), mapped, p)


def _market_target(frame: pd.DataFrame, settings: PricingSettings, stack: StackFit | None) -> np.ndarray:
    return frame["consensus_over"].to_numpy(float)


def _market_aware_target(frame: pd.DataFrame, settings: PricingSettings, stack: StackFit | None) -> np.ndarray:
    q = frame["consensus_over"].to_numpy(float)
    if stack is None:
        return q
    model = frame["model_consensus_over"].to_numpy(float)
    out = np.full(len(q), np.nan)
    both = np.isfinite(q) & np.isfinite(model)
    out[both] = apply_stack(stack, model[both], q[both], settings.prob_clip)
    return out


Target = Callable[[pd.DataFrame, PricingSettings, "StackFit | None"], np.ndarray]
#: the market methods' P(over | no push) at the consensus line, from which the implied mean is solved
_TARGETS: Final[dict[PricingMethod, Target]] = {
    PricingMethod.MARKET: _market_target,
    PricingMethod.MARKET_AWARE: _market_aware_target,
}
#: the model methods' target is reported (``target_over``) but they price from the distribution itself
_REPORTED_TARGETS: Final[dict[PricingMethod, Target]] = {
    PricingMethod.MODEL: _model_target, PricingMethod.RECALIBRATED: _recalibrated_target, **_TARGETS,
}


def price_offers(offers: pd.DataFrame, settings: PricingSettings, *, method: PricingMethod | None = None,
                 stack: StackFit | None = None) -> pd.DataFrame:
    """``offers`` with ``p_over``, ``p_under``, ``p_push`` at each offer's own line by ``method`` (default
    ``settings.method``) and the :data:`DIAGNOSTIC_COLUMNS` (see the module docstring). ``stack`` is the
    market-aware fit to use (None: the market alone). The index and every input column are kept."""
    method = PricingMethod(method or settings.method)
    out = offers.copy()
    keys = [c for c in ("game_id", "player_id", "market") if c in out.columns]
    out = out.drop(columns=[c for c in (*PROBABILITY_COLUMNS, *DIAGNOSTIC_COLUMNS) if c in out.columns])
    out = out.reset_index(names="_row").merge(consensus(out, settings), on=keys, how="left")
    out = out.set_index("_row").rename_axis(cast(str | None, offers.index.name)).loc[offers.index]

    family = out["dist_family"].to_numpy(dtype=object)
    a, b = out["dist_param_a"].to_numpy(float), out["dist_param_b"].to_numpy(float)
    line = out["line"].to_numpy(float)
    raw = family_probabilities(family, a, b, line)
    out["model_over"] = over_given_decided(raw)
    out["model_consensus_over"] = over_given_decided(
        family_probabilities(family, a, b, out["consensus_line"].to_numpy(float)))
    out["target_over"] = _REPORTED_TARGETS[method](out, settings, stack)
    out["implied_mean"] = np.nan
    if method is PricingMethod.MODEL:
        probs = raw
    elif method is PricingMethod.RECALIBRATED:
        probs = _platt(out, raw)
    else:
        phi = dispersion(family, b)
        # one solve per prop, not per offer: family, dispersion, L* and the target are the prop's own
        prop = out.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
        first = np.unique(prop, return_index=True)[1]
        mu = implied_means(family[first], phi[first], out["consensus_line"].to_numpy(float)[first],
                           out["target_over"].to_numpy(float)[first], settings.solver)[prop]
        out["implied_mean"] = mu
        probs = probabilities_at_mean(family, mu, phi, line)
    out["p_over"], out["p_under"], out["p_push"] = probs.p_over, probs.p_under, probs.p_push
    return out
