"""The simulated sportsbooks: a sharp market that knows today's news, books that mostly copy it, one soft book.

Calibrated against the real 2023-24 PRA lines (``benchmarks/market_realism.py``). Per prop (a player-game the
books cover):

* **The market's estimate of the mean** knows what box scores lag -- today's expected minutes, role and injury
  news (the league's pre-game state) -- but estimates the per-minute rate partly from the same public box scores
  every model sees: ``mu_est = mu exp(w (log r_pub - log r) + s_r z_r + s_m z_m)`` with ``mu`` the true mean,
  ``r`` the true per-minute PRA rate, ``r_pub`` the as-of EWMA of the player's PRA per minute
  (:class:`PublicForm`), ``w`` = ``public_weight`` and shared rate / minutes noise ``z``. The market's error is
  thus largely the error of a box-score estimator, which is why a box-score model adds little.
* **Shrunk like a posterior mean**: ``log mu_shr = E[log mu | log mu_est]``, the least-squares line of the
  day's true log-means on its estimates (:func:`posterior_mean`; a sharp market is calibrated given its own
  estimate). An estimate that is not shrunk overshoots its extremes: its overs would fall far shorter of their
  price on the stars' high lines (by 5.7 points of probability, against the truth) than on lines under 20
  (1.7), where the real lines fall short by about the same at every line (1.9 under 20, 2.8 from 30).
* **Leaning to the over**: ``mu_mkt = mu_shr + b sqrt(phi mu_shr)``, ``b`` = ``over_bias`` standard deviations
  of PRA, as the real market does (its overs hit less often than it prices them). A lean in standard deviations
  shifts P(over) by about ``b / sqrt(2 pi)`` whatever the mean; a log-scale lean would put most of it on the
  stars' high lines.
* **Each book** with chance ``own_line_share`` hangs its own line, from ``mu_mkt exp(s_l z_l)``, otherwise it
  quotes the market's line; it prices either line from ``mu_mkt exp(s_p z_p)`` (``s_p`` small): books disagree
  on lines more than on the mean, so a shopper finds a different line at a fair price, not an edge. PRA is
  negative binomial with variance ``phi * mean`` for the books, ``phi`` the prop's true variance-to-mean ratio:
  the market knows a player's shape as it knows his role (one ratio for everyone would price a star's wider
  spread as a role player's, an error a variance model could exploit). The line is the ``n + 0.5`` nearest even
  money (with ``whole_number_lines``: the median, Wilson-Hilferty gamma approximation, rounded to a half point),
  and both fair probabilities are scaled up by the offer's overround.
* **The soft book** (``soft.bookmaker``) on a share ``soft.stale_share`` of its props prices from a stale
  estimate that misses today's minutes news: its minutes are the player's as-of EWMA minutes instead of today's
  expected minutes, ``log mu_stale = log mu_mkt + soft.news_miss * log(m_pub / E[M])``. That is the known
  inefficiency (:mod:`nba_pra.data.synthetic.truth` measures its value on the ground truth).
* **The close** moves each book's log-mean ``closing_truth_weight`` of the way to the truth, plus noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import nbinom

from nba_pra.data.settings import SportsbookSettings


def median_estimate(mean: np.ndarray, dispersion: float | np.ndarray) -> np.ndarray:
    """Median of a gamma with this mean and variance ``dispersion * mean``: ``mean * (1 - 1/(9k))^3``, ``k =
    mean/dispersion``.
    """
    k = mean / dispersion
    return mean * np.clip(1.0 - 1.0 / (9.0 * k), 0.0, None) ** 3


def half_point(x: np.ndarray) -> np.ndarray:
    """Round to the nearest half point (0.5 lines avoid pushes; whole numbers allow them)."""
    return np.maximum(np.rint(2.0 * x) / 2.0, 0.5)


def even_money_hook(mean: np.ndarray, dispersion: float | np.ndarray) -> np.ndarray:
    """The ``n + 0.5`` line nearest even money for PRA ~ NB(mean, variance = dispersion * mean).

    With ``M`` the integer median, the candidates are ``M - 0.5`` (P(over) = P(X >= M) >= 1/2) and ``M + 0.5``
    (P(over) = P(X >= M + 1) <= 1/2); the one whose P(over) is closer to 1/2 is hung. (Hooking the continuous
    gamma median instead leaves the line about a quarter point low: P(over) 0.51 on average.)
    """
    p = 1.0 / dispersion
    n = mean / (dispersion - 1.0)
    med = nbinom.ppf(0.5, n, p)
    low, high = nbinom.sf(med - 1.0, n, p), nbinom.sf(med, n, p)
    return np.maximum(np.where(low - 0.5 < 0.5 - high, med - 0.5, med + 0.5), 0.5)


def fair_over_probability(mean: np.ndarray, line: np.ndarray, dispersion: float | np.ndarray) -> np.ndarray:
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


def posted_line(mean: np.ndarray, dispersion: np.ndarray, cfg: SportsbookSettings) -> np.ndarray:
    """The line a book hangs for its estimated mean (variance ``dispersion * mean``): the hooked line nearest
    even money, or with ``whole_number_lines`` its median rounded to a half point (see the module docstring)."""
    if cfg.whole_number_lines:
        return half_point(median_estimate(mean, dispersion))
    return even_money_hook(mean, dispersion)


def price(mean: np.ndarray, dispersion: np.ndarray, cfg: SportsbookSettings, overround: np.ndarray,
          line: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Line, over price and under price for a book whose estimated mean is ``mean`` (variance ``dispersion *
    mean``; at ``line`` if given, else at :func:`posted_line`).

    Implied probabilities are the fair ones times ``1 + overround`` (multiplicative margin).
    """
    line = posted_line(mean, dispersion, cfg) if line is None else line
    p_over = fair_over_probability(mean, line, dispersion)
    return (
        line,
        implied_to_american(p_over * (1.0 + overround)),
        implied_to_american((1.0 - p_over) * (1.0 + overround)),
    )


