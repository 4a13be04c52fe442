"""Paired comparison of two model versions on the rows both predicted (pure: frames in, frames out, seeded).

Two versions A and B are scored on the same player-games (keys ``game_id``, ``player_id``, ``game_date``), so the
per-row difference ``d_i = s_B(i) - s_A(i)`` removes what the rows share (a hard night is hard for both). Every
score here is lower-is-better, so ``mean(d) < 0`` means **B is better**.

Per-row scores (PRA units where a unit applies), from each version's predicted mean ``mu`` and variance ``v``
through the configured distribution family ``F`` (method of moments, :mod:`nba_pra.model.distributions`):

* ``crps``: ``CRPS(F, y) = sum_x (F(x) - 1{x >= y})^2 * step`` on the grid of :func:`nba_pra.model.metrics.crps`.
* ``log_score``: ``-log P(Y = y)`` (the Gamma discretised to ``F(y + 0.5) - F(y - 0.5)``).
* ``mae``: ``|y - mu|``.
* ``brier_over``: ``(p - o)^2`` and ``log_loss_over``: ``-(o log p + (1 - o) log(1 - p))`` of
  ``p = P(over | no push) = P(Y > L) / (1 - P(Y = L))`` at the book line ``L`` (median across books) with
  ``o = 1{y > L}``; only rows with a book line and no push (``y != L``), NaN elsewhere. ``p`` is the
  distribution's own probability (the Platt map the registered model prices bets with is fitted after training
  and is not in the out-of-fold rows), clipped to ``[eps, 1 - eps]`` for the log loss.

Uncertainty. Rows of one night share the night (pace, referees, the same games), so rows are not independent; a
**date-block bootstrap** resamples whole game dates with replacement: with per-date sums ``S_t = sum_{i in t} d_i``
and counts ``n_t``, one resample of dates ``t_1..t_T`` gives ``mean* = sum_k S_{t_k} / sum_k n_{t_k}`` (the
row-weighted mean, the estimand of ``mean(d)``); the interval is the percentile interval of ``mean*``. A
**Diebold--Mariano** statistic is given beside it with the same date clustering:
``DM = mean(d) / se``, ``se = sqrt(sum_t (S_t - n_t mean(d))^2) / N`` (cluster-robust standard error with dates
as clusters, ``N = sum_t n_t``), two-sided ``p = 2 (1 - Phi(|DM|))``. Both need enough dates: with ``T``
dates the bootstrap has at most ``C(2T-1, T)`` distinct resamples (3 for two dates) and the clustered variance ``T``
terms, so below ``min_blocks`` dates both are NaN (no interval) rather than a confident-looking one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from nba_pra.model import distributions, metrics, scipy_free
from nba_pra.model.settings import DistributionFamily
from nba_pra.stats import FloatArray, day_blocked_mean, day_sums

#: the keys of one out-of-fold row (the date is a key too: it is the bootstrap's block)
PAIR_KEYS: Final = ("game_id", "player_id", "game_date")
#: keep log loss finite at probabilities of exactly 0 or 1
_PROB_EPS: Final = 1e-12


class PairedScore(StrEnum):
    """A lower-is-better per-row score compared between two versions."""

    CRPS = "crps"
    LOG_SCORE = "log_score"
    MAE = "mae"
    BRIER_OVER = "brier_over"
    LOG_LOSS_OVER = "log_loss_over"


#: the scores that need a book line (NaN on rows without one)
LINE_SCORES: Final = (PairedScore.BRIER_OVER, PairedScore.LOG_LOSS_OVER)


@dataclass(frozen=True)
class BootstrapSpec:
    """How the interval is drawn (values from conf: ``tracking.compare``)."""

    n_resamples: int
    confidence: float
    seed: int
    #: fewer blocks (dates) than this give no interval and no DM statistic (NaN); 2 is the least that varies at
    #: all, conf's ``tracking.compare.min_dates`` sets the working value
    min_blocks: int = 2

    def interval(self, diff: npt.ArrayLike, dates: npt.ArrayLike) -> tuple[float, float, float]:
        """``(mean, lo, hi)`` of the finite ``diff`` with its date-block percentile interval
        (:func:`nba_pra.stats.day_blocked_mean`; lo/hi NaN with fewer than ``min_blocks`` dates)."""
        return day_blocked_mean(diff, dates, self.n_resamples, self.confidence, self.seed, self.min_blocks)


@dataclass(frozen=True)
class PairedResult:
    """One score's paired comparison: mean of A, of B, of ``B - A`` with its date-block interval, and DM."""

    score: str
    a: float
    b: float
    diff: float
    lo: float
    hi: float
    rows: int
    dates: int
    dm: float
    p_value: float


