"""Several processes using a fresh store at once: the first use creates it once, nobody fails, nothing breaks.

Each test forks real processes that wait on one barrier and then open the same fresh store (a SQLite ledger, a
PostgreSQL ledger schema, a SQLite MLflow DB) at the same moment, which is how `dvc exp run --queue` workers and
a cron job next to a manual run meet it. Failures of a store that cannot be opened reach the user as one line
with the store's exit code.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from nba_pra.cli import main
from nba_pra.errors import LedgerError
from nba_pra.ledger.store import LedgerStore
from nba_pra.tracking.client import Tracker
from nba_pra.tracking.settings import TrackingSettings
from settings_support import composed

#: processes racing for one fresh store (the reported failures needed three)
RACERS = 3
#: seconds a racing process may take before the test calls it hung
RACE_TIMEOUT_S = 120
PG_URL = os.environ.get("NBA_PRA_TEST_POSTGRES_URL")


def _racer(barrier: Any, results: Any, index: int, work: Callable[[], Any]) -> None:
    barrier.wait()
    try:
        results.put((index, "ok", work()))
    except BaseException as exc:
        results.put((index, "failed", f"{type(exc).__name__}: {exc}"))


def race(work: Callable[[int], Callable[[], Any]], n: int = RACERS) -> list[tuple[int, str, Any]]:
    """Run ``work(i)()`` in ``n`` forked processes released together; their (index, outcome, value)."""
    context = multiprocessing.get_context("fork")  # forked children start at once: no re-import to stagger them
    barrier, results = context.Barrier(n), context.Queue()
    procs = [context.Process(target=_racer, args=(barrier, results, i, work(i))) for i in range(n)]
    for proc in procs:
        proc.start()
    outcomes = sorted(results.get(timeout=RACE_TIMEOUT_S) for _ in procs)
    for proc in procs:
        proc.join(RACE_TIMEOUT_S)
    return outcomes


def _open_ledger(url: str, schema: str | None = None) -> Callable[[], str]:
    def work() -> str:
        with LedgerStore(url, schema=schema) as store:
            return str(len(store.bets()))

    return work


def test_processes_opening_a_fresh_sqlite_ledger_together_all_get_the_same_empty_ledger(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert race(lambda i: _open_ledger(url)) == [(i, "ok", "0") for i in range(RACERS)]


@pytest.mark.skipif(not PG_URL, reason="set NBA_PRA_TEST_POSTGRES_URL to a PostgreSQL database to run this test")
def test_processes_opening_a_fresh_postgres_ledger_schema_together_all_get_the_same_empty_ledger() -> None:
    assert PG_URL is not None
    schema = f"rel_svc_{uuid.uuid4().hex[:12]}"
    try:
        assert race(lambda i: _open_ledger(PG_URL, schema)) == [(i, "ok", "0") for i in range(RACERS)]
    finally:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def test_a_ledger_that_cannot_be_opened_is_one_line_naming_the_cause(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(b"this is not a SQLite database, it is a text file of some length " * 4)
    with pytest.raises(LedgerError) as caught:
        LedgerStore(f"sqlite:///{path}")
    message = str(caught.value)
    assert message.startswith(f"cannot open the ledger at sqlite:///{path}: DatabaseError")
    assert "file is not a database" in message and "\n" not in message and "[SQL" not in message


def _register(settings: TrackingSettings, root: Path) -> Callable[[], tuple[str, str, tuple[str, ...]]]:
    def work() -> tuple[str, str, tuple[str, ...]]:
        import mlflow

        tracker = Tracker(settings, root)
        with tracker.start_run("racer") as run:
            # a model without files: registering needs a logged model, not its artifacts
            model = mlflow.create_external_model(name="model")
            done = tracker.register(model.model_uri, run.info.run_id)
        return done.version, done.alias, done.holds

    return work


def test_trainings_registering_into_a_fresh_tracking_db_together_leave_one_champion_and_the_newest_challenger(
    tmp_path: Path,
) -> None:
    # composed and imported here, once: the forked racers inherit both instead of each spending seconds on them
    import mlflow.store.model_registry.sqlalchemy_store
    import mlflow.store.tracking.sqlalchemy_store  # noqa: F401

    settings = dataclasses.replace(composed().tracking, uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    outcomes = race(lambda i: _register(settings, tmp_path))
    assert [outcome for _, outcome, _ in outcomes] == ["ok"] * RACERS, outcomes
    by_version = sorted(value for _, _, value in outcomes)
    # one order for everybody: version 1 took champion, each later one challenger, and each said so truly
    assert by_version == [("1", "champion", ("champion",))] + [
        (str(v), "challenger", ("challenger",)) for v in range(2, RACERS + 1)
    ]
    tracker = Tracker(settings, tmp_path)
    assert tracker.resolve("champion").version == "1"
    assert tracker.resolve("challenger").version == str(RACERS)


def test_a_tracking_store_that_cannot_be_opened_exits_7_with_one_line(
    tmp_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_project / "broken.db").write_bytes(b"this is not a SQLite database, it is a text file of some length " * 4)
    assert main(["promote", "tracking.uri=sqlite:///broken.db"]) == 7
    err = capsys.readouterr().err
    assert err == (f"error: cannot open the MLflow tracking store at sqlite:///{tmp_project / 'broken.db'}: "
                   "DatabaseError: (sqlite3.DatabaseError) file is not a database\n")
