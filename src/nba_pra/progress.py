"""Rich progress bars for long work, silent when stdout is not a terminal (``dvc repro``, pipes, CI).

Usage::

    with progress_bar("training folds") as update:
        train_ensemble(..., progress=update)      # update(done, total, label)

The callback matches :data:`nba_pra.model.train.ProgressFn`. ``force=True`` renders even without a terminal
(tests, or a user who wants the bar in a log). Long network jobs (a backfill of many minutes) use
:func:`progress_or_log`: the same bar on a terminal, else one log line every ``every`` steps and at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

ProgressCallback = Callable[[int, int, str], None]

_SHARED: Console | None = None


def shared_console() -> Console:
    """The stderr console bars and (on a terminal) log lines share, so log lines print above a live bar."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Console(stderr=True)
    return _SHARED


def make_progress(console: Console | None = None, *, force: bool = False) -> Progress:
    """A :class:`rich.progress.Progress` disabled unless ``console`` is a terminal (or ``force``)."""
    console = console or shared_console()
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not (force or console.is_terminal),
        transient=False,
    )


@contextmanager
def progress_bar(
    description: str, *, console: Console | None = None, force: bool = False
) -> Iterator[ProgressCallback]:
    """A bar named ``description`` driven by ``update(done, total, label)``; silent off a terminal."""
    with make_progress(console, force=force) as progress:
        task = progress.add_task(description, total=None, label="")

        def update(done: int, total: int, label: str = "") -> None:
            progress.update(task, completed=done, total=total, label=label)

        yield update


@contextmanager
def progress_or_log(
    description: str, *, logger: logging.Logger, every: int, console: Console | None = None, force: bool = False
) -> Iterator[ProgressCallback]:
    """A bar on a terminal (or with ``force``); otherwise ``update`` logs ``description: done/total (label)`` at
    INFO every ``every`` steps and at the last one, so a job run from cron or a pipe still shows its progress."""
    console = console or shared_console()
    if force or console.is_terminal:
        with progress_bar(description, console=console, force=force) as update:
            yield update
        return

    def log_line(done: int, total: int, label: str = "") -> None:
        if done == total or done % every == 0:
            logger.info("%s: %d/%d%s", description, done, total, f" ({label})" if label else "")

    yield log_line
