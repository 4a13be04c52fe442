"""Walk-forward backtest and sweeps on the small synthetic league (light model, two-week retrains)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtest_support import make_backtest_project
from nba_pra.artifacts import BACKTEST_BANKROLL_PLOT, BACKTEST_EVIDENCE, BACKTEST_METRICS, EVIDENCE
from nba_pra.backtest import runner
from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.backtest.sweep import main as sweep_main
from nba_pra.config import load_project
from nba_pra.data.synthetic.truth import true_expected_return
from nba_pra.evidence.gate_figures import roi_figures
from nba_pra.model import distributions
from nba_pra.model.settings import DistributionFamily
from nba_pra.provenance import banner_text
from nba_pra.vocab import Outcome
from settings_support import conf


@pytest.fixture(scope="module")
def small_backtest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, runner.BacktestResult]:
    root = make_backtest_project(tmp_path_factory.mktemp("bt") / "project")
    project = load_project(root)
    return root, runner.run_backtest(project)


def true_expected_roi(bets: pd.DataFrame, truth: pd.DataFrame) -> float:
    """Expected profit / stake of the bets that ran, under the simulator's true negative binomial of each game."""
    ran = bets[bets["result"].notna() & (bets["result"] != Outcome.VOID)]
    merged = ran.merge(truth, on=["game_id", "player_id"], how="left", validate="many_to_one")
    params = distributions.fit(DistributionFamily.NEGBIN, merged["true_mean"], merged["true_var"])
    probs = distributions.line_probabilities(params, merged["line"].to_numpy(float))
    over = (merged["side"] == "over").to_numpy()
    p_win = np.where(over, probs.p_over, probs.p_under)
    p_loss = np.where(over, probs.p_under, probs.p_over)
    expected = merged["stake"] * (p_win * (merged["decimal_price"] - 1.0) - p_loss)
    return float(expected.sum() / merged["stake"].sum())


def test_roi_interval_contains_the_roi_implied_by_the_ground_truth(small_backtest) -> None:
    root, result = small_backtest
    truth = pd.read_parquet(root / "data" / "ground_truth.parquet")
    implied = true_expected_roi(result.bets, truth)
    m = result.metrics
    assert m["bets"] >= 30
    assert m["roi_lo"] <= implied <= m["roi_hi"], (m["roi_lo"], implied, m["roi_hi"])


def test_every_bet_is_predicted_by_a_model_trained_before_its_day(small_backtest) -> None:
    _, result = small_backtest
    p = result.predictions
    assert (p["retrain_date"] <= p["game_date"]).all()
    assert (p["game_date"] - p["retrain_date"]).dt.days.max() < 14
    assert p["retrain_date"].nunique() == 3  # 40 played days in blocks of 14


def test_the_backtest_ledger_holds_the_replayed_bets_with_their_settlements(small_backtest) -> None:
    _, result = small_backtest
    sim = result.simulation.bets.set_index("bet_id").sort_index()
    stored = result.bets.set_index("bet_id").sort_index()
    assert list(stored.index) == list(sim.index)
    np.testing.assert_allclose(stored["profit"].to_numpy(float), sim["profit"].to_numpy(float))
    assert result.metrics["final_bankroll"] == pytest.approx(result.simulation.daily["bankroll"].iloc[-1])


def test_stakes_are_sized_on_the_bankroll_left_by_earlier_days(small_backtest) -> None:
    _, result = small_backtest
    daily = result.simulation.daily
    before = 1000.0 + daily["profit"].cumsum().shift(fill_value=0.0)
    cands = result.simulation.candidates.groupby("game_date")["bankroll"].first()
    np.testing.assert_allclose(cands.to_numpy(), before.set_axis(daily["game_date"]).loc[cands.index].to_numpy())


def test_rerunning_the_backtest_hits_the_cache_and_adds_nothing_to_the_ledger(small_backtest) -> None:
    root, first = small_backtest
    mtime = first.cache.path.stat().st_mtime_ns
    again = runner.run_backtest(load_project(root))
    assert again.cache.hit and again.cache.key == first.cache.key
    assert first.cache.path.stat().st_mtime_ns == mtime
    assert again.run_key == first.run_key
    assert len(again.bets) == len(first.bets)


