"""``nba-pra recommend``: today's bets (or every candidate and why) as a table.

The table tells the truth about each bet: whether money is on it (STAKED) or the evidence gate kept it on paper
(PAPER, with the gate's reason verbatim), the pricing method, a banner when the data or the market are synthetic,
and a ``!`` on every edge above ``betting.suspect_edge`` (more likely model error than value).
"""

from __future__ import annotations

from typing import Final, cast

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nba_pra.betting.decisions import pricing_of, suspect_edges
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
    ("p_under", "P(under)"), ("p_push", "P(push)"), ("side", "side"), ("edge", "edge"), ("decision", "decision"),
    ("state", "state"), ("reason", "reason"), ("gate_reason", "why paper"),
)


def load_recommendations(project: Project, *, show_all: bool) -> pd.DataFrame:
    from nba_pra import artifacts

    path = artifacts.CANDIDATES.path(project)
    if not path.is_file():
        raise DataError(f"no bet decisions at {path}; run `nba-pra pipeline` (or `dvc repro`) first")
    frame = pd.read_parquet(path)
    if show_all:
        return frame.sort_values(["decision", "edge"], ascending=[True, False], kind="stable")
    bets = artifacts.read_bets(project)
    if len(bets):
        bets["stake_fraction"] = 100 * bets["stake_fraction"]
    if bets.empty:
        return bets
    # the bets to place come first; paper bets after them
    paper = bets["state"].eq(STATE_PAPER) if "state" in bets.columns else pd.Series(False, index=bets.index)
    order = bets.assign(_paper=paper).sort_values(["_paper", "edge"], ascending=[True, False], kind="stable")
    return order.drop(columns="_paper")


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
    text = _fmt(record[column])
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
    shown = frame.head(limit)
    suspect = suspect_edges(shown, suspect_edge).tolist()
    records = cast(list[dict[str, object]], shown[[c for c, _ in columns]].to_dict("records"))
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


def show(project: Project, *, show_all: bool, limit: int, console: Console | None = None) -> pd.DataFrame:
    console = console or console_for_output()
    warning = banner(project.settings)
    if warning:
        console.print(Text(warning, style="bold yellow"))
    frame = load_recommendations(project, show_all=show_all)
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
    for note in footnotes(frame.head(limit), suspect_edge):
        console.print(Text(note))
    return frame
