"""The durable archive of pre-game news: every official injury report fetch, kept with its publication time.

A season of real operation (and ``nba-pra availability backfill``) builds here the history the ``pre_*`` features
train on. Layout of one archive folder (``<paths.archive>/<availability.official.archive_dir>``)::

    Injury-Report_2025-03-08_05PM.pdf     the report, byte for byte as served (never rewritten)
    index.jsonl                           one JSON object per fetch, appended

Index entries (:data:`INDEX_COLUMNS`): ``url``; ``file`` (the PDF's name in the folder); ``published_at`` (UTC,
ISO 8601: the US Eastern hour in the file name plus the configured publication minute); ``fetched_at`` (UTC);
``status`` (:class:`FetchStatus`: ``ok`` = archived, ``not_published`` = the server answered 403/404);
``http_status``; ``sha256`` and ``bytes`` of the PDF (empty / 0 when not published).

Append-only and atomic: a PDF is written to a temporary file and renamed into place, and never replaced; only
then is its index line appended, in one ``write`` on a file opened with ``O_APPEND`` and flushed to disk. A
process killed mid-way leaves at worst a PDF without an index line (still counted as archived: the file is the
truth) or a torn last line, which readers skip with one warning. Two processes appending at once (an hourly
refresh during a backfill) interleave whole lines.

Why its own folder and its own ``archive.dvc`` rather than ``data/`` (``data.dvc``): every stage depends on files
in ``data/``, so ``dvc repro`` re-hashes a modified ``data/`` into ``data.dvc`` on every run that archived a report
(STACK.md), leaving the raw-tables pointer dirty each day and copying the whole folder into the DVC cache again;
``data import`` also swaps ``data/`` as a whole. No stage depends on the archive (the availability stage reruns
every time anyway), so ``dvc repro`` leaves ``archive.dvc`` alone; ``nba-pra availability backfill`` and
``nba-pra pipeline`` run ``dvc add archive`` afterwards, so the archive is versioned and can be pushed to a remote.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

import pandas as pd

from nba_pra.io import atomic_write

log = logging.getLogger(__name__)

INDEX_FILE: Final = "index.jsonl"
INDEX_COLUMNS: Final = ("url", "file", "published_at", "fetched_at", "status", "http_status", "sha256", "bytes")


class FetchStatus(StrEnum):
    """What a fetch of one report URL found."""

    OK = "ok"  # the PDF is archived
    NOT_PUBLISHED = "not_published"  # 403/404: no such report (yet)


@dataclass(frozen=True)
class Known:
    """What the archive knows of one URL: ``path`` when archived; ``missing`` when a 403/404 is final."""

    path: Path | None
    missing: bool


def _iso(moment: pd.Timestamp) -> str:
    return pd.Timestamp(moment).tz_convert("UTC").isoformat()


class ReportArchive:
    """One archive folder: its PDFs and its index, with an in-memory view kept current by this process."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._ok: dict[str, str] = {}
        #: url -> the longest time between publication and a 403/404 seen for it
        self._missing_after: dict[str, pd.Timedelta] = {}
        entries = self.entries()
        lags = entries["fetched_at"] - entries["published_at"]
        for url, file, status, lag in zip(entries["url"], entries["file"], entries["status"], lags, strict=True):
            self._remember(str(url), str(file), str(status), pd.Timedelta(lag))

    @property
    def index_path(self) -> Path:
        return self.folder / INDEX_FILE

    def pdf_path(self, file: str) -> Path:
        return self.folder / file

    def entries(self) -> pd.DataFrame:
        """Every index entry in order (times as UTC timestamps); a torn line is skipped with a warning."""
        rows = []
        if self.index_path.is_file():
            for number, line in enumerate(self.index_path.read_text().splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    log.warning("%s line %d is not JSON (an interrupted write): skipped", self.index_path, number)
        frame = pd.DataFrame(rows, columns=list(INDEX_COLUMNS))
        for column in ("published_at", "fetched_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        return frame

    def _remember(self, url: str, file: str, status: str, lag: pd.Timedelta) -> None:
        if status == FetchStatus.OK:
            self._ok[url] = file
        elif status == FetchStatus.NOT_PUBLISHED:
            self._missing_after[url] = max(lag, self._missing_after.get(url, lag))

    def known(self, url: str, file: str, final_after: pd.Timedelta) -> Known:
        """Archived (the file is there, indexed or not), known missing (a 403/404 seen at least ``final_after``
        after its publication time: it will not appear any more), or unknown (fetch it)."""
        path = self.pdf_path(self._ok.get(url, file))
        if path.is_file():
            return Known(path, missing=False)
        lag = self._missing_after.get(url)
        return Known(None, missing=lag is not None and lag >= final_after)

    def store(self, url: str, file: str, content: bytes, *, published_at: pd.Timestamp, fetched_at: pd.Timestamp,
              http_status: int) -> Path:
        """Archive a fetched PDF (an existing file is kept as it is: append-only) and index it."""
        path = self.pdf_path(file)
        if not path.is_file():
            atomic_write(path, lambda tmp: tmp.write_bytes(content))
        self._append(url, file, FetchStatus.OK, published_at, fetched_at, http_status,
                     hashlib.sha256(content).hexdigest(), len(content))
        return path

    def record_missing(self, url: str, file: str, *, published_at: pd.Timestamp, fetched_at: pd.Timestamp,
                       http_status: int) -> None:
        """Index a 403/404: the report was not published at ``fetched_at``."""
        self._append(url, file, FetchStatus.NOT_PUBLISHED, published_at, fetched_at, http_status, None, 0)

    def _append(self, url: str, file: str, status: FetchStatus, published_at: pd.Timestamp,
                fetched_at: pd.Timestamp, http_status: int, sha256: str | None, size: int) -> None:
        entry = {"url": url, "file": file, "published_at": _iso(published_at), "fetched_at": _iso(fetched_at),
                 "status": str(status), "http_status": http_status, "sha256": sha256, "bytes": size}
        line = (json.dumps(entry, sort_keys=False) + "\n").encode()
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.index_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._remember(url, file, str(status), pd.Timestamp(fetched_at) - pd.Timestamp(published_at))
