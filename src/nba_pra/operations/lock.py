"""One lock per project: two runs that change project state (data, stages, ledger, registry) never overlap.

The lock is an OS file lock (``filelock``) on ``<paths.cache>/project.lock``, so it is released when its process
ends, even by a crash or ``kill -9``. Beside it, ``project.lock.holder`` says who holds it (pid, command, since) for
the message of whoever waits. Within one process the lock is re-entrant: ``nba-pra job morning`` holds it while it
runs the pipeline's steps, which would each take it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import pandas as pd
from filelock import FileLock, Timeout

from nba_pra.errors import ProjectLockedError

log = logging.getLogger(__name__)

LOCK_NAME: Final = "project.lock"
HOLDER_SUFFIX: Final = ".holder"

#: locks this process holds: path -> depth (re-entrant within the process)
_held: dict[Path, int] = {}


def lock_path(cache_dir: Path) -> Path:
    return cache_dir / LOCK_NAME


def _holder_text(path: Path) -> str:
    """``pid 123, `nba-pra pipeline`, since 2024-01-05 10:00:03 UTC`` from the holder file, or a plain phrase."""
    try:
        info = json.loads((path.parent / (path.name + HOLDER_SUFFIX)).read_text())
        return f"pid {info['pid']}, `{info['command']}`, since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


@contextmanager
def project_lock(cache_dir: Path, command: str, wait_s: float) -> Iterator[None]:
    """Hold the project lock while the block runs; wait up to ``wait_s`` seconds for it, then raise
    :class:`ProjectLockedError` naming the holder."""
    path = lock_path(cache_dir).resolve()
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=wait_s)
    try:
        lock.acquire()
    except Timeout:
        waited = f"after waiting {wait_s:g} s" if wait_s else "(schedule.lock_wait_s is 0: not waiting)"
        raise ProjectLockedError(
            f"the project is busy: {_holder_text(path)} holds {path} {waited}; retry when it has finished"
        ) from None
    holder = path.parent / (path.name + HOLDER_SUFFIX)
    since = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M:%S UTC")
    holder.write_text(json.dumps({"pid": os.getpid(), "command": command, "since": since}))
    _held[path] = 1
    log.debug("project lock %s taken for `%s`", path, command)
    try:
        yield
    finally:
        _held.pop(path, None)
        holder.unlink(missing_ok=True)
        lock.release()
