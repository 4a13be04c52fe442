"""A team's tracking server: MLflow on PostgreSQL with artifacts in an S3-compatible store (moto on loopback).

One project trains and registers through the server; a second copy of the project, with no local MLflow state,
loads ``models:/nba-pra@champion`` from the server and predicts the same slate; promotion moves the alias for
both. ``MLFLOW_TRACKING_URI`` (with a password in it) beats conf/, and the password reaches no file, MLflow param
or console line.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_small_project
from nba_pra.cli import main
from nba_pra.config import compose, load_project, render_params
from nba_pra.tracking.client import Tracker
from team_services import S3Store, mlflow_server, postgres_database, s3_store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PASSWORD = "team-tracking-password-5f1c"


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, S3Store]]:
    with s3_store() as store, postgres_database() as backend, mlflow_server(backend, store) as url:
        yield url, store


def _use_server(root: Path) -> Path:
    """The project's tracking option switched to ``server`` (conf/config.yaml's defaults list)."""
    config = root / "conf" / "config.yaml"
    text = config.read_text()
    assert "  - tracking: local\n" in text
    config.write_text(text.replace("  - tracking: local\n", "  - tracking: server\n"))
    (root / "params.yaml").write_text(render_params(compose(root)))
    return root


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_two_copies_share_runs_registry_and_champion_through_the_server(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, store = server
    host = url.removeprefix("http://")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://nba:{PASSWORD}@{host}")
    first = _use_server(make_small_project(tmp_path / "first"))
    monkeypatch.chdir(first)
    for verb in (["data", "generate", "-q"], ["features", "-q"], ["train", "-q"], ["predict", "-q"]):
        assert main(verb) == 0, verb

    project = load_project(first)
    tracker = Tracker(project.settings.tracking, first)
    assert tracker.uri == f"http://nba:{PASSWORD}@{host}"  # the environment beat conf/tracking/server.yaml
    champion = tracker.resolve("champion")
    assert champion.version == "1"
    # no local tracking state, and no artifact location is a local path: they live in the S3 store
    assert not (first / "mlflow.db").exists() and not (first / "mlruns").exists()
    experiment = tracker.client.get_experiment_by_name(project.settings.tracking.experiment)
    assert experiment.artifact_location.startswith("mlflow-artifacts:")
    assert any(key.startswith("mlflow/") and key.endswith("MLmodel") for key in store.object_keys())
    params = tracker.client.get_run(champion.run_id).data.params
    assert params and not any(PASSWORD in value for value in params.values())

    # a second copy: same code and conf, the data and features but no MLflow state of its own
    second = _use_server(make_small_project(tmp_path / "second"))
    shutil.copytree(first / "data", second / "data")
    (second / "artifacts").mkdir()
    shutil.copy2(first / "artifacts" / "features.parquet", second / "artifacts" / "features.parquet")
    monkeypatch.chdir(second)
    assert main(["predict", "-q"]) == 0
    ours = pd.read_parquet(second / "artifacts" / "predictions.parquet")
    theirs = pd.read_parquet(first / "artifacts" / "predictions.parquet")
    assert set(ours["model_version"]) == {"1"} and len(ours) > 0
    pd.testing.assert_frame_equal(ours.drop(columns=["predicted_at"], errors="ignore"),
                                  theirs.drop(columns=["predicted_at"], errors="ignore"))

    # the second copy trains a challenger; promoting it moves the champion the first copy sees
    assert main(["train", "-q", "seed=7"]) == 0
    assert main(["promote", "--version", "2", "--force"]) == 0
    assert Tracker(project.settings.tracking, first).resolve("champion").version == "2"

    capsys.readouterr()
    monkeypatch.chdir(first)
    assert main(["status"]) == 0
    shown = capsys.readouterr().out
    assert "(MLFLOW_TRACKING_URI)" in shown and PASSWORD not in shown
    for root in (first, second):
        assert _files_containing(root, PASSWORD.encode()) == []
        assert "${oc.env:MLFLOW_TRACKING_URI" in (root / "params.yaml").read_text()
