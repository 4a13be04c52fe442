"""Scale-out on Ray against a real Ray head on loopback: the walk-forward's retrain blocks as Ray tasks give the local
executor's predictions value for value (and share its cache), and a threshold sweep runs its points as tasks of the
cluster through Hydra's Ray launcher."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from backtest_support import LIGHT_BACKTEST, last_season_start, make_backtest_project
from conftest import set_config_value
from nba_pra.backtest import runner
from nba_pra.backtest.settings import RaySettings
from nba_pra.backtest.sweep import main as sweep_main
from nba_pra.config import load_project
from nba_pra.evaluation.predictions import cached_predictions, history_features
from nba_pra.evaluation.ray_executor import RemoteFitError, ray_executor
from nba_pra.evaluation.walkforward import BlockFit
from nba_pra.features.registry import feature_names
from ray_support import ray_head, ray_missing

pytestmark = pytest.mark.skipif(ray_missing() is not None, reason=str(ray_missing()))

#: two weekly blocks of the small project's light model, one library thread per fit (two fits at once on 2 CPUs)
LIGHT = {
    **LIGHT_BACKTEST,
    "backtest.retrain_every_days": 7,
    "backtest.model.threads": 1,
}
#: the history ends 10 days into the last season: blocks of days 0-6 and 7-10
DAYS = 10


@pytest.fixture(scope="module")
def head() -> Iterator[str]:
    with ray_head(num_cpus=2) as address:
        yield address


@pytest.fixture(scope="module")
def project_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    root = make_backtest_project(tmp_path_factory.mktemp("ray") / "project", LIGHT)
    box, start = last_season_start(root)
    set_config_value(root, "backtest.start", str(start.date()))
    set_config_value(root, "backtest.end", None)
    return root, box.loc[box["game_date"] <= start + pd.Timedelta(days=DAYS)].reset_index(drop=True)


def model_stamps(cache_dir: Path) -> dict[str, int]:
    return {p.name: (p / "manifest.json").stat().st_mtime_ns for p in sorted(cache_dir.glob("model-*"))}


def test_ray_tasks_predict_exactly_what_the_local_fits_do_and_fill_the_same_cache(head, project_root) -> None:  # type: ignore[no-untyped-def]
    root, box = project_root
    local_project = load_project(root)
    cache_dir = root / local_project.settings.backtest.cache_dir
    local, entry = cached_predictions(local_project, box)
    assert not entry.hit and local["retrain_date"].nunique() == 2

    shutil.rmtree(cache_dir)
    set_config_value(root, "backtest.executor", "ray")
    set_config_value(root, "backtest.ray.address", head)
    remote, entry = cached_predictions(load_project(root), box)
    assert not entry.hit
    pd.testing.assert_frame_equal(remote, local)
    stamps = model_stamps(cache_dir)
    assert len(stamps) == 2  # both blocks' ensembles were stored by the driver, in the library's own files

    # the local executor reads the blocks Ray stored: with the block predictions gone, it predicts from the
    # stored models (no fit: the model files are untouched) and gets the same values again
    for path in cache_dir.glob("predictions-*"):
        path.unlink()
    set_config_value(root, "backtest.executor", "local")
    again, entry = cached_predictions(load_project(root), box)
    assert not entry.hit
    pd.testing.assert_frame_equal(again, local)
    assert model_stamps(cache_dir) == stamps


def test_a_failing_fit_names_its_block(head, project_root) -> None:  # type: ignore[no-untyped-def]
    root, box = project_root
    s = load_project(root).settings
    features = history_features(box, s)
    fit = BlockFit(feature_names=[*feature_names(s.features), "no_such_feature"], window=s.window, cv=s.cv,
                   model=s.model, distribution=s.distribution, seed=s.seed)
    day = pd.Timestamp(features["game_date"].max())
    with pytest.raises(RemoteFitError, match=f"retrain as of {day.date()} failed in its Ray task"):
        list(ray_executor(RaySettings(address=head, num_cpus=None))(fit, features, [day]))


def test_a_sweep_runs_its_points_as_tasks_of_the_cluster(head, project_root, tmp_path, monkeypatch,  # type: ignore[no-untyped-def]
                                                          capsys) -> None:
    root, box = project_root
    set_config_value(root, "backtest.executor", "local")
    # the range of the walk-forward test: its blocks are in the cache already (when it ran first)
    set_config_value(root, "backtest.end", str(box["game_date"].max().date()))
    monkeypatch.chdir(root)
    sweep_dir = tmp_path / "multirun"
    sweep_main(["-m", "betting.kelly_fraction=0.1,0.5", "hydra/launcher=ray_cluster",
                f"hydra.launcher.ray.init.address={head}", f"hydra.sweep.dir={sweep_dir}",
                "hydra/job_logging=disabled", "hydra/hydra_logging=disabled"])
    assert "sweep summary (2 points" in capsys.readouterr().out
    import ray

    assert not ray.is_initialized()  # disconnected: stopping the cluster must not end this process
    # every point was logged as a child of the sweep's parent run: the parent id reached the Ray tasks
    tracker = runner.backtest_tracker(load_project(root))
    runs = tracker.client.search_runs([tracker.client.get_experiment_by_name("nba-pra-backtest").experiment_id])
    parent = next(r for r in runs if r.info.run_name.startswith("sweep-"))
    children = tracker.child_runs(parent.info.run_id).set_index("params.betting.kelly_fraction")
    assert sorted(children.index) == ["0.1", "0.5"]
    # the same points run in this process (no launcher) give the same figures
    for kelly in ("0.1", "0.5"):
        set_config_value(root, "betting.kelly_fraction", float(kelly))
        local = runner.run_backtest(load_project(root)).metrics
        assert children.loc[kelly, "metrics.roi"] == pytest.approx(local["roi"], rel=1e-12)
        assert children.loc[kelly, "metrics.final_bankroll"] == pytest.approx(local["final_bankroll"], rel=1e-12)
