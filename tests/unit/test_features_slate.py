"""The next slate: the earliest scheduled date, every active rostered player of both teams."""

from __future__ import annotations

import pandas as pd
import pytest

from nba_pra.errors import DataError, DataValidationError
from nba_pra.features.slate import SLATE_COLUMNS, build_slate


def schedule() -> pd.DataFrame:
    def game(game_id: str, date: str, home: str, away: str, status: str) -> dict:
        return {
            "game_id": game_id,
            "game_date": pd.Timestamp(date),
            "season": "2024-25",
            "home_team": home,
            "away_team": away,
            "commence_time": pd.Timestamp(f"{date} 23:30", tz="UTC"),
            "status": status,
        }

    return pd.DataFrame(
        [
            game("G1", "2024-11-01", "AAA", "BBB", "final"),
            game("G3", "2024-11-03", "AAA", "CCC", "scheduled"),
            game("G2", "2024-11-02", "BBB", "DDD", "scheduled"),
            game("G4", "2024-11-02", "CCC", "EEE", "scheduled"),
        ]
    )


def rosters() -> pd.DataFrame:
    rows = [
        (1, "AAA", "G", "active"),
        (2, "BBB", "F", "active"),
        (3, "BBB", "C", "out"),
        (4, "DDD", "G", "active"),
        (5, "CCC", "C", "active"),
        (6, "EEE", "F", "active"),
        (7, "FFF", "G", "active"),
    ]
    return pd.DataFrame(
        [
            {"player_id": p, "player_name": f"P{p}", "team": t, "position": pos, "status": s}
            for p, t, pos, s in rows
        ]
    )


def test_slate_is_every_active_player_of_both_teams_on_the_earliest_scheduled_date() -> None:
    slate = build_slate(schedule(), rosters())
    assert list(slate.columns) == list(SLATE_COLUMNS)
    assert slate["game_date"].unique().tolist() == [pd.Timestamp("2024-11-02")]
    assert slate[["game_id", "player_id", "team", "opponent", "home"]].values.tolist() == [
        ["G2", 2, "BBB", "DDD", True],
        ["G2", 4, "DDD", "BBB", False],
        ["G4", 5, "CCC", "EEE", True],
        ["G4", 6, "EEE", "CCC", False],
    ]
    assert slate["commence_time"].iloc[0] == pd.Timestamp("2024-11-02 23:30", tz="UTC")
    assert slate["player_id"].dtype == "int64" and slate["home"].dtype == bool


def test_no_scheduled_game_is_a_clear_data_error() -> None:
    done = schedule().assign(status="final")
    with pytest.raises(DataError, match="no scheduled game"):
        build_slate(done, rosters())


def test_no_active_player_for_the_slate_teams_is_a_clear_data_error() -> None:
    with pytest.raises(DataError, match="no active rostered player"):
        build_slate(schedule(), rosters().assign(status="out"))


def test_a_schedule_missing_a_column_is_rejected() -> None:
    with pytest.raises(DataValidationError, match="schedule is missing required column"):
        build_slate(schedule().drop(columns=["status"]), rosters())
