"""Leakage: changing box scores and lines after day D changes nothing the backtest decided on or before D."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from backtest_support import last_season_start, make_backtest_project
from conftest import GENEROUS_MARKET, set_config_value
from nba_pra import artifacts
from nba_pra.backtest import runner
from nba_pra.betting.engine import evaluate_candidates
from nba_pra.betting.gate import write_evidence
from nba_pra.betting.settings import PricingMethod
from nba_pra.config import load_project
from nba_pra.evaluation.predictions import cached_predictions
from nba_pra.evidence.context import walk_forward_context
from nba_pra.evidence.todays_gate import load_gate

#: the small project's light model, 2 folds, weekly retrains over the first three weeks of the last season
LIGHT = {
    "backtest.model.mean_rounds": None,
    "backtest.model.variance_rounds": None,
    "backtest.model.n_folds": 2,
    "backtest.retrain_every_days": 7,
    "betting.min_confidence": 0.3,
    # small enough that the market-aware stack, the Platt map and the gate's evidence all act within the range
    "pricing.stacking.min_train_props": 60,
    "pricing.stacking.refit_every_days": 4,
    "model.over_calibration.min_rows": 60,
    "betting.evidence.min_bets": 3,
    "betting.evidence.min_roi_lo": -1.0,
    "backtest.bootstrap.min_days": 2,  # an interval from the first days of the range
    "pricing.method": "market_aware",  # the small project's plumbing default is the raw model
    "betting.max_cv": 1.0,
    **GENEROUS_MARKET,  # bets on most days of a small league, so every decision has something to compare
}
DAYS = 21
#: D sits inside the second retrain block, so both a model trained before D and one straddling it are checked
CUT_DAY = 10


def perturb_after(
    box: pd.DataFrame, lines: pd.DataFrame, cut: pd.Timestamp, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Different results and different lines for every game after ``cut`` (same schema)."""
    rng = np.random.default_rng(seed)
    box, lines = box.copy(), lines.copy()
    late = (box["game_date"] > cut).to_numpy()
    played = late & box["played"].to_numpy(bool)
    for col in ("pts", "reb", "ast"):
        box.loc[played, col] = rng.integers(0, 40, played.sum()).astype(float)
    late_lines = (lines["game_date"] > cut).to_numpy()
    lines.loc[late_lines, "line"] = lines.loc[late_lines, "line"] + 3.0
    swapped = lines.loc[late_lines, ["under_price", "over_price"]].to_numpy()
    lines.loc[late_lines, ["over_price", "under_price"]] = swapped
    return box, lines


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = make_backtest_project(tmp_path_factory.mktemp("leak") / "project", LIGHT)
    _, last = last_season_start(root)
    set_config_value(root, "backtest.start", str(last.date()))
    set_config_value(root, "backtest.end", str((last + pd.Timedelta(days=DAYS)).date()))
    return load_project(root)


@pytest.fixture(scope="module")
def base(project):  # type: ignore[no-untyped-def]
    """The unperturbed walk-forward (shared: both tests read it): inputs, predictions, lines, replay, gate, days."""
    inputs = runner.load_inputs(project)
    preds, _ = cached_predictions(project, inputs.box_scores)
    lines = runner.fetch_lines(project, preds, inputs.schedule)
    return inputs, preds, lines, runner.walk_forward_betting(preds, lines, inputs.box_scores, project.settings)


