"""Progress bars: silent off a terminal (dvc repro, pipes); drawn when forced or on a tty."""

from __future__ import annotations

import io
import logging

from rich.console import Console

from nba_pra.logs import setup_logging
from nba_pra.progress import make_progress, progress_bar


def _pipe_console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=100), buffer


def test_a_bar_draws_nothing_when_the_output_is_not_a_terminal() -> None:
    console, buffer = _pipe_console()
    assert not console.is_terminal
    with progress_bar("training folds", console=console) as update:
        for done in range(1, 4):
            update(done, 3, f"fold {done - 1}")
    assert buffer.getvalue() == ""


def test_a_forced_bar_renders_its_description_count_and_label() -> None:
    console, buffer = _pipe_console()
    with progress_bar("training folds", console=console, force=True) as update:
        for done in range(1, 4):
            update(done, 3, f"fold {done - 1}")
    out = buffer.getvalue()
    assert "training folds" in out and "3/3" in out and "fold 2" in out


def test_a_bar_on_a_terminal_renders_without_forcing() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=True)
    with progress_bar("feature build", console=console) as update:
        update(1, 2, "rolling")
        update(2, 2, "done")
    assert "feature build" in buffer.getvalue() and "2/2" in buffer.getvalue()


def test_the_progress_is_disabled_exactly_when_the_console_is_not_a_terminal() -> None:
    console, _ = _pipe_console()
    assert make_progress(console).disable is True
    assert make_progress(console, force=True).disable is False
    assert make_progress(Console(file=io.StringIO(), force_terminal=True)).disable is False


def test_console_logs_are_plain_level_message_lines_when_stderr_is_not_a_terminal(capsys) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        setup_logging(None)
        logging.getLogger("nba_pra.test").info("fold %d done", 3)
        assert "INFO fold 3 done" in capsys.readouterr().err
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)


def test_off_a_terminal_a_long_job_logs_every_n_steps_and_the_last(caplog) -> None:
    console, buffer = _pipe_console()
    logger = logging.getLogger("nba_pra.test_progress")
    with caplog.at_level(logging.INFO, logger=logger.name), progress_bar(
        "injury report backfill", log=logger, log_every=2, console=console
    ) as update:
        for done in range(1, 6):
            update(done, 5, f"hour {done}")
    assert [r.getMessage() for r in caplog.records] == [
        "injury report backfill 2/5: hour 2", "injury report backfill 4/5: hour 4",
        "injury report backfill 5/5: hour 5",
    ]
    assert buffer.getvalue() == ""


def test_off_a_terminal_a_bar_given_a_logger_writes_one_plain_line_per_step(caplog) -> None:
    """The sweep's warm-up used to print nothing for minutes in a pipe: its steps are log lines there now."""
    console, buffer = _pipe_console()
    caplog.set_level(logging.INFO, logger="warmup")
    with progress_bar("history features", console=console, log=logging.getLogger("warmup")) as update:
        update(1, 2, "rolling features")
        update(2, 2, "matchup features")
    assert buffer.getvalue() == ""
    assert [r.getMessage() for r in caplog.records] == [
        "history features 1/2: rolling features", "history features 2/2: matchup features"]


def test_on_a_terminal_a_bar_given_a_logger_draws_the_bar_and_logs_nothing(caplog) -> None:
    console = Console(file=io.StringIO(), width=100, force_terminal=True)
    caplog.set_level(logging.INFO, logger="warmup")
    with progress_bar("history features", console=console, log=logging.getLogger("warmup")) as update:
        update(1, 1, "rolling features")
    assert caplog.records == []
    assert "history features" in console.file.getvalue()


def test_a_dvc_stage_console_shows_its_own_summary_and_every_warning_but_no_library_progress(capsys) -> None:
    """Under `dvc repro` a stage runs as ``python -m nba_pra.stages.x`` (logger ``__main__``): its summary line
    shows; the folds' and retrains' INFO lines do not (before: all of them did), warnings from anyone do."""
    from nba_pra.stages._runner import STAGE_CONSOLE_LOGGERS

    root = logging.getLogger()
    before = list(root.handlers)
    try:
        setup_logging(None, console_info_from=STAGE_CONSOLE_LOGGERS)
        logging.getLogger("__main__").info("features: 10 rows")
        logging.getLogger("nba_pra.model.train").info("fold 1/19 train")
        logging.getLogger("nba_pra.odds.synthetic").warning("no lines today")
        assert capsys.readouterr().err.splitlines() == ["INFO features: 10 rows", "WARNING no lines today"]
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
