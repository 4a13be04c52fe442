"""`nba-pra market` on the small synthetic league: tables, reports, the MLflow run, the cache and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pandas as pd
import pytest

from backtest_support import make_backtest_project
from nba_pra.cli import main
from nba_pra.config import load_project


@pytest.fixture(scope="module")
def market_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_backtest_project(tmp_path_factory.mktemp("market") / "project")


@pytest.fixture(scope="module")
def first_run(market_project: Path) -> dict:
    import os

    cwd = Path.cwd()
    os.chdir(market_project)
    try:
        assert main(["market", "-q"]) == 0
    finally:
        os.chdir(cwd)
    return json.loads((market_project / "reports" / "market" / "market_summary.json").read_text())


def test_market_scores_every_prop_of_the_season_that_has_a_line(market_project: Path, first_run: dict) -> None:
    box = pd.read_parquet(market_project / "data" / "box_scores.parquet")
    last = box.loc[box["season"] == box["season"].max()]
    lines = pd.read_parquet(market_project / "data" / "lines.parquet")
    lines = lines.loc[lines["game_id"].isin(set(last["game_id"])) & lines["over_price"].notna()]
    assert first_run["season"] == str(last["season"].iloc[0])
    assert first_run["props"] == len(lines[["game_id", "player_id"]].drop_duplicates())
    played = last.merge(lines[["game_id", "player_id"]].drop_duplicates(), on=["game_id", "player_id"])
    assert first_run["props_played"] == int(played["played"].sum())
    assert first_run["start"] == str(pd.to_datetime(lines["game_date"]).min().date())
    assert first_run["match_rate"] == 1.0  # synthetic lines carry player ids


def test_market_writes_every_report_and_logs_one_mlflow_run(market_project: Path, first_run: dict) -> None:
    folder = market_project / "reports" / "market"
    for name in ("probability_scores.csv", "reliability.csv", "betting.csv", "stack_fits.csv", "gate_decisions.csv",
                 "gate_summary.csv", "error_anatomy.csv", "props.parquet", "reliability.png", "error_anatomy.png"):
        assert (folder / name).stat().st_size > 0, name
    probs = pd.read_csv(folder / "probability_scores.csv")
    methods = {"model", "recalibrated", "market", "market_aware"}
    assert methods | {"market (multiplicative)", "market (shin)"} <= set(probs["forecaster"])
    assert probs["props"].nunique() == 1  # every forecaster on the same props
    betting = pd.read_csv(folder / "betting.csv")
    books = set(pd.read_parquet(market_project / "data" / "lines.parquet")["bookmaker"])
    assert {"best price", "best price, all props"} <= set(betting["price_source"]) <= books | {
        "best price", "best price, all props"}
    gate = pd.read_csv(folder / "gate_summary.csv")
    assert set(gate["method"]) <= methods and set(gate["state"]) == {"staked", "paper"}
    evidence = json.loads((market_project / "reports" / "evidence.json").read_text())
    assert evidence["source"] == "market" and evidence["synthetic"] and set(evidence["methods"]) == methods
    project = load_project(market_project)
    mlflow.set_tracking_uri(f"sqlite:///{market_project / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=[project.settings.market.experiment])
    assert len(runs) == 1
    assert runs.iloc[0]["metrics.model_mae"] == pytest.approx(first_run["model_mae"])
    assert runs.iloc[0]["params.season"] == first_run["season"]


def test_a_second_run_reuses_the_cached_predictions_repeats_every_figure_and_prints_the_tables(
        market_project: Path, first_run: dict, monkeypatch, capsys) -> None:
    monkeypatch.chdir(market_project)
    capsys.readouterr()
    assert main(["market", "-q", "market.report_dir=market_again"]) == 0
    second = json.loads((market_project / "reports" / "market_again" / "market_summary.json").read_text())
    assert second.pop("predictions_cache") == "hit"
    first = {k: v for k, v in first_run.items() if k != "predictions_cache"}
    assert second == first
    out = capsys.readouterr().out
    assert "Model vs market" in out and "market (shin)" in out and "always under" in out
    assert f"{first_run['line_mae']:.3f}" in out


def test_unknown_season_and_missing_lines_file_fail_with_their_exit_codes(market_project: Path, monkeypatch,
                                                                           capsys) -> None:
    monkeypatch.chdir(market_project)
    assert main(["market", "-q", "--season", "1999-00"]) == 3
    assert "no season 1999-00" in capsys.readouterr().err
    assert main(["market", "-q", "--lines", "nowhere.csv"]) == 5
    err = capsys.readouterr().err
    assert "nowhere.csv" in err and "does not exist" in err
