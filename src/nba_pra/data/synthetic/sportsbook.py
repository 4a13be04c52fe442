"""The simulated sportsbooks: PRA lines near each book's own noisy median estimate, two American prices with
margin.

A book's estimate of a player's mean is the truth times ``exp(market error + book error)`` (the market error
is shared by all books). It models PRA as negative binomial with variance ``dispersion * mean``, posts the
line at its median (Wilson-Hilferty gamma approximation, rounded to the nearest half point, so both half
points and whole numbers occur), prices both sides from its fair probabilities scaled up by its overround, and
closes at a line whose log-mean moves ``closing_truth_weight`` of the way to the truth.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import nbinom

from nba_pra.data.settings import SportsbookSettings


def median_estimate(mean: np.ndarray, dispersion: float) -> np.ndarray:
    """Median of a gamma with this mean and variance ``dispersion * mean``: ``mean * (1 - 1/(9k))^3``, ``k =
    mean/dispersion``.
    """
    k = mean / dispersion
    return mean * np.clip(1.0 - 1.0 / (9.0 * k), 0.0, None) ** 3


def half_point(x: np.ndarray) -> np.ndarray:
    """Round to the nearest half point (0.5 lines avoid pushes; whole numbers allow them)."""
    return np.maximum(np.rint(2.0 * x) / 2.0, 0.5)


def fair_over_probability(mean: np.ndarray, line: np.ndarray, dispersion: float) -> np.ndarray:
    """P(over) / (P(over) + P(under)) for PRA ~ NB(mean, variance = dispersion * mean) (pushes removed).

    With variance ``dispersion * mean``: scipy's ``nbinom(n, p)`` has ``p = 1/dispersion`` and ``n = mean /
    (dispersion - 1)``.
    """
    p = 1.0 / dispersion
    n = mean / (dispersion - 1.0)
    p_over = nbinom.sf(np.floor(line), n, p)
    p_under = nbinom.cdf(np.ceil(line) - 1.0, n, p)
    return p_over / np.maximum(p_over + p_under, 1e-12)


def implied_to_american(prob: np.ndarray) -> np.ndarray:
    """American odds of an implied probability: ``-100 p/(1-p)`` if ``p >= 0.5`` else ``+100 (1-p)/p``
    (rounded).
    """
    prob = np.clip(prob, 0.01, 0.99)
    fav = np.rint(-100.0 * prob / (1.0 - prob))
    dog = np.rint(100.0 * (1.0 - prob) / prob)
    return np.where(prob >= 0.5, np.minimum(fav, -100.0), np.maximum(dog, 100.0)).astype(np.int64)


def price(mean: np.ndarray, cfg: SportsbookSettings, overround: np.ndarray) -> tuple[np.ndarray, ...]:
    """Line, over price and under price for a book whose estimated mean is ``mean``.

    Implied probabilities are the fair ones times ``1 + overround`` (multiplicative margin).
    """
    line = half_point(median_estimate(mean, cfg.book_dispersion))
    p_over = fair_over_probability(mean, line, cfg.book_dispersion)
    return (
        line,
        implied_to_american(p_over * (1.0 + overround)),
        implied_to_american((1.0 - p_over) * (1.0 + overround)),
    )


def post_lines(
    true_mean: np.ndarray,
    bookmakers: tuple[str, ...],
    rng: np.random.Generator,
    cfg: SportsbookSettings,
    *,
    closed: np.ndarray,
) -> dict[str, np.ndarray]:
    """Lines of every book for player-games with true means ``true_mean`` (one row per covered (prop, book)).

    ``closed`` marks props whose game has started (their closing line is filled; the others get NaN). Returns
    the index of the prop each row belongs to as ``prop`` plus the LINE_COLUMNS price fields.
    """
    n, n_books = true_mean.size, len(bookmakers)
    market = rng.normal(0.0, cfg.market_error_sd, n)
    own = rng.normal(0.0, cfg.book_error_sd, (n, n_books))
    covered = rng.random((n, n_books)) < cfg.coverage
    overround = rng.uniform(*cfg.overround_range, (n, n_books))
    close_noise = rng.normal(0.0, cfg.closing_error_sd, (n, n_books))
    prop, book = np.nonzero(covered)
    log_open = np.log(true_mean[prop]) + market[prop] + own[prop, book]
    w = cfg.closing_truth_weight
    log_close = (1.0 - w) * log_open + w * np.log(true_mean[prop]) + close_noise[prop, book]
    line, over, under = price(np.exp(log_open), cfg, overround[prop, book])
    c_line, c_over, c_under = price(np.exp(log_close), cfg, overround[prop, book])
    is_closed = closed[prop]
    return {
        "prop": prop,
        "bookmaker": np.asarray(bookmakers, dtype=object)[book],
        "line": line,
        "over_price": over,
        "under_price": under,
        "close_line": np.where(is_closed, c_line, np.nan),
        "close_over_price": np.where(is_closed, c_over.astype(float), np.nan),
        "close_under_price": np.where(is_closed, c_under.astype(float), np.nan),
    }
