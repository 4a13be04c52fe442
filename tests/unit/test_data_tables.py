"""Building the raw tables from real box scores: positions, rosters, slate, tip-off times, lines."""

from __future__ import annotations

import pandas as pd
import pytest

from nba_pra.data import schema
from nba_pra.data.tables import (
    build_rosters,
    commence_times,
    empty_lines,
    normalize_lines,
    player_positions,
    season_of,
    split_historical_slate,
    upcoming_games,
)
from nba_pra.errors import DataError


def box(rows: list[tuple]) -> pd.DataFrame:
    """(player_id, team, date) rows -> a minimal normalized box-score frame."""
    frame = pd.DataFrame(rows, columns=["player_id", "team", "game_date"])
    return frame.assign(game_date=pd.to_datetime(frame["game_date"]), game_id=frame["team"] + frame["game_date"]
                        .astype(str), player_name="P" + frame["player_id"].astype(str), position="G")


def test_a_players_position_is_his_most_frequent_start_else_the_default() -> None:
    frame = pd.DataFrame({"player_id": [1, 1, 1, 2, 2, 3],
                          "start_position": ["F", "C", "F", "", None, "g"]})
    assert player_positions(frame, "F").to_dict() == {1: "F", 2: "F", 3: "G"}
    assert player_positions(frame.assign(start_position=["", "", "", "", "", ""]), "C").to_dict() \
        == {1: "C", 2: "C", 3: "C"}


def test_a_traded_player_is_rostered_on_his_last_team() -> None:
    frame = box([(1, "BOS", "2024-01-01"), (1, "NYK", "2024-01-05"), (2, "BOS", "2024-01-05")])
    rosters = build_rosters(frame, pd.Timestamp("2024-01-07"), active_days=21)
    assert dict(zip(rosters["player_id"], rosters["team"], strict=True)) == {1: "NYK", 2: "BOS"}
    assert list(rosters.columns) == list(schema.ROSTER_COLUMNS) and set(rosters["status"]) == {"active"}


def test_a_player_absent_longer_than_active_days_before_his_teams_last_game_is_dropped() -> None:
    frame = box([(1, "BOS", "2024-01-01"), (2, "BOS", "2024-01-20"), (3, "BOS", "2024-01-30")])
    rosters = build_rosters(frame, pd.Timestamp("2024-02-01"), active_days=10)
    assert sorted(rosters["player_id"]) == [2, 3]  # 1 last played 29 days before BOS's last game


def test_last_seasons_roster_carries_over_to_opening_night() -> None:
    frame = box([(1, "BOS", "2024-06-10"), (2, "BOS", "2024-06-12")])
    rosters = build_rosters(frame, pd.Timestamp("2024-10-22"), active_days=21)
    assert sorted(rosters["player_id"]) == [1, 2]


def test_the_historical_slate_hides_that_dates_results_and_drops_later_games() -> None:
    frame = box([(1, "BOS", "2024-01-01"), (1, "BOS", "2024-01-03"), (1, "BOS", "2024-01-05")])
    history, slate_rows, slate = split_historical_slate(frame, pd.Timestamp("2024-01-03"))
    assert history["game_date"].dt.day.tolist() == [1]
    assert slate_rows["game_date"].dt.day.tolist() == [3] and slate == pd.Timestamp("2024-01-03")


def test_a_slate_date_without_games_is_a_data_error_naming_the_range() -> None:
    frame = box([(1, "BOS", "2024-01-01"), (1, "BOS", "2024-01-03")])
    with pytest.raises(DataError, match=r"2024-01-02.*2024-01-01\.\.2024-01-03"):
        split_historical_slate(frame, pd.Timestamp("2024-01-02"))


def test_tipoff_is_converted_from_eastern_time_with_daylight_saving() -> None:
    times = commence_times(pd.Series(pd.to_datetime(["2024-01-02", "2024-04-14"])), 19.5)
    assert [str(t) for t in times] == ["2024-01-03 00:30:00+00:00", "2024-04-14 23:30:00+00:00"]


def test_seasons_turn_over_in_july() -> None:
    dates = pd.Series(pd.to_datetime(["2023-10-24", "2024-06-17", "2024-07-01", "1999-12-01"]))
    assert season_of(dates).tolist() == ["2023-24", "2023-24", "2024-25", "1999-00"]


def test_upcoming_games_keep_only_those_after_the_last_result_and_get_ids_and_seasons() -> None:
    raw = pd.DataFrame({"game_date": ["2024-01-03", "2024-01-05"], "home_team": ["BOS", "NYK"],
                        "away_team": ["NYK", "BOS"]})
    games = upcoming_games(raw, pd.Timestamp("2024-01-03"), 19.0)
    assert games[["game_id", "season", "status"]].values.tolist() == [["S20240105NYKBOS", "2023-24", "scheduled"]]
    with pytest.raises(DataError, match="no game after"):
        upcoming_games(raw, pd.Timestamp("2024-01-05"), 19.0)


def test_lines_are_empty_with_the_schema_columns_unless_given() -> None:
    assert list(empty_lines().columns) == list(schema.LINE_COLUMNS) and empty_lines().empty
    given = pd.DataFrame({"game_id": ["G1"], "game_date": ["2024-01-03"], "player_id": [7], "player_name": ["X"],
                          "bookmaker": ["book"], "line": [30.5], "over_price": [-110], "under_price": [-110]})
    lines = normalize_lines(given)
    assert list(lines.columns) == list(schema.LINE_COLUMNS) and lines["close_line"].isna().all()
