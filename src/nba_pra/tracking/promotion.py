"""Champion/challenger promotion: compare on the same held-out rows, move ``champion`` only when better.

The decision rule: promote when ``challenger_score < champion_score * (1 - margin)`` for a lower-is-better
metric (default CRPS). ``--force`` skips the comparison. Every decision is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nba_pra.config import Project
from nba_pra.tracking.client import Tracker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PromotionDecision:
    promote: bool
    candidate_version: str
    champion_version: str | None
    metric: str
    candidate_score: float | None
    champion_score: float | None
    reason: str


def decide(
    candidate_score: float | None, champion_score: float | None, *, margin: float, force: bool
) -> tuple[bool, str]:
    """Pure rule: (promote?, why). Lower scores are better."""
    if force:
        return True, "forced"
    if champion_score is None:
        return True, "no champion score to beat"
    if candidate_score is None:
        return False, "candidate has no score"
    if candidate_score < champion_score * (1.0 - margin):
        return True, f"better by {champion_score - candidate_score:.4f} (margin {margin:.1%})"
    return False, f"not better than champion by the {margin:.1%} margin"


def promote_cli(project: Project, *, version: str | None, force: bool) -> PromotionDecision:
    s = project.settings.tracking
    tracker = Tracker(s, project.root)
    if version is None:
        challenger = tracker.resolve(s.challenger_alias)
        version = challenger.version
    champion = tracker.try_resolve(s.champion_alias)
    metric = s.promotion_metric
    cand_score = tracker.version_metrics(version).get(metric)
    champ_score = tracker.version_metrics(champion.version).get(metric) if champion else None
    if champion is not None and champion.version == version:
        promote, reason = False, "already the champion"
    else:
        promote, reason = decide(cand_score, champ_score, margin=s.promotion_margin, force=force)
    decision = PromotionDecision(
        promote, version, champion.version if champion else None, metric, cand_score, champ_score, reason
    )
    if promote:
        tracker.set_alias(s.champion_alias, version)
    log.info(
        "promotion of version %s over %s on %s (%s vs %s): %s -- %s", version, decision.champion_version, metric,
        cand_score, champ_score, "PROMOTED" if promote else "kept champion", reason,
    )
    print(f"{'promoted' if promote else 'not promoted'}: version {version} ({reason})")
    return decision
