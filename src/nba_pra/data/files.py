"""The ``files`` source: import real box scores from a CSV or parquet file into ``data/``.

``nba-pra data import PATH [--format csv|parquet] [--schedule FILE] [--slate-date YYYY-MM-DD] [--lines FILE]``

Input schema (one row per player per game; column names are case-insensitive):

=================  ========  ===============================================================================
column             required  meaning
=================  ========  ===============================================================================
game_id            yes       game id (string; NBA "0022300001" or any unique id)
game_date          yes       US local date of the game, YYYY-MM-DD
season             yes       season label, e.g. "2023-24"
player_id          yes       integer person id (join key: names differ between sources)
player_name        yes       display name
team, opponent     yes       team tricodes (aliases: team_abbreviation)
home               yes       bool (true/false, 1/0)
minutes            yes       "34:12", "34", 34.2 or "PT34M12.00S"; empty on DNP rows (alias: min)
pts, reb, ast      yes       numbers; empty on DNP rows
starter            no        bool (default false)
position           no        G/F/C per row; else ``start_position`` (F/G/C or empty, the NBA box-score
                             field): a player's position is his most frequent non-empty one, else
                             ``data.files.default_position``
played, dnp        no        bools; a DNP row (no minutes, dnp true or played false) keeps played=false
comment            no        ignored ("DNP - Coach's Decision")
season_type        no        filtered by ``data.files.season_types`` (empty = keep all)
oreb ... plus_minus no       optional stats kept when present (see ``schema.BOX_SCORE_OPTIONAL_COLUMNS``)
=================  ========  ===============================================================================

The shared real file ``box_scores_2012-13_to_2023-24.parquet`` is in this schema as it is. Other columns
(team_id, source, ...) are ignored.

The next slate (real data have no "tomorrow" of their own), in order of precedence:

1. ``--schedule FILE`` (``data.files.schedule_path``): upcoming games (game_date, home_team, away_team,
   optional game_id, commence_time (UTC), season); the earliest date after the last result is the slate.
2. ``--slate-date D`` (``data.files.slate_date``): a historical replay -- the file's games on D become the
   slate (their results hidden), every later game is dropped. Use a date with lines to bet it with
   ``odds=historical``.
3. neither: the file's last game date is the slate (its results hidden).

Rosters: each player on the team of his latest appearance, if within ``data.rosters.active_days`` of that
team's latest game. Lines: ``--lines FILE`` in the raw ``lines`` schema, or a recorded file without our ids
(The Odds API historical export such as ``pra_lines_2023-24.csv``, or the historical provider's native schema
without ``player_id``), joined to the file's games and players by the ``historical`` provider's rules (UTC dates,
team names, player-name matching; unmatched names are logged); else an empty lines table.

Validation (:mod:`nba_pra.data.validation`) runs on the whole file before anything is written; any broken
rule raises one DataValidationError naming the rule and the first offending rows (``row`` = 1-based data row
of the file; the CSV header is not counted). The tables are built and summarised in memory, then
:func:`nba_pra.data.publish.publish_raw_tables` swaps them into ``data/`` and runs ``dvc add``: a failure at
any point leaves ``data/`` and ``data.dvc`` byte-identical.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from nba_pra.config import Project
from nba_pra.data.publish import publish_raw_tables
from nba_pra.data.settings import FilesSettings, ValidationSettings
from nba_pra.data.store import RAW_TABLES
from nba_pra.data.tables import (
    RealTables,
    assemble,
    normalize_box_scores,
    normalize_lines,
    upcoming_games,
    with_commence_times,
)
from nba_pra.data.validation import ROW, validate_input, validate_lines
from nba_pra.errors import ConfigError, DataError, DataValidationError, OddsError
from nba_pra.odds.settings import OddsSettings

log = logging.getLogger(__name__)

FORMATS = ("csv", "parquet")
COLUMN_ALIASES = {"team_abbreviation": "team", "min": "minutes", "person_id": "player_id", "date": "game_date"}
#: string-typed id columns: keep leading zeros of NBA game ids when reading CSV
_STRING_COLUMNS = {"game_id": str, "GAME_ID": str, "season": str, "SEASON": str}


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: paths by table, and figures for the log/CLI."""

    paths: dict[str, Path]
    rows: int
    seasons: tuple[str, ...]
    first_date: str
    last_date: str
    slate_date: str
    slate_games: int


