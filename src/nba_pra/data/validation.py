"""Validation at the edge: every imported or fetched box score passes these rules before it reaches ``data/``.

Each rule is a pure function ``(frame, ...) -> Violation | None`` checking one thing on the *input* frame
(columns named as in the box-score input schema of :mod:`nba_pra.data.files`, plus ``row``: the 1-based
position of the row in the input file). :func:`raise_violations` turns the violations into ONE
:class:`DataValidationError` naming each broken rule and quoting its first N offending rows.

Rules (name -> what it checks):

* ``schema``            -- required columns present; ids, flags and counts have parseable types; player ids are
                           positive whole numbers small enough to survive a float column (< 2**53)
* ``blank_fields``      -- game_id, season, player_name, team and opponent are never blank
* ``season``            -- a season label reads "YYYY-YY" with the second year following the first ("2023-24")
* ``dates``             -- ``game_date`` parses as a calendar date
* ``season_dates``      -- each game is dated inside its season's window (``season_opens`` .. ``season_closes``)
* ``minutes_format``    -- minutes are "MM:SS", "MM", a number (34.2) or ISO "PT34M12.00S"; empty only on DNP rows
* ``minutes_range``     -- 0 <= minutes <= max_minutes (70 by default)
* ``non_negative``      -- counting stats (pts, reb, ast, ...) are >= 0
* ``unique_player_game``-- one row per (player_id, game_id)
* ``dnp_rows``          -- a DNP row (no minutes, ``dnp`` true or ``played`` false) carries no stats, and a
                           row with minutes carries pts/reb/ast
* ``duplicated_games``  -- one game_id = one date, two teams, one home side; a team plays at most one game a day
* ``no_players``        -- in every game, each team has at least one player who played (a game nobody played
                           is not a result: it would become the slate or an empty history)
* ``future_results``    -- no row (played or DNP) is dated after the cutoff (today)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nba_pra.data.settings import ValidationSettings
from nba_pra.errors import ConfigError, DataValidationError

ROW = "row"
REQUIRED_INPUT_COLUMNS = (
    "game_id", "game_date", "season", "player_id", "player_name", "team", "opponent", "home", "minutes",
    "pts", "reb", "ast",
)
COUNT_COLUMNS = ("pts", "reb", "ast", "oreb", "dreb", "stl", "blk", "tov", "pf", "fgm", "fga", "fg3m", "fg3a",
                 "ftm", "fta")
_TRUE = {"true", "t", "1", "yes", "y"}
_FALSE = {"false", "f", "0", "no", "n", ""}
_CLOCK = re.compile(r"^\s*(\d{1,3}):([0-5]?\d)(?:\.\d+)?\s*$")
_ISO = re.compile(r"^\s*PT(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?\s*$", re.IGNORECASE)
_SEASON = re.compile(r"^(\d{4})-(\d{2})$")
#: a plain decimal number ("34", "34.2", "1e1"); not "inf"/"nan", which no minutes column means
_DECIMAL = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
#: player ids travel through float columns (CSV readers, NaN-able frames): only integers below 2**53 survive
#: that exactly, and every real NBA person id is far below it
MAX_PLAYER_ID = 2**53
#: fields that name a row: blank ones make a row unattributable
NAMING_COLUMNS = ("game_id", "season", "player_name", "team", "opponent")


@dataclass(frozen=True)
class Violation:
    """One broken rule: its name, one sentence, the offending rows (input columns + ``row``) and the columns
    that show the problem beside the usual keys (``season`` for a season rule)."""

    rule: str
    message: str
    rows: pd.DataFrame
    columns: tuple[str, ...] = ()


def _violation(rule: str, message: str, frame: pd.DataFrame, mask: pd.Series | np.ndarray,
               columns: tuple[str, ...] = ()) -> Violation | None:
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return None
    return Violation(rule, message, frame.loc[mask], columns)


# --- parsing helpers (pure) -----------------------------------------------------------------------------------
# Text cells are parsed once per distinct value (a season has a few thousand distinct minute strings, a small
# file a few dozen): a chain of vectorised string operations costs more than that on every call, and these
# helpers run on every import several times.


def _per_distinct(values: pd.Series, parse: Callable[[object], float]) -> pd.Series:
    """``parse`` applied to each distinct value of ``values`` (NaN-like values map to NaN), as float64."""
    # pandas-stubs: to_numpy's na_value leaves out None, which pandas accepts (missing cells become None)
    cells = values.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    distinct, inverse = np.unique(np.array([str(c) if c is not None else "" for c in cells], dtype=object),
                                  return_inverse=True)
    parsed = np.array([parse(text) for text in distinct], dtype="float64")
    return pd.Series(parsed[inverse], index=values.index)


def _minutes_of(text: object) -> float:
    text = str(text).strip()
    if _DECIMAL.match(text):
        return float(text)
    clock = _CLOCK.match(text)
    if clock:
        return int(clock.group(1)) + int(clock.group(2)) / 60.0
    iso = _ISO.match(text)
    if iso and len(text) > 2:
        return float(iso.group(1) or 0.0) + float(iso.group(2) or 0.0) / 60.0
    return np.nan


def parse_minutes(values: pd.Series) -> pd.Series:
    """Minutes as float from "MM:SS", "MM", numbers or ISO-8601 "PT34M12.00S"; NaN where empty or unparseable.

    Use :func:`unparseable_minutes` to tell empty from malformed.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    return _per_distinct(values, _minutes_of)


