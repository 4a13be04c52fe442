"""Rich progress bars for long work, silent when stdout is not a terminal (``dvc repro``, pipes, CI).

Usage::

    with progress_bar("training folds") as update:
        train_ensemble(..., progress=update)      # update(done, total, label)

The callback matches :data:`nba_pra.model.train.ProgressFn`. ``force=True`` renders even without a terminal
(tests, or a user who wants the bar in a log). ``log=logger``: off a terminal, steps become plain log lines
instead (``training folds 3/19: fold 2``; every ``log_every``-th step and the last), for long work whose caller
would otherwise print nothing for minutes (a sweep's warm-up, a backfill run from cron).
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
    description: str, *, console: Console | None = None, force: bool = False, log: logging.Logger | None = None,
    log_every: int = 1,
) -> Iterator[ProgressCallback]:
    """A bar named ``description`` driven by ``update(done, total, label)``; off a terminal silent, or one INFO
    line on ``log`` (when given) every ``log_every`` steps and at the last."""
    with make_progress(console, force=force) as progress:
        task = progress.add_task(description, total=None, label="")
        plain = log if progress.disable else None

        def update(done: int, total: int, label: str = "") -> None:
            progress.update(task, completed=done, total=total, label=label)
            if plain is not None and (done == total or done % log_every == 0):
                plain.info("%s %d/%d%s", description, done, total, f": {label}" if label else "")

        yield update
