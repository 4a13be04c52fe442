"""Stage ``evidence``: every pricing method replayed walk-forward over the backtest range (by default the
current season up to the last finished day), and the evidence the bet stage's gate reads.

Retrain blocks are cached (:func:`nba_pra.evaluation.predictions.block_memo`), so a day added to the data retrains only
the last block. A range without priced props (e.g. real odds with no line history) leaves an existing evidence
file -- such as one written by ``nba-pra market`` on recorded lines -- untouched, and says so.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from nba_pra import artifacts
from nba_pra.backtest.runner import EvidenceRun, load_inputs, walk_forward_evidence
from nba_pra.betting.gate import write_evidence
from nba_pra.config import Project
from nba_pra.evaluation.cache import PredictionCache, PruneReport
from nba_pra.evidence.gate_figures import state_summary
from nba_pra.reporting.headline import evidence_headline
from nba_pra.stages._runner import run_stage

log = logging.getLogger(__name__)


def summary(run: EvidenceRun, method: str) -> dict[str, Any]:
    """Flat figures for ``dvc metrics``: the configured method against the market, and the gate's bets."""
    m = run.evidence.methods.get(method)
    out: dict[str, Any] = {"pricing": method, "start": str(run.start.date()), "end": str(run.end.date()),
                           "props": len(run.replay.props), "synthetic": run.evidence.synthetic}
    if m is not None:
        out.update({"logloss_minus_market": m.logloss_minus_market,
                    "logloss_minus_market_lo": m.logloss_minus_market_lo,
                    "logloss_minus_market_hi": m.logloss_minus_market_hi,
                    "books_staked": sorted(b for b, v in m.books.items() if v.staked)})
    return out


def run(project: Project) -> dict[str, Any]:
    figures = write_evidence_figures(project)
    prune_cache(project, now=time.time())
    return figures


def prune_cache(project: Project, now: float) -> PruneReport:
    """Delete the walk-forward cache's entries no run has used for ``backtest.cache_keep_days`` days (a new day
    leaves the previous day's replay entries unused: without this the cache grows every day)."""
    bt = project.settings.backtest
    report = PredictionCache(project.root / bt.cache_dir).prune(bt.cache_keep_days, now)
    if report.entries:
        log.info("cache: deleted %d entries (%.1f MB) unused for %d days", report.entries, report.bytes / 1e6,
                 bt.cache_keep_days)
    return report


def write_evidence_figures(project: Project) -> dict[str, Any]:
    """The walk-forward evidence and its figures, written for the bet stage and ``dvc metrics``."""
    s = project.settings
    result = walk_forward_evidence(project, load_inputs(project), source="evidence")
    method = s.pricing.method.value
    figures = summary(result, method)
    states = state_summary(result.gate.bets, s.backtest.bootstrap, s.seed)
    row: Any  # pandas-stubs types itertuples() fields as any scalar
    for row in states.loc[states["method"] == method].itertuples(index=False):
        figures[f"gate_{row.state}_bets"] = int(row.bets)
        figures[f"gate_{row.state}_roi"] = float(row.roi)
    artifacts.write_record(project, artifacts.EVIDENCE_SUMMARY, figures)
    artifacts.write_record(project, artifacts.EVIDENCE_HEADLINE, evidence_headline(figures))
    path = artifacts.EVIDENCE.path(project)
    if result.replay.props.empty and path.is_file():
        log.warning("no priced prop between %s and %s: %s left as it was", result.start.date(), result.end.date(),
                    path)
        return figures
    write_evidence(result.evidence, path)
    if result.replay.props.empty:
        log.warning("no priced prop between %s and %s: no evidence (every bet stays paper)", result.start.date(),
                    result.end.date())
        return figures
    m = result.evidence.methods[method]
    staked = figures.get("books_staked") or []
    log.info("evidence %s..%s (%d props): %s log loss %+.4f vs the market [%+.4f, %+.4f]; books that may stake: %s",
             result.evidence.window_start, result.evidence.window_end, m.props, method, m.logloss_minus_market,
             m.logloss_minus_market_lo, m.logloss_minus_market_hi, ", ".join(staked) or "none")
    return figures


if __name__ == "__main__":
    run_stage(run)
