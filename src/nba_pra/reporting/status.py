"""``nba-pra status``: one screen (<= 25 lines at 100 columns) of what an operator checks every morning.

A banner first (the title) when the data or the market are synthetic. Data through date and rows;
champion/challenger versions and their metrics; the last pipeline run and its duration (and the last MLflow
run); The Odds API quota left; the pricing method and today's staked / paper bets; the walk-forward evidence
the gate reads (``reports/evidence.json``); the ledger split into staked (bankroll, ROI, CLV: real money) and
paper (flat 1-unit ROI, CLV) bets; health warnings (ledger health, odds failure of the last bet stage, a
failed pipeline run). Every part degrades to a short
"unavailable: ..." instead of failing the command, so status works on a half-built project.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.errors import NbaPraError
from nba_pra.formatting import pct
from nba_pra.provenance import banner
from nba_pra.redaction import shown_url
from nba_pra.reporting.clv import clv_status_row, clv_table
from nba_pra.reporting.evidence import evidence_lines, evidence_summary, read_evidence
from nba_pra.reporting.pipeline_run import read_pipeline_run
from nba_pra.reporting.recommend import console_for_output
from nba_pra.reporting.timestamps import human_time
from nba_pra.tracking.settings import TrackingSettings
from nba_pra.tracking.tags import DECISION_TAG, REASON_TAG

log = logging.getLogger(__name__)

_SHOWN_METRICS = ("crps", "mae", "log_score")
#: health warnings printed in full; the rest are counted (they are all in the log of the ledger stage)
MAX_WARNINGS = 4
#: the longest row label ("odds quota", "mlflow run", "challenger") never gets squeezed
_LABEL_WIDTH = 10
#: evidence lines shown (log loss, window, then one per book); the rest are counted to keep one screen
MAX_EVIDENCE_LINES = 5


def _data(project: Project) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": None, "through": None, "next_slate": None}
    box_path = project.path("data", schema.BOX_SCORES_FILE)
    if box_path.is_file():
        dates = pd.read_parquet(box_path, columns=["game_date"])["game_date"]
        out["rows"] = len(dates)
        out["through"] = str(dates.max().date()) if len(dates) else None
    sched_path = project.path("data", schema.SCHEDULE_FILE)
    if sched_path.is_file():
        sched = pd.read_parquet(sched_path, columns=["game_date", "status"])
        upcoming = sched.loc[sched["status"] == schema.STATUS_SCHEDULED, "game_date"]
        out["next_slate"] = str(upcoming.min().date()) if len(upcoming) else None
    return out


def _models(project: Project) -> tuple[dict[str, dict[str, Any]], dict[str, Any] | None]:
    from nba_pra.tracking.client import Tracker

    tracking = project.settings.tracking
    tracker = Tracker(tracking, project.root)
    models: dict[str, dict[str, Any]] = {}
    for alias in (tracking.champion_alias, tracking.challenger_alias):
        resolved = tracker.try_resolve(alias)
        if resolved is not None:
            metrics = tracker.version_metrics(resolved.version)
            shown = {k: metrics[k] for k in _SHOWN_METRICS if k in metrics}
            tags = tracker.version_tags(resolved.version)
            promotion = {k: tags[t] for k, t in (("decision", DECISION_TAG), ("reason", REASON_TAG)) if t in tags}
            models[alias] = {"version": resolved.version, **shown, **({"promotion": promotion} if promotion else {})}
    last = tracker.last_run()
    last_run = (
        {"name": last.info.run_name, "status": last.info.status,
         "started": human_time(pd.Timestamp(last.info.start_time, unit="ms", tz="UTC"))}
        if last is not None else None
    )
    return models, last_run


def _comparison(project: Project) -> dict[str, Any] | None:
    """The latest ``nba-pra compare`` (its verdict sentence), None before any."""
    from nba_pra.tracking.client import Tracker
    from nba_pra.tracking.comparison import latest_comparison

    tracking = project.settings.tracking
    return latest_comparison(Tracker(tracking, project.root), tracking.compare)


def _ledger(project: Project, as_of: str | None) -> tuple[dict[str, Any] | None, list[str]]:
    from nba_pra.ledger.clv_summary import clv_metrics
    from nba_pra.ledger.health import ledger_warnings
    from nba_pra.ledger.store import open_ledger
    from nba_pra.ledger.summary import summarize

    settings = project.settings.ledger
    with open_ledger(settings, project.root) as store:
        bets = store.bets()
    summary = summarize(bets, settings.initial_bankroll)
    summary["clv"] = clv_metrics(bets, settings)
    when = pd.Timestamp(as_of) if as_of else pd.Timestamp.now().normalize()
    return summary, ledger_warnings(bets, settings, when)


def _read_json(path: Any) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text()) if path.is_file() else None
    except ValueError:
        return None


def collect(project: Project, skip: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Everything the status screen shows, as plain data (also what tests check).

    Keys: ``banner`` ("" when data and market are real), ``pricing`` (method of the last bet stage, None before
    one ran), ``today`` ({staked, paper} bets of the last bet stage, None before), ``evidence``
    (:func:`~nba_pra.reporting.evidence.evidence_summary` of the pricing in use, None without evidence),
    ``data`` (rows, through, next_slate), ``models`` ({alias: {version, crps, mae, log_score}}),
    ``mlflow_run`` (name, status, started), ``tracking`` (the tracking URI as shown, naming
    ``MLFLOW_TRACKING_URI`` when the environment set it), ``compare`` (the latest ``nba-pra compare``:
    :func:`~nba_pra.tracking.comparison.latest_comparison`, None before one), ``pipeline`` (started, finished,
    duration_s, returncode, ok), ``odds_quota`` (provider, remaining, used, last, seen_at), ``ledger`` (the
    ledger summary), ``warnings`` (sentences), ``errors`` ({part: message} for the parts that could not be read).

    ``skip`` maps parts not to read (``models``, ``ledger``) to the message recorded in ``errors`` instead: a
    read-only caller (the dashboard) skips a store that does not exist yet, since opening it would create it.
    """
    skip = skip or {}
    from nba_pra.odds.quota import read_quota

    status: dict[str, Any] = {"errors": {}, "warnings": [], "banner": banner(project.settings),
                              "tracking": shown_url(project.settings.tracking.uri, project.root)}
    status["data"] = _data(project)
    try:
        if "models" in skip:
            raise NbaPraError(skip["models"])
        status["models"], status["mlflow_run"] = _models(project)
        status["compare"] = _comparison(project)
    except NbaPraError as exc:
        status["models"], status["mlflow_run"], status["compare"] = {}, None, None
        status["errors"]["models"] = str(exc)
    run = read_pipeline_run(project.path("logs"))
    status["pipeline"] = asdict(run) if run else None
    if run is not None and not run.ok:
        status["warnings"].append(f"the last pipeline run failed (exit code {run.returncode})")
    quota = read_quota(artifacts.ODDS_QUOTA.path(project))
    status["odds_quota"] = asdict(quota) if quota else None
    bet_summary = _read_json(artifacts.BET_SUMMARY.path(project))
    if bet_summary and bet_summary.get("odds_warning"):
        status["warnings"].append(str(bet_summary["odds_warning"]))
    status["pricing"] = (bet_summary or {}).get("pricing")
    # a bet summary written before the gate has no "staked": every bet then had a real stake
    status["today"] = (
        {"staked": int(bet_summary.get("staked", bet_summary.get("bets", 0))),
         "paper": int(bet_summary.get("paper", 0))}
        if bet_summary else None
    )
    status["evidence"] = evidence_summary(
        read_evidence(artifacts.EVIDENCE.path(project)), status["pricing"],
        project.settings.betting.evidence
    )
    try:
        if "ledger" in skip:
            raise NbaPraError(skip["ledger"])
        status["ledger"], ledger_warnings = _ledger(project, status["data"]["through"])
        status["warnings"].extend(f"ledger health: {w}" for w in ledger_warnings)
    except NbaPraError as exc:
        status["ledger"] = None
        status["errors"]["ledger"] = str(exc)
    return status


