"""``nba-pra recommend``: today's bets (or every candidate and why) as a table.

The table tells the truth about each bet: whether money is on it (STAKED) or the evidence gate kept it on paper
(PAPER, with the gate's reason verbatim), the pricing method, a banner when the data or the market are synthetic,
and a ``!`` on every edge above ``betting.suspect_edge`` (more likely model error than value). ``--all`` gives
every candidate's reason with its value and threshold (``max_cv: CV 0.41 > 0.35``) and a count per reason; a
cut table says "showing N of M" (``--limit 0`` shows every row).

It shows the decisions the bet stage wrote. ``betting.*`` overrides (``recommend betting.min_edge=0.1``) decide
the same candidates again at the prices they were priced at (a what-if: nothing is recorded), and an override that
changes no bet is named with the rule that binds instead; overrides of what prices the slate (``pricing``,
``model``, ``odds``, ...) change nothing here, which is said too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, cast

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nba_pra.betting.decisions import (
    BETTING_PREFIX,
    override_warnings,
    pricing_of,
    suspect_edges,
    with_reason_details,
)
from nba_pra.betting.engine import DECISION_BET
from nba_pra.config import Project
from nba_pra.errors import DataError
from nba_pra.ledger.tables import STATE_PAPER, STATE_STAKED
from nba_pra.provenance import banner

#: the mark after a suspect edge, and what it means
SUSPECT_MARK: Final = "!"

_BET_COLUMNS = (
    ("state", "state"), ("player_name", "player"), ("team", "team"), ("opponent", "opp"), ("bookmaker", "book"),
    ("side", "side"), ("line", "line"), ("price", "price"), ("mean", "mean"), ("p_win", "P(win)"),
    ("edge", "edge"), ("stake_fraction", "stake %"), ("gate_reason", "why paper"),
)
_ALL_COLUMNS = (
    ("player_name", "player"), ("bookmaker", "book"), ("line", "line"), ("mean", "mean"), ("p_over", "P(over)"),
    ("p_under", "P(under)"), ("p_push", "P(push)"), ("side", "side"), ("price", "price"), ("edge", "edge"),
    ("decision", "decision"), ("state", "state"), ("reason", "reason"), ("gate_reason", "why paper"),
)
#: top-level config groups that decide how the slate is priced: the bet stage applies them, recommend cannot
_PRICING_GROUPS: Final = ("pricing", "model", "distribution", "odds", "features", "cv", "window", "availability",
                          "data")


@dataclass(frozen=True)
class Decisions:
    """The candidates to show, and what the overrides did to them."""

    candidates: pd.DataFrame
    #: ``betting.*`` overrides applied by deciding again (key -> value as typed); empty: the bet stage's decisions
    what_if: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _key_values(overrides: Sequence[str]) -> dict[str, str]:
    """``key -> value`` of Hydra overrides (``+key=v`` and ``~key`` forms keep their key)."""
    pairs = (o.partition("=") for o in overrides)
    return {key.lstrip("+~"): value for key, _, value in pairs}


def load_decisions(project: Project, overrides: Sequence[str] = ()) -> Decisions:
    """The bet stage's candidates; with ``betting.*`` overrides, decided again with them (see module docstring)."""
    from nba_pra import artifacts

    path = artifacts.CANDIDATES.path(project)
    if not path.is_file():
        raise DataError(f"no bet decisions at {path}; run `nba-pra pipeline` (or `dvc repro`) first")
    frame = pd.read_parquet(path)
    given = _key_values(overrides)
    warnings = [
        f"{key}={value} changes nothing here: recommend shows the last bet stage's prices; run "
        f"`nba-pra bet {key}={value}` (or the pipeline) to price the slate with it"
        for key, value in given.items() if key.split(".")[0] in _PRICING_GROUPS
    ]
    betting = {k: v for k, v in given.items() if k.startswith(BETTING_PREFIX)}
    if not betting or frame.empty:
        return Decisions(with_reason_details(frame, project.settings.betting), warnings=warnings)
    from nba_pra.betting.engine import redecide
    from nba_pra.config import load_project
    from nba_pra.evidence.todays_gate import load_gate

    rest = [o for o in overrides if not o.lstrip("+~").startswith(BETTING_PREFIX)]
    base_project = load_project(project.root, overrides=rest)
    base_settings, new_settings = base_project.settings.betting, project.settings.betting
    base = redecide(frame, base_settings, load_gate(base_project)[0])
    new = redecide(frame, new_settings, load_gate(project)[0])
    warnings += override_warnings(base, new, betting, base_settings, new_settings)
    return Decisions(new, what_if=betting, warnings=warnings)


def _rows(frame: pd.DataFrame, *, show_all: bool) -> pd.DataFrame:
    if show_all:
        return frame.sort_values(["decision", "edge"], ascending=[True, False], kind="stable")
    # the bet stage sizes stakes on a bankroll of 1 unit: a stake is a fraction of bankroll
    bets = frame[frame["decision"].eq(DECISION_BET)].rename(columns={"stake": "stake_fraction"})
    if bets.empty:
        return bets
    bets = bets.assign(stake_fraction=100 * bets["stake_fraction"])
    # the bets to place come first; paper bets after them
    paper = bets["state"].eq(STATE_PAPER) if "state" in bets.columns else pd.Series(False, index=bets.index)
    order = bets.assign(_paper=paper).sort_values(["_paper", "edge"], ascending=[True, False], kind="stable")
    return order.drop(columns="_paper")


