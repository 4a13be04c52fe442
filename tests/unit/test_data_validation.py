"""Validation at the edge: one malformed file per rule; the error names the rule and the offending row."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from nba_pra.data.files import build_tables, read_table_file
from nba_pra.data.validation import parse_flag, parse_minutes, unparseable_minutes
from nba_pra.errors import DataValidationError

from settings_support import composed

TODAY = date(2024, 1, 31)


def good_rows() -> pd.DataFrame:
    """Two games (BOS-NYK on Jan 2, NYK-BOS on Jan 4), two players per team, one DNP."""
    rows = []
    games = (("G1", "2024-01-02", "BOS", "NYK"), ("G2", "2024-01-04", "NYK", "BOS"))
    for game_id, day, home_team, away_team in games:
        for team, opp in ((home_team, away_team), (away_team, home_team)):
            base = 100 if team == "BOS" else 200
            rows.append(dict(game_id=game_id, game_date=day, season="2023-24", player_id=base + 1,
                             player_name=f"{team} One", team=team, opponent=opp, home=team == home_team,
                             starter=True, start_position="G", minutes="34:12", pts=20, reb=5, ast=7))
            rows.append(dict(game_id=game_id, game_date=day, season="2023-24", player_id=base + 2,
                             player_name=f"{team} Two", team=team, opponent=opp, home=team == home_team,
                             starter=False, start_position="", minutes=12.5, pts=4, reb=3, ast=0))
    frame = pd.DataFrame(rows)
    frame.loc[7, ["minutes", "pts", "reb", "ast"]] = [None, None, None, None]  # G2, BOS Two: DNP
    return frame


def build(frame: pd.DataFrame, tmp_path: Path | None = None, **files: object):
    if tmp_path is not None:  # through a real CSV, as a user's file arrives
        path = tmp_path / "box.csv"
        frame.to_csv(path, index=False)
        frame = read_table_file(path)
    data = composed().data
    return build_tables(frame, settings=dataclasses.replace(data.files, **files), active_days=21,
                        validation=data.validation, today=TODAY)


def assert_rule(frame: pd.DataFrame, rule: str, rows: list[int], tmp_path: Path) -> str:
    with pytest.raises(DataValidationError) as info:
        build(frame, tmp_path)
    message = str(info.value)
    assert f"rule '{rule}'" in message
    for row in rows:
        assert f"row {row} (" in message
    return message


def test_a_clean_file_passes_every_rule(tmp_path: Path) -> None:
    tables = build(good_rows(), tmp_path)
    assert len(tables.box_scores) == 4  # G1 is history; G2 (the last date) is the slate


def test_a_missing_column_is_a_schema_error(tmp_path: Path) -> None:
    message = assert_rule(good_rows().drop(columns=["reb"]), "schema", [1], tmp_path)
    assert "reb" in message


def test_a_non_integer_player_id_is_a_schema_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame["player_id"] = frame["player_id"].astype(object)
    frame.loc[2, "player_id"] = "abc"
    assert_rule(frame, "schema", [3], tmp_path)


def test_an_unparseable_home_flag_is_a_schema_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame["home"] = frame["home"].astype(object)
    frame.loc[4, "home"] = "maybe"
    assert_rule(frame, "schema", [5], tmp_path)


def test_an_unparseable_date_is_a_dates_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[1, "game_date"] = "2024-13-45"
    assert_rule(frame, "dates", [2], tmp_path)


def test_a_malformed_minutes_value_is_a_minutes_format_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame["minutes"] = frame["minutes"].astype(object)
    frame.loc[5, "minutes"] = "twelve"
    assert_rule(frame, "minutes_format", [6], tmp_path)


def test_minutes_above_seventy_are_a_minutes_range_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame["minutes"] = frame["minutes"].astype(object)
    frame.loc[0, "minutes"] = "75:00"
    assert_rule(frame, "minutes_range", [1], tmp_path)


def test_negative_rebounds_are_a_non_negative_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[3, "reb"] = -1
    assert_rule(frame, "non_negative", [4], tmp_path)


def test_the_same_player_twice_in_a_game_is_a_unique_error(tmp_path: Path) -> None:
    frame = pd.concat([good_rows(), good_rows().iloc[[2]]], ignore_index=True)
    assert_rule(frame, "unique_player_game", [3, 9], tmp_path)


def test_a_dnp_row_with_points_is_a_dnp_rows_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[7, "pts"] = 6
    assert_rule(frame, "dnp_rows", [8], tmp_path)


def test_a_played_row_without_assists_is_a_dnp_rows_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[0, "ast"] = None
    assert_rule(frame, "dnp_rows", [1], tmp_path)


def test_a_game_stored_under_two_ids_is_a_duplicated_games_error(tmp_path: Path) -> None:
    copy = good_rows().iloc[:4].assign(game_id="G1-again", player_id=lambda f: f["player_id"] + 1000)
    frame = pd.concat([good_rows(), copy], ignore_index=True)
    assert_rule(frame, "duplicated_games", [1, 9], tmp_path)


def test_a_game_with_two_home_sides_is_a_duplicated_games_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[[2, 3], "home"] = True  # NYK rows of G1 say home too
    assert_rule(frame, "duplicated_games", [1], tmp_path)


def test_a_result_dated_after_today_is_a_future_results_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[4:7, "game_date"] = "2024-02-10"  # TODAY is 2024-01-31
    assert_rule(frame, "future_results", [5], tmp_path)


def test_the_error_quotes_at_most_the_configured_number_of_rows(tmp_path: Path) -> None:
    frame = good_rows()
    frame["reb"] = -1.0
    frame.loc[7, "reb"] = None
    with pytest.raises(DataValidationError) as info:
        build_tables(frame, settings=composed().data.files, active_days=21,
                     validation=dataclasses.replace(composed().data.validation, max_rows_reported=2), today=TODAY)
    message = str(info.value)
    assert "7 row(s)" in message and "row 2 (" in message and "row 3 (" not in message


def test_minutes_parse_from_clock_plain_number_and_iso_formats() -> None:
    values = pd.Series(["34:12", "34", "34.2", "PT34M12.00S", "", None, "x"], dtype=object)
    parsed = parse_minutes(values)
    assert parsed.iloc[:4].tolist() == pytest.approx([34.2, 34.0, 34.2, 34.2])
    assert parsed.iloc[4:].isna().all()
    assert unparseable_minutes(values).tolist() == [False] * 6 + [True]


def test_flags_parse_from_booleans_digits_and_words() -> None:
    flags = parse_flag(pd.Series(["True", "0", "yes", "N", "1.0", "perhaps"], dtype=object))
    assert flags.iloc[:5].tolist() == [True, False, True, False, True]
    assert pd.isna(flags.iloc[5])
