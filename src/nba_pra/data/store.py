"""Write and read the raw tables under ``data/``: atomic, byte-for-byte deterministic parquet.

Determinism: the same frames always give the same bytes (no timestamps are written; parquet metadata holds
only the schema and the writer's library version). Atomicity: every table is first written to a temporary file
in the same folder, and only when all of them are complete are they renamed into place, so a crash never
leaves a half-written table behind.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from nba_pra.data import schema
from nba_pra.errors import DataError

#: table name (the League field) -> file name
RAW_TABLES: Mapping[str, str] = {
    "box_scores": schema.BOX_SCORES_FILE,
    "schedule": schema.SCHEDULE_FILE,
    "rosters": schema.ROSTERS_FILE,
    "lines": schema.LINES_FILE,
    "ground_truth": schema.GROUND_TRUTH_FILE,
    "injury_report": schema.INJURY_REPORT_FILE,
}
#: parquet options fixed here so that files never depend on library defaults changing silently
_COMPRESSION = "zstd"
_ROW_GROUP_SIZE = 1_000_000


class RawTables(Protocol):
    """Anything with the raw-table DataFrames as attributes (e.g. a simulated ``League``)."""

    box_scores: pd.DataFrame
    schedule: pd.DataFrame
    rosters: pd.DataFrame
    lines: pd.DataFrame
    ground_truth: pd.DataFrame
    injury_report: pd.DataFrame


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    """Arrow table of ``frame`` without the index (so equal frames give equal files)."""
    with warnings.catch_warnings():
        # pyarrow reads tz-aware columns through Series.values, which pandas 3.1 deprecates; harmless here
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray", category=Warning)
        return pa.Table.from_pandas(frame, preserve_index=False)


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write one raw table as deterministic parquet (fixed compression and row groups, no index)."""
    pq.write_table(_arrow_table(frame), path, compression=_COMPRESSION, row_group_size=_ROW_GROUP_SIZE)
    return Path(path)


def _write_temp(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    handle, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        write_table(frame, Path(tmp))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_raw_tables(league: RawTables, data_dir: Path) -> dict[str, Path]:
    """Write the raw tables of ``league`` into ``data_dir``; returns table name -> final path.

    All tables are written to temporary files first and renamed into place only when every one succeeded.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    try:
        for table, file_name in RAW_TABLES.items():
            written[table] = _write_temp(getattr(league, table), data_dir, file_name)
    except BaseException:
        for tmp in written.values():
            tmp.unlink(missing_ok=True)
        raise
    final: dict[str, Path] = {}
    for table, tmp in written.items():
        target = data_dir / RAW_TABLES[table]
        tmp.replace(target)
        final[table] = target
    return final


def read_raw_table(data_dir: Path, name: str) -> pd.DataFrame:
    """Read one raw table by table name (``"box_scores"``) or file name (``"box_scores.parquet"``).

    Raises :class:`DataError` if the name is unknown or the file is missing.
    """
    file_name = RAW_TABLES.get(name, name)
    if file_name not in RAW_TABLES.values():
        raise DataError(f"unknown raw table '{name}'; expected one of {', '.join(RAW_TABLES)}")
    path = Path(data_dir) / file_name
    if not path.is_file():
        raise DataError(
            f"raw table {path} is missing; run `nba-pra data generate` (or `dvc repro`) to create it"
        )
    return pd.read_parquet(path)
