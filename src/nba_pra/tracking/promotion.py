"""Champion/challenger promotion on the same held-out rows.

Every training logs its out-of-fold predictions (``oof.parquet``: each validation row predicted by a fold model
that never saw it). Two versions are compared on the rows both have out of fold, restricted to the most recent
``promotion_window_days`` of that overlap, by the configured lower-is-better score (default CRPS of the
configured distribution). Two rules (``tracking.promotion_rule``):

* ``interval`` (default): per-row differences ``d_i = s_candidate(i) - s_champion(i)`` on those rows, their mean
  and date-block bootstrap interval ``[lo, hi]`` (:mod:`nba_pra.evaluation.paired`); promote when
  ``hi < promotion_threshold`` (default 0: the challenger is better beyond the noise of which nights were drawn).
* ``margin``: promote when ``candidate < champion * (1 - margin)`` on the pooled scores (no interval).

When the versions share fewer than ``promotion_min_rows`` held-out rows (e.g. trained on different leagues) the
comparison falls back to each version's own pooled validation score under the margin rule, and the decision says
so. ``--force`` skips the comparison. Every decision is logged to the
candidate's MLflow run (``promotion_*`` metrics and tags) and to its registry version (tags
:data:`DECISION_TAG` and :data:`REASON_TAG`: one rounded sentence, which ``status`` and the dashboard show).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.evaluation import paired
from nba_pra.model.train import score
from nba_pra.tracking.client import Tracker
from nba_pra.tracking.settings import PromotionRule, TrackingSettings
from nba_pra.tracking.tags import DECISION_TAG, KEPT, PROMOTED, REASON_TAG
from nba_pra.vocab import PLAYER_GAME_KEYS

log = logging.getLogger(__name__)

_KEYS = list(PLAYER_GAME_KEYS)
#: decimals of scores in a reason (CRPS ~ 4: a thousandth is well below any difference that matters)
_SCORE_DECIMALS: Final = 3


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    candidate_version: str
    champion_version: str | None
    metric: str
    candidate_score: float | None
    champion_score: float | None
    rows: int
    reason: str
    #: the paired difference candidate - champion and its interval (None without shared rows; logged under either
    #: rule, decisive under the interval rule)
    diff: float | None = None
    diff_lo: float | None = None
    diff_hi: float | None = None


@dataclass(frozen=True)
class Scores:
    """Two versions' scores on what they were compared on, and the paired difference when rows were shared."""

    candidate: float | None
    champion: float | None
    rows: int
    how: str
    diff: float | None = None
    lo: float | None = None
    hi: float | None = None


def decide_interval(diff: float, lo: float, hi: float, *, threshold: float, force: bool,
                    metric: str = "score") -> tuple[bool, str]:
    """Pure rule: promote when the upper bound ``hi`` of the paired difference candidate - champion is below
    ``threshold`` (lower scores are better, so a negative difference favours the challenger)."""
    if force:
        return True, "forced with --force (no comparison)"
    d = _SCORE_DECIMALS
    text = f"challenger - champion {metric.upper()} {diff:+.{d}f} [{lo:+.{d}f}, {hi:+.{d}f}]"
    if hi < threshold:
        return True, f"{text}: the interval lies below {threshold:+.{d}f}, the challenger is better"
    return False, f"{text}: the interval reaches {threshold:+.{d}f} or above, not a clear improvement " \
                  "(lower is better)"


def decide(
    candidate_score: float | None, champion_score: float | None, *, margin: float, force: bool, metric: str = "score"
) -> tuple[bool, str]:
    """Pure rule: (promote?, why, as a sentence with the scores rounded). Lower scores are better: promote when
    ``candidate < champion * (1 - margin)``."""
    if force:
        return True, "forced with --force (no comparison)"
    if champion_score is None:
        return True, "no champion score to beat"
    if candidate_score is None:
        return False, "the challenger has no score"
    name, d = metric.upper(), _SCORE_DECIMALS
    needed = champion_score * (1.0 - margin)
    margin_text = f" by the {margin:.1%} margin (needs below {needed:.{d}f})" if margin > 0 else ""
    gap = candidate_score - champion_score
    # the gap with two significant digits: rounded scores alone may print equal
    gap_text = f"{'worse' if gap > 0 else 'better'} by {abs(gap):.2g}" if gap else "equal"
    if candidate_score < needed:
        return True, f"challenger {name} {candidate_score:.{d}f} beats the champion's {champion_score:.{d}f}" \
                     f"{margin_text} ({gap_text})"
    return False, f"challenger {name} {candidate_score:.{d}f} is not below the champion's " \
                  f"{champion_score:.{d}f}{margin_text} ({gap_text}; lower is better)"