def resolve_format(path: Path, fmt: str) -> str:
    """``csv`` or ``parquet``: the given format, or from the suffix when ``auto``."""
    if fmt == "auto":
        suffix = path.suffix.lower().lstrip(".")
        fmt = {"csv": "csv", "parquet": "parquet", "pq": "parquet", "gz": "csv"}.get(suffix, "")
        if not fmt:
            raise ConfigError(f"cannot tell the format of {path} from its suffix; pass --format csv|parquet")
    if fmt not in FORMATS:
        raise ConfigError(f"unknown box-score file format '{fmt}'; expected csv or parquet")
    return fmt


def read_table_file(path: Path, fmt: str = "auto") -> pd.DataFrame:
    """Read a CSV/parquet file as is (game ids stay strings); errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"the file {path} does not exist")
    fmt = resolve_format(path, fmt)
    try:
        if fmt == "parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=_STRING_COLUMNS, keep_default_na=True)
    except (OSError, ValueError) as exc:
        raise DataError(f"the file {path} is unreadable as {fmt} ({type(exc).__name__}: {exc})") from None


def prepare_input(raw: pd.DataFrame, season_types: tuple[str, ...]) -> pd.DataFrame:
    """Lower-case and alias the columns, number the rows (``row``, 1-based) and keep the wanted season types."""
    frame = raw.rename(columns=lambda c: str(c).strip().lower())
    frame = frame.rename(columns={k: v for k, v in COLUMN_ALIASES.items() if v not in frame.columns})
    frame = frame.reset_index(drop=True)
    frame[ROW] = frame.index + 1
    if season_types and "season_type" in frame.columns:
        frame = frame.loc[frame["season_type"].isin(season_types)]
    return frame


def prepare_lines(raw: pd.DataFrame, box_scores: pd.DataFrame, odds: OddsSettings | None,
                  tipoff_hour_eastern: float, max_rows: int) -> pd.DataFrame:
    """A lines file in the raw ``lines`` schema as is; a recorded file without our ids (The Odds API export, or
    the historical provider's native schema without ``player_id``) joined to the box scores' games and players
    by the historical provider's rules (UTC dates, team names, player-name matching)."""
    if {"game_id", "player_id"} <= set(raw.columns):
        validate_lines(raw, max_rows)
        return normalize_lines(raw)
    if odds is None:
        raise ConfigError("lines without game_id/player_id need the odds settings to be matched to players")
    from nba_pra.odds.historical import lines_from_table

    try:
        lines, report = lines_from_table(raw, with_commence_times(box_scores, tipoff_hour_eastern), odds,
                                         source="the lines file")
    except OddsError as exc:
        # the odds provider's reader names the problem; for an import it is a data error (exit 3), not odds (5)
        raise DataValidationError(str(exc)) from None
    if report is not None:
        log.info("lines file: %d of %d bookmaker name-game pairs matched a player", report.n_matched,
                 report.n_names)
    return normalize_lines(lines)


def build_tables(
    raw: pd.DataFrame,
    *,
    settings: FilesSettings,
    active_days: int,
    validation: ValidationSettings,
    today: date,
    upcoming: pd.DataFrame | None = None,
    lines: pd.DataFrame | None = None,
    odds: OddsSettings | None = None,
) -> RealTables:
    """Validate a raw box-score frame and build the raw tables (pure: no IO)."""
    frame = prepare_input(raw, settings.season_types)
    if frame.empty:
        raise DataError("the box-score file has no rows (after the season-type filter)")
    slate_date = parse_slate_date(settings.slate_date)
    validate_input(frame, validation=validation, cutoff=pd.Timestamp(today))
    box_scores = normalize_box_scores(frame, settings.default_position)
    scheduled = None
    if upcoming is not None:
        scheduled = upcoming_games(upcoming, box_scores["game_date"].max(), settings.tipoff_hour_eastern)
    return assemble(
        box_scores,
        upcoming=scheduled,
        slate_date=slate_date,
        active_days=active_days,
        tipoff_hour_eastern=settings.tipoff_hour_eastern,
        lines=None if lines is None else prepare_lines(lines, box_scores, odds, settings.tipoff_hour_eastern,
                                                       validation.max_rows_reported),
    )


def parse_slate_date(text: str) -> pd.Timestamp | None:
    """``--slate-date`` / ``data.files.slate_date`` as a date (None when empty); a ConfigError otherwise."""
    if not text:
        return None
    try:
        return pd.Timestamp(date.fromisoformat(str(text).strip()))
    except ValueError:
        raise ConfigError(f"the slate date {text!r} is not a date in the form YYYY-MM-DD") from None


def planned_paths(tables: RealTables, data_dir: Path) -> dict[str, Path]:
    """Where :func:`publish` puts each table."""
    return {table: data_dir / RAW_TABLES[table] for table in tables.by_name()}


def publish(project: Project, tables: RealTables) -> dict[str, Path]:
    """Swap ``tables`` into the project's ``data/`` and ``dvc add`` it (all or nothing)."""
    return publish_raw_tables(project.root, project.path("data"), tables.by_name())


def summarize(tables: RealTables, paths: dict[str, Path]) -> ImportResult:
    box = tables.box_scores
    scheduled = tables.schedule.loc[tables.schedule["status"] == "scheduled"]
    slate = scheduled["game_date"].min()
    return ImportResult(
        paths=paths,
        rows=len(box),
        seasons=tuple(sorted(box["season"].unique())),
        first_date=str(box["game_date"].min().date()),
        last_date=str(box["game_date"].max().date()),
        slate_date=str(slate.date()),
        slate_games=int((scheduled["game_date"] == slate).sum()),
    )


def import_files(
    project: Project,
    path: Path | None = None,
    *,
    fmt: str | None = None,
    schedule_path: str | None = None,
    lines_path: str | None = None,
    slate_date: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import the box-score file (``path`` or ``data.files.path``) into ``data/``: validate, build, publish.

    ``data.files`` supplies format, schedule, lines, slate date and season types; the keyword arguments (CLI
    flags) replace them when given. Nothing in ``data/`` changes unless every step succeeded.
    """
    s = project.settings.data
    given: dict[str, Any] = {"format": fmt, "schedule_path": schedule_path, "lines_path": lines_path,
                             "slate_date": slate_date}
    files = replace(s.files, **{k: v for k, v in given.items() if v is not None})
    source = Path(path) if path is not None else (Path(files.path) if files.path else None)
    if source is None:
        raise ConfigError("no box-score file to import: pass PATH or set data.files.path")
    source = source if source.is_absolute() else (Path.cwd() / source)
    raw = read_table_file(source, files.format)
    upcoming = read_table_file(Path(files.schedule_path)) if files.schedule_path else None
    lines = read_table_file(Path(files.lines_path)) if files.lines_path else None
    tables = build_tables(
        raw,
        settings=files,
        active_days=s.rosters.active_days,
        validation=s.validation,
        today=today or date.today(),
        upcoming=upcoming,
        lines=lines,
        odds=project.settings.odds,
    )
    # summarised before anything is written: a summary that fails must not leave data/ half-replaced
    result = summarize(tables, planned_paths(tables, project.path("data")))
    publish(project, tables)
    log.info(
        "imported %s: %d box-score rows, seasons %s, %s..%s; slate %s (%d games)",
        source, result.rows, ", ".join(result.seasons), result.first_date, result.last_date, result.slate_date,
        result.slate_games,
    )
    return result
