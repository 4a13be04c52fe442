"""Replace the raw tables in ``data/`` all at once, and ``data.dvc`` with them, or change nothing.

Every command that rewrites ``data/`` (``data generate``, ``data import``, ``data fetch``, the pipeline's first
run) validates and summarises its tables in memory first, then calls :func:`publish_raw_tables`:

1. **stage** -- a sibling folder (``.data.staging-*``, beside ``data/`` so that renames stay on one
   filesystem) receives every file of the current ``data/`` that is not a raw table (hard links: nothing is
   copied) plus the new tables. Raw tables the source does not write (a real-data import has no synthetic
   ``ground_truth`` or ``injury_report``) are simply not there: the train stage must not score an oracle of
   another league.
2. **swap** -- ``data/`` is renamed aside (``.data.previous-*``) and the staged folder renamed to ``data/``:
   two renames of one directory entry each. Should the second fail, the first is undone.
3. **track** -- ``dvc add data`` makes ``data.dvc`` describe the new tables (in a DVC repository; elsewhere
   one warning says why ``data.dvc`` was not updated and the data stay).
4. **commit** -- the previous folder is deleted.

A failure in any step (an exception, Ctrl-C) puts the previous ``data/`` back and rewrites ``data.dvc`` and
``.gitignore`` (which ``dvc add`` may touch) with their previous bytes; only content-addressed files that
``dvc add`` copied into the DVC cache stay, as they would after any ``dvc add``. A process killed between
the two renames of step 2 leaves no ``data/`` and the previous one in ``.data.previous-*``: the next publish
finds it there and puts it back before anything else (:func:`recover_interrupted`).
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from nba_pra import dvc_cli
from nba_pra.data.store import RAW_TABLES, write_table
from nba_pra.errors import DataError

log = logging.getLogger(__name__)

_STAGING = "staging"
_PREVIOUS = "previous"
#: files ``dvc add <data>`` may rewrite beside ``<data>.dvc`` (it lists ``/<data>`` in the folder's .gitignore)
_DVC_TOUCHED = (".gitignore",)


def _sibling(data_dir: Path, kind: str) -> Path:
    return data_dir.parent / f".{data_dir.name}.{kind}-{uuid.uuid4().hex[:12]}"


def recover_interrupted(data_dir: Path) -> None:
    """Put back a ``data/`` that a killed publish left renamed aside (see the module docstring), and remove
    leftover staging folders. Does nothing when ``data/`` exists."""
    leftovers = sorted(data_dir.parent.glob(f".{data_dir.name}.{_STAGING}-*"))
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)
    if data_dir.exists():
        return
    previous = sorted(data_dir.parent.glob(f".{data_dir.name}.{_PREVIOUS}-*"), key=lambda p: p.stat().st_mtime)
    if previous:
        previous[-1].rename(data_dir)
        log.warning("an interrupted data update left %s aside: restored it as %s", previous[-1].name, data_dir)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def stage_folder(tables: Mapping[str, pd.DataFrame], data_dir: Path) -> Path:
    """A new folder beside ``data_dir`` holding ``tables`` (raw-table name -> frame) and every non-table file
    of ``data_dir``; removed again if anything fails."""
    unknown = sorted(set(tables) - set(RAW_TABLES))
    if unknown:
        raise ValueError(f"not raw tables: {', '.join(unknown)}")
    staging = _sibling(data_dir, _STAGING)
    try:
        if data_dir.is_dir():
            table_files = set(RAW_TABLES.values())
            shutil.copytree(data_dir, staging, copy_function=_link_or_copy,
                            ignore=lambda folder, names: table_files & set(names) if Path(folder) == data_dir
                            else set())
        else:
            staging.mkdir(parents=True)
        for table, frame in tables.items():
            write_table(frame, staging / RAW_TABLES[table])
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def swap_in(staging: Path, data_dir: Path) -> Path | None:
    """Rename ``data_dir`` aside and ``staging`` to ``data_dir``; returns where the previous folder went (None
    when there was none). On failure the previous folder is back in place."""
    previous = None
    if data_dir.exists():
        previous = _sibling(data_dir, _PREVIOUS)
        data_dir.rename(previous)
    try:
        staging.rename(data_dir)
    except BaseException:
        if previous is not None:
            previous.rename(data_dir)
        raise
    return previous


def _snapshot(paths: list[Path]) -> dict[Path, bytes | None]:
    return {path: path.read_bytes() if path.is_file() else None for path in paths}


def _restore(snapshot: Mapping[Path, bytes | None]) -> None:
    for path, content in snapshot.items():
        if content is None:
            path.unlink(missing_ok=True)
        elif not path.is_file() or path.read_bytes() != content:
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
            tmp.write_bytes(content)
            tmp.replace(path)


def publish_raw_tables(root: Path, data_dir: Path, tables: Mapping[str, pd.DataFrame]) -> dict[str, Path]:
    """Make ``data_dir`` hold exactly ``tables`` among the raw tables (others removed, non-table files kept)
    and ``dvc add`` it, all or nothing (module docstring). Returns table name -> final path."""
    root, data_dir = Path(root), Path(data_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted(data_dir)
    pointer = data_dir.parent / f"{data_dir.name}.dvc"
    snapshot = _snapshot([pointer, *(data_dir.parent / name for name in _DVC_TOUCHED)])
    try:
        staging = stage_folder(tables, data_dir)
        try:
            previous = swap_in(staging, data_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as exc:
        raise DataError(f"could not replace {data_dir} ({exc.strerror or type(exc).__name__}); it was left as it "
                        "was") from exc
    try:
        dvc_cli.dvc_add(root, data_dir)
    except BaseException:
        failed = _sibling(data_dir, _STAGING)
        data_dir.rename(failed)
        if previous is not None:
            previous.rename(data_dir)
        _restore(snapshot)
        shutil.rmtree(failed, ignore_errors=True)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
    return {table: data_dir / RAW_TABLES[table] for table in tables}

