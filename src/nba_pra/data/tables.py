"""Real box scores -> the raw tables of :mod:`nba_pra.data.schema` (pure; shared by the files and nba_api
sources).

Input: a frame already passed by :func:`nba_pra.data.validation.validate_input` (the input schema of
:mod:`nba_pra.data.files`). Output: ``box_scores`` (completed games only), ``schedule`` (completed games
"final" + the next slate's games "scheduled"), ``rosters`` (who is available for the slate) and an empty or
given ``lines`` table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nba_pra.data import schema
from nba_pra.data.validation import dnp_mask, parse_dates, parse_flag, parse_minutes
from nba_pra.errors import DataError

EASTERN = "America/New_York"
ROSTER_ACTIVE = "active"
POSITIONS = ("G", "F", "C")


@dataclass(frozen=True)
class RealTables:
    """The raw tables written by a real-data source (no ``ground_truth``: that exists only when simulated)."""

    box_scores: pd.DataFrame
    schedule: pd.DataFrame
    rosters: pd.DataFrame
    lines: pd.DataFrame

    def by_name(self) -> dict[str, pd.DataFrame]:
        """Table name -> frame (the names of :data:`nba_pra.data.store.RAW_TABLES`)."""
        return {"box_scores": self.box_scores, "schedule": self.schedule, "rosters": self.rosters,
                "lines": self.lines}


def season_of(dates: pd.Series) -> pd.Series:
    """NBA season label of each date: July-December belong to "YYYY-YY+1", January-June to the season before."""
    start = dates.dt.year - (dates.dt.month < 7).astype(int)
    return start.astype(str) + "-" + ((start + 1) % 100).map("{:02d}".format)


def player_positions(frame: pd.DataFrame, default: str) -> pd.Series:
    """One position (G/F/C) per player_id: ``position`` when given, else his most frequent non-empty
    ``start_position``, else ``default`` (bench players who never started)."""
    source = "position" if "position" in frame.columns else "start_position"
    if source not in frame.columns:
        return pd.Series(default, index=pd.Index(frame["player_id"].unique(), name="player_id"), dtype=object)
    pos = frame[source].astype("string").str.strip().str.upper().str[:1]
    known = frame.assign(_pos=pos).loc[pos.isin(POSITIONS).fillna(False).to_numpy(bool)]
    counts = known.groupby(["player_id", "_pos"]).size().rename("n").reset_index()
    mode = counts.sort_values(["player_id", "n", "_pos"], ascending=[True, False, True], kind="mergesort")
    best = mode.drop_duplicates("player_id").set_index("player_id")["_pos"]
    everyone = pd.Index(frame["player_id"].unique(), name="player_id")
    return best.reindex(everyone).fillna(default).astype(object)


def normalize_box_scores(frame: pd.DataFrame, default_position: str) -> pd.DataFrame:
    """Validated input -> ``box_scores`` in the raw schema (+ the optional stat columns present).

    DNP rows keep ``played`` False, minutes 0 and NaN stats; ``starter`` defaults to False.
    """
    out = pd.DataFrame(index=frame.index)
    out["game_id"] = frame["game_id"].astype(str).str.strip()
    out["game_date"] = parse_dates(frame["game_date"])
    out["season"] = frame["season"].astype(str)
    out["player_id"] = pd.to_numeric(frame["player_id"]).astype("int64")
    out["player_name"] = frame["player_name"].astype(str)
    out["team"] = frame["team"].astype(str).str.strip()
    out["opponent"] = frame["opponent"].astype(str).str.strip()
    out["home"] = parse_flag(frame["home"]).astype(bool)
    starter = parse_flag(frame["starter"]) if "starter" in frame.columns else None
    out["starter"] = starter.fillna(False).astype(bool) if starter is not None else False
    positions = player_positions(frame.assign(player_id=out["player_id"]), default_position)
    out["position"] = out["player_id"].map(positions).astype(str)
    dnp = dnp_mask(frame)
    out["played"] = ~dnp
    out["minutes"] = parse_minutes(frame["minutes"]).where(~dnp, 0.0).fillna(0.0)
    stats = [c for c in ("pts", "reb", "ast", *schema.BOX_SCORE_OPTIONAL_COLUMNS) if c in frame.columns]
    for column in stats:
        out[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64").where(~dnp)
    out = out.sort_values(["game_date", "game_id", "team", "player_id"], kind="mergesort")
    return out.reset_index(drop=True)


def commence_times(dates: pd.Series, tipoff_hour_eastern: float) -> pd.Series:
    """UTC tip-off of games on US-local ``dates`` at a fixed Eastern hour (DST-aware)."""
    local = (dates + pd.to_timedelta(tipoff_hour_eastern, unit="h")).dt.tz_localize(EASTERN)
    return local.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def games_from_box_scores(box_scores: pd.DataFrame, tipoff_hour_eastern: float, status: str) -> pd.DataFrame:
    """One schedule row per game_id in ``box_scores`` (home team from the ``home`` flag)."""
    home = box_scores.loc[box_scores["home"], ["game_id", "game_date", "season", "team", "opponent"]]
    games = home.drop_duplicates("game_id").rename(columns={"team": "home_team", "opponent": "away_team"})
    games = games.assign(commence_time=commence_times(games["game_date"], tipoff_hour_eastern), status=status)
    return games[list(schema.SCHEDULE_COLUMNS)].reset_index(drop=True)


def with_commence_times(rows: pd.DataFrame, tipoff_hour_eastern: float) -> pd.DataFrame:
    """Player-game rows of played games (``schema.PLAYER_GAME_COLUMNS``) plus each game's UTC ``commence_time``:
    the shape of a slate that an odds source prices."""
    games = games_from_box_scores(rows, tipoff_hour_eastern, status="final")[["game_id", "commence_time"]]
    return rows.merge(games, on="game_id", how="left").loc[:, [*schema.PLAYER_GAME_COLUMNS, "commence_time"]]


def split_historical_slate(box_scores: pd.DataFrame, slate_date: pd.Timestamp | None) -> tuple[
    pd.DataFrame, pd.DataFrame, pd.Timestamp
]:
    """Replay the file up to ``slate_date`` (default: its last game date): results before it stay history,
    the games on it become the slate (results hidden), everything later is dropped.

    Returns (history box scores, slate box-score rows (for their games only), slate date).
    """
    dates = box_scores["game_date"]
    slate = dates.max() if slate_date is None else pd.Timestamp(slate_date).normalize()
    if not (dates == slate).any():
        raise DataError(
            f"the box scores have no game on the slate date {slate.date()}; pick a game date within "
            f"{dates.min().date()}..{dates.max().date()} or give an upcoming schedule file"
        )
    history = box_scores.loc[dates < slate].reset_index(drop=True)
    if history.empty:
        raise DataError(f"no completed game before the slate date {slate.date()}: nothing to learn from")
    return history, box_scores.loc[dates == slate].reset_index(drop=True), slate


def upcoming_games(raw: pd.DataFrame, after: pd.Timestamp, tipoff_hour_eastern: float) -> pd.DataFrame:
    """An upcoming-schedule file (game_date, home_team, away_team[, game_id, commence_time, season]) ->
    "scheduled" schedule rows for games after ``after`` (the last completed game date)."""
    schema.require_columns(raw, ("game_date", "home_team", "away_team"), "upcoming schedule")
    games = pd.DataFrame({"game_date": parse_dates(raw["game_date"]), "home_team": raw["home_team"].astype(str),
                          "away_team": raw["away_team"].astype(str)})
    if games["game_date"].isna().any():
        raise DataError("the upcoming schedule has unparseable game_date values")
    fallback_id = "S" + games["game_date"].dt.strftime("%Y%m%d") + games["home_team"] + games["away_team"]
    games["game_id"] = raw["game_id"].astype(str) if "game_id" in raw.columns else fallback_id
    games["season"] = raw["season"].astype(str) if "season" in raw.columns else season_of(games["game_date"])
    if "commence_time" in raw.columns:
        games["commence_time"] = pd.to_datetime(raw["commence_time"], utc=True).astype("datetime64[ns, UTC]")
    else:
        games["commence_time"] = commence_times(games["game_date"], tipoff_hour_eastern)
    games["status"] = schema.STATUS_SCHEDULED
    games = games.loc[games["game_date"] > after]
    if games.empty:
        raise DataError(f"the upcoming schedule has no game after the last result ({after.date()})")
    return games[list(schema.SCHEDULE_COLUMNS)].sort_values(["game_date", "game_id"]).reset_index(drop=True)


def build_rosters(box_scores: pd.DataFrame, slate_date: pd.Timestamp, active_days: int) -> pd.DataFrame:
    """Players available for the slate: each player on the team of his latest box-score row (played or DNP)
    before ``slate_date``, if that row is within ``active_days`` of his team's latest game; status "active".

    Measuring from the team's latest game (not the slate date) keeps last season's rosters at the start of
    a new season. Real data carry no injury list: a player out for weeks drops off by himself.
    """
    history = box_scores.loc[box_scores["game_date"] < slate_date]
    last = history.sort_values(["player_id", "game_date", "game_id"], kind="mergesort").drop_duplicates(
        "player_id", keep="last"
    )
    team_last = history.groupby("team")["game_date"].max()
    recent = last["game_date"] >= last["team"].map(team_last) - pd.Timedelta(days=active_days)
    rosters = last.loc[recent, ["player_id", "player_name", "team", "position"]].assign(status=ROSTER_ACTIVE)
    return rosters[list(schema.ROSTER_COLUMNS)].sort_values(["team", "player_id"]).reset_index(drop=True)


def empty_lines() -> pd.DataFrame:
    """A lines table with no rows and the raw schema's dtypes."""
    dtypes = {"game_id": "str", "game_date": "datetime64[ns]", "player_id": "int64", "player_name": "str",
              "bookmaker": "str", "line": "float64", "over_price": "int64", "under_price": "int64",
              "close_line": "float64", "close_over_price": "float64", "close_under_price": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in schema.LINE_COLUMNS})