def test_a_recorded_backtest_leaves_the_gates_evidence_file_alone(small_backtest) -> None:
    """``nba-pra backtest`` (with overrides, here a looser confidence) writes its own evidence file, never the one
    the bet stage's gate reads."""
    root, _ = small_backtest
    project = load_project(root, ["betting.min_confidence=0.5"])
    gate_file = EVIDENCE.path(project)
    gate_file.parent.mkdir(parents=True, exist_ok=True)
    gate_file.write_text("the evidence stage's file")
    result = runner.run_and_record(project)
    assert gate_file.read_text() == "the evidence stage's file"
    written = json.loads(BACKTEST_EVIDENCE.path(project).read_text())
    assert written["source"] == "backtest" and written["window_end"] == result.evidence.window_end


def test_reports_hold_the_metrics_buckets_and_plots(small_backtest, tmp_path: Path) -> None:
    _, result = small_backtest
    synthetic = banner_text(data_synthetic=True, market_synthetic=True)
    paths = runner.write_reports(result, tmp_path, 1000.0, synthetic)
    report = json.loads((tmp_path / BACKTEST_METRICS.name).read_text())
    assert report["bets"] == result.metrics["bets"]
    assert len(report["by_edge"]) == 5
    for path in paths:
        assert path.stat().st_size > 0
    assert (tmp_path / BACKTEST_BANKROLL_PLOT.name).read_bytes()[:4] == b"\x89PNG"
    # the same reports of a real league and market: equal figures, and plots without the synthetic banner
    real = runner.write_reports(result, tmp_path / "real", 1000.0, banner_text(data_synthetic=False,
                                                                              market_synthetic=False))
    for labelled, plain in zip(paths, real, strict=True):
        same = labelled.read_bytes() == plain.read_bytes()
        assert same == (labelled.suffix != ".png"), labelled.name


