"""Validation at the edge: one malformed file per rule; the error names the rule and the offending row."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from nba_pra.data.files import build_tables, read_table_file
from nba_pra.data.validation import parse_flag, parse_minutes, unparseable_minutes
from nba_pra.errors import ConfigError, DataValidationError
from settings_support import composed

TODAY = date(2024, 1, 31)


def good_rows() -> pd.DataFrame:
    """Two games (BOS-NYK on Jan 2, NYK-BOS on Jan 4), two players per team, one DNP."""
    rows = []
    games = (("G1", "2024-01-02", "BOS", "NYK"), ("G2", "2024-01-04", "NYK", "BOS"))
    for game_id, day, home_team, away_team in games:
        for team, opp in ((home_team, away_team), (away_team, home_team)):
            base = 100 if team == "BOS" else 200
            rows.append({"game_id": game_id, "game_date": day, "season": "2023-24", "player_id": base + 1,
                         "player_name": f"{team} One", "team": team, "opponent": opp, "home": team == home_team,
                         "starter": True, "start_position": "G", "minutes": "34:12", "pts": 20, "reb": 5, "ast": 7})
            rows.append({"game_id": game_id, "game_date": day, "season": "2023-24", "player_id": base + 2,
                         "player_name": f"{team} Two", "team": team, "opponent": opp, "home": team == home_team,
                         "starter": False, "start_position": "", "minutes": 12.5, "pts": 4, "reb": 3, "ast": 0})
    frame = pd.DataFrame(rows)
    frame.loc[7, ["minutes", "pts", "reb", "ast"]] = [None, None, None, None]  # G2, BOS Two: DNP
    return frame


def build(frame: pd.DataFrame, tmp_path: Path | None = None, lines: pd.DataFrame | None = None, **files: object):
    if tmp_path is not None:  # through a real CSV, as a user's file arrives
        path = tmp_path / "box.csv"
        frame.to_csv(path, index=False)
        frame = read_table_file(path)
    data = composed().data
    return build_tables(frame, settings=dataclasses.replace(data.files, **files), active_days=21,
                        validation=data.validation, today=TODAY, lines=lines)


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


# --- issue #23: validation gaps that used to import (exit 0) or crash after writing ---------------------------


def test_a_blank_season_is_a_blank_fields_error_naming_the_row(tmp_path: Path) -> None:
    frame = good_rows()
    frame["season"] = frame["season"].astype(object)
    frame.loc[3, "season"] = None
    message = assert_rule(frame, "blank_fields", [4], tmp_path)
    assert "1 row(s)" in message and "season=nan" in message


def test_a_blank_player_name_is_a_blank_fields_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[2, "player_name"] = ""
    assert "player_name=nan" in assert_rule(frame, "blank_fields", [3], tmp_path)


def test_a_season_that_is_not_a_label_is_a_season_error_quoting_it(tmp_path: Path) -> None:
    frame = good_rows()
    frame["season"] = "garbage"
    message = assert_rule(frame, "season", [1, 2], tmp_path)
    assert "8 row(s)" in message and "season='garbage'" in message


def test_a_season_whose_second_year_does_not_follow_the_first_is_a_season_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[0, "season"] = "2023-25"
    assert_rule(frame, "season", [1], tmp_path)


def test_a_date_in_1850_labelled_2023_24_is_a_season_dates_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[frame["game_id"] == "G1", "game_date"] = "1850-01-02"
    message = assert_rule(frame, "season_dates", [1, 2, 3, 4], tmp_path)
    assert "game_date='1850-01-02'" in message and "season='2023-24'" in message


def test_the_season_window_runs_from_the_configured_opening_to_the_configured_close(tmp_path: Path) -> None:
    validation = composed().data.validation
    first_day = pd.Timestamp(f"2022-{validation.season_opens}")
    last_day = pd.Timestamp(f"2023-{validation.season_closes}")
    inside = good_rows().assign(season="2022-23")  # G1 on the window's first day, G2 (the slate) on its last
    inside.loc[inside["game_id"] == "G1", "game_date"] = first_day.strftime("%Y-%m-%d")
    inside.loc[inside["game_id"] == "G2", "game_date"] = last_day.strftime("%Y-%m-%d")
    assert len(build(inside, tmp_path).box_scores) == 4
    before = inside.copy()
    before.loc[before["game_id"] == "G1", "game_date"] = (first_day - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    assert_rule(before, "season_dates", [1], tmp_path)
    after = inside.copy()
    after.loc[after["game_id"] == "G2", "game_date"] = (last_day + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    assert_rule(after, "season_dates", [5], tmp_path)


def test_a_dnp_only_game_after_today_is_rejected_instead_of_becoming_the_slate(tmp_path: Path) -> None:
    future = good_rows().iloc[4:8].assign(game_id="G9", game_date="2031-01-02", season="2030-31",
                                          minutes=None, pts=None, reb=None, ast=None)
    frame = pd.concat([good_rows(), future], ignore_index=True)
    message = assert_rule(frame, "future_results", [9, 12], tmp_path)
    assert "rule 'no_players'" in message


def test_a_file_in_which_nobody_played_is_a_no_players_error(tmp_path: Path) -> None:
    frame = good_rows().assign(minutes=None, pts=None, reb=None, ast=None)
    assert "8 row(s)" in assert_rule(frame, "no_players", [1, 5], tmp_path)


def test_one_team_of_a_game_without_a_player_who_played_is_a_no_players_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame.loc[[2, 3], ["minutes", "pts", "reb", "ast"]] = None  # NYK in G1: both DNP
    assert_rule(frame, "no_players", [3, 4], tmp_path)


@pytest.mark.parametrize("player_id", ["99999999999999999999", "9007199254740993", "-5", "0", "1e400"])
def test_a_player_id_that_is_huge_negative_or_zero_is_a_schema_error(tmp_path: Path, player_id: str) -> None:
    frame = good_rows()
    frame["player_id"] = frame["player_id"].astype(object)
    frame.loc[1, "player_id"] = player_id
    assert_rule(frame, "schema", [2], tmp_path)


def test_an_infinite_stat_is_a_schema_error(tmp_path: Path) -> None:
    frame = good_rows()
    frame["pts"] = frame["pts"].astype(object)
    frame.loc[0, "pts"] = "inf"
    assert_rule(frame, "schema", [1], tmp_path)


def test_a_slate_date_that_is_not_a_date_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'notadate' is not a date"):
        build(good_rows(), tmp_path, slate_date="notadate")


def lines_for(frame: pd.DataFrame) -> pd.DataFrame:
    """One book's line for every player of the last game (the slate) in the raw lines schema."""
    slate = frame.loc[frame["game_id"] == "G2"]
    return pd.DataFrame({"game_id": slate["game_id"], "game_date": slate["game_date"],
                         "player_id": slate["player_id"], "player_name": slate["player_name"],
                         "bookmaker": "book", "line": 20.5, "over_price": -110, "under_price": -110})


