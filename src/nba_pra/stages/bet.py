"""Stage ``bet``: predictions + the odds provider's lines -> every candidate's decision, and today's bets.

Stakes here are fractions of bankroll (the ledger stage turns them into units with the ledger's bankroll, so
this stage does not depend on the ledger it feeds). An odds failure degrades to "no bets" with one warning
unless ``odds.strict`` is set.
"""

from __future__ import annotations

import logging

import pandas as pd

from nba_pra import artifacts
from nba_pra.alerts.dispatch import send_bet_alerts
from nba_pra.betting.engine import DECISION_BET, evaluate_candidates
from nba_pra.betting.gate import BetState
from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.data.store import read_raw_table
from nba_pra.evidence.todays_gate import load_gate
from nba_pra.features.slate import build_slate
from nba_pra.odds.provider import fetch_lines_or_warn, make_provider
from nba_pra.odds.quota import save_provider_quota
from nba_pra.provenance import data_is_synthetic, market_is_synthetic
from nba_pra.reporting.headline import bet_headline
from nba_pra.stages._runner import run_stage

log = logging.getLogger(__name__)

#: stakes are computed per unit of bankroll here and scaled by the ledger
_UNIT_BANKROLL = 1.0


def run(project: Project) -> pd.DataFrame:
    s = project.settings
    predictions = artifacts.read_predictions(project)
    data_dir = project.path("data")
    slate = build_slate(read_raw_table(data_dir, schema.SCHEDULE_FILE), read_raw_table(data_dir, schema.ROSTERS_FILE))
    provider = make_provider(s.odds, data_dir=data_dir, cache_dir=project.path("cache"))
    # logs its warning itself (once); the sentence is kept for the summary
    lines, warning = fetch_lines_or_warn(provider, slate, strict=s.odds.strict, refresh=s.odds.refresh)
    # reference markets (points, rebounds, assists) are never priced as PRA
    lines = lines[lines["market"] == s.odds.market] if "market" in lines.columns else lines
    gate, stack, gate_warnings = load_gate(project)
    for message in gate_warnings:
        log.warning("%s", message)
    candidates = evaluate_candidates(predictions, lines, s.betting, _UNIT_BANKROLL, pricing=s.pricing, gate=gate,
                                     stack=stack)
    bets = candidates[candidates["decision"] == DECISION_BET].rename(columns={"stake": "stake_fraction"})
    staked = bets["state"] == BetState.STAKED.value
    artifacts.write_frame(project, artifacts.CANDIDATES, candidates)
    artifacts.write_frame(project, artifacts.BETS, bets)
    summary = {
        "candidates": len(candidates),
        "bets": len(bets),
        "staked": int(staked.sum()),
        "paper": int((~staked).sum()),
        "pricing": s.pricing.method.value,
        "synthetic_data": data_is_synthetic(s),
        "synthetic_market": market_is_synthetic(s),
        "evidence": gate.evidence.to_dict() if gate.evidence is not None else None,
        "gate_warnings": gate_warnings,
        "stake_fraction_total": float(bets["stake_fraction"].sum()) if len(bets) else 0.0,
        "odds_provider": provider.name,
        "odds_warning": warning,
        "reasons": {str(k): int(v) for k, v in candidates["reason"].value_counts().items()},
    }
    artifacts.write_record(project, artifacts.BET_SUMMARY, summary)
    artifacts.write_record(project, artifacts.BET_HEADLINE, bet_headline(summary))
    log.info("bet: %d candidates, %d bets (%d staked, %d paper; pricing %s)", len(candidates), len(bets),
             int(staked.sum()), int((~staked).sum()), s.pricing.method.value)
    save_provider_quota(provider, artifacts.ODDS_QUOTA.path(project))
    # after the bets are written: an alert failure logs one warning and never fails the stage
    send_bet_alerts(bets.loc[staked], s.alerts)  # a paper bet is not a bet to place
    return bets


if __name__ == "__main__":
    run_stage(run)
