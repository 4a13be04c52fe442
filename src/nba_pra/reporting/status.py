"""``nba-pra status``: one screen of data freshness, model versions, the last run and the ledger."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.reporting.recommend import console_for_output

_SHOWN_METRICS = ("mae", "crps", "log_score")


def collect(project: Project) -> dict[str, Any]:
    """Everything the status screen shows, as plain data (also what tests check)."""
    status: dict[str, Any] = {}
    box_path = project.path("data", schema.BOX_SCORES_FILE)
    if box_path.is_file():
        dates = pd.read_parquet(box_path, columns=["game_date"])["game_date"]
        status["data"] = {"rows": len(dates), "through": str(dates.max().date()) if len(dates) else None}
    else:
        status["data"] = None
    sched_path = project.path("data", schema.SCHEDULE_FILE)
    if sched_path.is_file():
        sched = pd.read_parquet(sched_path, columns=["game_date", "status"])
        upcoming = sched.loc[sched["status"] == schema.STATUS_SCHEDULED, "game_date"]
        status["next_slate"] = str(upcoming.min().date()) if len(upcoming) else None

    from nba_pra.tracking.client import Tracker

    tracker = Tracker(project.settings.tracking, project.root)
    models = {}
    for alias in (project.settings.tracking.champion_alias, project.settings.tracking.challenger_alias):
        resolved = tracker.try_resolve(alias)
        if resolved is not None:
            metrics = tracker.version_metrics(resolved.version)
            models[alias] = {"version": resolved.version, **{k: metrics[k] for k in _SHOWN_METRICS if k in metrics}}
    status["models"] = models
    last = tracker.last_run()
    status["last_run"] = (
        {"name": last.info.run_name, "status": last.info.status,
         "started": str(pd.Timestamp(last.info.start_time, unit="ms", tz="UTC").floor("s"))}
        if last is not None else None
    )
    metrics_path = project.path("reports", "ledger_metrics.json")
    status["ledger"] = json.loads(metrics_path.read_text()) if metrics_path.is_file() else None
    return status


def show(project: Project, console: Console | None = None) -> dict[str, Any]:
    console = console or console_for_output()
    status = collect(project)
    table = Table(title="nba-pra status", show_header=False)
    table.add_column("what")
    table.add_column("value")
    data = status["data"]
    table.add_row("data", f"{data['rows']} player-games through {data['through']}" if data else "none (run pipeline)")
    table.add_row("next slate", str(status.get("next_slate")))
    for alias, info in status["models"].items():
        scores = ", ".join(f"{k} {v:.3f}" for k, v in info.items() if k != "version")
        table.add_row(alias, f"version {info['version']}  {scores}")
    if not status["models"]:
        table.add_row("models", "none registered (run `nba-pra train`)")
    run = status["last_run"]
    table.add_row("last run", f"{run['name']} {run['status']} at {run['started']}" if run else "none")
    ledger = status["ledger"]
    if ledger:
        table.add_row(
            "ledger",
            f"{ledger.get('bets', 0)} bets, {ledger.get('settled', 0)} settled, win rate "
            f"{ledger.get('win_rate') or 0:.1%}, ROI {ledger.get('roi') or 0:.1%}, bankroll {ledger.get('bankroll', 0):.2f}",
        )
    else:
        table.add_row("ledger", "empty")
    console.print(table)
    return status
