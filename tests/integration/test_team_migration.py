"""Moving a single machine's project onto a team's services: ``nba-pra migrate`` copies the local SQLite MLflow
store (runs, artifacts, registered versions and aliases) into an MLflow server on PostgreSQL with artifacts in an
S3-compatible store (moto on loopback), and the SQLite ledger into PostgreSQL.

After the copy, with the local stores moved out of the way, ``models:/nba-pra@champion`` resolves on the server
to the same version number and predicts the same slate, every run's params, metrics and artifact files match,
and the ledger's rows are equal. A second copy adds nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

from conftest import copy_trained_project
from nba_pra.cli import main
from nba_pra.config import compose, load_project, render_params
from nba_pra.ledger.store import LedgerStore
from nba_pra.migration.tracking import MIGRATED_FROM
from nba_pra.stages.ledger import open_store
from nba_pra.tracking.client import Tracker
from team_services import S3Store, mlflow_server, postgres_database, s3_store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: in both URLs (the loopback server and the CI's PostgreSQL ignore it): printed masked, written nowhere
PASSWORD = "team-migration-password-9d2e"

#: settled bets of the original system's CSV ledger (`nba-pra ledger import`): the local ledger's settlements
LEGACY = """Date,Player,Line,Bet,Odds,Bet Amount,Result,Profit
2024-01-15,Jayson Tatum,45.5,OVER,-110,10,W,9.09
1/16/2024,Nikola Jokic,52.5,under,+150,4,L,
2024-01-17,LeBron James,40,o,1.91,5,push,0
"""


@pytest.fixture(scope="module")
def team() -> Iterator[tuple[str, S3Store, str]]:
    """The MLflow server (its own database and bucket prefix) and an empty ledger database."""
    with s3_store() as store, postgres_database() as backend, mlflow_server(backend, store) as url, \
            postgres_database() as ledger:
        yield url, store, ledger


def _switch(root: Path, group: str, old: str, new: str) -> None:
    config = root / "conf" / "config.yaml"
    text = config.read_text()
    assert f"  - {group}: {old}\n" in text
    config.write_text(text.replace(f"  - {group}: {old}\n", f"  - {group}: {new}\n"))
    (root / "params.yaml").write_text(render_params(compose(root)))


def _artifact_files(client: Any, run_id: str, path: str = "") -> list[str]:
    files = []
    for item in client.list_artifacts(run_id, path or None):
        files += _artifact_files(client, run_id, item.path) if item.is_dir else [item.path]
    return sorted(files)


def _runs(tracker: Tracker) -> dict[str, dict[str, Any]]:
    """Every run of the project's experiment by its source id (a copy by the id it copies)."""
    client = tracker.client
    experiment = client.get_experiment_by_name(tracker.settings.experiment)
    found = {}
    for run in client.search_runs([experiment.experiment_id]):
        key = run.data.tags.get(MIGRATED_FROM, run.info.run_id)
        found[key] = {"name": run.info.run_name, "status": run.info.status, "start": run.info.start_time,
                      "params": run.data.params, "metrics": run.data.metrics,
                      "files": _artifact_files(client, run.info.run_id)}
    return found


def _ledger(store: LedgerStore) -> dict[str, pd.DataFrame]:
    """The ledger's tables as frames, times in UTC (SQLite returns them without a zone)."""

    def utc(frame: pd.DataFrame) -> pd.DataFrame:
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]) and column != "game_date":
                frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame.reset_index(drop=True)

    return {"bets": utc(store.bets()), "model_scores": utc(store.model_scores()),
            "snapshots": utc(store.snapshots())}


