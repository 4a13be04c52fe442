"""Logging: console at INFO (WARNING with --quiet), a rotating DEBUG file under ``logs/``.

Both handlers mask secrets (:mod:`nba_pra.redaction`) in every record, messages and tracebacks alike, whichever
library logged it.

On a terminal the console handler is rich's (sharing the progress bars' console); off a terminal
(``dvc repro``, pipes, CI) it writes plain ``LEVEL message`` lines.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from nba_pra.redaction import redacting_filter

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_LOG_FILE = "nba-pra.log"
_MAX_BYTES = 5_000_000
_BACKUPS = 3
_NOISY = ("mlflow", "alembic", "urllib3", "git", "matplotlib", "numexpr", "hydra", "filelock", "dvc")
#: libraries whose warnings stay off the console (the log file keeps them): urllib3 warns "Retrying ..." on each
#: retry the odds client is configured to make, and our own single message says what the retries came to
_CONSOLE_ERRORS_ONLY = ("urllib3",)


class _QuietLibraries(logging.Filter):
    """Drop third-party records below WARNING (below ERROR for ``errors_only``) on our handlers, without changing
    those loggers' levels."""

    def __init__(self, errors_only: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._errors_only = errors_only

    def filter(self, record: logging.LogRecord) -> bool:
        library = record.name.split(".", 1)[0]
        if library in self._errors_only:
            return record.levelno >= logging.ERROR
        return record.levelno >= logging.WARNING or library not in _NOISY


class _InfoFrom(logging.Filter):
    """INFO (and below) only from the loggers under ``prefixes``; warnings and errors from everyone."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self._prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.startswith(self._prefixes)


def _console_handler() -> logging.Handler:
    """Plain ``LEVEL message`` lines on stderr; on a terminal rich's handler on the console progress bars use,
    so log lines print above a live bar instead of tearing it (under ``dvc repro`` or a pipe: plain lines)."""
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        from nba_pra.progress import shared_console

        handler: logging.Handler = RichHandler(console=shared_console(), show_path=False, show_time=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
        return handler
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    return handler


def setup_logging(log_dir: Path | None, *, verbose: bool = False, quiet: bool = False,
                  console_info_from: tuple[str, ...] = ()) -> None:
    """Configure the root logger once per process (idempotent).

    ``console_info_from``: when given, the console shows INFO only from those loggers (a DVC stage's one summary
    line) and warnings from all; the log file still gets everything.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_nba_pra", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG)
    console = _console_handler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    console.addFilter(_QuietLibraries(errors_only=_CONSOLE_ERRORS_ONLY))
    if console_info_from and not verbose:
        console.addFilter(_InfoFrom(console_info_from))
    console.addFilter(redacting_filter())
    console._nba_pra = True  # type: ignore[attr-defined]
    root.addHandler(console)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / _LOG_FILE, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
        )
        file_handler.setLevel(logging.DEBUG)
        file_handler.setFormatter(logging.Formatter(_FORMAT))
        file_handler.addFilter(_QuietLibraries())
        file_handler.addFilter(redacting_filter())
        file_handler._nba_pra = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
