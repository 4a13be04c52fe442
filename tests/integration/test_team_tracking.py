"""A team's shared services: an MLflow server on PostgreSQL with artifacts in an S3-compatible store (moto on
loopback), and a DVC remote in the same store.

One clone runs the daily pipeline (training and registering through the server) and pushes its data and outputs;
a second clone, with no local MLflow or DVC state, pulls, finds the pipeline up to date, loads
``models:/nba-pra@champion`` from the server and predicts the same slate; promotion from the second clone moves
the champion the first one sees. ``MLFLOW_TRACKING_URI`` (with a password in it) beats conf/, and the password
reaches no file, MLflow param or console line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from conftest import PROJECT_ROOT, make_small_project
from nba_pra.cli import main
from nba_pra.config import compose, load_project, render_params
from nba_pra.tracking.client import Tracker
from team_services import (
    S3_ENV,
    S3Store,
    git_commit_all,
    git_project,
    mlflow_server,
    postgres_database,
    run,
    s3_store,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PASSWORD = "team-tracking-password-5f1c"


@pytest.fixture(scope="module")
def team() -> Iterator[tuple[str, S3Store]]:
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
    return [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts and needle in p.read_bytes()]


def test_a_second_clone_pulls_the_day_and_predicts_with_the_shared_champion(
    team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, store = team
    for key, value in S3_ENV.items():  # DVC's S3 client reads the credentials from the environment
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://nba:{PASSWORD}@{url.removeprefix('http://')}")
    first = git_project(_use_server(make_small_project(tmp_path / "first")), PROJECT_ROOT)
    for cmd in (["dvc", "remote", "add", "-d", "team", f"s3://{store.bucket}/dvc"],
                ["dvc", "remote", "modify", "team", "endpointurl", store.endpoint]):
        assert run(cmd, first).returncode == 0, cmd
    monkeypatch.chdir(first)
    assert main(["pipeline"]) == 0  # generates the league, `dvc repro`, then `dvc push`
    git_commit_all(first, "day one")
    assert any(key.startswith("dvc/") for key in store.object_keys())

    project = load_project(first)
    tracker = Tracker(project.settings.tracking, first)
    assert tracker.uri.endswith(url.removeprefix("http://"))  # the environment beat conf/tracking/server.yaml
    champion = tracker.resolve("champion")
    assert champion.version == "1"
    # no local tracking state, and no artifact location is a local path: they live in the S3 store
    assert not (first / "mlflow.db").exists() and not (first / "mlruns").exists()
    experiment = tracker.client.get_experiment_by_name(project.settings.tracking.experiment)
    assert experiment.artifact_location.startswith("mlflow-artifacts:")
    assert any(key.startswith("mlflow/") and key.endswith("MLmodel") for key in store.object_keys())
    params = tracker.client.get_run(champion.run_id).data.params
    assert params and not any(PASSWORD in value for value in params.values())

    # a second clone: `dvc pull` brings the data and every output; `dvc repro` then reruns only the availability
    # stage (always_changed), which writes the same bytes, so nothing downstream reruns
    second = tmp_path / "second"
    assert run(["git", "clone", "-q", str(first), str(second)], tmp_path).returncode == 0
    pulled = run(["dvc", "pull", "-q"], second)
    assert pulled.returncode == 0, pulled.stderr
    repro = run(["dvc", "repro"], second)
    assert repro.returncode == 0, repro.stdout[-2000:] + repro.stderr[-2000:]
    ran = [line for line in repro.stdout.splitlines() if line.startswith("Running stage")]
    assert ran == ["Running stage 'availability':"], repro.stdout
    assert run(["git", "status", "--porcelain"], second).stdout == ""

    # the second clone loads the champion from the server and predicts the same slate
    theirs = pd.read_parquet(first / "artifacts" / "predictions.parquet")
    (second / "artifacts" / "predictions.parquet").unlink()
    monkeypatch.chdir(second)
    assert main(["predict", "-q"]) == 0
    ours = pd.read_parquet(second / "artifacts" / "predictions.parquet")
    assert set(ours["model_version"]) == {"1"} and len(ours) > 0
    pd.testing.assert_frame_equal(ours, theirs)

    # the second clone trains a challenger; promoting it moves the champion the first clone sees
    capsys.readouterr()
    assert main(["train", "-q", "seed=7"]) == 0
    assert main(["promote", "--version", "2", "--force"]) == 0
    assert PASSWORD not in capsys.readouterr().out  # MLflow's "View run ... at: <URI>" links are off
    assert Tracker(project.settings.tracking, first).resolve("champion").version == "2"

    capsys.readouterr()
    monkeypatch.chdir(first)
    assert main(["status"]) == 0
    shown = capsys.readouterr().out
    assert "(MLFLOW_TRACKING_URI)" in shown and PASSWORD not in shown
    for root in (first, second):
        assert _files_containing(root, PASSWORD.encode()) == []
        assert "${oc.env:MLFLOW_TRACKING_URI" in (root / "params.yaml").read_text()
