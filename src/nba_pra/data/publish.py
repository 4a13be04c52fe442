"""Atomically replace the raw tables of a real-data source in ``data/``.

Every table is written to a temporary file in ``data/`` first; only when all are complete are they renamed
into place. A stale ``ground_truth.parquet`` (the synthetic league's oracle) and ``injury_report.parquet`` are removed last: real data have
no ground truth, and the train stage would otherwise score an oracle of a different league.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nba_pra.data import schema
from nba_pra.data.tables import RealTables

_TABLES = {
    "box_scores": schema.BOX_SCORES_FILE,
    "schedule": schema.SCHEDULE_FILE,
    "rosters": schema.ROSTERS_FILE,
    "lines": schema.LINES_FILE,
}
_COMPRESSION = "zstd"


def publish_tables(tables: RealTables, data_dir: Path) -> dict[str, Path]:
    """Write the four raw tables into ``data_dir`` (all or none); returns table name -> final path."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    temps: dict[str, Path] = {}
    try:
        for table, file_name in _TABLES.items():
            handle, tmp = tempfile.mkstemp(prefix=f".{file_name}.", suffix=".tmp", dir=data_dir)
            os.close(handle)
            temps[table] = Path(tmp)
            with warnings.catch_warnings():
                # pyarrow reads tz-aware columns through Series.values, which pandas 3.1 deprecates; harmless
                warnings.filterwarnings("ignore", message="Series.values returning an ndarray", category=Warning)
                arrow = pa.Table.from_pandas(getattr(tables, table), preserve_index=False)
            pq.write_table(arrow, tmp, compression=_COMPRESSION)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    final = {}
    for table, tmp in temps.items():
        final[table] = data_dir / _TABLES[table]
        os.replace(tmp, final[table])
    (data_dir / schema.GROUND_TRUTH_FILE).unlink(missing_ok=True)
    # likewise the synthetic league's pre-game report: it describes simulated players
    (data_dir / schema.INJURY_REPORT_FILE).unlink(missing_ok=True)
    return final
