"""Writing and reading the raw tables: byte-identical, atomic, clear errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from nba_pra.data import schema
from nba_pra.data.store import RAW_TABLES, read_raw_table, write_raw_tables
from nba_pra.data.synthetic import League, simulate_league
from nba_pra.errors import DataError
from synthetic_support import default_league_settings

BASE = default_league_settings()
SMALL = dataclasses.replace(
    BASE,
    n_teams=6,
    games_per_team=16,
    n_seasons=2,
    current_season_days_played=20,
    schedule=dataclasses.replace(BASE.schedule, season_length_days=45),
)


@pytest.fixture(scope="module")
def league() -> League:
    return simulate_league(SMALL)


def test_all_six_tables_are_written_under_their_schema_names(league: League, tmp_path: Path) -> None:
    paths = write_raw_tables(league, tmp_path / "data")
    assert {p.name for p in paths.values()} == {
        schema.BOX_SCORES_FILE,
        schema.SCHEDULE_FILE,
        schema.ROSTERS_FILE,
        schema.LINES_FILE,
        schema.GROUND_TRUTH_FILE,
        schema.INJURY_REPORT_FILE,
    }
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == sorted(RAW_TABLES.values())


def test_the_same_settings_write_byte_identical_files(league: League, tmp_path: Path) -> None:
    first = write_raw_tables(league, tmp_path / "a")
    second = write_raw_tables(simulate_league(SMALL), tmp_path / "b")
    for name in RAW_TABLES:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_tables_read_back_equal_to_what_was_written(league: League, tmp_path: Path) -> None:
    write_raw_tables(league, tmp_path)
    for name in RAW_TABLES:
        pd.testing.assert_frame_equal(read_raw_table(tmp_path, name), getattr(league, name))
    assert read_raw_table(tmp_path, schema.LINES_FILE).shape == league.lines.shape


def test_rewriting_replaces_the_files_and_leaves_no_temporary_files(league: League, tmp_path: Path) -> None:
    write_raw_tables(league, tmp_path)
    write_raw_tables(league, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(RAW_TABLES.values())


def test_a_failing_table_leaves_the_previous_files_untouched(league: League, tmp_path: Path) -> None:
    paths = write_raw_tables(league, tmp_path)
    before = {name: p.read_bytes() for name, p in paths.items()}
    broken_lines = league.lines.assign(line=[object()] * len(league.lines))  # pyarrow cannot store this
    broken = dataclasses.replace(league, box_scores=league.box_scores.head(3), lines=broken_lines)
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        write_raw_tables(broken, tmp_path)
    assert {name: p.read_bytes() for name, p in paths.items()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(RAW_TABLES.values())


def test_reading_a_missing_table_raises_a_data_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"box_scores\.parquet is missing"):
        read_raw_table(tmp_path, "box_scores")


def test_reading_an_unknown_table_raises_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown raw table"):
        read_raw_table(tmp_path, "odds")