@dataclass(frozen=True)
class PublicForm:
    """Every pool player's as-of box-score form, exponentially weighted over his played games (what anyone with
    the box scores can compute): weighted sums of PRA, minutes and games."""

    production: np.ndarray
    minutes: np.ndarray
    games: np.ndarray

    @classmethod
    def empty(cls, n: int) -> PublicForm:
        return cls(np.zeros(n), np.zeros(n), np.zeros(n))

    def grown(self, n: int) -> PublicForm:
        """The same form for a pool of ``n >= size`` players (new players have no games)."""
        extra = n - self.games.size
        return PublicForm(*(np.concatenate([a, np.zeros(extra)]) for a in (self.production, self.minutes,
                                                                            self.games)))

    def rate(self, player: np.ndarray) -> np.ndarray:
        """PRA per minute: weighted PRA / weighted minutes (NaN without minutes)."""
        m = self.minutes[player]
        return np.where(m > 0, self.production[player] / np.where(m > 0, m, 1.0), np.nan)

    def mean_minutes(self, player: np.ndarray) -> np.ndarray:
        """Weighted mean minutes per played game (NaN without games)."""
        g = self.games[player]
        return np.where(g > 0, self.minutes[player] / np.where(g > 0, g, 1.0), np.nan)


def update_form(form: PublicForm, player: np.ndarray, minutes: np.ndarray, pra: np.ndarray, played: np.ndarray,
                halflife_games: float) -> PublicForm:
    """One game day: each played player's sums decay by ``0.5 ** (1 / halflife_games)`` and add this game."""
    decay = 0.5 ** (1.0 / halflife_games)
    who = player[played]
    production, mins, games = form.production.copy(), form.minutes.copy(), form.games.copy()
    production[who] = decay * production[who] + pra[played]
    mins[who] = decay * mins[who] + minutes[played]
    games[who] = decay * games[who] + 1.0
    return PublicForm(production, mins, games)


def market_estimate(true_mean: np.ndarray, true_rate: np.ndarray, public_rate: np.ndarray, shocks: np.ndarray,
                    cfg: SportsbookSettings) -> np.ndarray:
    """``log mu_est`` (module docstring); ``shocks`` are standard normals (rate, minutes) of shape (2, n).

    A player without a usable public rate (no minutes yet, or no production in the few he played: a log of 0
    would make the line infinite) is estimated from his true rate.
    """
    known = np.isfinite(public_rate) & (public_rate > 0)
    lean = np.where(known, np.log(np.where(known, public_rate, 1.0)) - np.log(true_rate), 0.0)
    return np.log(true_mean) + (cfg.public_weight * lean + cfg.rate_error_sd * shocks[0]
                                + cfg.minutes_error_sd * shocks[1])


