"""Market math: overround, de-vig, consensus and line shopping (price conversions: :mod:`nba_pra.odds.prices`).

Pure, vectorised functions. Conventions:

* American odds ``a``: ``a >= +100`` wins ``a`` per 100 staked; ``a <= -100`` needs ``|a|`` staked to win 100.
  ``+100`` and ``-100`` are the same price (even money); we always write it as ``+100``.
* Decimal odds ``d``: total return per unit staked, stake included (``d > 1``).
* Implied probability ``q = 1 / d`` (includes the bookmaker's margin).
* A two-way market (over / under) has implied probabilities ``q_over + q_under = 1 + overround``.

De-vig methods (``DevigMethod``) turn the implied probabilities ``q_1..q_k`` of one market (``Q = Σ q_i``) into
fair probabilities ``p_1..p_k`` with ``Σ p_i = 1``. On a vig-free market (``Q = 1``) every method returns ``q``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from nba_pra.odds.prices import american_to_decimal, implied_probability
from nba_pra.vocab import Side

FloatArray = npt.NDArray[np.float64]

#: Bisection steps for the power and Shin solvers: the bracket halves each step, 200 steps reach float precision.
_SOLVER_STEPS: Final = 200

#: Grouping keys of one priced market in the lines table.
MARKET_KEYS: Final = ("game_id", "player_id", "line")


class DevigMethod(StrEnum):
    """How the bookmaker's margin is removed from one market's implied probabilities."""

    MULTIPLICATIVE = "multiplicative"
    ADDITIVE = "additive"
    POWER = "power"
    SHIN = "shin"


class ConsensusMethod(StrEnum):
    """How per-book fair probabilities of the same (game, player, line) are combined."""

    MEAN = "mean"
    MEDIAN = "median"


def overround(implied: npt.ArrayLike) -> FloatArray:
    """Bookmaker margin of each market (row): ``Σ_i q_i - 1`` (0.045 = a 4.5 % overround).

    ``implied`` has shape ``(n_markets, n_outcomes)``.
    """
    q = np.atleast_2d(np.asarray(implied, dtype=np.float64))
    return q.sum(axis=1) - 1.0


# --- de-vig -----------------------------------------------------------------------------------------------------


def _check_implied(implied: npt.ArrayLike) -> FloatArray:
    q = np.atleast_2d(np.asarray(implied, dtype=np.float64))
    if q.ndim != 2 or q.shape[1] < 2:
        raise ValueError("implied probabilities must have shape (n_markets, n_outcomes >= 2)")
    if np.any(~np.isfinite(q)) or np.any(q <= 0.0) or np.any(q >= 1.0):
        raise ValueError("implied probabilities must lie strictly between 0 and 1")
    return q


def devig_multiplicative(implied: npt.ArrayLike) -> FloatArray:
    """Multiplicative (proportional) de-vig: ``p_i = q_i / Q``."""
    q = _check_implied(implied)
    return q / q.sum(axis=1, keepdims=True)


def devig_additive(implied: npt.ArrayLike) -> FloatArray:
    """Additive de-vig: ``p_i = q_i - (Q - 1) / k`` (the margin is split equally over the ``k`` outcomes).

    With three or more outcomes the formula can push a long shot below 0 (``q_i < (Q - 1) / k``); such values are
    floored at 0 and the row renormalised, so the result is always a probability vector. (Two-way markets never
    need it: ``q_2 < (q_1 + q_2 - 1) / 2`` would require ``q_1 > 1 + q_2``.)
    """
    q = _check_implied(implied)
    k = q.shape[1]
    p = q - (q.sum(axis=1, keepdims=True) - 1.0) / k
    p = np.clip(p, 0.0, None)
    return p / p.sum(axis=1, keepdims=True)


def devig_power(implied: npt.ArrayLike) -> FloatArray:
    """Power de-vig: ``p_i = q_i^κ`` with ``κ`` solving ``Σ_i q_i^κ = 1`` (κ > 1 when ``Q > 1``).

    ``Σ q_i^κ`` decreases strictly in ``κ`` (every ``q_i`` is in (0, 1)), so the root is found by bisection on
    ``log κ``; it shrinks long shots more than favourites (favourite-long-shot bias).
    """
    q = _check_implied(implied)
    log_q = np.log(q)
    lo = np.full(q.shape[0], -50.0)  # log κ bracket: κ in [e^-50, e^50] covers any margin a book can post
    hi = np.full(q.shape[0], 50.0)
    for _ in range(_SOLVER_STEPS):
        mid = 0.5 * (lo + hi)
        total = np.exp(np.exp(mid)[:, None] * log_q).sum(axis=1)
        too_big = total > 1.0  # sum still above 1 -> κ must grow
        lo = np.where(too_big, mid, lo)
        hi = np.where(too_big, hi, mid)
    p = np.exp(np.exp(0.5 * (lo + hi))[:, None] * log_q)
    return p / p.sum(axis=1, keepdims=True)  # removes the last ~1e-16 of bisection error


def _shin_p(q: FloatArray, z: FloatArray) -> FloatArray:
    big_q = q.sum(axis=1, keepdims=True)
    zc = z[:, None]
    return (np.sqrt(zc**2 + 4.0 * (1.0 - zc) * q**2 / big_q) - zc) / (2.0 * (1.0 - zc))


def shin_z(implied: npt.ArrayLike) -> FloatArray:
    """Shin's insider-trading share ``z`` in [0, 1) of each market.

    Shin (1993): ``p_i(z) = (sqrt(z² + 4 (1 - z) q_i² / Q) - z) / (2 (1 - z))`` and ``z`` solves ``Σ p_i(z) = 1``.
    ``Σ p_i(0) = sqrt(Q) > 1`` and ``Σ p_i(z) → Σ q_i² / Q < 1`` as ``z → 1``, so for ``Q > 1`` a root exists in
    (0, 1) and is found by bisection. A market without margin (``Q <= 1``) has ``z = 0``.
    """
    q = _check_implied(implied)
    lo = np.zeros(q.shape[0])
    hi = np.ones(q.shape[0])
    for _ in range(_SOLVER_STEPS):
        mid = 0.5 * (lo + hi)
        too_big = _shin_p(q, mid).sum(axis=1) > 1.0
        lo = np.where(too_big, mid, lo)
        hi = np.where(too_big, hi, mid)
    z = 0.5 * (lo + hi)
    return np.where(q.sum(axis=1) > 1.0, z, 0.0)


def devig_shin(implied: npt.ArrayLike) -> FloatArray:
    """Shin de-vig: ``p_i(z)`` of :func:`shin_z`; markets without margin (``Q <= 1``) fall back to ``q_i / Q``."""
    q = _check_implied(implied)
    z = shin_z(q)
    p = np.where((q.sum(axis=1) > 1.0)[:, None], _shin_p(q, np.minimum(z, np.nextafter(1.0, 0.0))), q)
    return p / p.sum(axis=1, keepdims=True)


_DEVIG = {
    DevigMethod.MULTIPLICATIVE: devig_multiplicative,
    DevigMethod.ADDITIVE: devig_additive,
    DevigMethod.POWER: devig_power,
    DevigMethod.SHIN: devig_shin,
}


def devig(implied: npt.ArrayLike, method: DevigMethod) -> FloatArray:
    """Fair probabilities of each market (row) of ``implied`` by ``method``; every row sums to 1."""
    return _DEVIG[DevigMethod(method)](implied)


# --- lines tables -----------------------------------------------------------------------------------------------


def _priced(lines: pd.DataFrame, market: str | None) -> pd.DataFrame:
    """Rows that are real, two-sided offers (derived lines and one-sided rows are never prices)."""
    keep = lines["over_price"].notna() & lines["under_price"].notna()
    if "is_derived" in lines.columns:
        keep &= ~lines["is_derived"].astype(bool)
    if market is not None and "market" in lines.columns:
        keep &= lines["market"] == market
    return lines.loc[keep]


def _keys(lines: pd.DataFrame) -> list[str]:
    # with several markets in one table each market is its own group
    return [*MARKET_KEYS, "market"] if "market" in lines.columns else list(MARKET_KEYS)


def fair_probabilities(
    lines: pd.DataFrame, method: DevigMethod, *, market: str | None = None
) -> pd.DataFrame:
    """Per-book implied and fair probabilities of each two-sided offer.

    Returns one row per input offer (derived or one-sided rows dropped) with the keys game_id, player_id, line,
    bookmaker (and market when present) plus ``implied_over``, ``implied_under`` (``1 / d``), ``overround``
    (``q_over + q_under - 1``) and ``fair_over``, ``fair_under`` (de-vigged by ``method``; they sum to 1).
    """
    priced = _priced(lines, market)
    keys = [*_keys(priced), "bookmaker"]
    implied = np.column_stack(
        [implied_probability(priced["over_price"].to_numpy()), implied_probability(priced["under_price"].to_numpy())]
    ) if len(priced) else np.empty((0, 2))
    fair = devig(implied, method) if len(priced) else np.empty((0, 2))
    out = priced[keys].reset_index(drop=True)
    out["implied_over"] = implied[:, 0]
    out["implied_under"] = implied[:, 1]
    out["overround"] = implied.sum(axis=1) - 1.0
    out["fair_over"] = fair[:, 0]
    out["fair_under"] = fair[:, 1]
    return out


def consensus_probabilities(fair: pd.DataFrame, method: ConsensusMethod = ConsensusMethod.MEAN) -> pd.DataFrame:
    """Consensus fair probability across books, one row per (game_id, player_id, line[, market]).

    ``fair_over`` is the mean (or median) of the books' fair over-probabilities at that exact line;
    ``fair_under = 1 - fair_over`` (a mean of vectors summing to 1 sums to 1; a median is renormalised this way).
    ``n_books`` counts the books quoting the line and ``mean_overround`` their average margin.
    """
    keys = list(_keys(fair))
    grouped = fair.groupby(keys, sort=True, observed=True)
    agg = grouped.agg(
        fair_over=("fair_over", str(ConsensusMethod(method))),
        n_books=("bookmaker", "nunique"),
        mean_overround=("overround", "mean"),
    ).reset_index()
    agg["fair_under"] = 1.0 - agg["fair_over"]
    return agg[[*keys, "fair_over", "fair_under", "n_books", "mean_overround"]]


def main_lines(lines: pd.DataFrame, *, market: str | None = None) -> pd.DataFrame:
    """The consensus ("main") line of each (game_id, player_id[, market]): the line quoted by the most books.

    Ties go to the line nearest the median of all quoted lines, then to the lower line (deterministic).
    Returns the group keys plus ``main_line``.
    """
    priced = _priced(lines, market)
    group = [k for k in _keys(priced) if k != "line"]
    counts = priced.groupby([*group, "line"], observed=True)["bookmaker"].nunique().rename("n").reset_index()
    median = priced.groupby(group, observed=True)["line"].median().rename("median_line").reset_index()
    counts = counts.merge(median, on=group)
    counts["distance"] = (counts["line"] - counts["median_line"]).abs()
    counts = counts.sort_values([*group, "n", "distance", "line"],
                                ascending=[*([True] * len(group)), False, True, True])
    first = counts.drop_duplicates(group, keep="first")
    return first[[*group, "line"]].rename(columns={"line": "main_line"}).reset_index(drop=True)


def best_prices(lines: pd.DataFrame, *, market: str | None = None) -> pd.DataFrame:
    """Line shopping: the best over and best under price of each (game_id, player_id, line[, market]).

    Prices are only compared at the **same line**: an over 24.5 at -120 and an over 25.5 at +100 are different
    bets (the model prices each line separately), so each distinct line gets its own row. "Best" is the highest
    decimal odds (highest payout); ties go to the alphabetically first bookmaker. Derived and one-sided rows are
    never candidates.

    Columns: the keys, ``best_over_price``, ``best_over_bookmaker``, ``best_under_price``,
    ``best_under_bookmaker`` (the two sides may come from different books), ``n_books`` (books quoting the line)
    and ``is_main_line`` (the line is the (game, player) consensus line of :func:`main_lines`).
    """
    priced = _priced(lines, market)
    keys = _keys(priced)
    out = priced[keys].drop_duplicates().sort_values(keys).reset_index(drop=True)
    for side in Side:
        col = f"{side}_price"
        ranked = priced.assign(_d=american_to_decimal(priced[col].to_numpy()) if len(priced) else np.empty(0))
        ranked = ranked.sort_values([*keys, "_d", "bookmaker"], ascending=[*([True] * len(keys)), False, True])
        best = ranked.drop_duplicates(keys, keep="first")[[*keys, col, "bookmaker"]]
        best = best.rename(columns={col: f"best_{side}_price", "bookmaker": f"best_{side}_bookmaker"})
        out = out.merge(best, on=keys, how="left")
    n_books = priced.groupby(keys, observed=True)["bookmaker"].nunique().rename("n_books").reset_index()
    out = out.merge(n_books, on=keys, how="left")
    main = main_lines(priced)
    group = [k for k in keys if k != "line"]
    out = out.merge(main, on=group, how="left")
    out["is_main_line"] = out["line"] == out.pop("main_line")
    return out
