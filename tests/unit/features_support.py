"""Test helpers for the feature engine: the real box scores mapped to our schema, and tiny hand-made leagues.

The mapping lives here (not in the package) until a file-import data source exists.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nba_pra.data.schema import BOX_SCORE_COLUMNS, BOX_SCORE_OPTIONAL_COLUMNS

REAL_BOX_SCORES = "box_scores_2012-13_to_2023-24.parquet"
#: bench players have no start position: they get their most frequent one, else this
FALLBACK_POSITION = "F"


def real_box_scores(shared_data: Path, seasons: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The real box scores in our schema: ``start_position`` -> ``position`` (a player's most frequent
    start position fills his bench games), dates as datetime64, stats float64 with NaN on DNP rows."""
    raw = pd.read_parquet(shared_data / REAL_BOX_SCORES)
    if seasons is not None:
        raw = raw.loc[raw["season"].isin(seasons)]
    pos = raw["start_position"].replace("", np.nan)
    modal = pos.groupby(raw["player_id"]).agg(
        lambda s: s.mode().iloc[0] if s.notna().any() else FALLBACK_POSITION
    )
    out = raw.assign(
        position=pos.fillna(raw["player_id"].map(modal)).fillna(FALLBACK_POSITION),
        game_date=pd.to_datetime(raw["game_date"]).astype("datetime64[ns]"),
    )
    for c in ("minutes", "pts", "reb", "ast", *BOX_SCORE_OPTIONAL_COLUMNS):
        out[c] = pd.to_numeric(out[c]).astype("float64")
    out["played"] = out["played"].astype(bool)
    cols = [*BOX_SCORE_COLUMNS, *BOX_SCORE_OPTIONAL_COLUMNS]
    return out[cols].sort_values(["game_date", "game_id", "player_id"]).reset_index(drop=True)


def slate_from_history(box_scores: pd.DataFrame, date: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``box_scores`` at ``date``: history strictly before it, and that date's rows as a slate table
    (every listed player, no results) -- the shape :func:`build_slate` returns."""
    history = box_scores.loc[box_scores["game_date"] < date].reset_index(drop=True)
    day = box_scores.loc[box_scores["game_date"] == date]
    slate = day[
        ["game_id", "game_date", "season", "player_id", "player_name", "team", "opponent", "home", "position"]
    ].assign(commence_time=pd.Timestamp(date).tz_localize("UTC"))
    return history, slate.reset_index(drop=True)


#: (game_id, date, home team, away team) of the hand-made league
HAND_GAMES = (
    ("G1", "2024-01-01", "AAA", "BBB"),
    ("G2", "2024-01-02", "BBB", "AAA"),
    ("G3", "2024-01-04", "AAA", "BBB"),
)
#: player -> (team, position); results per game: (pts, reb, ast, minutes) or None for a DNP
HAND_PLAYERS = {1: ("AAA", "G"), 2: ("AAA", "C"), 3: ("BBB", "G"), 4: ("BBB", "F")}
HAND_RESULTS = {
    1: {"G1": (10, 2, 3, 30.0), "G2": (20, 4, 6, 36.0), "G3": None},
    2: {"G1": (8, 10, 1, 28.0), "G2": (4, 6, 0, 20.0), "G3": (12, 8, 2, 33.0)},
    3: {"G1": (15, 3, 5, 32.0), "G2": (9, 1, 2, 25.0), "G3": (20, 5, 7, 38.0)},
    4: {"G1": (6, 7, 2, 30.0), "G2": None, "G3": (10, 9, 1, 30.0)},
}
HAND_SLATE_GAME = ("G4", "2024-01-05", "AAA", "BBB")


def hand_box_scores() -> pd.DataFrame:
    """Three games between AAA and BBB (with two DNPs), no optional columns."""
    rows = []
    for game_id, date, home, away in HAND_GAMES:
        for pid, (team, position) in HAND_PLAYERS.items():
            result = HAND_RESULTS[pid][game_id]
            pts, reb, ast, minutes = result if result else (np.nan, np.nan, np.nan, 0.0)
            rows.append(
                {
                    "game_id": game_id,
                    "game_date": pd.Timestamp(date),
                    "season": "2023-24",
                    "player_id": pid,
                    "player_name": f"Player {pid}",
                    "team": team,
                    "opponent": away if team == home else home,
                    "home": team == home,
                    "starter": True,
                    "position": position,
                    "played": result is not None,
                    "minutes": minutes,
                    "pts": float(pts),
                    "reb": float(reb),
                    "ast": float(ast),
                }
            )
    return pd.DataFrame(rows)


def hand_slate() -> pd.DataFrame:
    """Game G4 (AAA at home to BBB) with all four players."""
    game_id, date, home, away = HAND_SLATE_GAME
    rows = [
        {
            "game_id": game_id,
            "game_date": pd.Timestamp(date),
            "season": "2023-24",
            "player_id": pid,
            "player_name": f"Player {pid}",
            "team": team,
            "opponent": away if team == home else home,
            "home": team == home,
            "position": position,
            "commence_time": pd.Timestamp(f"{date} 00:30", tz="UTC"),
        }
        for pid, (team, position) in HAND_PLAYERS.items()
    ]
    return pd.DataFrame(rows)