def pair_rows(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Rows both versions predicted: keys, ``y``, ``mean_a``/``var_a``/``mean_b``/``var_b``, sorted by the keys.

    ``a`` and ``b`` carry the keys, ``y``, ``mean``, ``var`` (the run's ``oof.parquet`` or the ledger's shadow
    rows). ``y`` is taken from A; rows where the two disagree on ``y`` (a stat correction between runs) are dropped,
    since the versions would not be scored on the same outcome.
    """
    keys = list(PAIR_KEYS)
    left = a[[*keys, "y", "mean", "var"]].assign(game_date=lambda f: pd.to_datetime(f["game_date"]))
    right = b[[*keys, "y", "mean", "var"]].assign(game_date=lambda f: pd.to_datetime(f["game_date"]))
    both = left.merge(right, on=keys, how="inner", suffixes=("_a", "_b"))
    both = both[np.isclose(both["y_a"].to_numpy(float), both["y_b"].to_numpy(float))]
    both = both.drop(columns="y_b").rename(columns={"y_a": "y"})
    return both.sort_values(keys, kind="stable").reset_index(drop=True)


def book_lines(rows: pd.DataFrame, lines: pd.DataFrame | None) -> FloatArray:
    """Each row's book line (median across books, as the evaluation does), NaN where the book posted none."""
    if lines is None or lines.empty:
        return np.full(len(rows), np.nan)
    book = lines.groupby(["game_id", "player_id"], as_index=False)["line"].median()
    joined = rows[["game_id", "player_id"]].merge(book, on=["game_id", "player_id"], how="left")
    return joined["line"].to_numpy(float)


def row_scores(y: npt.ArrayLike, mean: npt.ArrayLike, var: npt.ArrayLike, family: DistributionFamily,
               line: npt.ArrayLike | None = None) -> pd.DataFrame:
    """Every :class:`PairedScore` of each row (columns named by the enum's values); see the module docstring."""
    obs = np.asarray(y, float)
    mu = np.asarray(mean, float)
    params = distributions.fit(family, mu, np.asarray(var, float))
    out = pd.DataFrame({
        PairedScore.CRPS.value: metrics.crps_rows(params, obs),
        PairedScore.LOG_SCORE.value: metrics.log_score_rows(params, obs),
        PairedScore.MAE.value: np.abs(obs - mu),
    })
    ln = np.full(len(obs), np.nan) if line is None else np.asarray(line, float)
    scored = np.isfinite(ln) & (obs != ln)
    brier = np.full(len(obs), np.nan)
    log_loss = np.full(len(obs), np.nan)
    if scored.any():
        sub = distributions.DistributionParams(family, params.param_a[scored], params.param_b[scored])
        probs = distributions.line_probabilities(sub, ln[scored])
        decided = 1.0 - probs.p_push
        p = np.divide(probs.p_over, decided, out=np.full_like(decided, 0.5), where=decided > 0)
        o = (obs[scored] > ln[scored]).astype(float)
        brier[scored] = (p - o) ** 2
        pc = np.clip(p, _PROB_EPS, 1.0 - _PROB_EPS)
        log_loss[scored] = -(o * np.log(pc) + (1.0 - o) * np.log(1.0 - pc))
    out[PairedScore.BRIER_OVER.value] = brier
    out[PairedScore.LOG_LOSS_OVER.value] = log_loss
    return out


def score_pairs(rows: pd.DataFrame, family: DistributionFamily, lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-row scores of A and B on paired ``rows`` (from :func:`pair_rows`): keys, ``<score>_a``, ``<score>_b``."""
    line = book_lines(rows, lines)
    y = rows["y"].to_numpy(float)
    sa = row_scores(y, rows["mean_a"], rows["var_a"], family, line).add_suffix("_a")
    sb = row_scores(y, rows["mean_b"], rows["var_b"], family, line).add_suffix("_b")
    return pd.concat([rows[list(PAIR_KEYS)].reset_index(drop=True), sa, sb], axis=1)


def diebold_mariano(diff: npt.ArrayLike, blocks: npt.ArrayLike, min_blocks: int = 2) -> tuple[float, float]:
    """``(DM, two-sided p)`` of ``mean(d) = 0`` with date-clustered variance (module docstring); NaN when the
    variance is zero, there is no row, or fewer than ``min_blocks`` blocks."""
    d = np.asarray(diff, float)
    keep = np.isfinite(d)
    if not keep.any():
        return float("nan"), float("nan")
    kept_blocks = np.asarray(blocks)[keep]
    sums, counts = day_sums(d[keep], kept_blocks), day_sums(np.ones(int(keep.sum())), kept_blocks)
    if len(sums) < min_blocks:
        return float("nan"), float("nan")
    n = counts.sum()
    mean = sums.sum() / n
    se = float(np.sqrt(np.sum((sums - counts * mean) ** 2)) / n)
    if se <= 0:
        return float("nan"), float("nan")
    stat = float(mean / se)
    return stat, float(2.0 * scipy_free.norm_sf(abs(stat)))


def compare_pairs(scored: pd.DataFrame, spec: BootstrapSpec) -> list[PairedResult]:
    """One :class:`PairedResult` per score on ``scored`` (from :func:`score_pairs`); a line score with no line row
    is left out."""
    dates = pd.to_datetime(scored["game_date"]).to_numpy()
    out: list[PairedResult] = []
    for name in PairedScore:
        a = scored[f"{name.value}_a"].to_numpy(float)
        b = scored[f"{name.value}_b"].to_numpy(float)
        d = b - a
        keep = np.isfinite(d)
        if not keep.any():
            continue
        mean, lo, hi = spec.interval(d, dates)
        dm, p = diebold_mariano(d, dates, spec.min_blocks)
        out.append(PairedResult(name.value, float(a[keep].mean()), float(b[keep].mean()), mean, lo, hi,
                                int(keep.sum()), len(np.unique(dates[keep])), dm, p))
    return out


def results_frame(results: list[PairedResult]) -> pd.DataFrame:
    """The results as a table (one row per score)."""
    columns = ["score", "a", "b", "diff", "lo", "hi", "rows", "dates", "dm", "p_value"]
    return pd.DataFrame([r.__dict__ for r in results], columns=columns)


def compare_versions(a: pd.DataFrame, b: pd.DataFrame, family: DistributionFamily, spec: BootstrapSpec,
                     lines: pd.DataFrame | None = None) -> list[PairedResult]:
    """Pair ``a`` and ``b`` (keys, y, mean, var), score both per row and compare every score (B - A)."""
    return compare_pairs(score_pairs(pair_rows(a, b), family, lines), spec)
