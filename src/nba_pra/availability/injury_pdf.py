"""Parse the NBA's official injury report PDF into rows (pure: bytes in, DataFrame out).

Layout (2023-24 onward, landscape A4): a title "Injury Report: MM/DD/YY HH:MM AM|PM" (US Eastern), then a
table Game Date | Game Time | Matchup | Team | Player Name | Current Status | Reason. The column header is
printed on the first page only; rows continue across pages. Cells of the first four columns are merged
vertically, so they are blank where they repeat the row above (also across a page break). A long reason wraps
onto lines above *and* below the player's line, so rows are cut by the table's horizontal rules, not by text
lines. A team with no submission has "NOT YET SUBMITTED" in the reason column and no player.

:func:`parse_injury_report` returns one row per table row with the reference columns of
``injury_report_samples.parquet``: report_time (ISO, US Eastern with offset), game_date (YYYY-MM-DD),
game_time_et ("07:30 (ET)", 12-hour clock as printed), matchup ("IND@ATL"), team (full name), player_name
("Last, First" as printed; None on a NOT YET SUBMITTED row), status (as printed; None on such a row), reason.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final, cast
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from nba_pra.errors import InjuryReportParseError

REPORT_COLUMNS: Final = (
    "report_time",
    "game_date",
    "game_time_et",
    "matchup",
    "team",
    "player_name",
    "status",
    "reason",
)
NOT_YET_SUBMITTED: Final = "NOT YET SUBMITTED"
#: header words that start each column, in order (the two "Game" words start Game Date and Game Time)
_HEADER_STARTS: Final = ("Game", "Game", "Matchup", "Team", "Player", "Current", "Reason")
_CELLS: Final = ("game_date", "game_time_et", "matchup", "team", "player_name", "status", "reason")
#: merged cells: blank means "same as the row above"
_REPEATED: Final = ("game_date", "game_time_et", "matchup", "team")
_TITLE = re.compile(r"Injury Report:\s*(\d{2}/\d{2}/\d{2})\s+(\d{1,2}:\d{2})\s*([AP]M)")
_EASTERN: Final = ZoneInfo("America/New_York")
#: word extraction: the PDF sets words ~2.5 pt apart, letters < 1 pt; the default tolerance (3) glues words
_X_TOLERANCE: Final = 1.5
#: a word starts this far (pt) right of its column's header word at most; column cuts sit this far left of it
_COLUMN_MARGIN: Final = 3.0
#: rules closer than this (pt) are one rule (adjacent cells draw their own segments at the same height)
_RULE_MERGE: Final = 0.5


def parse_injury_report(source: bytes | Path | str) -> pd.DataFrame:
    """Rows of one official injury report PDF (see the module docstring for the columns)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    data = Path(source).read_bytes() if isinstance(source, (Path, str)) else source
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [
                (
                    page.extract_words(x_tolerance=_X_TOLERANCE),
                    [(float(line["x0"]), float(line["x1"]), float(line["top"])) for line in page.lines
                     if abs(float(line["top"]) - float(line["bottom"])) < _RULE_MERGE],
                )
                for page in pdf.pages
            ]
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError) as exc:
        raise InjuryReportParseError(f"not a readable PDF ({type(exc).__name__})") from None
    return rows_from_pages(pages)


Page = tuple[list[dict[str, Any]], list[tuple[float, float, float]]]


def rows_from_pages(pages: Sequence[Page]) -> pd.DataFrame:
    """Table rows from each page's words (pdfplumber dicts) and horizontal rules ``(x0, x1, y)``."""
    if not pages:
        raise InjuryReportParseError("the injury report PDF has no pages")
    report_time = _report_time(pages[0][0])
    columns = None
    cells: list[dict[str, str | None]] = []
    for words, rules in pages:
        header = _header(words)
        if header is not None:
            columns, table_top = header
        else:
            table_top = _title_bottom(words)
        if columns is None:
            raise InjuryReportParseError("the injury report's first page has no column header")
        cells.extend(_page_rows(words, rules, columns, table_top))
    frame = _join_continuations(pd.DataFrame(cells, columns=list(_CELLS)))
    for c in _REPEATED:
        frame[c] = frame[c].ffill()
    frame["game_date"] = pd.to_datetime(frame["game_date"], format="%m/%d/%Y").dt.strftime("%Y-%m-%d")
    frame.insert(0, "report_time", report_time)
    return frame[list(REPORT_COLUMNS)].astype("object").where(frame.notna(), None).reset_index(drop=True)