def test_a_local_project_moves_onto_the_team_server_and_serves_the_same_champion(
    team, trained_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, store, ledger_url = team
    local = copy_trained_project(trained_template, tmp_path / "project")
    monkeypatch.chdir(local)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    # a second version (challenger; the champion stays version 1), today's paper bets and model scores, and
    # settled bets of an old ledger
    assert main(["train", "-q", "seed=7", "tracking.auto_promote=false"]) == 0
    assert main(["bet", "-q"]) == 0
    assert main(["ledger", "-q"]) == 0
    (tmp_path / "legacy.csv").write_text(LEGACY)
    assert main(["ledger", "import", str(tmp_path / "legacy.csv")]) == 0
    project = load_project(local)
    with open_store(project) as source:
        with source.engine.begin() as conn:  # two bankroll snapshots, as two settlement runs would leave
            for settled, profit in ((2, 5.09), (3, 5.09)):
                conn.execute(insert(source.tables.snapshots).values(
                    taken_at=dt.datetime(2024, 1, 18, tzinfo=dt.UTC), settled=settled, profit=profit))
        ledger_before = _ledger(source)
    assert len(ledger_before["bets"]) >= 3 and ledger_before["bets"]["result"].notna().sum() == 3
    assert len(ledger_before["model_scores"]) > 0
    tracker = Tracker(project.settings.tracking, local)
    runs_before = _runs(tracker)
    aliases = {a: tracker.resolve(a).version for a in ("champion", "challenger")}
    champion_run = tracker.resolve("champion").run_id
    assert aliases == {"champion": "1", "challenger": "2"}
    predictions = pd.read_parquet(local / "artifacts" / "predictions.parquet")
    assert set(predictions["model_version"]) == {"1"}

    # the project now points at the team's services (conf/ + the environment), and copies its stores there
    tracking_uri = f"http://nba:{PASSWORD}@{url.removeprefix('http://')}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri)
    monkeypatch.setenv("NBA_PRA_LEDGER_URL", make_url(ledger_url).set(password=PASSWORD).render_as_string(False))
    _switch(local, "tracking", "local", "server")
    _switch(local, "ledger", "sqlite", "postgres")
    capsys.readouterr()
    migrate = ["migrate", "--tracking-from", "sqlite:///mlflow.db", "--ledger-from", "sqlite:///ledger.db"]
    assert main(migrate) == 0
    said = capsys.readouterr().out
    assert "copied 1 experiments, 2 runs, 2 logged models, 2 model versions" in said, said
    assert "@champion -> 1" in said and "@challenger -> 2" in said, said
    assert PASSWORD not in said and said.count("***") == 2, said
    # the local stores go away: whatever answers now comes from the server, PostgreSQL and the S3 store
    old = tmp_path / "old"
    old.mkdir()
    for name in ("mlflow.db", "mlruns", "ledger.db"):
        shutil.move(local / name, old / name)

    project = load_project(local)
    team_tracker = Tracker(project.settings.tracking, local)
    assert team_tracker.uri == tracking_uri
    assert {a: team_tracker.resolve(a).version for a in aliases} == aliases
    experiment = team_tracker.client.get_experiment_by_name(project.settings.tracking.experiment)
    assert experiment.artifact_location.startswith("mlflow-artifacts:")
    assert sum(key.endswith("/MLmodel") for key in store.object_keys("mlflow/")) == 2
    runs_after = _runs(team_tracker)
    assert runs_after.keys() == runs_before.keys()
    for run_id, before in runs_before.items():
        assert runs_after[run_id] == before, run_id
    # the champion's run is the copy of the local champion's run
    copied_run = team_tracker.client.get_run(team_tracker.resolve("champion").run_id)
    assert copied_run.data.tags[MIGRATED_FROM] == champion_run

    (local / "artifacts" / "predictions.parquet").unlink()
    assert main(["predict", "-q"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(local / "artifacts" / "predictions.parquet"), predictions)

    with open_store(project) as team_ledger:
        assert team_ledger.engine.dialect.name == "postgresql"
        after = _ledger(team_ledger)
        for table, frame in ledger_before.items():
            pd.testing.assert_frame_equal(after[table], frame, check_dtype=False, obj=table)
        with team_ledger.engine.begin() as conn:  # the snapshot ids go on after the copied ones
            conn.execute(insert(team_ledger.tables.snapshots).values(
                taken_at=dt.datetime(2024, 1, 19, tzinfo=dt.UTC), settled=3, profit=5.09))
            ids = conn.execute(select(team_ledger.tables.snapshots.c.id)).scalars().all()
        assert sorted(ids) == [1, 2, 3]

    # a second copy (from the moved files) finds everything there and adds nothing
    for name in ("mlflow.db", "mlruns", "ledger.db"):
        shutil.move(old / name, local / name)
    assert main(migrate) == 0
    again = capsys.readouterr().out
    assert "copied 0 experiments, 0 runs, 0 logged models, 0 model versions" in again, again
    assert "copied 0 bets" in again and "0 model_scores" in again, again
    assert PASSWORD not in again
    assert [p for p in local.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()] == []