def _data_row(data: dict[str, Any]) -> str:
    if data["rows"] is None:
        return "none (run `nba-pra pipeline`)"
    slate = data["next_slate"] or "none"
    return f"{data['rows']:,} player-games through {data['through']}; next slate {slate}"


def _model_row(info: dict[str, Any]) -> str:
    scores = "  ".join(f"{k} {info[k]:.3f}" for k in _SHOWN_METRICS if k in info)
    return f"version {info['version']}  {scores}".rstrip()


def _promotion_row(models: dict[str, dict[str, Any]], challenger_alias: str) -> str | None:
    """The challenger's promotion decision and its reason (None without a challenger: a first version needs no
    reason, and the screen keeps its line)."""
    info = models.get(challenger_alias)
    if not info or not info.get("promotion"):
        return None
    promotion = info["promotion"]
    return f"version {info['version']} {promotion.get('decision', '?')}: {promotion.get('reason', '')}"


def _pipeline_row(run: dict[str, Any] | None) -> str:
    if run is None:
        return "never run with `nba-pra pipeline`"
    started = human_time(run["started"])
    outcome = "ok" if run["ok"] else f"FAILED (exit {run['returncode']})"
    return f"{started}, {outcome} in {run['duration_s']:.0f} s"


def _quota_row(quota: dict[str, Any] | None, provider: str) -> str:
    if quota is None:
        return f"n/a (provider {provider} has no quota)" if provider != "theoddsapi" else "not seen yet"
    seen = human_time(quota["seen_at"])
    return f"{quota['remaining']} requests left, {quota['used']} used (seen {seen})"


