"""The official injury report PDF parser: the two real PDFs parse to exactly the reference rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nba_pra.availability.injury_pdf import NOT_YET_SUBMITTED, REPORT_COLUMNS, parse_injury_report, rows_from_pages
from nba_pra.errors import InjuryReportParseError

SAMPLES = ("Injury-Report_2025-03-08_12PM.pdf", "Injury-Report_2025-03-08_05PM.pdf")


def _pdf(shared_data: Path, name: str) -> Path:
    return shared_data / "availability" / "official_pdf_samples" / name


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.fillna("").sort_values(list(REPORT_COLUMNS), kind="mergesort").reset_index(drop=True)


@pytest.fixture(scope="module")
def afternoon_rows(shared_data: Path) -> pd.DataFrame:
    """The 5 PM report parsed from its bytes (parsed once: both tests below read it; the 12 PM one is read from
    its path, so both source forms are covered)."""
    return parse_injury_report(_pdf(shared_data, SAMPLES[1]).read_bytes())


def test_the_two_official_pdfs_parse_to_exactly_the_reference_rows(shared_data: Path,
                                                                   afternoon_rows: pd.DataFrame) -> None:
    reference = pd.read_parquet(shared_data / "availability" / "injury_report_samples.parquet")
    expected = reference[list(REPORT_COLUMNS)].astype(object)
    parsed = pd.concat([parse_injury_report(_pdf(shared_data, SAMPLES[0])), afternoon_rows], ignore_index=True)
    assert len(parsed) == len(expected) == 261
    # the reference is sorted by team; the parser keeps the PDF's order: compare as row sets, exactly
    pd.testing.assert_frame_equal(_sorted(parsed), _sorted(expected.where(expected.notna(), None)))


def test_report_time_rows_across_page_breaks_and_not_yet_submitted(afternoon_rows: pd.DataFrame) -> None:
    rows = afternoon_rows.copy()
    assert set(rows["report_time"]) == {"2025-03-08T17:30:00-05:00"}
    # a reason wrapped across a page break is one row with the whole reason
    white = rows.loc[rows["player_name"] == "White, Coby"].iloc[0]
    assert white["reason"] == "Injury/Illness - Right Toe; Sesamoiditis" and white["status"] == "Probable"
    # repeated cells are filled from the row above, also on the next page
    boston = rows.loc[rows["player_name"] == "Boston, Brandon"].iloc[0]
    assert (boston["team"], boston["matchup"], boston["game_time_et"]) == ("New Orleans Pelicans", "NOP@HOU",
                                                                          "07:00 (ET)")
    nys = rows.loc[rows["reason"] == NOT_YET_SUBMITTED]
    assert len(nys) > 0 and nys["player_name"].isna().all() and nys["status"].isna().all()
    assert rows.loc[rows["reason"] != NOT_YET_SUBMITTED, "player_name"].notna().all()


def _word(text: str, x0: float, top: float, size: float = 10.0) -> dict:
    return {"text": text, "x0": x0, "top": top, "bottom": top + size}


_HEADER = [("Game", 23), ("Date", 53), ("Game", 120), ("Time", 149), ("Matchup", 200), ("Team", 264),
           ("Player", 425), ("Name", 457), ("Current", 586), ("Status", 624), ("Reason", 666)]
_TITLE = [_word("Injury", 289, 45, 22), _word("Report:", 355, 45, 22), _word("01/02/25", 438, 45, 22),
          _word("01:30", 540, 45, 22), _word("AM", 602, 45, 22)]


def _rules(*ys: float) -> list[tuple[float, float, float]]:
    return [(421.0, 581.7, y) for y in ys]


def test_a_minimal_hand_made_table_parses_with_blanks_repeated_and_am_times() -> None:
    page1 = [*_TITLE, *(_word(t, x, 108) for t, x in _HEADER),
             _word("01/02/2025", 24, 129), _word("07:00", 121, 129), _word("(ET)", 146, 129),
             _word("AAA@BBB", 201, 129), _word("Atlanta", 265, 129), _word("Hawks", 300, 129),
             _word("Doe,", 426, 129), _word("John", 450, 129), _word("Out", 587, 129), _word("Rest", 667, 129)]
    page2 = [*_TITLE, _word("Roe", 426, 90), _word("Jr.,", 445, 90), _word("Jim", 465, 90),
             _word("Questionable", 587, 90), _word("Injury/Illness", 667, 83), _word("-", 722, 83),
             _word("Knee;", 727, 83), _word("Sore", 667, 97)]
    rows = rows_from_pages([(page1, _rules(144)), (page2, _rules(112))])
    assert rows["report_time"].tolist() == ["2025-01-02T01:30:00-05:00"] * 2
    assert rows["player_name"].tolist() == ["Doe, John", "Roe Jr., Jim"]
    assert rows["team"].tolist() == ["Atlanta Hawks"] * 2 and rows["game_date"].tolist() == ["2025-01-02"] * 2
    assert rows["reason"].tolist() == ["Rest", "Injury/Illness - Knee; Sore"]


def test_a_first_page_without_the_column_header_is_a_parse_error() -> None:
    with pytest.raises(InjuryReportParseError, match="column header"):
        rows_from_pages([([*_TITLE, _word("Doe,", 426, 129)], _rules(144))])


def test_a_header_missing_a_column_is_a_parse_error() -> None:
    header = [_word(t, x, 108) for t, x in _HEADER if t != "Reason"]
    with pytest.raises(InjuryReportParseError, match="Reason"):
        rows_from_pages([([*_TITLE, *header], _rules(144))])


def test_a_page_without_the_title_is_a_parse_error() -> None:
    with pytest.raises(InjuryReportParseError, match="title"):
        rows_from_pages([([_word("Matchup", 200, 108)], [])])


def test_no_pages_and_non_pdf_bytes_are_parse_errors() -> None:
    with pytest.raises(InjuryReportParseError, match="no pages"):
        rows_from_pages([])
    with pytest.raises(InjuryReportParseError):
        parse_injury_report(b"<html>not a pdf</html>")
