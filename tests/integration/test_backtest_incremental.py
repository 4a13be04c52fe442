"""Incremental walk-forward: a day added inside the last retrain block reuses the block's stored model, and the
result equals a cold recompute (no cache) of the longer history, value for value. The same for the evidence stage's
replay and gate: earlier periods and blocks are read back, and the evidence equals a cold replay's."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pandas as pd
import pytest

from backtest_support import last_season_start, make_backtest_project
from conftest import set_config_value
from nba_pra.backtest.runner import BacktestInputs, walk_forward_evidence
from nba_pra.config import load_project
from nba_pra.evaluation.predictions import cached_predictions

#: two weekly blocks, 2 folds of the small project's light model: four fits in all keep this test short
LIGHT = {
    "backtest.model.mean_rounds": None,
    "backtest.model.variance_rounds": None,
    "backtest.model.n_folds": 2,
    "backtest.retrain_every_days": 7,
}
#: the shorter history ends 2 days into the second block; the longer one 4 days in
SHORT_DAYS, LONG_DAYS = 8, 10


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = make_backtest_project(tmp_path_factory.mktemp("incremental") / "project", LIGHT)
    box, start = last_season_start(root)
    set_config_value(root, "backtest.start", str(start.date()))
    set_config_value(root, "backtest.end", None)  # the range runs to the last game of the history given
    project = load_project(root)

    def upto(days: int) -> pd.DataFrame:
        return box.loc[box["game_date"] <= start + pd.Timedelta(days=days)].reset_index(drop=True)

    return project, upto(SHORT_DAYS), upto(LONG_DAYS)


def test_a_day_added_inside_the_last_block_reuses_its_model_and_equals_a_cold_recompute(setup) -> None:  # type: ignore[no-untyped-def]
    project, short, long = setup
    cache_dir = project.root / project.settings.backtest.cache_dir

    first, entry = cached_predictions(project, short)
    assert not entry.hit
    models = sorted(p.name for p in cache_dir.glob("model-*"))
    assert len(models) == first["retrain_date"].nunique() == 2  # one stored ensemble per retrain block
    stamps = {name: (cache_dir / name / "manifest.json").stat().st_mtime_ns for name in models}

    incremental, entry = cached_predictions(project, long)
    assert not entry.hit  # a longer history is a new key: the range was really assembled again
    after = sorted(p.name for p in cache_dir.glob("model-*"))
    assert after == models  # no block was refitted: the new days were predicted by the stored models
    assert {name: (cache_dir / name / "manifest.json").stat().st_mtime_ns for name in after} == stamps
    assert incremental["game_date"].max() > first["game_date"].max()  # and the new days are there

    shutil.rmtree(cache_dir)
    cold, entry = cached_predictions(project, long)
    assert not entry.hit and len(list(cache_dir.glob("model-*"))) == 2  # every block fitted afresh
    pd.testing.assert_frame_equal(incremental, cold)


def test_the_evidence_of_a_longer_history_reads_earlier_periods_back_and_equals_a_cold_replay(setup) -> None:  # type: ignore[no-untyped-def]
    project, short, long = setup
    # the stack refitted every 3 days once 20 props settled: the 10 days hold several pricing periods
    s = project.settings
    stacking = dataclasses.replace(s.pricing.stacking, min_train_props=20, refit_every_days=3)
    project = dataclasses.replace(project, settings=dataclasses.replace(
        s, pricing=dataclasses.replace(s.pricing, stacking=stacking)))
    cache_dir = project.root / project.settings.backtest.cache_dir
    schedule = pd.read_parquet(project.root / "data" / "schedule.parquet")
    shutil.rmtree(cache_dir, ignore_errors=True)

    walk_forward_evidence(project, BacktestInputs(short, schedule), source="backtest")
    periods = set(cache_dir.glob("replay-*-bets.parquet"))
    gates = {p.name: p.stat().st_mtime_ns for p in cache_dir.glob("evidence-*.json")}
    assert periods and gates
    warm = walk_forward_evidence(project, BacktestInputs(long, schedule), source="backtest")
    priced_again = set(cache_dir.glob("replay-*-bets.parquet")) - periods

    shutil.rmtree(cache_dir)
    cold = walk_forward_evidence(project, BacktestInputs(long, schedule), source="backtest")
    every = set(cache_dir.glob("replay-*-bets.parquet"))
    # the longer history priced only the (period, method)s its new days changed; the others were read back
    assert 0 < len(priced_again) < len(every)
    assert {p.name for p in every} - {p.name for p in priced_again} <= {p.name for p in periods}
    pd.testing.assert_frame_equal(warm.replay.props, cold.replay.props)
    pd.testing.assert_frame_equal(warm.replay.bets, cold.replay.bets)
    pd.testing.assert_frame_equal(warm.gate.decisions, cold.gate.decisions)
    pd.testing.assert_frame_equal(warm.gate.bets, cold.gate.bets)
    assert json.dumps(warm.evidence.to_dict()) == json.dumps(cold.evidence.to_dict())