def _rate(value: float | None) -> str:
    return "n/a" if value is None else format(value, ".1%")


def _ledger_rows(ledger: dict[str, Any]) -> list[tuple[str, str]]:
    """Staked bets (real money) first, then paper bets (1 unit each, notional), then CLV over every bet."""
    rows = [
        ("bankroll", f"{ledger['bankroll']:.2f} units (profit {ledger['profit']:+.2f}, "
                     f"max drawdown {ledger['max_drawdown']:.2f} units; staked bets only)"),
        ("bets", f"{ledger['bets']} total staked, {ledger['open']} open, {ledger['settled']} settled, win rate "
                 f"{_rate(ledger['win_rate'])}"),
        ("ROI / CLV", f"ROI {pct(ledger['roi'])} on {ledger['staked']:.2f} staked; CLV "
                      f"{pct(ledger['avg_clv'], 2)} price, {pct(ledger['avg_clv_prob'], 2)} prob "
                      f"({ledger['clv_bets']} bets)"),
    ]
    paper = ledger.get("paper")
    if paper:
        rows.append(("paper", f"{paper['bets']} bets, {paper['settled']} settled, win rate "
                              f"{_rate(paper['win_rate'])}, 1-unit ROI {pct(paper['notional_roi'])}, CLV "
                              f"{pct(paper['avg_clv_prob'], 2)} prob ({paper['clv_bets']})"))
    if "clv" in ledger:
        rows.append(("CLV (all)", clv_status_row(ledger["clv"])))
    return rows


def _pricing_row(pricing: str | None, today: dict[str, int] | None) -> str:
    if today is None:
        return "no bet stage yet (run `nba-pra pipeline`)"
    method = pricing or "unknown (bet stage predates pricing)"
    return f"{method}; today {today['staked']} staked, {today['paper']} paper"


def _evidence_rows(evidence: dict[str, Any] | None, required: bool) -> list[str]:
    lines = evidence_lines(evidence, required)
    if len(lines) > MAX_EVIDENCE_LINES:
        lines = [*lines[: MAX_EVIDENCE_LINES - 1], f"... and {len(lines) - MAX_EVIDENCE_LINES + 1} more books"]
    return lines


def _first_line(text: str) -> str:
    """Error texts from drivers span lines; a status row keeps the first (the log has the rest)."""
    return text.strip().splitlines()[0] if text.strip() else text


def _plain_row(table: Table) -> Callable[..., None]:
    """``add(label, value, style=None)``: a row of plain text, never parsed as markup."""

    def add(label: str, value: str, style: str | None = None) -> None:
        table.add_row(Text(label), Text(value), style=style)

    return add


#: a status row: label, value
_Row = tuple[str, str]
#: a health row: label, value, rich style (None: the table's)
_StyledRow = tuple[str, str, str | None]