def reason_counts(frame: pd.DataFrame) -> str:
    """``max_cv 179 of 231, min_confidence 40 of 231, bet 5 of 231``: candidates per reason, most first."""
    counts = frame["reason"].value_counts(sort=False)
    counts = counts.sort_values(ascending=False, kind="stable")
    return ", ".join(f"{reason} {n} of {len(frame)}" for reason, n in counts.items())


def state_counts(frame: pd.DataFrame) -> str:
    """"2 staked, 4 paper" for the rows that are bets (a frame without ``state`` counts every bet as staked)."""
    bets = frame[frame["decision"].eq("bet")] if "decision" in frame.columns else frame
    state = bets["state"] if "state" in bets.columns else pd.Series(STATE_STAKED, index=bets.index)
    return f"{int(state.eq(STATE_STAKED).sum())} staked, {int(state.eq(STATE_PAPER).sum())} paper"


#: width when the output is not a terminal (pipes, logs, CI): wide enough for one line per row
_PIPE_WIDTH = 200


def console_for_output() -> Console:
    """A console that does not squeeze tables to 80 columns when stdout is a pipe or a file."""
    probe = Console()
    return probe if probe.is_terminal else Console(width=_PIPE_WIDTH)


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _cell(column: str, record: dict[str, object], suspect: bool) -> Text:
    """One cell as plain text: a player called ``Kyle [/x] Lillard`` (or ending in a backslash, which escaped
    markup doubles) is shown as written, never parsed as markup."""
    value = record[column]
    if column == "price" and isinstance(value, float) and not pd.isna(value):
        return Text(f"{value:+.0f}")  # American odds: +150, -110
    if column == "reason" and record.get("reason_detail"):
        return Text(str(record["reason_detail"]))
    text = _fmt(value)
    if column == "state":
        return Text(text.upper())
    if column == "edge" and suspect:
        return Text(f"{text} {SUSPECT_MARK}", style="bold red")
    return Text(text)


def render(frame: pd.DataFrame, *, show_all: bool, limit: int, title: str,
           suspect_edge: float | None = None) -> Table:
    columns = [(c, h) for c, h in (_ALL_COLUMNS if show_all else _BET_COLUMNS) if c in frame.columns]
    table = Table(title=Text(title))
    for _, header in columns:
        table.add_column(header)
    shown = frame.head(limit) if limit > 0 else frame
    suspect = suspect_edges(shown, suspect_edge).tolist()
    fields = [c for c, _ in columns] + (["reason_detail"] if "reason_detail" in frame.columns else [])
    records = cast(list[dict[str, object]], shown[fields].to_dict("records"))
    for flag, record in zip(suspect, records, strict=True):
        style = "dim" if record.get("state") == STATE_PAPER else None
        table.add_row(*(_cell(c, record, flag) for c, _ in columns), style=style)
    return table


def footnotes(frame: pd.DataFrame, suspect_edge: float | None) -> list[str]:
    """What the marks in the table mean (only the marks that appear)."""
    notes = []
    if suspect_edges(frame, suspect_edge).any() and suspect_edge is not None:
        notes.append(f"{SUSPECT_MARK} edge above {suspect_edge:.0%}: more likely model error than value")
    if "state" in frame.columns and frame["state"].eq(STATE_PAPER).any():
        notes.append("PAPER: passed every filter but the evidence gate; recorded at stake 0 so evidence accumulates")
    return notes


def show(project: Project, *, show_all: bool, limit: int, overrides: Sequence[str] = (),
         console: Console | None = None) -> pd.DataFrame:
    """Print the table (``limit`` rows; 0: all) with its notes; ``overrides`` are the command's Hydra overrides."""
    console = console or console_for_output()
    warning = banner(project.settings)
    if warning:
        console.print(Text(warning, style="bold yellow"))
    decisions = load_decisions(project, overrides)
    for message in decisions.warnings:
        console.print(Text(f"warning: {message}", style="yellow"))
    if decisions.what_if:
        changed = " ".join(f"{k}={v}" for k, v in decisions.what_if.items())
        console.print(Text(f"what-if: the last bet stage's candidates decided again with {changed} (not recorded; "
                           f"`nba-pra bet {changed}` records it)"))
    frame = _rows(decisions.candidates, show_all=show_all)
    if frame.empty:
        console.print("No bets today (every candidate was filtered; `nba-pra recommend --all` shows why).")
        return frame
    suspect_edge = project.settings.betting.suspect_edge
    date = pd.to_datetime(frame["game_date"]).min().date()
    what = "candidates" if show_all else "bets"
    pricing = pricing_of(frame)
    title = f"{len(frame)} {what} for {date} ({state_counts(frame)})"
    if pricing:
        title += f"; pricing {pricing}"
    console.print(render(frame, show_all=show_all, limit=limit, title=title, suspect_edge=suspect_edge))
    shown = frame.head(limit) if limit > 0 else frame
    if len(shown) < len(frame):
        console.print(Text(f"showing {len(shown)} of {len(frame)} {what} (--limit N, --limit 0 for all)"))
    if show_all and "reason" in frame.columns:
        console.print(Text(f"reasons: {reason_counts(frame)}"))
    for note in footnotes(shown, suspect_edge):
        console.print(Text(note))
    return frame
