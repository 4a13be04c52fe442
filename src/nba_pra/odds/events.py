"""Slate games and the mapping of an odds source's events (full team names + commence time) to our game ids.

Our schedule uses tricodes; odds sources use full names. ``teams`` (``conf/odds/teams/``) maps tricode -> name;
a tricode absent from the table is compared verbatim, so a league with its own codes (the synthetic one) can be
mapped by adding its table or by a source that uses the codes as names.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Columns of :func:`slate_games`.
GAME_COLUMNS = ("game_id", "game_date", "commence_time", "home_team", "away_team", "home_name", "away_name")


def slate_games(slate: pd.DataFrame, teams: Mapping[str, str]) -> pd.DataFrame:
    """One row per slate game: ids, US-local ``game_date``, UTC ``commence_time``, tricodes and full names."""
    home = slate["home"].astype(bool)
    games = pd.DataFrame(
        {
            "game_id": slate["game_id"].astype(str),
            "game_date": pd.to_datetime(slate["game_date"]).dt.normalize(),
            "commence_time": pd.to_datetime(slate["commence_time"], utc=True),
            "home_team": np.where(home, slate["team"], slate["opponent"]),
            "away_team": np.where(home, slate["opponent"], slate["team"]),
        }
    ).drop_duplicates("game_id")
    games["home_name"] = games["home_team"].map(lambda t: teams.get(t, t))
    games["away_name"] = games["away_team"].map(lambda t: teams.get(t, t))
    return games[list(GAME_COLUMNS)].sort_values("game_id").reset_index(drop=True)


def match_events(events: pd.DataFrame, games: pd.DataFrame, tolerance: pd.Timedelta) -> pd.DataFrame:
    """Pair events (columns event_id, home_team, away_team as full names, commence_time UTC) with slate games.

    An event matches the game with the same home and away names whose commence time is within ``tolerance``;
    with several candidates the nearest wins, and each game and event is used at most once.
    Returns ``games`` columns + ``event_id`` for the matched games only.
    """
    ev = events.rename(columns={"home_team": "home_name", "away_team": "away_name", "commence_time": "event_time"})
    ev = ev.assign(event_time=pd.to_datetime(ev["event_time"], utc=True))
    pairs = games.merge(ev[["event_id", "home_name", "away_name", "event_time"]], on=["home_name", "away_name"])
    pairs["gap"] = (pairs["event_time"] - pairs["commence_time"]).abs()
    pairs = pairs.loc[pairs["gap"] <= tolerance].sort_values(["gap", "game_id", "event_id"])
    pairs = pairs.drop_duplicates("game_id").drop_duplicates("event_id")
    return pairs[[*GAME_COLUMNS, "event_id"]].sort_values("game_id").reset_index(drop=True)
