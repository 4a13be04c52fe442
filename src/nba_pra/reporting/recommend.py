"""``nba-pra recommend``: today's bets (or every candidate and why) as a table."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from nba_pra.config import Project
from nba_pra.errors import DataError

_BET_COLUMNS = (
    ("player_name", "player"), ("team", "team"), ("opponent", "opp"), ("bookmaker", "book"), ("side", "side"),
    ("line", "line"), ("price", "price"), ("mean", "mean"), ("p_side", "P(win)"), ("edge", "edge"),
    ("stake_fraction", "stake %"),
)
_ALL_COLUMNS = (
    ("player_name", "player"), ("bookmaker", "book"), ("line", "line"), ("mean", "mean"), ("p_over", "P(over)"),
    ("p_under", "P(under)"), ("p_push", "P(push)"), ("side", "side"), ("edge", "edge"), ("decision", "decision"),
    ("reason", "reason"),
)


def load_recommendations(project: Project, *, show_all: bool) -> pd.DataFrame:
    from nba_pra.stages.bet import BETS_FILE, CANDIDATES_FILE

    path = project.path("artifacts", CANDIDATES_FILE)
    if not path.is_file():
        raise DataError(f"no bet decisions at {path}; run `nba-pra pipeline` (or `dvc repro`) first")
    frame = pd.read_parquet(path)
    if show_all:
        return frame.sort_values(["decision", "edge"], ascending=[True, False], kind="stable")
    bets = pd.read_csv(project.path("artifacts", BETS_FILE))
    if len(bets):
        over = bets["side"] == "over"
        bets["price"] = bets["over_price"].where(over, bets["under_price"])
        bets["p_side"] = bets["p_over"].where(over, bets["p_under"])
        bets["stake_fraction"] = 100 * bets["stake_fraction"]
    return bets.sort_values("edge", ascending=False, kind="stable") if len(bets) else bets


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
    console = console or Console()
    frame = load_recommendations(project, show_all=show_all)
    if frame.empty:
        console.print("No bets today (every candidate was filtered; `nba-pra recommend --all` shows why).")
        return frame
    date = pd.to_datetime(frame["game_date"]).min().date()
    what = "candidates" if show_all else "bets"
    console.print(render(frame, show_all=show_all, limit=limit, title=f"{len(frame)} {what} for {date}"))
    return frame