def common_window(candidate: pd.DataFrame, champion: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """Rows both versions predicted out of fold, in the last ``window_days`` of their overlap.

    Columns: keys, game_date, y, and ``mean_cand``/``var_cand``/``mean_champ``/``var_champ``.
    """
    both = candidate.merge(
        champion[[*_KEYS, "mean", "var"]], on=_KEYS, how="inner", suffixes=("_cand", "_champ")
    )
    if both.empty:
        return both
    start = pd.Timestamp(both["game_date"].max()) - pd.Timedelta(days=window_days)
    return both[both["game_date"] > start]


def compare(project: Project, tracker: Tracker, candidate_version: str, champion_version: str) -> Scores:
    """Both versions' scores on the shared held-out window, with the paired interval when rows are shared."""
    s = project.settings
    metric = s.tracking.promotion_metric
    cand_oof = tracker.load_run_table(tracker.version_run_id(candidate_version) or "", artifacts.RUN_OOF.path)
    champ_oof = tracker.load_run_table(tracker.version_run_id(champion_version) or "", artifacts.RUN_OOF.path)
    if cand_oof is not None and champ_oof is not None:
        rows = common_window(cand_oof, champ_oof, s.tracking.promotion_window_days)
        if len(rows) >= s.tracking.promotion_min_rows:
            y = rows["y"].to_numpy(float)
            family = s.distribution.family
            cand = score(y, rows["mean_cand"].to_numpy(float), rows["var_cand"].to_numpy(float), family)
            champ = score(y, rows["mean_champ"].to_numpy(float), rows["var_champ"].to_numpy(float), family)
            out = Scores(cand.get(metric), champ.get(metric), len(rows), "same held-out rows")
            if metric in {p.value for p in paired.PairedScore}:
                a = paired.row_scores(y, rows["mean_champ"], rows["var_champ"], family)[metric].to_numpy(float)
                b = paired.row_scores(y, rows["mean_cand"], rows["var_cand"], family)[metric].to_numpy(float)
                c = s.tracking.compare
                spec = paired.BootstrapSpec(c.n_resamples, c.confidence, c.seed, c.min_dates)
                diff, lo, hi = spec.interval(b - a, pd.to_datetime(rows["game_date"]).to_numpy())
                out = Scores(out.candidate, out.champion, out.rows, out.how, diff, lo, hi)
            return out
    cand_score = tracker.version_metrics(candidate_version).get(metric)
    champ_score = tracker.version_metrics(champion_version).get(metric)
    return Scores(cand_score, champ_score, 0, "no shared held-out rows: each version's own validation score")


def _decide(s: Scores, tracking: TrackingSettings, force: bool) -> tuple[bool, str]:
    """The configured rule on ``s``; the interval rule needs the paired interval, else the margin rule decides."""
    if tracking.promotion_rule is PromotionRule.INTERVAL and s.diff is not None and s.lo is not None \
            and s.hi is not None and np.isfinite(s.hi) and not force:
        ok, reason = decide_interval(s.diff, s.lo, s.hi, threshold=tracking.promotion_threshold, force=force,
                                     metric=tracking.promotion_metric)
        if s.candidate is not None and s.champion is not None:
            d = _SCORE_DECIMALS
            reason += f" (challenger {s.candidate:.{d}f}, champion {s.champion:.{d}f})"
        return ok, reason
    ok, reason = decide(s.candidate, s.champion, margin=tracking.promotion_margin, force=force,
                        metric=tracking.promotion_metric)
    if tracking.promotion_rule is PromotionRule.INTERVAL and not force and s.champion is not None \
            and s.candidate is not None:
        reason += (" (margin rule: no paired interval: too few shared held-out rows or dates, or a metric without "
                   "per-row scores)")
    return ok, reason


def promote(project: Project, tracker: Tracker, *, version: str | None = None,
            force: bool = False) -> PromotionDecision:
    """Compare ``version`` (default: @challenger) with @champion and move the champion alias if it wins."""
    s = project.settings.tracking
    if version is None:
        version = tracker.resolve(s.challenger_alias).version
    champion = tracker.try_resolve(s.champion_alias)
    scores: Scores | None = None
    if champion is None:
        cand_score, champ_score, rows, how = None, None, 0, "no champion"
        ok, reason = True, "no champion yet"
    elif champion.version == version:
        cand_score = champ_score = None
        rows, how = 0, "same version"
        ok, reason = False, "already the champion"
    else:
        scores = compare(project, tracker, version, champion.version)
        cand_score, champ_score, rows, how = scores.candidate, scores.champion, scores.rows, scores.how
        ok, reason = _decide(scores, s, force)
        reason = f"{reason}; compared with version {champion.version} on {how}" + (f" ({rows:,} rows)" if rows else "")
    interval = (scores.diff, scores.lo, scores.hi) if scores is not None else (None, None, None)
    decision = PromotionDecision(ok, version, champion.version if champion else None, s.promotion_metric,
                                 cand_score, champ_score, rows, reason, *interval)
    if ok:
        tracker.set_alias(s.champion_alias, version)
    verdict = PROMOTED if ok else KEPT
    if champion is None or champion.version != version:
        tracker.tag_version(version, {DECISION_TAG: verdict, REASON_TAG: reason})
    run_id = tracker.version_run_id(version)
    if run_id:
        metrics = {"promotion_rows": float(rows)}
        metrics.update({f"promotion_candidate_{s.promotion_metric}": cand_score} if cand_score is not None else {})
        metrics.update({f"promotion_champion_{s.promotion_metric}": champ_score} if champ_score is not None else {})
        metrics.update({f"promotion_diff_{k}": v for k, v in zip(("mean", "lo", "hi"), interval, strict=True)
                        if v is not None and np.isfinite(v)})
        tracker.log_to_run(run_id, {k: v for k, v in metrics.items() if np.isfinite(v)},
                           {DECISION_TAG: verdict, REASON_TAG: reason,
                            "promotion_champion_version": str(decision.champion_version)})
    log.info("version %s %s (champion was version %s): %s", version, "promoted to champion" if ok else
             "not promoted", decision.champion_version, reason)
    return decision


def promote_cli(project: Project, *, version: str | None, force: bool) -> PromotionDecision:
    decision = promote(project, Tracker(project.settings.tracking, project.root), version=version, force=force)
    print(f"{'promoted' if decision.promote else 'not promoted'}: version {decision.candidate_version} "
          f"({decision.reason})")
    return decision
