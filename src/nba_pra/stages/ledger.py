"""Stage ``ledger``: settle finished bets from box scores, then record today's bets (idempotent).

Settling first means today's stakes are sized on the bankroll after yesterday's results. Re-running adds
nothing: bet ids are deterministic and inserts skip existing ids. Writes the summary (with edge buckets) as a
DVC metrics file (with the CLV by edge bucket, book and period, :mod:`nba_pra.ledger.clv_summary`), the bankroll
curve, the win rate by predicted-probability bucket, the CLV distribution and the CLV over time as PNGs (DVC
plots), and logs the ledger's health warnings.

It also keeps the live A/B record: the champion's slate predictions and the shadow version's
(``tracking.shadow_alias``; never bet on) are stored per model version and scored once their games are played
(``nba-pra compare --live``).
"""

from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.data.store import read_raw_table
from nba_pra.ledger import plots
from nba_pra.ledger.health import ledger_metrics, ledger_warnings
from nba_pra.ledger.store import LedgerStore, open_ledger
from nba_pra.ledger.tables import ROLE_CHAMPION, ROLE_SHADOW
from nba_pra.odds.snapshots import closes_from_snapshots, merge_closes, read_snapshots
from nba_pra.provenance import banner, label_figure
from nba_pra.reporting.headline import ledger_headline
from nba_pra.stages._runner import run_stage

log = logging.getLogger(__name__)



def open_store(project: Project) -> LedgerStore:
    return open_ledger(project.settings.ledger, project.root)


def run(project: Project) -> dict:
    s = project.settings
    data_dir = project.path("data")
    box_scores = read_raw_table(data_dir, schema.BOX_SCORES_FILE)
    lines_path = data_dir / schema.LINES_FILE
    # the provider's own closes (historical, synthetic) where it has them, else the last snapshot before tip-off
    lines = pd.read_parquet(lines_path) if lines_path.is_file() else None
    closing = merge_closes(lines, closes_from_snapshots(read_snapshots(artifacts.ODDS_SNAPSHOTS.path(project))))
    bets = artifacts.read_bets(project)
    predicted = {role: artifacts.read_optional_parquet(project, artifact) for role, artifact in
                 ((ROLE_CHAMPION, artifacts.PREDICTIONS), (ROLE_SHADOW, artifacts.SHADOW_PREDICTIONS))}
    with open_store(project) as store:
        settled = store.settle(box_scores, closing_lines=closing, pricing=s.pricing)
        recorded = sum(store.record_predictions(frame, role=role) for role, frame in predicted.items()
                       if frame is not None)
        scored = store.score_predictions(box_scores, lines)
        bankroll = store.bankroll(s.ledger.initial_bankroll)
        added = store.record_bets(bets.assign(stake=bets["stake_fraction"] * bankroll)) if len(bets) else 0
        history = store.bets()
    metrics = ledger_metrics(history, s.ledger)
    as_of = pd.Timestamp(box_scores["game_date"].max()) if len(box_scores) else pd.Timestamp.now()
    for warning in ledger_warnings(history, s.ledger, as_of):
        log.warning("ledger health: %s", warning)
    artifacts.write_record(project, artifacts.LEDGER_METRICS, metrics)
    artifacts.write_record(project, artifacts.LEDGER_HEADLINE, ledger_headline(metrics))
    figures = {
        artifacts.BANKROLL_PLOT: plots.bankroll_curve(history, s.ledger.initial_bankroll),
        artifacts.WIN_RATE_PLOT: plots.win_rate_by_probability(history, s.ledger.probability_buckets),
        artifacts.CLV_PLOT: plots.clv_histogram(history),
        artifacts.CLV_TIME_PLOT: plots.clv_over_time(history, s.ledger.clv_confidence),
    }
    shown = banner(s)
    for artifact, figure in figures.items():
        path = artifact.path(project)
        path.parent.mkdir(parents=True, exist_ok=True)
        label_figure(figure, shown).savefig(path, metadata={"Software": None})
        plt.close(figure)  # a long-lived process (tests, `nba-pra pipeline`) must not accumulate figures
    log.info("ledger: settled %d, added %d bets; bankroll %.2f units; %d slate predictions recorded, %d scored",
             settled, added, metrics["bankroll"], recorded, scored)
    return {**metrics, "added": added, "settled_now": settled}


if __name__ == "__main__":
    run_stage(run)