def _join_continuations(frame: pd.DataFrame) -> pd.DataFrame:
    """Append a reason-only row (a wrapped reason cut by a page break) to the row above it."""
    others = [c for c in _CELLS if c != "reason"]
    tail = frame[others].isna().all(axis=1) & frame["reason"].notna()
    tail &= np.arange(len(frame)) > 0
    if not tail.any():
        return frame
    # each continuation joins the nearest earlier row that is not itself a continuation
    owner = pd.Series(np.where(tail, np.nan, np.arange(len(frame)))).ffill().astype(int).to_numpy()
    reasons = frame["reason"].fillna("").groupby(owner, sort=True).agg(
        lambda parts: " ".join(p for p in parts if p)
    )
    kept = frame.loc[~tail].copy()
    kept["reason"] = reasons.reindex(kept.index).replace("", None).to_numpy()
    return kept.reset_index(drop=True)


def _report_time(words: list[dict[str, Any]]) -> str:
    text = " ".join(w["text"] for w in words[:20])
    found = _TITLE.search(text)
    if found is None:
        raise InjuryReportParseError("no 'Injury Report: MM/DD/YY HH:MM AM' title on the first page")
    stamp = datetime.strptime(" ".join(found.groups()), "%m/%d/%y %I:%M %p").replace(tzinfo=_EASTERN)
    return stamp.isoformat()


def _title_bottom(words: list[dict[str, Any]]) -> float:
    titles = [w for w in words if w["text"] == "Injury"]
    return float(titles[0]["bottom"]) if titles else 0.0


def _header(words: list[dict[str, Any]]) -> tuple[np.ndarray, float] | None:
    """Column cut positions and the header's bottom, if the page carries the column header."""
    anchors = [w for w in words if w["text"] == "Matchup"]
    if not anchors:
        return None
    line = sorted((w for w in words if abs(w["top"] - anchors[0]["top"]) < 1.0), key=lambda w: w["x0"])
    starts, want = [], list(_HEADER_STARTS)
    for w in line:
        if want and w["text"] == want[0]:
            starts.append(float(w["x0"]) - _COLUMN_MARGIN)
            want.pop(0)
    if want:
        raise InjuryReportParseError(f"the injury report header lacks column(s) {', '.join(want)}")
    return np.asarray(starts), max(float(w["bottom"]) for w in line)


def _page_rows(
    words: list[dict[str, Any]], rules: list[tuple[float, float, float]], columns: np.ndarray, top: float
) -> list[dict[str, str | None]]:
    """One dict per table row of a page: words between two consecutive rules, joined per column."""
    left = columns[0]
    ys = np.unique(np.round([y for x0, x1, y in rules if x1 > left and y > top], 1))
    if ys.size == 0:
        return []
    # a row is the band between consecutive rules (the first starts under the header / title)
    edges = np.concatenate([[top], ys[np.r_[True, np.diff(ys) > _RULE_MERGE]]])
    table = [w for w in words if top < float(w["top"]) and float(w["bottom"]) <= edges[-1] + _RULE_MERGE
             and float(w["x0"]) >= left]
    if not table:
        return []
    frame = pd.DataFrame(
        {
            "text": [w["text"] for w in table],
            "x0": [float(w["x0"]) for w in table],
            "top": [float(w["top"]) for w in table],
            "mid": [(float(w["top"]) + float(w["bottom"])) / 2.0 for w in table],
        }
    )
    frame["row"] = np.searchsorted(edges, frame["mid"].to_numpy()) - 1
    frame["col"] = np.searchsorted(columns, frame["x0"].to_numpy(), side="right") - 1
    frame = frame.sort_values(["row", "col", "top", "x0"], kind="mergesort")
    joined = frame.groupby(["row", "col"], sort=True)["text"].agg(" ".join).unstack("col")
    joined = joined.reindex(columns=range(len(_CELLS)))
    joined.columns = list(_CELLS)
    out = joined.astype("object").where(joined.notna(), None)
    nys = out["reason"] == NOT_YET_SUBMITTED
    out.loc[nys, ["player_name", "status"]] = None
    return cast(list[dict[str, str | None]], out.to_dict("records"))
