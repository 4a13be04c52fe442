"""``copy_tracking`` between two SQLite MLflow stores: parents, metric histories, artifacts, version numbers and
aliases carry over; a second copy adds nothing; a half-made copy is redone; a destination with versions of its own
is refused. (The copy onto a real server, with logged models and predictions: tests/integration/
test_team_migration.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric, Param

from nba_pra.errors import ConfigError, TrackingError
from nba_pra.migration.tracking import COPY_STATE, MIGRATED_FROM, copy_tracking


def _store(path: Path, empty: Path | None = None) -> tuple[str, MlflowClient]:
    """A store at ``path``: a copy of ``empty`` (an emptied, migrated store) when given, which saves MLflow's
    ~5 s of schema migrations per store."""
    if empty is not None:
        shutil.copy2(empty, path)
    uri = f"sqlite:///{path}"
    return uri, MlflowClient(tracking_uri=uri, registry_uri=uri)


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    _store(path)[1].search_experiments()  # creates and migrates the schema
    return path


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, empty: Path) -> tuple[str, dict[str, str]]:
    """A store with a parent run and its child (params, a 3-step metric, an artifact) and model ``m``'s version 1
    (from the parent's ``runs:/`` path) behind ``champion``; copies only read it."""
    tmp_path = tmp_path_factory.mktemp("source")
    uri, client = _store(tmp_path / "source.db", empty)
    experiment = client.create_experiment("e", artifact_location=str(tmp_path / "source-artifacts"))
    parent = client.create_run(experiment, run_name="parent", start_time=1_000).info.run_id
    child = client.create_run(experiment, run_name="child", start_time=2_000,
                              tags={"mlflow.parentRunId": parent}).info.run_id
    client.log_batch(parent, params=[Param("alpha", "0.25")],
                     metrics=[Metric("crps", 4.0 - step / 10, 1_000 + step, step) for step in range(3)])
    note = tmp_path / "note.txt"
    note.write_text("fold scores")
    client.log_artifact(parent, str(note), "reports")
    for run in (parent, child):
        client.set_terminated(run, end_time=3_000)
    client.create_registered_model("m")
    client.create_model_version("m", f"runs:/{parent}/model", run_id=parent, tags={"run_id": parent})
    client.set_registered_model_alias("m", "champion", "1")
    return uri, {"parent": parent, "child": child}


def _copies(client: MlflowClient) -> dict[str, object]:
    experiment = client.get_experiment_by_name("e")
    return {run.data.tags[MIGRATED_FROM]: run for run in client.search_runs([experiment.experiment_id])}


def test_runs_histories_artifacts_versions_and_aliases_carry_over(source, empty: Path, tmp_path: Path) -> None:
    uri, ids = source
    dest_uri, dest = _store(tmp_path / "dest.db", empty)
    report = copy_tracking(uri, dest_uri)
    assert report.copied == {"experiments": 1, "runs": 2, "logged models": 0, "model versions": 1}
    runs = _copies(dest)
    parent, child = runs[ids["parent"]], runs[ids["child"]]
    assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert (parent.info.run_name, parent.info.start_time, parent.info.end_time) == ("parent", 1_000, 3_000)
    assert parent.data.params == {"alpha": "0.25"} and parent.data.tags[COPY_STATE] == "done"
    history = dest.get_metric_history(parent.info.run_id, "crps")
    assert [(m.step, m.value, m.timestamp) for m in history] == [(0, 4.0, 1_000), (1, 3.9, 1_001), (2, 3.8, 1_002)]
    local = dest.download_artifacts(parent.info.run_id, "reports/note.txt", str(tmp_path))
    assert Path(local).read_text() == "fold scores"
    version = dest.get_model_version_by_alias("m", "champion")
    assert str(version.version) == "1" and version.run_id == parent.info.run_id
    assert version.source == f"runs:/{parent.info.run_id}/model"
    assert version.tags["run_id"] == parent.info.run_id  # a tag naming a copied run names the copy

    again = copy_tracking(uri, dest_uri)
    assert sum(again.copied.values()) == 0 and again.present["runs"] == 2 and again.present["model versions"] == 1
    assert len(_copies(dest)) == 2


def test_a_run_left_half_copied_is_copied_again(source, empty: Path, tmp_path: Path) -> None:
    uri, ids = source
    dest_uri, dest = _store(tmp_path / "dest.db", empty)
    experiment = dest.create_experiment("e")
    broken = dest.create_run(experiment, tags={MIGRATED_FROM: ids["parent"], COPY_STATE: "copying"}).info.run_id
    copy_tracking(uri, dest_uri)
    runs = _copies(dest)
    assert len(runs) == 2 and runs[ids["parent"]].info.run_id != broken
    assert dest.get_run(broken).info.lifecycle_stage == "deleted"


def test_a_destination_with_versions_of_its_own_is_refused(source, empty: Path, tmp_path: Path) -> None:
    uri, _ = source
    dest_uri, dest = _store(tmp_path / "dest.db", empty)
    run = dest.create_run(dest.create_experiment("other")).info.run_id
    dest.create_registered_model("m")
    dest.create_model_version("m", f"runs:/{run}/model", run_id=run)
    with pytest.raises(TrackingError, match="already has a version 1 of its own"):
        copy_tracking(uri, dest_uri)


def test_the_command_names_what_is_missing(tmp_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nba_pra.cli import main

    assert main(["migrate"]) == ConfigError.exit_code
    assert main(["migrate", "--tracking-from", "sqlite:///absent.db"]) == ConfigError.exit_code
    err = capsys.readouterr().err
    assert "give --tracking-from URI and/or --ledger-from URL" in err
    assert f"--tracking-from: no MLflow tracking DB at {tmp_project / 'absent.db'}" in err
    assert not (tmp_project / "absent.db").exists()
