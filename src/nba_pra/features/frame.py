"""The combined history + slate frame every family computes from, with its event series and as-of look-ups.

Rows are sorted by ``(player_id, game_date, game_id)``. Slate rows carry no results (``played`` False, stats
NaN), so they never create result events; they only *query* the event series, exactly as history rows do.

Event series (each sorted by key then date, window statistics include the event, looked up strictly before
the query's date):

* player played games (``played`` and not slate) -- rolling, advanced, position form;
* player listed games (every history row, DNPs included) -- availability;
* team games (one per team per history game, sums over the team's played rows, with the opponent's sums
  alongside) -- matchup and teammates out;
* team schedule (every team game including the slate's; dates only) -- rest and density.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from nba_pra.data.schema import BOX_SCORE_OPTIONAL_COLUMNS
from nba_pra.features.asof import KeyedWindows, asof_positions, encode, gather
from nba_pra.features.settings import FeatureSettings

STATS = ("pts", "reb", "ast", "pra", "minutes")
#: team-game sums of these (played rows only); ``pra`` = pts + reb + ast
TEAM_SUM_COLUMNS = ("pts", "reb", "ast", "pra", "minutes", "fga", "fta", "tov", "oreb", "fgm", "fg3m", "fg3a")


class FrameContext:
    """Prepared arrays + lazily built event series of one combined frame."""

    def __init__(
        self, rows: pd.DataFrame, settings: FeatureSettings, availability: pd.DataFrame | None = None
    ) -> None:
        self.rows = rows
        self.settings = settings
        #: the pre-game availability table visible before each game's cut-off (None: no source, all unknown)
        self.availability = availability
        self.n = len(rows)
        self.player = rows["player_id"].to_numpy(dtype=np.int64)
        self.date = rows["game_date"].to_numpy(dtype="datetime64[ns]")
        self.day = self.date.astype("datetime64[D]").astype(np.int64)
        self.is_slate = rows["is_slate"].to_numpy(dtype=bool)
        self.played = rows["played"].to_numpy(dtype=bool) & ~self.is_slate
        self.team_code, self.opp_code = _shared_codes(rows["team"], rows["opponent"])
        self.position_code = encode(rows["position"].fillna(""))
        #: results shared between families (e.g. teammates' absences), keyed by a tuple naming them
        self.cache: dict[tuple, np.ndarray] = {}
        self.stat = {c: rows[c].to_numpy(dtype=np.float64) for c in (*STATS, *BOX_SCORE_OPTIONAL_COLUMNS)}

    # --- player played games ----------------------------------------------------------------------------
    @cached_property
    def played_idx(self) -> np.ndarray:
        """Row indices of the player's played games (the events of player-level result windows)."""
        return np.flatnonzero(self.played)

    @cached_property
    def played_windows(self) -> KeyedWindows:
        return KeyedWindows(self.player[self.played_idx])

    @cached_property
    def played_prior(self) -> np.ndarray:
        """Per row: index into ``played_idx`` of the player's last played game dated strictly earlier."""
        idx = self.played_idx
        return asof_positions(self.player[idx], self.date[idx], self.player, self.date)

    def played_values(self, column: str) -> np.ndarray:
        return self.stat[column][self.played_idx]

    def asof_played(self, event_values: np.ndarray) -> np.ndarray:
        """Per row: the played-game event value of the player's last played game before the row's date."""
        return gather(event_values, self.played_prior)

    @cached_property
    def n_prior_games(self) -> np.ndarray:
        """Games the player played strictly before the row's date (window count of the last prior event)."""
        counts = np.arange(len(self.played_idx)) - self.played_windows.start + 1
        out = gather(counts, self.played_prior)
        return np.nan_to_num(out, nan=0.0).astype(np.int64)

    # --- player listed games (DNPs included) ---------------------------------------------------------------
    @cached_property
    def listed_idx(self) -> np.ndarray:
        return np.flatnonzero(~self.is_slate)

    @cached_property
    def listed_windows(self) -> KeyedWindows:
        return KeyedWindows(self.player[self.listed_idx])

    @cached_property
    def listed_prior(self) -> np.ndarray:
        idx = self.listed_idx
        return asof_positions(self.player[idx], self.date[idx], self.player, self.date)

    # --- team games ----------------------------------------------------------------------------------------
    @cached_property
    def team_games(self) -> pd.DataFrame:
        """One row per (team, game): schedule facts for all games, result sums for history games.

        Columns: team_code, opp_code, game_id, day, date, season, is_slate, n_listed, n_played, ``<stat>`` and
        ``opp_<stat>`` sums for TEAM_SUM_COLUMNS (NaN for slate games), sorted by (team_code, date, game_id).
        """
        played = self.played
        data = {
            "team_code": self.team_code,
            "opp_code": self.opp_code,
            "game_id": self.rows["game_id"].to_numpy(),
            "date": self.date,
            "season": self.rows["season"].to_numpy(),
            "is_slate": self.is_slate,
            "n_listed": np.ones(self.n),
            "n_played": played.astype(np.float64),
        }
        for c in TEAM_SUM_COLUMNS:
            data[c] = np.where(played, self.stat[c], np.nan)
        frame = pd.DataFrame(data)
        keys = ["team_code", "game_id"]
        first = frame.groupby(keys, sort=False)[["opp_code", "date", "season", "is_slate"]].first()
        sums = frame.groupby(keys, sort=False)[["n_listed", "n_played", *TEAM_SUM_COLUMNS]].sum(min_count=1)
        games = first.join(sums).reset_index()
        opp = games[["team_code", "game_id", *TEAM_SUM_COLUMNS]].rename(
            columns={"team_code": "opp_code", **{c: f"opp_{c}" for c in TEAM_SUM_COLUMNS}}
        )
        games = games.merge(opp, on=["opp_code", "game_id"], how="left")
        games["day"] = games["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
        games = games.sort_values(["team_code", "date", "game_id"], kind="mergesort").reset_index(drop=True)
        return games

    @cached_property
    def history_team_games(self) -> pd.DataFrame:
        games = self.team_games
        return games.loc[~games["is_slate"].to_numpy(dtype=bool)].reset_index(drop=True)

    @cached_property
    def team_windows(self) -> KeyedWindows:
        return KeyedWindows(self.history_team_games["team_code"].to_numpy())

    def team_prior(self, side: str) -> np.ndarray:
        """Per row: index into ``history_team_games`` of the last game before the row's date of the row's
        ``side`` ("team" or "opponent")."""
        return self._team_prior_cache[side]

    @cached_property
    def _team_prior_cache(self) -> dict[str, np.ndarray]:
        games = self.history_team_games
        ev_key = games["team_code"].to_numpy()
        ev_date = games["date"].to_numpy(dtype="datetime64[ns]")
        return {
            "team": asof_positions(ev_key, ev_date, self.team_code, self.date),
            "opponent": asof_positions(ev_key, ev_date, self.opp_code, self.date),
        }

    @cached_property
    def row_team_game(self) -> np.ndarray:
        """Per row: index into ``team_games`` of the row's own (team, game)."""
        games = self.team_games
        lookup = pd.Series(
            np.arange(len(games)), index=pd.MultiIndex.from_arrays([games["team_code"], games["game_id"]])
        )
        keys = pd.MultiIndex.from_arrays([self.team_code, self.rows["game_id"].to_numpy()])
        return lookup.reindex(keys).to_numpy(dtype=np.int64)


def _shared_codes(team: pd.Series, opponent: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of team and opponent tricodes in one code space (a team has one code on both sides)."""
    categories = pd.Index(sorted(set(team.unique()) | set(opponent.unique())))
    return (
        categories.get_indexer(team).astype(np.int64),
        categories.get_indexer(opponent).astype(np.int64),
    )