def normalize_lines(raw: pd.DataFrame) -> pd.DataFrame:
    """User lines in the raw ``lines`` schema (``close_*`` optional) with the schema's dtypes."""
    schema.require_columns(raw, [c for c in schema.LINE_COLUMNS if not c.startswith("close_")], "lines")
    out = raw.copy()
    for column in ("close_line", "close_over_price", "close_under_price"):
        out[column] = pd.to_numeric(out[column], errors="coerce") if column in out.columns else np.nan
    out["game_id"] = out["game_id"].astype(str)
    out["game_date"] = parse_dates(out["game_date"])
    out["player_id"] = pd.to_numeric(out["player_id"]).astype("int64")
    for column in ("over_price", "under_price"):
        out[column] = pd.to_numeric(out[column]).astype("int64")
    out["line"] = pd.to_numeric(out["line"]).astype("float64")
    return out[list(schema.LINE_COLUMNS)].reset_index(drop=True)


def assemble(
    box_scores: pd.DataFrame,
    *,
    upcoming: pd.DataFrame | None,
    slate_date: pd.Timestamp | None,
    active_days: int,
    tipoff_hour_eastern: float,
    lines: pd.DataFrame | None = None,
) -> RealTables:
    """Normalized box scores -> the raw tables with a next slate.

    With ``upcoming`` (scheduled games after the last result) the slate is its earliest date and every box
    score is history. Without it the file is replayed up to ``slate_date`` (default: its last game date):
    see :func:`split_historical_slate`. Lines of games outside the schedule (after a replayed slate) are
    dropped: a replay must not hold the future's prices.
    """
    if upcoming is not None and not upcoming.empty:
        history, slate = box_scores, upcoming["game_date"].min()
        scheduled = upcoming
    else:
        history, slate_rows, slate = split_historical_slate(box_scores, slate_date)
        scheduled = games_from_box_scores(slate_rows, tipoff_hour_eastern, schema.STATUS_SCHEDULED)
    final = games_from_box_scores(history, tipoff_hour_eastern, schema.STATUS_FINAL)
    schedule = pd.concat([final, scheduled], ignore_index=True)
    rosters = build_rosters(history, slate, active_days)
    return RealTables(
        box_scores=history.reset_index(drop=True),
        schedule=schedule.sort_values(["game_date", "game_id"], kind="mergesort").reset_index(drop=True),
        rosters=rosters,
        lines=empty_lines() if lines is None else lines.loc[lines["game_id"].isin(set(schedule["game_id"]))]
        .reset_index(drop=True),
    )