def _blank(values: pd.Series) -> pd.Series:
    """True where a cell is missing or only whitespace."""
    return _per_distinct(values, lambda text: float(not str(text).strip())).astype(bool)


def unparseable_minutes(values: pd.Series) -> pd.Series:
    """True where a minutes value is present but in no accepted format."""
    return (~_blank(values) & parse_minutes(values).isna()).astype(bool)


def parse_flag(values: pd.Series) -> pd.Series:
    """Booleans from bool, 0/1 or "true"/"false"/"yes"/"no" (case-insensitive); <NA> where unparseable."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    text = values.astype("string").str.strip().str.lower()
    text = text.str.replace(r"\.0$", "", regex=True)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False).to_numpy(bool)] = True
    out[text.isin(_FALSE).fillna(False).to_numpy(bool) & values.notna().to_numpy(bool)] = False
    return out


def parse_dates(values: pd.Series) -> pd.Series:
    """Calendar dates (datetime64[ns] at midnight) from ISO strings or datetimes; NaT where unparseable."""
    parsed = pd.to_datetime(values, errors="coerce", format="mixed") if not pd.api.types.is_datetime64_any_dtype(
        values
    ) else values
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]").dt.normalize()


# --- rules ----------------------------------------------------------------------------------------------------


def check_columns(frame: pd.DataFrame, required: Iterable[str] = REQUIRED_INPUT_COLUMNS) -> Violation | None:
    """``schema``: every required column is present (reported with the file's first row)."""
    missing = [c for c in required if c not in frame.columns]
    if not missing:
        return None
    return Violation("schema", f"missing required column(s): {', '.join(missing)}", frame.head(1))


def player_ids(values: pd.Series) -> pd.Series:
    """Player ids as float64 (NaN where not a number); exact for every id :func:`check_types` accepts."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index)
    numeric = pd.to_numeric(values.astype("string").str.strip(), errors="coerce") if not (
        pd.api.types.is_numeric_dtype(values)) else values
    return pd.Series(np.asarray(numeric, dtype="float64"), index=values.index)


def check_types(frame: pd.DataFrame) -> Violation | None:
    """``schema``: player ids are positive integers below :data:`MAX_PLAYER_ID`, ``home`` (and
    ``starter``/``played``/``dnp``) are booleans, counting stats are finite numbers."""
    bad = pd.Series(False, index=frame.index)
    ids = player_ids(frame["player_id"])
    bad |= ~np.isfinite(ids) | (ids != np.floor(ids)) | (ids <= 0) | (ids >= MAX_PLAYER_ID)
    for column in ("home", "starter", "played", "dnp"):
        if column in frame.columns:
            flags = parse_flag(frame[column])
            bad |= flags.isna().to_numpy(bool) & (column == "home" or frame[column].notna().to_numpy(bool))
    for column in (c for c in (*COUNT_COLUMNS, "plus_minus") if c in frame.columns):
        numbers = _numbers(frame[column])
        bad |= (frame[column].notna() & ~_blank(frame[column]) & ~np.isfinite(numbers.fillna(np.inf))).to_numpy(bool)
    return _violation(
        "schema", "wrong types: player_id must be a positive whole number below 2**53, home/starter/played/dnp "
        "booleans, stats finite numbers", frame, bad,
    )


def _numbers(values: pd.Series) -> pd.Series:
    """Numbers as float64, NaN where not a number (booleans are not numbers)."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index)
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    parsed = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
    return pd.Series(np.asarray(parsed, dtype="float64"), index=values.index)


def check_blank_fields(frame: pd.DataFrame) -> Violation | None:
    """``blank_fields``: the fields that name a row (game, season, player, teams) are never blank."""
    bad = pd.Series(False, index=frame.index)
    for column in NAMING_COLUMNS:
        bad |= _blank(frame[column])
    return _violation("blank_fields", f"blank {'/'.join(NAMING_COLUMNS)}", frame, bad,
                      ("season", "player_name", "opponent"))


def _season_start(text: object) -> float:
    match = _SEASON.match(str(text).strip())
    if not match:
        return np.nan
    first, second = int(match.group(1)), int(match.group(2))
    return float(first) if (first + 1) % 100 == second else np.nan


def season_years(values: pd.Series) -> pd.Series:
    """First year of each season label "YYYY-YY" (<NA> where the label is malformed or YY is not YYYY + 1)."""
    return _per_distinct(values, _season_start).astype("Int64")


def check_season(frame: pd.DataFrame) -> Violation | None:
    """``season``: every (non-blank) season label is "YYYY-YY", the second year following the first."""
    malformed = season_years(frame["season"]).isna().to_numpy(bool) & ~_blank(frame["season"]).to_numpy(bool)
    return _violation("season", 'season is not a label like "2023-24" (YYYY-YY, the second year following '
                      "the first)", frame, malformed, ("season",))


def _month_day(text: str, key: str) -> int:
    """``"MM-DD"`` as the sortable number ``MM * 100 + DD``; a ConfigError naming ``key`` otherwise."""
    try:
        moment = pd.Timestamp(f"2000-{text}")  # a leap year: "02-29" is a valid bound
    except ValueError:
        raise ConfigError(f"data.validation.{key} must be a month and day MM-DD, got {text!r}") from None
    return moment.month * 100 + moment.day


def check_season_dates(frame: pd.DataFrame, season_opens: str, season_closes: str) -> Violation | None:
    """``season_dates``: a game labelled "YYYY-YY" is dated from ``season_opens`` (MM-DD) of YYYY to
    ``season_closes`` of YYYY + 1."""
    first = season_years(frame["season"]).astype("float64")
    dates = parse_dates(frame["game_date"])
    opens, closes = _month_day(season_opens, "season_opens"), _month_day(season_closes, "season_closes")
    month_day = dates.dt.month * 100 + dates.dt.day
    year = dates.dt.year
    after_open = (year > first) | ((year == first) & (month_day >= opens))
    before_close = (year < first + 1) | ((year == first + 1) & (month_day <= closes))
    outside = ~(after_open & before_close) & first.notna() & dates.notna()
    return _violation("season_dates", f"game_date outside its season's window ({season_opens} of its first "
                      f"year to {season_closes} of its second)", frame, outside, ("season",))


def check_dates(frame: pd.DataFrame) -> Violation | None:
    """``dates``: every ``game_date`` parses."""
    return _violation("dates", "game_date is not a parseable date (YYYY-MM-DD)", frame,
                      parse_dates(frame["game_date"]).isna())


def check_minutes_format(frame: pd.DataFrame) -> Violation | None:
    """``minutes_format``: minutes are "MM:SS", "MM", a number or ISO "PT..M..S" (or empty)."""
    return _violation("minutes_format", 'minutes are not in a known format ("34:12", "34", 34.2, "PT34M12S")',
                      frame, unparseable_minutes(frame["minutes"]))


def check_minutes_range(frame: pd.DataFrame, max_minutes: float) -> Violation | None:
    """``minutes_range``: parsed minutes lie in [0, max_minutes]."""
    minutes = parse_minutes(frame["minutes"])
    return _violation("minutes_range", f"minutes outside [0, {max_minutes:g}]", frame,
                      (minutes < 0) | (minutes > max_minutes))


def check_non_negative(frame: pd.DataFrame) -> Violation | None:
    """``non_negative``: counting stats are never negative."""
    bad = pd.Series(False, index=frame.index)
    for column in (c for c in COUNT_COLUMNS if c in frame.columns):
        bad |= (pd.to_numeric(frame[column], errors="coerce") < 0).fillna(False).astype(bool)
    return _violation("non_negative", "negative counting stat (pts, reb, ast, ...)", frame, bad)


def check_unique_player_game(frame: pd.DataFrame) -> Violation | None:
    """``unique_player_game``: one row per (player_id, game_id)."""
    dup = frame.duplicated(["player_id", "game_id"], keep=False)
    return _violation("unique_player_game", "more than one row for the same (player_id, game_id)", frame, dup)


def dnp_mask(frame: pd.DataFrame) -> pd.Series:
    """True on rows where the player did not play: no (or zero) minutes, ``dnp`` true or ``played`` false."""
    minutes = parse_minutes(frame["minutes"])
    mask = minutes.isna() | (minutes == 0)
    if "dnp" in frame.columns:
        mask |= parse_flag(frame["dnp"]).fillna(False).to_numpy(bool)
    if "played" in frame.columns:
        mask |= (~parse_flag(frame["played"]).fillna(True)).to_numpy(bool)
    return mask.astype(bool)


def check_dnp_rows(frame: pd.DataFrame) -> Violation | None:
    """``dnp_rows``: DNP rows have no minutes and no non-zero stat; played rows have pts, reb and ast."""
    dnp = dnp_mask(frame)
    minutes = parse_minutes(frame["minutes"])
    stats = frame[["pts", "reb", "ast"]].apply(pd.to_numeric, errors="coerce")
    dnp_with_play = dnp & ((minutes > 0).to_numpy(bool) | (stats.fillna(0) != 0).any(axis=1).to_numpy(bool))
    played_without_stats = ~dnp & stats.isna().any(axis=1).to_numpy(bool)
    return _violation("dnp_rows", "a DNP row has minutes or stats, or a played row lacks pts/reb/ast", frame,
                      dnp_with_play | played_without_stats)


def check_duplicated_games(frame: pd.DataFrame) -> Violation | None:
    """``duplicated_games``: a game has one date, two teams (each the other's opponent) and one home side;
    a team plays at most one game per date (the same game stored under two ids)."""
    dates = parse_dates(frame["game_date"])
    home = parse_flag(frame["home"]).fillna(False).astype(bool)
    keyed = pd.DataFrame({"game_id": frame["game_id"].astype(str), "date": dates, "team": frame["team"].astype(str),
                          "opponent": frame["opponent"].astype(str), "home": home}, index=frame.index)
    per_game = keyed.groupby("game_id").agg(
        dates=("date", "nunique"), teams=("team", "nunique"), opponents=("opponent", "nunique")
    )
    sides = keyed.drop_duplicates(["game_id", "team"])
    home_sides = sides.groupby("game_id")["home"].sum().reindex(per_game.index)
    # the game's teams are its opponents: each name listed as a team is listed as an opponent and vice versa
    teams = keyed[["game_id", "team"]].drop_duplicates().set_axis(["game_id", "name"], axis=1)
    opponents = keyed[["game_id", "opponent"]].drop_duplicates().set_axis(["game_id", "name"], axis=1)
    paired = teams.merge(opponents, how="outer", on=["game_id", "name"], indicator=True)
    unpaired = per_game.index.isin(paired.loc[paired["_merge"] != "both", "game_id"])
    two_teams = (per_game["teams"] == 2).to_numpy(bool)
    bad_games = per_game.index[
        ((per_game["dates"] > 1) | (per_game["teams"] > 2) | (per_game["opponents"] > 2)).to_numpy(bool)
        | (two_teams & (home_sides != 1).to_numpy(bool))
        | (two_teams & unpaired)
    ]
    team_day = keyed.drop_duplicates(["game_id", "team"])
    multi = team_day.duplicated(["team", "date"], keep=False)
    twice = set(team_day.loc[multi, "game_id"])
    mask = keyed["game_id"].isin(set(bad_games) | twice)
    return _violation("duplicated_games", "inconsistent or duplicated game (dates/teams/home side, or a team "
                      "with two games on one date)", frame, mask)


def check_no_players(frame: pd.DataFrame) -> Violation | None:
    """``no_players``: each team of each game has at least one row of a player who played."""
    played = pd.Series(~dnp_mask(frame).to_numpy(bool), index=frame.index)
    keys = [frame["game_id"].astype(str), frame["team"].astype(str)]
    anyone = played.groupby(keys).transform("any").astype(bool)
    return _violation("no_players", "a team's game in which nobody played (every row is a DNP)", frame, ~anyone)


def check_future_results(frame: pd.DataFrame, cutoff: pd.Timestamp) -> Violation | None:
    """``future_results``: no row, played or DNP, is dated after ``cutoff`` (today): a box score records the
    past, and a future date would become the slate."""
    dates = parse_dates(frame["game_date"])
    return _violation("future_results", f"game dated after {cutoff.date()}", frame, (dates > cutoff).to_numpy(bool))


# --- entry points ---------------------------------------------------------------------------------------------


def _describe(row: dict, columns: Sequence[str]) -> str:
    fields = ", ".join(f"{c}={row[c]!r}" for c in columns if c in row)
    return f"row {row[ROW]} ({fields})"


BOX_SCORE_KEYS = ("game_id", "game_date", "player_id", "team", "minutes", "pts", "reb", "ast")
LINE_KEYS = ("game_id", "game_date", "player_id", "bookmaker", "line", "over_price", "under_price")


def format_violations(violations: Sequence[Violation], max_rows: int, what: str = "box scores",
                      keys: Sequence[str] = BOX_SCORE_KEYS) -> str:
    """One message: per rule its name, sentence, count and first ``max_rows`` rows (input row number + keys)."""
    parts = []
    for v in violations:
        columns = (*keys, *(c for c in v.columns if c not in keys))
        shown = "; ".join(_describe(r, columns) for r in v.rows.head(max_rows).to_dict("records"))
        parts.append(f"rule '{v.rule}' failed on {len(v.rows)} row(s): {v.message}; first: {shown}")
    return f"{what} failed validation -- " + " | ".join(parts)


def raise_violations(violations: Iterable[Violation | None], max_rows: int, what: str = "box scores",
                     keys: Sequence[str] = BOX_SCORE_KEYS) -> None:
    found = [v for v in violations if v is not None]
    if found:
        raise DataValidationError(format_violations(found, max_rows, what, keys))


def validate_input(frame: pd.DataFrame, *, validation: ValidationSettings, cutoff: pd.Timestamp) -> None:
    """Run every rule on the input frame (with a ``row`` column); raise one DataValidationError if any fails.

    Structural rules (columns, then types/blanks/season labels/dates/minutes format) run first: later rules
    need parsed values.
    """
    max_rows = validation.max_rows_reported
    raise_violations([check_columns(frame)], max_rows)
    raise_violations([check_types(frame), check_blank_fields(frame), check_season(frame), check_dates(frame),
                      check_minutes_format(frame)], max_rows)
    raise_violations(
        [
            check_season_dates(frame, validation.season_opens, validation.season_closes),
            check_minutes_range(frame, validation.max_minutes),
            check_non_negative(frame),
            check_unique_player_game(frame),
            check_dnp_rows(frame),
            check_duplicated_games(frame),
            check_no_players(frame),
            check_future_results(frame, cutoff),
        ],
        max_rows,
    )


# --- lines in the raw ``lines`` schema -------------------------------------------------------------------------

#: American odds are at least +100 or at most -100 (|odds| < 100 has no meaning); ids and prices travel through
#: float columns, so they must stay below 2**53 to be exact
MIN_ABS_AMERICAN_ODDS = 100
LINE_REQUIRED_COLUMNS = ("game_id", "game_date", "player_id", "player_name", "bookmaker", "line", "over_price",
                         "under_price")
LINE_OPTIONAL_NUMBERS = ("close_line", "close_over_price", "close_under_price")


def check_line_values(frame: pd.DataFrame) -> Violation | None:
    """``lines_schema``: player ids as in box scores, game_id/bookmaker non-blank, game_date a date, line a
    finite number >= 0, prices whole American odds (|odds| >= 100), closing figures numbers when present."""
    bad = pd.Series(False, index=frame.index)
    ids = player_ids(frame["player_id"])
    bad |= ~np.isfinite(ids) | (ids != np.floor(ids)) | (ids <= 0) | (ids >= MAX_PLAYER_ID)
    for column in ("game_id", "bookmaker"):
        bad |= _blank(frame[column])
    bad |= parse_dates(frame["game_date"]).isna()
    line = _numbers(frame["line"])
    bad |= ~np.isfinite(line.fillna(np.inf)) | (line < 0)
    for column in ("over_price", "under_price"):
        price = _numbers(frame[column])
        bad |= (~np.isfinite(price.fillna(np.inf)) | (price != np.floor(price)) | (price.abs() >= MAX_PLAYER_ID)
                | (price.abs() < MIN_ABS_AMERICAN_ODDS))
    for column in (c for c in LINE_OPTIONAL_NUMBERS if c in frame.columns):
        number = _numbers(frame[column])
        bad |= (~_blank(frame[column]) & ~np.isfinite(number.fillna(np.inf))).to_numpy(bool)
    return _violation(
        "lines_schema", "wrong values: player_id a positive whole number below 2**53, game_id/bookmaker non-empty, "
        "game_date a date, line a number >= 0, prices whole American odds (+100 or more, -100 or less)", frame, bad,
    )


def validate_lines(raw: pd.DataFrame, max_rows: int) -> None:
    """Check a lines file in the raw ``lines`` schema; raise one DataValidationError naming the broken rules
    and the first offending rows (``row`` = 1-based data row of the file)."""
    frame = raw.reset_index(drop=True)
    frame = frame.assign(**{ROW: frame.index + 1})
    raise_violations([check_columns(frame, LINE_REQUIRED_COLUMNS)], max_rows, "lines", LINE_KEYS)
    raise_violations([check_line_values(frame)], max_rows, "lines", LINE_KEYS)
