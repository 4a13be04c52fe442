"""`nba-pra train -m model=xgboost,lightgbm` on a small league: two runs, two versions tagged with their
architecture, and the LightGBM version is served by the same pyfunc path (and the predict stage) as XGBoost's."""

from __future__ import annotations

import json
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from conftest import make_small_project
from nba_pra.cli import main
from nba_pra.config import load_project
from nba_pra.model.ensemble import MIN_MEAN
from nba_pra.tracking.client import Tracker


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    root = make_small_project(tmp_path_factory.mktemp("arch") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        assert main(["data", "generate"]) == 0
        assert main(["features", "-q"]) == 0
        yield root


@pytest.fixture(scope="module")
def multirun(project: Path) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["train", "-m", "-q", "model=xgboost,lightgbm", "tracking.auto_promote=false"]) == 0
    return out.getvalue()


def _tracker(project: Path) -> Tracker:
    return Tracker(load_project(project, from_params=True).settings.tracking, project)


def test_the_multirun_registers_one_version_per_architecture_with_its_tag(project: Path, multirun: str) -> None:
    tracker = _tracker(project)
    versions = {v: tracker.client.get_model_version("nba-pra", v) for v in ("1", "2")}
    assert {v: mv.tags["architecture"] for v, mv in versions.items()} == {"1": "xgboost", "2": "lightgbm"}
    runs = {v: tracker.client.get_run(mv.run_id) for v, mv in versions.items()}
    assert runs["1"].info.run_id != runs["2"].info.run_id
    assert {v: r.data.tags["architecture"] for v, r in runs.items()} == {"1": "xgboost", "2": "lightgbm"}
    assert runs["2"].data.params["model.kind"] == "lightgbm"
    # both log the same fold metrics and calibration plots, so the MLflow UI shows them side by side
    assert set(runs["1"].data.metrics) == set(runs["2"].data.metrics)
    for run in runs.values():
        plots = {a.path for a in tracker.client.list_artifacts(run.info.run_id, "plots")}
        assert {"plots/pit_histogram.png", "plots/reliability_over.png"} <= plots
    assert "xgboost" in multirun and "lightgbm" in multirun and "nba-pra compare 1 2" in multirun
    pointer = json.loads((project / "artifacts" / "model.json").read_text())
    assert (pointer["version"], pointer["architecture"], pointer["alias"]) == ("2", "lightgbm", "challenger")


def test_the_lightgbm_version_is_served_through_the_same_pyfunc_path(project: Path, multirun: str,
                                                                     tmp_path: Path) -> None:
    import mlflow

    tracker = _tracker(project)
    model, resolved = tracker.load_pyfunc("challenger")
    assert resolved.version == "2"
    slate = pd.read_parquet(project / "artifacts" / "features.parquet")
    slate = slate[slate["is_slate"].astype(bool)]
    got = model.predict(slate)
    # independently of our loader: the version's LightGBM text files, read by LightGBM and averaged by hand
    local = Path(mlflow.artifacts.download_artifacts(f"{resolved.model_uri}", dst_path=str(tmp_path)))
    (ens,) = [p.parent for p in local.rglob("manifest.json")]
    manifest = json.loads((ens / "manifest.json").read_text())
    assert manifest["architecture"] == "lightgbm"
    assert [p.name for p in ens.glob("*.json")] == ["manifest.json"]  # text model files, no XGBoost JSON
    X = slate[manifest["feature_names"]].to_numpy(np.float32)
    means = [lgb.Booster(model_file=str(ens / f"mean_{k:02d}.txt")).predict(X) for k in range(manifest["n_models"])]
    np.testing.assert_allclose(got["mean"].to_numpy(), np.maximum(np.mean(means, axis=0), MIN_MEAN), rtol=1e-9)
    assert (got["var"] > 0).all()


def test_the_predict_stage_predicts_the_slate_with_the_lightgbm_version(project: Path, multirun: str) -> None:
    assert main(["predict", "-q", "tracking.predict_alias=challenger"]) == 0
    predictions = pd.read_parquet(project / "artifacts" / "predictions.parquet")
    assert set(predictions["model_version"]) == {"2"} and len(predictions) > 0
    assert (predictions["mean"] > 0).all() and (predictions["var"] > 0).all()


def test_a_malformed_multirun_override_is_one_config_error_before_any_training(project: Path, capsys) -> None:
    registered = len(_tracker(project).client.search_model_versions("name='nba-pra'"))
    assert main(["train", "-m", "model=xgboost,"]) == 2
    assert "cannot expand the multirun overrides" in capsys.readouterr().err
    assert len(_tracker(project).client.search_model_versions("name='nba-pra'")) == registered
