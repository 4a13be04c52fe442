"""The prediction cache: walk-forward predictions stored as parquet under a key of everything they depend on.

The key hashes the feature, window, fold, model and distribution settings (after the backtest's overrides), the
seed, the retrain interval, the date range and a fingerprint of the box scores. Betting, odds and ledger settings
are not in it, so a sweep over betting thresholds reads one cached file and never retrains.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra.io import atomic_write, write_json, write_parquet
from nba_pra.model.ensemble import MANIFEST, Ensemble

log = logging.getLogger(__name__)

#: bump when the cached frame's meaning changes (old files are then simply never hit)
CACHE_FORMAT: Final = 1
KEY_LENGTH: Final = 16


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 of a frame's values and column names (row order matters; the index does not)."""
    return rows_fingerprint(frame.columns, row_hashes(frame))


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One uint64 hash per row of ``frame``'s values (pandas' ``hash_pandas_object``); a row's hash depends on
    that row only, so the hashes of a subset of rows are the subset of the hashes."""
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def rows_fingerprint(columns: Iterable[Any], hashes: np.ndarray) -> str:
    """:func:`frame_fingerprint` from the column names and the rows' :func:`row_hashes` (e.g. a subset of them)."""
    digest = hashlib.sha256("|".join(map(str, columns)).encode())
    digest.update(np.ascontiguousarray(hashes).tobytes())
    return digest.hexdigest()


def cache_key(material: dict[str, Any]) -> str:
    """Hex key (first :data:`KEY_LENGTH` chars of sha256) of the canonical JSON of ``material``."""
    text = json.dumps({"format": CACHE_FORMAT, **_plain(material)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_LENGTH]


@dataclass(frozen=True)
class CacheEntry:
    key: str
    path: Path
    hit: bool


#: an entry's name: ``<kind>-<key>`` then its suffix (``.parquet``, ``.json``, ``-<part>.parquet``, or a folder)
_ENTRY = re.compile(rf"^(?P<entry>[a-z]+-[0-9a-f]{{{KEY_LENGTH}}})(?:[-.].*)?$")
_SECONDS_PER_DAY: Final = 86_400.0


@dataclass(frozen=True)
class PruneReport:
    """What :meth:`PredictionCache.prune` deleted: entries (a key's files and folder together) and bytes."""

    entries: int
    bytes: int


def _last_use(path: Path) -> float:
    """The later of ``path``'s access time (a cache hit's mark) and modification time (its write)."""
    st = path.stat()
    return max(st.st_atime, st.st_mtime)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


class PredictionCache:
    """``<directory>/predictions-<key>.parquet`` plus a JSON of the key material beside it; fitted retrain-block
    ensembles as ``<directory>/model-<key>/`` (XGBoost JSON boosters + manifest, :meth:`Ensemble.save`); the
    evidence replay's pieces as ``<directory>/<kind>-<key>-<part>.parquet`` (:meth:`store_frames`) and
    ``<directory>/<kind>-<key>.json`` (:meth:`store_record`)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @staticmethod
    def _used(path: Path) -> None:
        """Mark ``path`` as read now -- its access time; the modification time stays the write's -- so
        :meth:`prune` keeps what runs still use."""
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))

    def prune(self, keep_days: int, now: float) -> PruneReport:
        """Delete every entry (all files and the folder of one ``<kind>-<key>``) that no run has read or written
        for more than ``keep_days`` days before ``now`` (seconds since the epoch): the newest access or
        modification time of its paths is older. Temporary folders of writes in progress (``.``-prefixed) are
        left alone."""
        if not self.directory.is_dir():
            return PruneReport(0, 0)
        entries: dict[str, list[Path]] = {}
        for path in self.directory.iterdir():
            match = _ENTRY.match(path.name)
            if match:
                entries.setdefault(match["entry"], []).append(path)
        cutoff = now - keep_days * _SECONDS_PER_DAY
        removed, freed = 0, 0
        for paths in entries.values():
            if max(_last_use(p) for p in paths) >= cutoff:
                continue
            for path in paths:
                freed += _size(path)
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            removed += 1
        return PruneReport(removed, freed)

    def path(self, key: str) -> Path:
        return self.directory / f"predictions-{key}.parquet"

    def load(self, key: str) -> pd.DataFrame | None:
        path = self.path(key)
        if not path.is_file():
            return None
        log.info("prediction cache hit %s", path.name)
        self._used(path)
        return pd.read_parquet(path)

    def store(self, key: str, frame: pd.DataFrame, material: dict[str, Any]) -> Path:
        """Write atomically (parallel sweep workers may race; the last identical write wins)."""
        write_json(_plain(material), self.directory / f"predictions-{key}.json")
        path = write_parquet(frame, self.path(key))
        log.info("prediction cache stored %s (%d rows)", path.name, len(frame))
        return path

    def model_path(self, key: str) -> Path:
        return self.directory / f"model-{key}"

    def load_model(self, key: str) -> Ensemble | None:
        path = self.model_path(key)
        if not (path / MANIFEST).is_file():
            return None
        log.info("model cache hit %s", path.name)
        self._used(path)
        return Ensemble.load(path)

    def store_model(self, key: str, ensemble: Ensemble, material: dict[str, Any]) -> Path:
        """Save into a temp folder and rename it into place: a reader never sees a half-written model, and a
        racing writer of the same key (same inputs, same model) simply loses."""
        path = self.model_path(key)
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=self.directory))
        try:
            ensemble.save(tmp)
            write_json(_plain(material), tmp / "material.json")
            if not path.exists():
                tmp.replace(path)
                log.info("model cache stored %s", path.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return path

    def _part_path(self, kind: str, key: str, part: str) -> Path:
        return self.directory / f"{kind}-{key}-{part}.parquet"

    def load_frames(self, kind: str, key: str, parts: tuple[str, ...]) -> tuple[pd.DataFrame, ...] | None:
        """The frames :meth:`store_frames` stored under ``key``, in ``parts`` order; None unless all are there."""
        paths = [self._part_path(kind, key, part) for part in parts]
        if not all(path.is_file() for path in paths):
            return None
        log.debug("%s cache hit %s", kind, key)
        for path in paths:
            self._used(path)
        return tuple(pd.read_parquet(path) for path in paths)

    def store_frames(self, kind: str, key: str, frames: dict[str, pd.DataFrame], material: dict[str, Any]) -> None:
        """Each frame atomically, then the key material: a reader needs every part (see :meth:`load_frames`)."""
        for part, frame in frames.items():
            write_parquet(frame, self._part_path(kind, key, part))
        write_json(_plain(material), self.directory / f"{kind}-{key}-material.json")
        log.debug("%s cache stored %s", kind, key)

    def load_record(self, kind: str, key: str) -> dict[str, Any] | None:
        path = self.directory / f"{kind}-{key}.json"
        if not path.is_file():
            return None
        log.debug("%s cache hit %s", kind, key)
        self._used(path)
        value: dict[str, Any] = json.loads(path.read_text())["value"]
        return value

    def store_record(self, kind: str, key: str, record: dict[str, Any], material: dict[str, Any]) -> Path:
        """``record`` (JSON, NaN allowed) with its key material, atomically; keys keep their order (a record's
        mappings may be ordered, e.g. the evidence's methods), unlike :func:`nba_pra.io.write_json`."""
        text = json.dumps({"material": _plain(material), "value": record}, indent=2, default=str) + "\n"
        return atomic_write(self.directory / f"{kind}-{key}.json", lambda tmp: tmp.write_text(text))