def test_a_sweep_logs_one_child_run_per_point_and_never_retrains(
    small_backtest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, first = small_backtest
    monkeypatch.chdir(root)
    mtime = first.cache.path.stat().st_mtime_ns
    cache_files = sorted(first.cache.path.parent.glob("predictions-*.parquet"))
    sweep_dir = tmp_path / "multirun"
    sweep_main(["-m", "betting.kelly_fraction=0.1,0.5", "betting.min_edge=0.03",
                f"hydra.sweep.dir={sweep_dir}", "hydra/job_logging=disabled", "hydra/hydra_logging=disabled"])
    captured = capsys.readouterr()
    out = captured.out
    assert "sweep summary (2 points" in out
    # the warm-up says what it does, point by point (before: nothing at all until the first point finished)
    assert "sweep warm-up: 2 point(s), 1 distinct model/feature setting(s)" in captured.err
    assert "sweep warm-up 1/2 (betting.kelly_fraction=0.1 betting.min_edge=0.03): predictions cache hit" in captured.err
    # the spread: Kelly scales stakes, so bets repeat while the bankroll differs (no row repeats another)
    assert "spread across 2 points: ROI " in out and "0 point(s) repeat an earlier point's results" in out
    assert first.cache.path.stat().st_mtime_ns == mtime
    assert sorted(first.cache.path.parent.glob("predictions-*.parquet")) == cache_files

    tracker = runner.backtest_tracker(load_project(root))
    runs = tracker.client.search_runs([tracker.client.get_experiment_by_name("nba-pra-backtest").experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags and r.info.run_name.startswith("sweep-")]
    assert len(parents) == 1
    children = tracker.child_runs(parents[0].info.run_id)
    assert sorted(children["params.betting.kelly_fraction"]) == ["0.1", "0.5"]
    assert set(children["params.predictions_cache"]) == {"hit"}
    summary = pd.read_csv(sweep_dir / "sweep_summary.csv")
    assert len(summary) == 2
    assert summary["roi"].is_monotonic_decreasing
    # half Kelly stakes five times a tenth of Kelly's share of the bankroll on the same estimates: a larger stake
    # per bet (bets, totals and drawdowns can go either way: half Kelly fills the day cap with fewer bets)
    point = children.set_index("params.betting.kelly_fraction")
    per_bet = point["metrics.staked"] / point["metrics.bets"]
    assert (point["metrics.bets"] > 0).all() and per_bet["0.5"] > 2 * per_bet["0.1"]


def _true_ev(bets: pd.DataFrame, truth: pd.DataFrame) -> np.ndarray:
    """Each bet's true expected return per unit (the simulator's negative binomial; bets that ran)."""
    merged = bets.merge(truth, on=["game_id", "player_id"], how="left", validate="many_to_one")
    return true_expected_return(merged["true_mean"], merged["true_var"], merged["line"].to_numpy(float),
                                merged["price"].to_numpy(float), merged["side"].to_numpy())


def test_shopping_the_soft_book_against_the_consensus_measures_its_true_edge_and_the_model_finds_none(
        small_backtest) -> None:
    """Priced by the de-vigged consensus, the bets land on the soft book that lags it, and their ROI interval
    holds what the ground truth says they are worth (positive); the raw model's bets at the sharp books show no
    edge: their ROI interval does not exclude losing, and by the same truth they are worth at most the little
    that the market's lean to the over leaves an under-picker (about 1 %, far below the 17 % at the soft book)."""
    root, result = small_backtest
    truth = pd.read_parquet(root / "data" / "ground_truth.parquet")
    soft = load_project(root).settings.data.synthetic.sportsbook.soft.bookmaker
    bets = result.replay.bets
    ran = bets.loc[bets["result"].notna() & (bets["result"] != Outcome.VOID)]
    market = ran.loc[ran["method"] == "market"]
    at_soft = market.loc[market["bookmaker"] == soft]
    assert len(at_soft) >= 30 and len(at_soft) >= 0.8 * len(market)  # the consensus finds that book
    fig = roi_figures(at_soft, conf(BootstrapSettings, n_resamples=2000, confidence=0.95), seed=3)
    truth_ev = float(np.mean(_true_ev(at_soft, truth)))
    assert truth_ev > 0
    assert fig["roi_lo"] <= truth_ev <= fig["roi_hi"], (fig, truth_ev)
    model = ran.loc[(ran["method"] == "model") & (ran["bookmaker"] != soft)]
    assert len(model) >= 30
    assert float(np.mean(_true_ev(model, truth))) < truth_ev / 5
    assert roi_figures(model, conf(BootstrapSettings, n_resamples=2000, confidence=0.95), seed=3)["roi_lo"] < 0


def test_the_backtest_reports_every_pricing_method_side_by_side_on_the_same_props(small_backtest) -> None:
    _, result = small_backtest
    table = result.methods
    assert set(table["method"]) == {"model", "recalibrated", "market", "market_aware"}
    assert table.groupby("method")["props"].nunique().eq(1).all() and table["props"].nunique() == 1  # same props
    market = table.loc[table["method"] == "market"].iloc[0]
    assert market["minus_market"] == pytest.approx(0.0, abs=1e-9) and market["logloss"] == market["market_logloss"]
    model = table.loc[table["method"] == "model"]
    assert {"random side", "always under", "model"} <= set(model["strategy"])
    assert {"best price", "gate: staked", "gate: paper"} <= set(model["price_source"])
    assert model["ece"].iloc[0] > market["ece"]  # the raw model is the worst calibrated at the books' lines


def test_the_console_summary_shows_each_methods_measured_figures(small_backtest) -> None:
    from rich.console import Console

    from nba_pra.formatting import pct, pct_interval
    from nba_pra.reporting.backtest import show

    _, result = small_backtest
    console = Console(record=True, width=200)
    show(result, "SYNTHETIC test banner", console)
    text = console.export_text()
    assert text.splitlines()[0] == "SYNTHETIC test banner"
    methods = result.methods
    best = methods.loc[(methods["price_source"] == "best price") & (methods["strategy"] == "model")]
    assert len(best) == 4  # one row per pricing method
    for row in best.itertuples(index=False):
        line = next(line for line in text.splitlines() if line.lstrip("│ ").startswith(str(row.method) + " "))
        assert f" {int(row.bets)} " in line and pct(row.roi) in line and pct_interval(row.roi_lo, row.roi_hi) in line
    m = result.metrics
    assert f"{m['paper_bets']} paper bets" in text and "reports/backtest_pricing.csv" in text