def test_results_and_lines_after_day_d_change_no_decision_on_or_before_d(project, base) -> None:  # type: ignore[no-untyped-def]
    inputs, base_preds, lines, (*_, base_sim) = base
    box = inputs.box_scores
    days = sorted(base_preds["game_date"].unique())
    cut = pd.Timestamp(days[CUT_DAY])
    box2, lines2 = perturb_after(box, lines, cut, seed=7)
    new_preds, entry = cached_predictions(project, box2)
    assert not entry.hit  # the perturbed history is a different cache key: it really was recomputed

    s = project.settings
    # the whole walk-forward: the replay's fits, the gate's evidence and the day-by-day betting
    *_, new = runner.walk_forward_betting(new_preds, lines2, box2, s)

    def upto(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        part = frame[frame["game_date"] <= cut]
        return part.sort_values(keys, kind="mergesort").reset_index(drop=True)

    pred_keys = ["game_date", "game_id", "player_id"]
    pd.testing.assert_frame_equal(upto(base_preds, pred_keys), upto(new_preds, pred_keys))
    cand_keys = ["game_date", "game_id", "player_id", "bookmaker", "line"]
    pd.testing.assert_frame_equal(upto(base_sim.candidates, cand_keys), upto(new.candidates, cand_keys))
    pd.testing.assert_frame_equal(upto(base_sim.bets, ["bet_id"]), upto(new.bets, ["bet_id"]))
    pd.testing.assert_frame_equal(upto(base_sim.daily, ["game_date"]), upto(new.daily, ["game_date"]))
    assert len(upto(base_sim.bets, ["bet_id"])) > 0
    assert (upto(base_sim.bets, ["bet_id"])["state"] == "staked").any()  # the gate did let some bets stake

    # and the perturbation did reach the later days (the test could fail)
    later = base_preds["game_date"] > cut
    assert not np.allclose(base_preds.loc[later, "mean"].to_numpy(), new_preds.loc[later, "mean"].to_numpy())


def test_the_daily_stage_the_backtest_and_the_market_evaluation_price_one_offer_identically(project, base) -> None:  # type: ignore[no-untyped-def]
    """One pricing path: the bet stage (its evidence file's stack), the backtest's day-by-day engine and the
    walk-forward replay behind ``nba-pra market`` give every offer of a day the same probabilities."""
    s = project.settings
    assert s.pricing.method is PricingMethod.MARKET_AWARE  # the default: market + the walk-forward stack
    _, preds, lines, (rep, gate, sim) = base
    priced = rep.bets.loc[rep.bets["method"] == s.pricing.method.value, "game_date"]
    day = pd.Timestamp(priced.max())  # the last day on which the default pricing bet something
    ctx = walk_forward_context(rep, gate, s.betting.evidence)(day)
    assert ctx.stack is not None  # the stack has been fitted by then: market_aware is not just the market

    # the bet stage reads the stack from the evidence file the backtest / `nba-pra market` write
    write_evidence(dataclasses.replace(gate.evidence_for(day), stack=ctx.stack, synthetic=True),
                   artifacts.EVIDENCE.path(project))
    stage_gate, stage_stack, _ = load_gate(project)
    assert stage_stack == ctx.stack
    day_preds = preds.loc[pd.to_datetime(preds["game_date"]) == day].assign(**ctx.calibration)
    day_lines = lines.loc[pd.to_datetime(lines["game_date"]) == day]
    daily = evaluate_candidates(day_preds, day_lines, s.betting, 1.0, pricing=s.pricing, gate=stage_gate,
                                stack=stage_stack)
    backtest = sim.candidates.loc[pd.to_datetime(sim.candidates["game_date"]) == day]
    keys = ["game_id", "player_id", "bookmaker", "line"]
    probs = ["p_over", "p_under", "p_push", "edge"]
    both = daily.merge(backtest, on=keys, suffixes=("_daily", "_backtest"))
    assert len(both) == len(daily) == len(backtest) > 0
    for col in probs:
        np.testing.assert_array_equal(both[f"{col}_daily"].to_numpy(), both[f"{col}_backtest"].to_numpy())
    market = rep.bets.loc[(rep.bets["method"] == s.pricing.method.value)
                          & (pd.to_datetime(rep.bets["game_date"]) == day)]
    picked = market.merge(daily, on=keys, suffixes=("_market", "_daily"))
    assert len(picked) == len(market) > 0
    for col in ("p_win", "p_loss", "edge"):
        np.testing.assert_array_equal(picked[f"{col}_market"].to_numpy(), picked[f"{col}_daily"].to_numpy())
