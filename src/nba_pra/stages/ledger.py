"""Stage ``ledger``: settle finished bets from box scores, then record today's bets (idempotent).

Settling first means today's stakes are sized on the bankroll after yesterday's results. Re-running adds
nothing: bet ids are deterministic and inserts skip existing ids.
"""

from __future__ import annotations

import logging

import pandas as pd

from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.data.store import read_raw_table
from nba_pra.io import write_json
from nba_pra.ledger.store import LedgerStore, resolve_url
from nba_pra.stages._runner import run_stage
from nba_pra.stages.bet import BETS_FILE

log = logging.getLogger(__name__)

METRICS_FILE = "ledger_metrics.json"


def open_store(project: Project) -> LedgerStore:
    return LedgerStore(resolve_url(project.settings.ledger.url, project.root))


def run(project: Project) -> dict:
    s = project.settings
    store = open_store(project)
    data_dir = project.path("data")
    box_scores = read_raw_table(data_dir, schema.BOX_SCORES_FILE)
    lines_path = data_dir / schema.LINES_FILE
    closing = pd.read_parquet(lines_path) if lines_path.is_file() else None
    settled = store.settle(box_scores, closing_lines=closing)
    bankroll = store.bankroll(s.ledger.initial_bankroll)
    bets_path = project.path("artifacts", BETS_FILE)
    bets = pd.read_csv(bets_path) if bets_path.is_file() and bets_path.stat().st_size else pd.DataFrame()
    added = 0
    if len(bets):
        bets = bets.assign(stake=bets["stake_fraction"] * bankroll)
        added = store.record_bets(bets)
    summary = store.summary(s.ledger.initial_bankroll)
    write_json(summary, project.path("reports", METRICS_FILE))
    log.info("ledger: settled %d, added %d bets; bankroll %.2f units", settled, added, summary["bankroll"])
    return {**summary, "added": added, "settled_now": settled}


if __name__ == "__main__":
    run_stage(run)