def test_clean_lines_are_kept_for_the_slate(tmp_path: Path) -> None:
    tables = build(good_rows(), tmp_path, lines=lines_for(good_rows()))
    assert sorted(tables.lines["player_id"]) == sorted(good_rows().loc[4:7, "player_id"])


@pytest.mark.parametrize(("column", "value"), [
    ("player_id", "99999999999999999999"), ("over_price", "-50"), ("under_price", "-110.5"), ("line", "-1"),
    ("line", "abc"), ("game_date", "someday"), ("bookmaker", ""), ("close_line", "[/x]"),
])
def test_a_lines_row_with_a_broken_value_is_a_lines_schema_error(column: str, value: str) -> None:
    lines = lines_for(good_rows()).astype(object).assign(close_line=None).reset_index(drop=True)
    lines.loc[2, column] = value
    with pytest.raises(DataValidationError, match=r"lines failed validation -- rule 'lines_schema'.*row 3 \("):
        build(good_rows(), lines=lines)


def test_a_season_window_bound_that_is_not_a_month_and_day_is_a_config_error(tmp_path: Path) -> None:
    validation = dataclasses.replace(composed().data.validation, season_opens="13-01")
    with pytest.raises(ConfigError, match=r"data\.validation\.season_opens must be a month and day MM-DD"):
        build_tables(good_rows(), settings=composed().data.files, active_days=21, validation=validation, today=TODAY)
