"""Model-vs-market evaluation: props, scores, flat-stake betting, the walk-forward stack and the anatomy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.settings import StackingSettings
from nba_pra.betting.stacking import fit_for_day, fit_stack, walk_forward_fits
from nba_pra.evidence import scores, wagers
from nba_pra.evidence.props import build_props, fair_column, outcomes
from nba_pra.market_eval import anatomy
from nba_pra.market_eval.settings import AnatomySettings
from nba_pra.model import distributions
from nba_pra.model.settings import DistributionFamily
from nba_pra.odds.market import DevigMethod
from settings_support import conf

BOOT = conf(BootstrapSettings, n_resamples=200, confidence=0.95)


def _lines(rows: list[tuple]) -> pd.DataFrame:
    columns = ["game_id", "player_id", "bookmaker", "line", "over_price", "under_price"]
    return pd.DataFrame(rows, columns=columns).assign(market="player_points_rebounds_assists", is_derived=False)


def _predictions(ids: list[tuple[str, int]], mean: float, var: float) -> pd.DataFrame:
    params = distributions.fit(DistributionFamily.NEGBIN, np.full(len(ids), mean), np.full(len(ids), var))
    return pd.DataFrame({
        "game_id": [g for g, _ in ids], "player_id": [p for _, p in ids], "game_date": pd.Timestamp("2024-01-05"),
        "player_name": "x", "team": "AAA", "opponent": "BBB", "mean": mean, "median": np.floor(mean),
        "var": var, "std": np.sqrt(var), "dist_family": "negbin", "dist_param_a": params.param_a,
        "dist_param_b": params.param_b, "eligible": True})


def _box(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["game_id", "player_id", "played", "pts", "reb", "ast"])
    return frame.assign(starter=True, minutes=30.0, game_date=pd.Timestamp("2024-01-05"))


def test_outcome_rule_push_only_on_equality_and_void_when_the_player_sat() -> None:
    got = outcomes(pd.Series([25.0, 20.0, 22.0, np.nan, 30.0]), pd.Series([22.5, 22.5, 22.0, 22.5, 22.5]),
                   pd.Series([True, True, True, False, False]))
    assert got.tolist() == ["over", "under", "push", "void", "void"]


def test_props_take_the_most_quoted_line_and_the_books_mean_fair_probability_there() -> None:
    lines = _lines([
        ("g1", 1, "A", 24.5, -120, 100), ("g1", 1, "B", 24.5, -110, -110), ("g1", 1, "C", 25.5, 100, -130),
        ("g1", 2, "A", 10.0, -105, -115),
    ])
    props = build_props(lines, _predictions([("g1", 1), ("g1", 2)], 25.0, 60.0),
                        _box([("g1", 1, True, 20, 5, 2), ("g1", 2, True, 5, 3, 2)]), [DevigMethod.MULTIPLICATIVE])
    p1, p2 = props.iloc[0], props.iloc[1]
    assert p1["main_line"] == 24.5 and p1["n_books"] == 2 and (p1["min_line"], p1["max_line"]) == (24.5, 25.5)
    # book A: implied 120/220 and 100/200 normalised; book B: exactly one half
    a_over = (120 / 220) / (120 / 220 + 0.5)
    assert p1[fair_column("multiplicative")] == pytest.approx((a_over + 0.5) / 2)
    assert p1["actual"] == 27 and p1["outcome"] == "over"
    assert p2["outcome"] == "push"  # 10 on a line of 10
    # at a whole line the model's over/under exclude the push, like the books' two prices
    assert p2["p_push"] > 0
    assert p2["model_over"] == pytest.approx(p2["p_over"] / (p2["p_over"] + p2["p_under"]))


def test_brier_and_log_loss_match_their_formulas() -> None:
    p = np.array([0.8, 0.3, 0.5])
    y = np.array([1.0, 0.0, 1.0])
    assert scores.brier(p, y) == pytest.approx((0.04 + 0.09 + 0.25) / 3)
    assert scores.log_loss(p, y) == pytest.approx(-(np.log(0.8) + np.log(0.7) + np.log(0.5)) / 3)


def test_accuracy_ignores_voided_props() -> None:
    props = pd.DataFrame({"outcome": ["over", "under", "void"], "actual": [30.0, 10.0, np.nan],
                          "mean": [26.0, 12.0, 99.0], "median": [27.0, 11.0, 99.0], "main_line": [25.5, 12.5, 1.0]})
    acc = scores.accuracy(props)
    assert acc["props_played"] == 2
    assert acc["model_mae"] == pytest.approx(3.0)
    assert acc["line_mae"] == pytest.approx((4.5 + 2.5) / 2)
    assert acc["model_median_mae"] == pytest.approx(2.0)


def test_reliability_bins_observed_frequencies() -> None:
    props = pd.DataFrame({"outcome": ["over", "under", "over", "over"], "p": [0.05, 0.08, 0.95, 0.91]})
    table = scores.reliability(props, {"f": "p"}, n_bins=10)
    assert table["props"].tolist() == [2, 2]
    assert table["observed"].tolist() == [0.5, 1.0]
    assert scores.expected_calibration_error(table)["f"] == pytest.approx((abs(0.065 - 0.5) * 2 + 0.07 * 2) / 4)


def _stacking_data(n: int, truth: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    informed = rng.uniform(0.2, 0.8, n)
    noise = rng.uniform(0.2, 0.8, n)
    y = (rng.random(n) < informed).astype(float)
    return (informed, noise, y) if truth == "model" else (noise, informed, y)


@pytest.mark.parametrize("truth", ["model", "market"])
def test_the_stack_weights_the_informative_forecaster(truth: str) -> None:
    p_model, p_market, y = _stacking_data(20_000, truth)
    fit = fit_stack(p_model, p_market, y, l2=1.0, max_iter=50, clip=1e-4)
    weights = (fit.model_weight, fit.market_weight)
    informed, other = weights if truth == "model" else weights[::-1]
    assert informed == pytest.approx(1.0, abs=0.1)
    assert abs(other) < 0.1
    assert abs(fit.intercept) < 0.1


def _stack_props(n_days: int = 30, per_day: int = 100, seed: int = 1) -> pd.DataFrame:
    p_model, p_market, y = _stacking_data(n_days * per_day, "market", seed)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.repeat(np.arange(n_days), per_day), unit="D")
    return pd.DataFrame({"game_date": days, "m": p_model, "k": p_market,
                         "outcome": np.where(y == 1, "over", "under")})


def _fits(props: pd.DataFrame) -> pd.DataFrame:
    settings = conf(StackingSettings, refit_every_days=7, min_train_props=1000, l2=1.0, max_iter=50)
    y = (props["outcome"] == "over").to_numpy(float)
    return walk_forward_fits(props["game_date"], props["m"].to_numpy(), props["k"].to_numpy(), y,
                             np.ones(len(props), bool), settings, clip=1e-4)


def test_walk_forward_stacking_waits_for_enough_props_then_refits_per_block() -> None:
    props = _stack_props()
    fits = _fits(props)
    # 700 props settle in the first week, 1400 by the second block: the first fit starts on day 14
    assert fits["block_start"].min() == pd.Timestamp("2024-01-15")
    assert fit_for_day(fits, pd.Timestamp("2024-01-14")) is None  # before it: the market alone
    assert fits["n_props"].is_monotonic_increasing
    # blocks starting on days 14, 21, 28, and the fit on everything for the days after the range (day 30)
    assert list(fits["block_start"]) == [pd.Timestamp(f"2024-01-{d}") for d in (15, 22, 29, 31)]
    assert fits["n_props"].iloc[-1] == 3000
    assert fit_for_day(fits, pd.Timestamp("2024-01-25")).n_props == 2100


def test_walk_forward_stacking_never_sees_results_of_its_own_block_or_later() -> None:
    props = _stack_props()
    before = _fits(props)
    cut = pd.Timestamp("2024-01-22")  # a block start
    flipped = props.copy()
    later = flipped["game_date"] >= cut
    flipped.loc[later, "outcome"] = np.where(flipped.loc[later, "outcome"] == "over", "under", "over")
    after = _fits(flipped)
    upto = before["block_start"] <= cut
    pd.testing.assert_frame_equal(before.loc[upto], after.loc[upto])
    assert not np.allclose(before.loc[~upto, "model_weight"], after.loc[~upto, "model_weight"])


def _offers() -> pd.DataFrame:
    frame = pd.DataFrame({
        "game_id": ["g1", "g1", "g2", "g3"], "player_id": [1, 1, 2, 3], "game_date": pd.Timestamp("2024-01-05"),
        "bookmaker": ["A", "B", "A", "A"], "line": [20.5, 20.5, 10.0, 30.5],
        "over_decimal": [1.9, 2.1, 1.9, 1.9], "under_decimal": [1.9, 1.7, 1.9, 1.9],
        "model_ev": [0.05, 0.15, 0.10, 0.01], "model_side": ["over", "over", "under", "under"],
        "outcome": ["over", "over", "push", "void"], "main_line": [20.5, 20.5, 10.0, 30.5]})
    return frame


def test_flat_settlement_pays_the_price_returns_pushes_and_drops_voids() -> None:
    offers = _offers()
    bets = wagers.settle(offers, offers["model_side"].to_numpy(), stake=2.0)
    assert len(bets) == 3  # the void is no bet
    assert bets["profit"].tolist() == pytest.approx([2.0 * 0.9, 2.0 * 1.1, 0.0])
    summary = wagers.summarize_bets(bets, BOOT, seed=1)
    assert summary["roi"] == pytest.approx((1.8 + 2.2) / 6.0)
    assert (summary["wins"], summary["losses"], summary["pushes"]) == (2, 0, 1)


def test_controls_bet_the_same_offers_as_the_model() -> None:
    picks = _offers().iloc[[1, 2]]  # the method's picks: g1 at B, g2 at A
    table = wagers.betting_table(picks, stake=1.0, bootstrap=BOOT, seed=3)
    best = table.loc[table["price_source"] == wagers.BEST_PRICE].set_index("strategy")
    assert best["bets"].nunique() == 1 and best.loc["model", "bets"] == 2
    # always under on g1 (over won) loses 1 at B; g2 pushes
    assert best.loc["always under", "roi"] == pytest.approx(-1.0 / 2.0)
    per_book = table.loc[table["strategy"] == "model"].set_index("price_source")["bets"]
    assert per_book.to_dict() == {"A": 1, "B": 1, wagers.BEST_PRICE: 2}
    again = wagers.betting_table(picks, stake=1.0, bootstrap=BOOT, seed=3)
    pd.testing.assert_frame_equal(table, again)


def test_shopped_controls_take_the_best_price_of_the_side_at_the_main_line() -> None:
    offers = _offers()
    table = wagers.shopped_controls(offers, stake=1.0, bootstrap=BOOT, seed=0).set_index("strategy")
    under = table.loc["always under"]
    # g1 under at the best under price (A 1.9) loses, g2 pushes, g3 void
    assert under["bets"] == 2 and under["roi"] == pytest.approx(-0.5)


def test_anatomy_shares_add_up_and_the_gap_is_model_minus_line_error() -> None:
    props = pd.DataFrame({
        "game_id": ["g1", "g2", "g3", "g4"], "player_id": [1, 1, 1, 1], "outcome": ["over", "under", "over", "void"],
        "actual": [30.0, 10.0, 20.0, np.nan], "mean": [20.0, 12.0, 21.0, 5.0], "main_line": [25.5, 12.5, 18.5, 5.5],
        "starter": [True, True, False, True], "game_date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-05",
                                                                            "2024-01-07"])})
    features = props[["game_id", "player_id"]].assign(roll_minutes_mean_g10=[31.0, 31.0, 20.0, 20.0],
                                                      ctx_rest_days_team=[2, 2, 1, 3],
                                                      av_games_since_return=[0, 5, np.nan, 1])
    box = props[["game_id", "player_id", "game_date", "starter"]].assign(played=[True, True, True, False])
    table = anatomy.error_anatomy(props, features, box, conf(AnatomySettings))
    for _, part in table.groupby("dimension"):
        assert part["share_of_gap"].sum() == pytest.approx(1.0)
        assert part["props"].sum() == 3
    role = table.loc[table["dimension"] == "role"].set_index("bucket")
    assert role.loc["bench (new)", "mean_gap"] == pytest.approx(abs(21 - 20) - abs(18.5 - 20))
    assert role.loc["starter", "props"] == 2
    absence = table.loc[table["dimension"] == "absence"].set_index("bucket")
    assert absence["props"].to_dict() == {"returning": 1, "settled": 1, "unknown": 1}


def test_a_book_whose_over_price_rises_with_the_line_is_flagged_inverted() -> None:
    from nba_pra.market_eval.books import book_quality

    rows = []
    for i in range(6):
        game = f"g{i}"
        # three books agree on 20.5; the coherent one also hangs 18.5 (over favoured) and 22.5 (under favoured)
        rows += [(game, 1, "A", 20.5, -110, -110), (game, 1, "B", 20.5, -110, -110), (game, 1, "C", 20.5, -110, -110),
                 (game, 1, "C", 18.5, -150, 120), (game, 1, "C", 22.5, 120, -150),
                 (game, 1, "K", 18.5, 150, -190), (game, 1, "K", 22.5, -175, 135)]
    table = book_quality(_lines(rows), min_offers=5).set_index("bookmaker")
    assert table["inverted"].to_dict() == {"A": False, "B": False, "C": False, "K": True}
    assert table.loc["K", "p_over_below"] < 0.5 < table.loc["K", "p_over_above"]
    assert table.loc["C", "share_off_main"] == pytest.approx(2 / 3)
    # below the minimum number of offers on each side nothing is called inverted
    assert not book_quality(_lines(rows), min_offers=7)["inverted"].any()
