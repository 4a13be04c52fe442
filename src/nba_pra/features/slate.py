"""The next slate: every active rostered player of every game on the earliest date with a scheduled game."""

from __future__ import annotations

import pandas as pd

from nba_pra.data.schema import PLAYER_GAME_COLUMNS, ROSTER_COLUMNS, SCHEDULE_COLUMNS, STATUS_SCHEDULED, require_columns
from nba_pra.errors import DataError

ROSTER_ACTIVE = "active"
SLATE_COLUMNS = (*PLAYER_GAME_COLUMNS, "commence_time")


def next_slate_games(schedule: pd.DataFrame) -> pd.DataFrame:
    """The schedule rows of the next slate: every "scheduled" game on the earliest date that has one (empty when
    nothing is scheduled)."""
    scheduled = schedule.loc[schedule["status"] == STATUS_SCHEDULED]
    dates = pd.to_datetime(scheduled["game_date"]).dt.normalize()
    return scheduled.loc[dates == dates.min()]


def build_slate(schedule: pd.DataFrame, rosters: pd.DataFrame) -> pd.DataFrame:
    """One row per active rostered player of both teams of each game on the next slate date.

    The slate date is the earliest ``game_date`` with status "scheduled"; every scheduled game of that date
    is included. Columns: game_id, game_date, season, player_id, player_name, team, opponent, home, position,
    commence_time; sorted by (game_date, game_id, player_id).
    """
    require_columns(schedule, SCHEDULE_COLUMNS, "schedule")
    require_columns(rosters, ROSTER_COLUMNS, "rosters")
    games = next_slate_games(schedule)
    if games.empty:
        raise DataError("the schedule has no scheduled game, so there is no next slate to predict")
    games = games.loc[:, ["game_id", "game_date", "season", "home_team", "away_team", "commence_time"]]
    sides = pd.concat(
        [
            games.assign(team=games["home_team"], opponent=games["away_team"], home=True),
            games.assign(team=games["away_team"], opponent=games["home_team"], home=False),
        ],
        ignore_index=True,
    )
    active = rosters.loc[rosters["status"] == ROSTER_ACTIVE, ["player_id", "player_name", "team", "position"]]
    slate = sides.merge(active, on="team", how="inner")
    if slate.empty:
        teams = ", ".join(sorted(sides["team"].astype(str)))
        raise DataError(f"no active rostered player for the teams of the next slate ({teams})")
    slate["game_date"] = pd.to_datetime(slate["game_date"]).astype("datetime64[ns]").dt.normalize()
    slate["player_id"] = slate["player_id"].astype("int64")
    slate["home"] = slate["home"].astype(bool)
    slate = slate[list(SLATE_COLUMNS)].sort_values(["game_date", "game_id", "player_id"], kind="mergesort")
    return slate.reset_index(drop=True)
