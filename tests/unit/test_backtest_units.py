"""Pure pieces of the backtest: ranges, retrain blocks, settings overrides, cache keys, metrics, sweep expansion."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from nba_pra.backtest.engine import simulate
from nba_pra.backtest.metrics import backtest_metrics, bootstrap_intervals, metric_name, side_scores
from nba_pra.backtest.settings import BacktestModelSettings, BootstrapSettings, RaySettings
from nba_pra.backtest.sweep import format_table, summary_table, sweep_points
from nba_pra.betting.gate import Gate
from nba_pra.betting.settings import PricingMethod
from nba_pra.errors import ConfigError, DataError
from nba_pra.evaluation.cache import PredictionCache, cache_key, frame_fingerprint
from nba_pra.evaluation.ray_executor import ray_executor
from nba_pra.evaluation.walkforward import BlockFit, backtest_range, block_starts, retrain_dates, training_settings
from nba_pra.evidence.context import DayContext
from nba_pra.model.settings import CvSettings, DistributionSettings, ModelSettings, WindowSettings
from settings_support import betting_settings, conf, pricing_settings

D = pd.Timestamp


def test_the_default_range_is_the_last_season_up_to_the_last_game() -> None:
    box = pd.DataFrame({"season": ["2023-24", "2024-25", "2024-25"],
                        "game_date": [D("2024-04-01"), D("2024-10-22"), D("2024-11-30")]})
    assert backtest_range(box, None, None) == (D("2024-10-22"), D("2024-11-30"))
    assert backtest_range(box, "2024-04-01", "2024-10-30") == (D("2024-04-01"), D("2024-10-30"))


def test_an_empty_or_inverted_range_is_a_data_error() -> None:
    box = pd.DataFrame({"season": ["2024-25"], "game_date": [D("2024-10-22")]})
    with pytest.raises(DataError, match="before start"):
        backtest_range(box, "2024-11-01", "2024-10-01")
    with pytest.raises(DataError, match="no completed game"):
        backtest_range(box, "2024-11-01", "2024-11-05")
    with pytest.raises(DataError, match="empty"):
        backtest_range(box.iloc[:0], None, None)


def test_each_game_day_is_predicted_by_the_first_game_day_of_its_block() -> None:
    days = pd.Series([D("2024-10-22"), D("2024-10-23"), D("2024-10-28"), D("2024-10-30"), D("2024-11-06")])
    got = retrain_dates(days, D("2024-10-22"), 7)
    # blocks [22..28], [29..Nov 4], [Nov 5..11]: the second block's first game day is the 30th
    assert list(got) == [D("2024-10-22"), D("2024-10-22"), D("2024-10-22"), D("2024-10-30"), D("2024-11-06")]
    with pytest.raises(DataError):
        retrain_dates(days, D("2024-10-22"), 0)


def test_blocks_start_on_the_models_retrain_days_and_every_week_around_them() -> None:
    start, end = D("2024-10-22"), D("2024-11-20")
    assert block_starts(start, end, 7) == [D("2024-10-22"), D("2024-10-29"), D("2024-11-05"), D("2024-11-12"),
                                           D("2024-11-19")]
    # back a week from the first anchor (Oct 25), each anchor, a week after Nov 8 inside the 11-day gap; the range's
    # first day always starts a block
    anchors = [D("2024-11-19"), D("2024-11-01"), D("2024-11-08")]
    assert block_starts(start, end, 7, anchors) == [D("2024-10-22"), D("2024-10-25"), D("2024-11-01"),
                                                    D("2024-11-08"), D("2024-11-15"), D("2024-11-19")]
    # an anchor after the range (today's retrain, no game played yet) counts the weeks back from it
    assert block_starts(start, D("2024-11-06"), 7, [D("2024-11-07")]) == [D("2024-10-22"), D("2024-10-24"),
                                                                          D("2024-10-31")]
    # an anchor before the range: the weeks after it
    assert block_starts(start, D("2024-11-06"), 7, [D("2024-10-20")]) == [D("2024-10-22"), D("2024-10-27"),
                                                                          D("2024-11-03")]


def test_with_anchors_each_game_day_is_predicted_by_the_first_game_day_of_its_anchored_block() -> None:
    days = pd.Series([D("2024-10-22"), D("2024-10-24"), D("2024-10-26"), D("2024-11-02")])
    # blocks [22..23], [24..30], [31..Nov 6]: the last one's first game day is Nov 2
    got = retrain_dates(days, D("2024-10-22"), 7, [D("2024-11-07")])
    assert list(got) == [D("2024-10-22"), D("2024-10-24"), D("2024-10-24"), D("2024-11-02")]


def test_backtest_model_overrides_replace_only_the_values_they_set() -> None:
    cv, model = training_settings(conf(CvSettings, n_folds=19),
                                  conf(ModelSettings, mean_rounds=150, variance_rounds=80),
                                  conf(BacktestModelSettings, n_folds=3, mean_rounds=None, variance_rounds=20))
    assert (cv.n_folds, model.mean_rounds, model.variance_rounds) == (3, 150, 20)
    cv, _ = training_settings(conf(CvSettings, n_folds=19), conf(ModelSettings),
                              conf(BacktestModelSettings, n_folds=None, mean_rounds=None, variance_rounds=None))
    assert cv.n_folds == 19


@pytest.mark.parametrize(("kind", "param"), [("xgboost", "nthread"), ("lightgbm", "num_threads")])
def test_backtest_threads_set_the_thread_parameter_of_both_models_of_the_library(kind: str, param: str) -> None:
    model = conf(ModelSettings, kind=kind, mean_params={"eta": 0.1, param: 2}, variance_params={param: 2})
    _, light = training_settings(conf(CvSettings), model, conf(BacktestModelSettings, threads=1))
    assert light.mean_params == {"eta": 0.1, param: 1} and light.variance_params == {param: 1}
    assert model.mean_params[param] == 2  # the project's settings are untouched
    _, same = training_settings(conf(CvSettings), model, conf(BacktestModelSettings, threads=None))
    assert same.mean_params == model.mean_params


@pytest.mark.parametrize(("kind", "param"), [("xgboost", "nthread"), ("lightgbm", "num_threads")])
def test_ray_refuses_fits_whose_thread_count_is_unset_before_starting_anything(kind: str, param: str) -> None:
    """Unset, the library takes every core of a node while Ray reserves one CPU per task: oversubscribed."""
    model = conf(ModelSettings, kind=kind, mean_params={"eta": 0.1}, variance_params={})
    fit = BlockFit(feature_names=["x"], window=conf(WindowSettings), cv=conf(CvSettings), model=model,
                   distribution=conf(DistributionSettings), seed=0)
    assert fit.threads is None
    with pytest.raises(ConfigError, match=f"set backtest.model.threads \\(or the model's {param}\\)"):
        list(ray_executor(RaySettings(address=None, num_cpus=1))(fit, pd.DataFrame(), [D("2024-11-01")]))
    counted = BlockFit(feature_names=["x"], window=conf(WindowSettings), cv=conf(CvSettings),
                       model=conf(ModelSettings, kind=kind, mean_params={param: 3}, variance_params={}),
                       distribution=conf(DistributionSettings), seed=0)
    assert counted.threads == 3


def test_cache_key_changes_with_model_settings_but_not_with_key_order() -> None:
    a = cache_key({"model": conf(ModelSettings, mean_rounds=10), "start": D("2024-10-22")})
    b = cache_key({"start": D("2024-10-22"), "model": conf(ModelSettings, mean_rounds=10)})
    c = cache_key({"model": conf(ModelSettings, mean_rounds=11), "start": D("2024-10-22")})
    assert a == b and a != c and len(a) == 16


def test_frame_fingerprint_sees_a_single_changed_value() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]})
    changed = frame.assign(x=[1.0, 2.5])
    assert frame_fingerprint(frame) == frame_fingerprint(frame.copy())
    assert frame_fingerprint(frame) != frame_fingerprint(changed)


def test_the_prediction_cache_round_trips_a_frame(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = PredictionCache(tmp_path)
    assert cache.load("k1") is None
    frame = pd.DataFrame({"game_date": [D("2024-10-22")], "mean": [30.0]})
    cache.store("k1", frame, {"seed": 1})
    pd.testing.assert_frame_equal(cache.load("k1"), frame)
    assert (tmp_path / "predictions-k1.json").is_file()


def _bets(profit: np.ndarray, stake: np.ndarray, days: list[str] | np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"profit": profit, "stake": stake, "game_date": pd.to_datetime(days)})


def test_bootstrap_intervals_collapse_when_every_bet_returns_the_same() -> None:
    profit = np.tile([0.5, 1.0, 2.0], 4)  # every bet returns +50 % of its stake
    stake = np.tile([1.0, 2.0, 4.0], 4)
    days = pd.date_range("2024-01-01", periods=12).to_numpy()
    got = bootstrap_intervals(_bets(profit, stake, days),
                              conf(BootstrapSettings, n_resamples=200, confidence=0.9, min_days=2), seed=1)
    assert got == pytest.approx({"roi_lo": 0.5, "roi_hi": 0.5, "yield_lo": 0.5, "yield_hi": 0.5})
    assert bootstrap_intervals(_bets(profit, stake, days)[:0], conf(BootstrapSettings), 1)["roi_lo"] is None


def test_a_bootstrap_interval_over_too_few_days_is_none() -> None:
    # 40 bets on 3 nights: their ROI is known, but three nights are not evidence of its spread
    rng = np.random.default_rng(0)
    bets = _bets(rng.choice([0.9, -1.0], 40), np.ones(40), np.repeat(["2024-01-01", "2024-01-02", "2024-01-03"],
                                                                      [10, 15, 15]))
    got = bootstrap_intervals(bets, conf(BootstrapSettings, n_resamples=200, min_days=4), seed=1)
    assert set(got.values()) == {None}
    assert bootstrap_intervals(bets, conf(BootstrapSettings, n_resamples=200, min_days=3), seed=1)["roi_lo"] < 0.9


def test_bootstrap_interval_of_a_coin_flip_book_brackets_zero_and_is_seeded() -> None:
    profit = np.tile([1.0, -1.0], 200)
    stake = np.ones(400)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(400) // 2, unit="D")  # a win and a loss a night
    a = bootstrap_intervals(_bets(profit, stake, days.to_numpy()), conf(BootstrapSettings, n_resamples=500), seed=3)
    b = bootstrap_intervals(_bets(profit, stake, days.to_numpy()), conf(BootstrapSettings, n_resamples=500), seed=3)
    assert a == b
    # one win and one loss each night: every night's mean is 0, and so is every resample's: the interval is a
    # point, where a per-bet bootstrap would have given about +-0.098 (the sd of the mean of 400 +-1 outcomes)
    assert a["roi_lo"] == a["roi_hi"] == 0.0


def test_a_shared_nightly_result_widens_the_roi_interval() -> None:
    # 50 nights of 8 bets; every bet of a night wins or loses together: 50 independent outcomes, not 400
    rng = np.random.default_rng(2)
    nightly = rng.choice([1.0, -1.0], 50)
    bets = _bets(np.repeat(nightly, 8), np.ones(400), np.repeat(pd.date_range("2024-01-01", periods=50), 8))
    got = bootstrap_intervals(bets, conf(BootstrapSettings, n_resamples=2000), seed=3)
    # the mean of 50 +-1 outcomes has sd about 0.14: the 95 % interval is about +-0.28 wide either side
    assert 0.45 < got["roi_hi"] - got["roi_lo"] < 0.65


def test_side_scores_use_the_win_probability_given_no_push() -> None:
    bets = pd.DataFrame({"result": ["win", "loss", "push", "void"], "p_win": [0.6, 0.45, 0.5, 0.5],
                         "p_loss": [0.4, 0.45, 0.4, 0.5]})
    got = side_scores(bets)
    q = np.array([0.6, 0.5])  # 0.45 / (0.45 + 0.45)
    y = np.array([1.0, 0.0])
    assert got["brier"] == pytest.approx(np.mean((q - y) ** 2))
    assert got["log_loss"] == pytest.approx(-(math.log(0.6) + math.log(0.5)) / 2)
    assert side_scores(bets.iloc[2:])["brier"] is None


def test_backtest_metrics_add_yield_drawdown_share_and_bankroll_return() -> None:
    bets = pd.DataFrame({
        "bet_id": ["a", "b", "c"], "game_date": [D("2024-10-22"), D("2024-10-23"), D("2024-10-24")],
        "stake": [10.0, 20.0, 10.0], "result": ["win", "loss", "win"], "profit": [9.0, -20.0, 10.0],
        "p_win": [0.6, 0.6, 0.6], "p_loss": [0.4, 0.4, 0.4], "clv_price": [np.nan] * 3, "clv_prob": [np.nan] * 3,
    })
    m = backtest_metrics(bets, 100.0, conf(BootstrapSettings, n_resamples=50), seed=0)
    assert m["roi"] == pytest.approx(-1.0 / 40.0)
    assert m["yield"] == pytest.approx((0.9 - 1.0 + 1.0) / 3)
    assert m["final_bankroll"] == pytest.approx(99.0)
    assert m["bankroll_return"] == pytest.approx(-0.01)
    assert m["max_drawdown"] == pytest.approx(20.0)
    assert m["max_drawdown_fraction"] == pytest.approx(20.0 / 109.0)


def test_bucket_labels_become_mlflow_safe_metric_names() -> None:
    assert [metric_name(b) for b in ("<0.03", "0.03-0.05", ">=0.2")] == ["lt0.03", "0.03-0.05", "ge0.2"]


def OPEN_DAY(day: pd.Timestamp) -> DayContext:
    return DayContext(stack=None, calibration={}, gate=Gate.open())


def _day(date: str, game: str, line: float, mean: float, pra: float) -> tuple[dict, dict, dict]:
    pred = {"game_id": game, "game_date": D(date), "season": "2024-25", "player_id": 1, "player_name": "A",
            "team": "AAA", "opponent": "BBB", "home": True, "position": "G", "n_prior_games": 50, "eligible": True,
            "mean": mean, "var": mean * 1.2, "std": math.sqrt(mean * 1.2), "cv": 0.1, "median": mean,
            "dist_family": "gamma", "dist_param_a": mean / 1.2, "dist_param_b": 1.2, "model_version": "m",
            "model_uri": ""}
    line_row = {"game_id": game, "game_date": D(date), "player_id": 1, "player_name": "A", "bookmaker": "book",
                "line": line, "over_price": 100, "under_price": -120, "close_line": np.nan,
                "close_over_price": np.nan, "close_under_price": np.nan, "market": "player_points_rebounds_assists",
                "is_derived": False}
    box = {"game_id": game, "game_date": D(date), "player_id": 1, "played": True, "pts": pra, "reb": 0.0,
           "ast": 0.0}
    return pred, line_row, box


def test_day_two_stakes_are_sized_on_the_bankroll_after_day_one_settles() -> None:
    rows = [_day("2024-10-22", "g1", 20.5, 30.0, 25.0), _day("2024-10-23", "g2", 20.5, 30.0, 25.0)]
    preds, lines, box = (pd.DataFrame([r[i] for r in rows]) for i in range(3))
    betting = betting_settings(min_confidence=0.0, max_cv=1.0, min_games=0, max_stake_fraction=0.05,
                               max_player_fraction=1.0, max_game_fraction=1.0, max_day_fraction=1.0)
    sim = simulate(preds, lines, box, betting, pricing_settings(PricingMethod.MODEL), 100.0, OPEN_DAY)
    assert list(sim.bets["result"]) == ["win", "win"]
    first, second = sim.bets["stake"].to_numpy()
    assert first == pytest.approx(5.0)  # capped at 5 % of 100
    assert second == pytest.approx(0.05 * (100.0 + first * 1.0))  # even money: the win added the stake
    assert sim.daily["bankroll"].iloc[-1] == pytest.approx(100.0 + first + second)


def test_a_day_without_lines_places_no_bet_and_keeps_the_bankroll() -> None:
    pred, line, box = _day("2024-10-22", "g1", 20.5, 30.0, 25.0)
    sim = simulate(pd.DataFrame([pred]), pd.DataFrame([line]).iloc[:0], pd.DataFrame([box]), betting_settings(),
                   pricing_settings(PricingMethod.MODEL), 50.0, OPEN_DAY)
    assert sim.bets.empty and list(sim.daily["bankroll"]) == [50.0]


def test_a_sweep_expands_to_the_cartesian_product_of_its_choices_without_hydra_keys() -> None:
    points = sweep_points(["betting.kelly_fraction=0.1,0.5", "betting.min_edge=0.02,0.03,0.05", "seed=1",
                           "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"])
    assert len(points) == 6
    assert points[0] == ["betting.kelly_fraction=0.1", "betting.min_edge=0.02", "seed=1"]
    assert points[-1] == ["betting.kelly_fraction=0.5", "betting.min_edge=0.05", "seed=1"]


def test_the_summary_keeps_swept_params_and_sorts_by_the_chosen_metric() -> None:
    children = pd.DataFrame({
        "run_id": ["r1", "r2"], "params.betting.min_edge": ["0.02", "0.05"], "params.seed": ["1", "1"],
        "params.predictions_cache": ["hit", "hit"], "metrics.roi": [0.01, 0.04], "metrics.roi_lo": [-0.1, -0.05],
        "metrics.roi_hi": [0.1, 0.12], "metrics.bets": [100, 40],
    })
    table = summary_table(children, "roi", descending=True)
    assert list(table["betting.min_edge"]) == ["0.05", "0.02"]
    assert "seed" not in table.columns
    text = format_table(table)
    assert "+4.0% [-5.0%, +12.0%]" in text
