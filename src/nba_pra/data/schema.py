"""The raw tables every data source writes under ``data/`` (one grain: one row per player per game).

Sources (synthetic league, nba_api, file import) all produce these tables; everything downstream reads only
them. ``ground_truth`` exists only for the synthetic league and no feature code may read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import pandas as pd

from nba_pra.errors import DataValidationError

BOX_SCORES_FILE: Final = "box_scores.parquet"
SCHEDULE_FILE: Final = "schedule.parquet"
ROSTERS_FILE: Final = "rosters.parquet"
LINES_FILE: Final = "lines.parquet"
GROUND_TRUTH_FILE: Final = "ground_truth.parquet"
INJURY_REPORT_FILE: Final = "injury_report.parquet"

#: One row per player per *completed* game, DNP rows included (``played`` False, stats NaN).
#: ``game_date`` is the US local calendar date, dtype ``datetime64[ns]`` (midnight).
BOX_SCORE_COLUMNS: Final = (
    "game_id",  # str
    "game_date",  # datetime64[ns]
    "season",  # str, e.g. "2023-24"
    "player_id",  # int64
    "player_name",  # str
    "team",  # str tricode
    "opponent",  # str tricode
    "home",  # bool
    "starter",  # bool
    "position",  # str: G / F / C
    "played",  # bool (minutes > 0)
    "minutes",  # float (0 on DNP)
    "pts",  # float, NaN on DNP
    "reb",
    "ast",
)
#: Optional box-score columns a source may add (used by advanced features when present).
BOX_SCORE_OPTIONAL_COLUMNS: Final = (
    "oreb", "dreb", "stl", "blk", "tov", "pf", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "plus_minus",
)

#: Who and which game a row is about: the leading columns of the slate, feature and prediction tables.
PLAYER_GAME_COLUMNS: Final = (
    "game_id", "game_date", "season", "player_id", "player_name", "team", "opponent", "home", "position",
)

#: One row per game, completed and scheduled. The next slate is the earliest date with status "scheduled".
SCHEDULE_COLUMNS: Final = (
    "game_id",  # str
    "game_date",  # datetime64[ns], US local date
    "season",  # str
    "home_team",  # str tricode
    "away_team",  # str tricode
    "commence_time",  # datetime64[ns, UTC]
    "status",  # "final" | "scheduled"
)

#: Players expected to be available for the next slate, one row per player.
ROSTER_COLUMNS: Final = (
    "player_id",  # int64
    "player_name",  # str
    "team",  # str tricode
    "position",  # str
    "status",  # "active" | "out"
)

#: Sportsbook PRA lines: one row per (game, player, bookmaker). Prices are American odds (e.g. -115, +105).
#: ``close_*`` columns are the closing line and prices (NaN until the game has started).
LINE_COLUMNS: Final = (
    "game_id",  # str
    "game_date",  # datetime64[ns]
    "player_id",  # int64
    "player_name",  # str (the book's spelling)
    "bookmaker",  # str
    "line",  # float, half-points or whole numbers
    "over_price",  # int American odds
    "under_price",  # int American odds
    "close_line",  # float or NaN
    "close_over_price",  # float or NaN
    "close_under_price",  # float or NaN
)

#: Synthetic league only: the true distribution of PRA for every simulated player-game (negative binomial).
GROUND_TRUTH_COLUMNS: Final = (
    "game_id",
    "player_id",
    "true_mean",  # E[PRA | the simulator's state], given the player plays
    "true_var",  # Var[PRA | ...]
    "p_play",  # probability the player plays at all
    "soft_stale",  # bool: the soft book (sportsbook.soft) priced this prop from its stale estimate
    "soft_stale_shift",  # its stale log-mean minus the market's (> 0: it overrates him); 0 when not stale
)

#: Synthetic league only: its pre-game injury report / projected lineups, one row per listed player-game (players
#: out, questionable or probable, and the projected starters); every other rostered player is available.
INJURY_REPORT_COLUMNS: Final = (
    "game_id",
    "team",
    "player_id",
    "player_name",
    "status",  # "out" | "questionable" | "probable" | "available"
    "starter",  # bool: in the projected starting five
)

STATUS_FINAL: Final = "final"
STATUS_SCHEDULED: Final = "scheduled"


def require_columns(frame: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise :class:`DataValidationError` naming every missing column of ``table``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(f"{table} is missing required column(s): {', '.join(missing)}")
