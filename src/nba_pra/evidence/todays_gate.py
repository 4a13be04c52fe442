"""Today's evidence gate: the evidence stage's file, checked against the odds in use, as the bet stage and the
CLI's reports apply it."""

from __future__ import annotations

import logging

from nba_pra import artifacts
from nba_pra.betting.gate import GET_EVIDENCE, Gate, read_evidence
from nba_pra.betting.settings import PricingMethod
from nba_pra.betting.stacking import StackFit
from nba_pra.config import Project
from nba_pra.provenance import market_is_synthetic

log = logging.getLogger(__name__)


def load_gate(project: Project) -> tuple[Gate, StackFit | None, list[str]]:
    """The evidence gate, the market-aware stack to price with and the warnings to print (every run).

    Evidence from the other kind of market (real lines while the odds are synthetic, or the reverse) says
    nothing about these books: it is set aside, with a warning.
    """
    s = project.settings
    cfg = s.betting.evidence
    evidence = read_evidence(artifacts.EVIDENCE.path(project))
    warnings: list[str] = []
    synthetic = market_is_synthetic(s)
    if evidence is not None and evidence.synthetic != synthetic:
        measured_on = "synthetic" if evidence.synthetic else "real"
        warnings.append(f"{artifacts.EVIDENCE.relative} was measured on {measured_on} lines but the "
                        f"odds are {'synthetic' if synthetic else 'real'}: it is set aside ({GET_EVIDENCE})")
        evidence = None
    if not cfg.required:
        warnings.append("betting.evidence.required=false: staking on every bet that passes the filters, with no "
                        "walk-forward evidence that the pricing beats the market")
    elif evidence is None:
        warnings.append(f"no walk-forward evidence ({artifacts.EVIDENCE.relative}): every bet is a paper bet "
                        f"(stake 0); {GET_EVIDENCE} to measure the pricing against the market")
    stack = evidence.stack if evidence is not None else None
    if s.pricing.method is PricingMethod.MARKET_AWARE and stack is None:
        log.info("market_aware pricing without a stacking fit: pricing with the de-vigged market alone")
    return Gate(evidence, cfg), stack, warnings