def _status_table(status: dict[str, Any]) -> Table:
    """The empty two-column table, titled, that fills exactly one screen's width."""
    # the synthetic banner is the title: the first thing read, and no extra line on a full screen
    title = Text("nba-pra status")
    if status.get("banner"):
        title.append(": ").append(status["banner"], style="bold yellow")
    # expand: the title (banner) may be wider than the rows, and a wrapped banner would cost a line
    table = Table(title=title, show_header=False, box=box.SIMPLE, padding=(0, 1), pad_edge=False, expand=True)
    table.add_column("what", style="bold", no_wrap=True, min_width=_LABEL_WIDTH)
    # ratio: the value column takes exactly the remaining width; a row longer than the screen is cut there
    # (without it rich sizes the table to the longest row first and the banner title shifts off the screen)
    table.add_column("value", no_wrap=True, overflow="ellipsis", ratio=1)
    return table


def _labelled(label: str, lines: list[str]) -> list[_Row]:
    """``lines`` as rows with ``label`` on the first one only, so they read as one block."""
    return [(label if i == 0 else "", line) for i, line in enumerate(lines)]


def _model_rows(status: dict[str, Any], tracking: TrackingSettings) -> list[_Row]:
    """Champion and challenger, the challenger's promotion decision, the last comparison, and why the registry
    could not be read."""
    models = status["models"]
    rows = [(alias, _model_row(models[alias]) if models.get(alias) else "none")
            for alias in (tracking.champion_alias, tracking.challenger_alias)]
    promotion = _promotion_row(models, tracking.challenger_alias)
    if promotion:
        rows.append(("promotion", promotion))
    compared = status.get("compare")
    if compared:
        rows.append(("compare", f"{compared['verdict']} ({compared['source']}, {compared['started']})"))
    if "models" in status["errors"]:
        rows.append(("models", f"unavailable: {_first_line(status['errors']['models'])}"))
    return rows


def _mlflow_row(run: dict[str, Any] | None, tracking: str) -> str:
    """The last MLflow run and where the tracking store is."""
    shown = f"{run['name']} {run['status']} at {run['started']}" if run else "none"
    return f"{shown} · tracking {tracking}"


def _ledger_section(status: dict[str, Any]) -> list[_Row]:
    """The ledger's rows, or why it could not be read."""
    if status["ledger"] is not None:
        return _ledger_rows(status["ledger"])
    return [("ledger", f"unavailable: {_first_line(status['errors'].get('ledger', 'unknown'))}")]


def _health_rows(warnings: list[str]) -> list[_StyledRow]:
    """"no warnings", or the first :data:`MAX_WARNINGS` warnings in yellow and a count of the rest (to keep one
    screen)."""
    rows: list[_StyledRow] = [] if warnings else [("health", "no warnings", None)]
    rows.extend((label, f"! {_first_line(warning)}", "yellow")
                for label, warning in _labelled("health", warnings[:MAX_WARNINGS]))
    if len(warnings) > MAX_WARNINGS:
        rows.append(("", f"... and {len(warnings) - MAX_WARNINGS} more (see logs/)", "yellow"))
    return rows


def render(status: dict[str, Any], project: Project) -> Table:
    """The status as one table: one line per row (long values are cut with an ellipsis, never wrapped)."""
    table = _status_table(status)
    settings = project.settings
    rows = [
        ("data", _data_row(status["data"])),
        *_model_rows(status, settings.tracking),
        ("pipeline", _pipeline_row(status["pipeline"])),
        ("mlflow run", _mlflow_row(status["mlflow_run"], status["tracking"])),
        ("odds quota", _quota_row(status["odds_quota"], settings.odds.provider)),
        ("pricing", _pricing_row(status["pricing"], status["today"])),
        *_labelled("evidence", _evidence_rows(status["evidence"], settings.betting.evidence.required)),
        *_ledger_section(status),
    ]
    # every value is plain Text: driver errors, run names, book names and health warnings are data, and a
    # "[/x]" in them would crash rich's markup parser
    add = _plain_row(table)
    for label, value in rows:
        add(label, value)
    for label, value, style in _health_rows(status["warnings"]):
        add(label, value, style=style)
    return table


def show(project: Project, console: Console | None = None, *, clv: bool = False) -> dict[str, Any]:
    """Print the status screen; with ``clv`` the CLV table (by edge bucket, book and period) below it."""
    console = console or console_for_output()
    status = collect(project)
    console.print(render(status, project))
    if clv and status["ledger"] is not None:
        title = "closing line value, every settled bet (staked and paper)"
        if status.get("banner"):
            title = f"{title}: {status['banner']}"
        console.print(clv_table(status["ledger"].get("clv"), title))
    return status
