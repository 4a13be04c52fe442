"""``nba-pra recommend``: today's bets (or every candidate and why) as a table."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from nba_pra.config import Project
from nba_pra.errors import DataError

_BET_COLUMNS = (
    ("player_name", "player"), ("team", "team"), ("opponent", "opp"), ("bookmaker", "book"), ("side", "side"),
    ("line", "line"), ("price", "price"), ("mean", "mean"), ("p_win", "P(win)"), ("edge", "edge"),
    ("stake_fraction", "stake %"),
)
_ALL_COLUMNS = (
    ("player_name", "player"), ("bookmaker", "book"), ("line", "line"), ("mean", "mean"), ("p_over", "P(over)"),
    ("p_under", "P(under)"), ("p_push", "P(push)"), ("side", "side"), ("edge", "edge"), ("decision", "decision"),
    ("reason", "reason"),
)


def load_recommendations(project: Project, *, show_all: bool) -> pd.DataFrame:
    from nba_pra.stages.bet import BETS_FILE, CANDIDATES_FILE, read_bets

    path = project.path("artifacts", CANDIDATES_FILE)
    if not path.is_file():
        raise DataError(f"no bet decisions at {path}; run `nba-pra pipeline` (or `dvc repro`) first")
    frame = pd.read_parquet(path)
    if show_all:
        return frame.sort_values(["decision", "edge"], ascending=[True, False], kind="stable")
    bets = read_bets(project.path("artifacts", BETS_FILE))
    if len(bets):
        bets["stake_fraction"] = 100 * bets["stake_fraction"]
    return bets.sort_values("edge", ascending=False, kind="stable") if len(bets) else bets


#: width when the output is not a terminal (pipes, logs, CI): wide enough for one line per row
_PIPE_WIDTH = 160


def console_for_output() -> Console:
    """A console that does not squeeze tables to 80 columns when stdout is a pipe or a file."""
    probe = Console()
    return probe if probe.is_terminal else Console(width=_PIPE_WIDTH)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def render(frame: pd.DataFrame, *, show_all: bool, limit: int, title: str) -> Table:
    columns = [(c, h) for c, h in (_ALL_COLUMNS if show_all else _BET_COLUMNS) if c in frame.columns]
    table = Table(title=title)
    for _, header in columns:
        table.add_column(header)
    for record in frame.head(limit)[[c for c, _ in columns]].to_dict("records"):
        table.add_row(*(_fmt(record[c]) for c, _ in columns))
    return table


def show(project: Project, *, show_all: bool, limit: int, console: Console | None = None) -> pd.DataFrame:
    console = console or console_for_output()
    frame = load_recommendations(project, show_all=show_all)
    if frame.empty:
        console.print("No bets today (every candidate was filtered; `nba-pra recommend --all` shows why).")
        return frame
    date = pd.to_datetime(frame["game_date"]).min().date()
    what = "candidates" if show_all else "bets"
    console.print(render(frame, show_all=show_all, limit=limit, title=f"{len(frame)} {what} for {date}"))
    return frame