def market_log_mean(true_mean: np.ndarray, true_rate: np.ndarray, public_rate: np.ndarray,
                    dispersion: np.ndarray, shocks: np.ndarray, cfg: SportsbookSettings) -> np.ndarray:
    """``log mu_mkt`` (module docstring): the :func:`posterior_mean` of :func:`market_estimate` over the props
    passed in (one day's slate), leaning ``over_bias`` standard deviations to the over; ``dispersion`` is each
    prop's variance-to-mean ratio."""
    log_est = market_estimate(true_mean, true_rate, public_rate, shocks, cfg)
    shrunk = np.exp(posterior_mean(np.log(true_mean), log_est))
    return np.log(shrunk + cfg.over_bias * np.sqrt(dispersion * shrunk))


def posterior_mean(log_truth: np.ndarray, log_estimate: np.ndarray) -> np.ndarray:
    """``E[log mu | log mu_est]`` over the day's props: the least-squares line ``a + beta log mu_est`` of the true
    log-means on the estimates, ``beta = cov(log mu, log mu_est) / var(log mu_est)`` (module docstring); the
    estimate itself when the day has fewer than two props or no spread."""
    if log_estimate.size < 2 or np.ptp(log_estimate) == 0:
        return log_estimate
    # elementwise sums, not np.cov: BLAS dot products differ across CPUs, and data.dvc must not
    centred = log_estimate - np.mean(log_estimate)
    beta = np.sum(centred * (log_truth - np.mean(log_truth))) / np.sum(centred * centred)
    return np.mean(log_truth) + beta * centred


def post_lines(
    true_mean: np.ndarray,
    dispersion: np.ndarray,
    log_market: np.ndarray,
    stale_shift: np.ndarray,
    bookmakers: tuple[str, ...],
    rng: np.random.Generator,
    cfg: SportsbookSettings,
    *,
    closed: np.ndarray,
) -> dict[str, np.ndarray]:
    """Lines of every book for covered props (one row per (prop, book)).

    ``dispersion`` is each prop's variance-to-mean ratio, ``log_market`` :func:`market_log_mean`;
    ``stale_shift`` the soft book's log shift on a stale prop (``news_miss * log(m_pub / E[M])``, 0 without
    history). ``closed`` marks props whose game has started (their
    closing line is filled; the others get NaN). Returns the prop index of each row as ``prop``, the
    LINE_COLUMNS price fields and ``stale`` (the row is a stale soft-book offer).
    """
    n, n_books = true_mean.size, len(bookmakers)
    soft = np.asarray(bookmakers) == cfg.soft.bookmaker
    coverage = np.where(soft, cfg.soft.coverage, cfg.coverage)
    covered = rng.random((n, n_books)) < coverage
    own_line = rng.random((n, n_books)) < cfg.own_line_share
    line_error = rng.normal(0.0, cfg.line_error_sd, (n, n_books))
    price_error = rng.normal(0.0, cfg.price_error_sd, (n, n_books))
    stale = (rng.random((n, n_books)) < cfg.soft.stale_share) & soft
    overround_lo, overround_hi = cfg.overround_range
    overround = rng.uniform(overround_lo, overround_hi, (n, n_books))
    close_noise = rng.normal(0.0, cfg.closing_error_sd, (n, n_books))
    prop, book = np.nonzero(covered)
    is_stale = stale[prop, book]
    shift = np.where(is_stale, stale_shift[prop], 0.0)
    log_price = log_market[prop] + price_error[prop, book] + shift
    phi = dispersion[prop]
    market_line = posted_line(np.exp(log_market), dispersion, cfg)[prop]
    own = posted_line(np.exp(log_market[prop] + line_error[prop, book] + shift), phi, cfg)
    # a stale soft-book offer hangs its own (stale) line: it has not seen the market move
    line = np.where(own_line[prop, book] | is_stale, own, market_line)
    w = cfg.closing_truth_weight
    log_close = (1.0 - w) * log_price + w * np.log(true_mean[prop]) + close_noise[prop, book]
    line, over, under = price(np.exp(log_price), phi, cfg, overround[prop, book], line)
    c_line, c_over, c_under = price(np.exp(log_close), phi, cfg, overround[prop, book])
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
        "stale": is_stale,
    }
