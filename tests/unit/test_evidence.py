"""The gate's figures from a walk-forward replay: windows, log loss against the market, ROI per book, decisions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.gate import BookEvidence, staked_books
from nba_pra.betting.settings import PricingMethod
from nba_pra.betting.stacking import FIT_COLUMNS
from nba_pra.evaluation.cache import PredictionCache
from nba_pra.evaluation.predictions import evidence_memo
from nba_pra.evidence.gate_figures import (
    evidence_before,
    gate_walk_forward,
    method_evidence,
    roi_figures,
    state_summary,
)
from nba_pra.evidence.replay import Replay, over_column
from nba_pra.stats import day_blocked_mean_test
from settings_support import conf, evidence_settings

# the fixtures' weekly gate has a week of nights before its second decision: five are enough for an interval here
BOOT = conf(BootstrapSettings, n_resamples=400, confidence=0.95, min_days=5)
START = pd.Timestamp("2024-01-01")


def _props(n_days: int = 28, per_day: int = 10) -> pd.DataFrame:
    days = START + pd.to_timedelta(np.repeat(np.arange(n_days), per_day), unit="D")
    n = len(days)
    outcome = np.where(np.arange(n) % 2 == 0, "over", "under")
    frame = pd.DataFrame({"game_id": [f"g{i}" for i in range(n)], "player_id": 1, "market": "m", "game_date": days,
                          "consensus_over": 0.5, "outcome": outcome})
    for method in PricingMethod:
        frame[over_column(method)] = 0.5
    # the model method knows the result a little: 0.6 on overs, 0.4 on unders
    frame[over_column(PricingMethod.MODEL)] = np.where(outcome == "over", 0.6, 0.4)
    return frame


def _bets(props: pd.DataFrame, book_profit: dict[str, float]) -> pd.DataFrame:
    """One market_aware bet per prop, books in turn, each book's profit constant per bet."""
    books = list(book_profit)
    frame = props[["game_id", "player_id", "market", "game_date"]].copy()
    frame["bookmaker"] = [books[i % len(books)] for i in range(len(frame))]
    frame["method"] = PricingMethod.MARKET_AWARE.value
    frame["result"] = np.where(frame["bookmaker"].map(book_profit) > 0, "win", "loss")
    frame["profit"] = frame["bookmaker"].map(book_profit)
    frame["clv_prob"] = np.nan
    return frame


def _replay(props: pd.DataFrame, bets: pd.DataFrame) -> Replay:
    return Replay(props=props, bets=bets, stack_fits=pd.DataFrame(columns=list(FIT_COLUMNS)),
                  platt_fits=pd.DataFrame(columns=["block_start"]))


def test_roi_is_the_mean_flat_profit_of_bets_that_ran() -> None:
    bets = pd.DataFrame({"result": ["win", "loss", "push", "void"], "profit": [0.9, -1.0, 0.0, 0.0],
                         "game_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-03"])})
    fig = roi_figures(bets, conf(BootstrapSettings, n_resamples=400, min_days=3), seed=1)
    assert fig["bets"] == 3 and fig["roi"] == pytest.approx(-0.1 / 3)
    assert fig["roi_lo"] <= fig["roi"] <= fig["roi_hi"]


def test_a_book_with_bets_on_too_few_nights_has_no_interval_and_is_not_staked() -> None:
    # 120 winning bets, but on 4 nights: four draws of a night's luck are no evidence of an edge
    bets = pd.DataFrame({"result": "win", "profit": 0.9,
                         "game_date": pd.to_datetime(np.repeat(["2024-01-01", "2024-01-02", "2024-01-03",
                                                                 "2024-01-04"], 30))})
    fig = roi_figures(bets, BOOT, seed=1, min_roi=0.0)
    assert fig["bets"] == 120 and fig["roi"] == pytest.approx(0.9)
    assert np.isnan(fig["roi_lo"]) and np.isnan(fig["roi_hi"]) and np.isnan(fig["p_value"])
    props = _props(n_days=4, per_day=30)
    ev = method_evidence(props, _bets(props, {"soft": 0.9}), PricingMethod.MARKET_AWARE,
                         evidence_settings(min_bets=100), BOOT, 1)
    assert ev.books["soft"].bets == 120 and not ev.books["soft"].staked


def test_a_book_that_wins_without_beating_the_close_is_not_staked() -> None:
    """Two books win every bet (+0.5 a unit): "soft" took prices the close moved toward (CLV +3 pp), "lucky"
    prices the close moved away from (-1 pp). Both pass the ROI test; only soft beats the close."""
    props = _props()
    bets = _bets(props, {"soft": 0.5, "lucky": 0.5})
    bets["clv_prob"] = np.where(bets["bookmaker"] == "soft", 0.03, -0.01)
    bets.loc[bets.index[::7], "clv_prob"] = np.nan  # a close is missing on some bets: they are left out
    ev = method_evidence(props, bets, PricingMethod.MARKET_AWARE, evidence_settings(min_bets=100, require_clv=True),
                         BOOT, 1)
    soft, lucky = ev.books["soft"], ev.books["lucky"]
    assert soft.clv == pytest.approx(0.03) and lucky.clv == pytest.approx(-0.01)
    assert soft.clv_bets == bets.loc[bets["bookmaker"] == "soft", "clv_prob"].notna().sum() < soft.bets
    assert soft.p_value < 0.01 and lucky.p_value < 0.01
    assert soft.staked and not lucky.staked


def test_the_p_value_counts_the_resampled_nights_at_or_below_the_threshold() -> None:
    """Twelve nights: eleven of one +0.9 win, one of ten -1 losses. The p-value is the share of day resamples whose
    ROI is at or below the threshold (plus one over the resamples plus one)."""
    nights = pd.to_datetime("2024-01-01") + pd.to_timedelta(np.r_[np.arange(11), np.full(10, 11)], unit="D")
    profit = np.r_[np.full(11, 0.9), np.full(10, -1.0)]
    bets = pd.DataFrame({"result": np.where(profit > 0, "win", "loss"), "profit": profit, "game_date": nights})
    boot = conf(BootstrapSettings, n_resamples=4000, min_days=5)
    fig = roi_figures(bets, boot, seed=3, min_roi=0.0)
    # a resample's sum is 0.9 w - 10 l over 12 draws (l losing nights): <= 0 iff l >= 1 (w <= 11, 0.9 * 11 < 10),
    # which has chance 1 - (11/12)^12 = 0.6475
    assert fig["p_value"] == pytest.approx(1 - (11 / 12) ** 12, abs=0.025)
    assert roi_figures(bets, boot, seed=3, min_roi=-2.0)["p_value"] == pytest.approx(1 / 4001)


def test_holm_keeps_the_chance_of_staking_any_of_seven_books_that_lose_at_the_familywise_error() -> None:
    """Seven books whose flat bets are fair coin flips at even money (true ROI 0), 40 nights of 8 bets each, on
    400 replays: testing each book alone at 0.025 stakes some book on about 1 - 0.975^7 = 16 % of them; Holm at
    the familywise error 0.025 on at most about 2.5 % (binomial sd 0.8 points on 400)."""
    rng = np.random.default_rng(11)
    nights = np.repeat(np.arange(40), 8)
    boot = conf(BootstrapSettings, n_resamples=500, confidence=0.95, min_days=10)
    settings = evidence_settings(min_bets=100, min_roi_lo=0.0, familywise_error=0.025)
    alone = holm = 0
    for _ in range(400):
        books = {}
        for book in range(7):
            profit = np.where(rng.random(len(nights)) < 0.5, 1.0, -1.0)
            roi, lo, hi, p = day_blocked_mean_test(profit, nights, boot.n_resamples, boot.confidence,
                                                   int(rng.integers(1 << 30)), boot.min_days, settings.min_roi_lo)
            books[f"book{book}"] = BookEvidence(bets=len(profit), roi=roi, roi_lo=lo, roi_hi=hi, p_value=p,
                                                clv_bets=0, clv=np.nan, clv_lo=np.nan, clv_hi=np.nan, staked=False)
        alone += any(b.p_value <= settings.familywise_error for b in books.values())
        holm += any(staked_books(books, settings).values())
    assert alone / 400 > 0.10
    assert holm / 400 < 0.045


def test_a_books_roi_interval_resamples_whole_nights() -> None:
    """Ten nights of ten bets that win or lose together: ten draws' worth of evidence, not a hundred. Resampling
    nights, the interval is as wide as the nights' spread says (+0.9 or -1 a night: sd 0.95 / sqrt(10) = 0.30),
    where resampling bets one by one would make it sqrt(10) times narrower."""
    nights = pd.to_datetime("2024-01-01") + pd.to_timedelta(np.repeat(np.arange(10), 10), unit="D")
    won = np.repeat(np.arange(10) % 2 == 0, 10)
    bets = pd.DataFrame({"result": np.where(won, "win", "loss"), "profit": np.where(won, 0.9, -1.0),
                         "game_date": nights})
    fig = roi_figures(bets, conf(BootstrapSettings, n_resamples=4000, confidence=0.95), seed=2)
    assert fig["roi"] == pytest.approx(-0.05)
    # about +-1.96 x 0.30 around -0.05; per bet it would be about +-0.19
    assert fig["roi_hi"] - fig["roi_lo"] > 0.9


def test_a_method_that_knows_more_than_the_market_has_a_negative_log_loss_difference() -> None:
    props = _props()
    ev = method_evidence(props, _bets(props, {"a": 0.9}), PricingMethod.MODEL, evidence_settings(), BOOT, 1)
    assert ev.props == len(props)
    assert ev.market_logloss == pytest.approx(np.log(2.0))
    assert ev.logloss == pytest.approx(-np.log(0.6))
    assert ev.logloss_minus_market_hi < 0  # every prop favours the model: the interval excludes zero
    same = method_evidence(props, _bets(props, {"a": 0.9}), PricingMethod.MARKET, evidence_settings(), BOOT, 1)
    assert same.logloss_minus_market == 0.0


def test_evidence_before_a_day_sees_only_the_window_strictly_before_it() -> None:
    props = _props()
    rep = _replay(props, _bets(props, {"soft": 0.5, "sharp": -1.0}))
    day = START + pd.Timedelta(days=20)
    ev = evidence_before(rep, day, evidence_settings(window_days=10, min_bets=20), BOOT, 1, source="backtest",
                         synthetic=True)
    assert (ev.window_start, ev.window_end) == ("2024-01-11", "2024-01-20")
    books = ev.methods["market_aware"].books
    assert books["soft"].bets + books["sharp"].bets == 100  # 10 days x 10 props
    assert books["soft"].staked and not books["sharp"].staked
    assert ev.methods["market_aware"].props == 100


def test_the_gates_weekly_decisions_use_only_earlier_bets() -> None:
    props = _props()
    bets = _bets(props, {"soft": 0.5, "sharp": -1.0})
    settings = evidence_settings(window_days=28, min_bets=20)
    gate = gate_walk_forward(_replay(props, bets), settings, BOOT, 1, every_days=7)
    soft = gate.decisions.loc[gate.decisions["bookmaker"] == "soft"].set_index("block_start")["staked"]
    # week 1 has no earlier bets; from week 2 on the soft book has 35+ winning bets
    assert soft.index.min() == START + pd.Timedelta(days=7) and soft.all()
    staked = gate.bets.loc[gate.bets["state"] == "staked"]
    assert set(staked["bookmaker"]) == {"soft"}
    assert pd.to_datetime(staked["game_date"]).min() == START + pd.Timedelta(days=7)
    # turning the last week's results around changes no decision made before it
    flipped = bets.copy()
    last = pd.to_datetime(flipped["game_date"]) >= START + pd.Timedelta(days=21)
    flipped.loc[last, "profit"] = -flipped.loc[last, "profit"]
    again = gate_walk_forward(_replay(props, flipped), settings, BOOT, 1, every_days=7)
    pd.testing.assert_frame_equal(gate.decisions, again.decisions)
    summary = state_summary(gate.bets, BOOT, 1).set_index("state")
    assert summary.loc["staked", "roi"] == pytest.approx(0.5)
    assert summary.loc["paper", "bets"] == len(bets) - len(staked)


def test_the_gate_with_a_cache_decides_as_without_it_and_a_later_week_leaves_earlier_blocks_cached(
        tmp_path: Path) -> None:
    props = _props()
    bets = _bets(props, {"soft": 0.5, "sharp": -1.0})
    settings = evidence_settings(window_days=28, min_bets=20)
    plain = gate_walk_forward(_replay(props, bets), settings, BOOT, 1, every_days=7)
    memo = evidence_memo(PredictionCache(tmp_path))
    cached = gate_walk_forward(_replay(props, bets), settings, BOOT, 1, every_days=7, memo=memo)
    stored = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("evidence-*.json")}
    assert len(stored) == 4  # one evidence per weekly block
    again = gate_walk_forward(_replay(props, bets), settings, BOOT, 1, every_days=7, memo=memo)
    for gate in (cached, again):  # computed, then read back: the same decisions, bets and evidence
        pd.testing.assert_frame_equal(gate.decisions, plain.decisions)
        pd.testing.assert_frame_equal(gate.bets, plain.bets)
        # as JSON: the first block has no props, so NaN figures (which never equal themselves)
        assert [json.dumps(e.to_dict()) for e in gate.evidence.values()] == [
            json.dumps(e.to_dict()) for e in plain.evidence.values()]
    # a fifth week of props is a new block: the four earlier ones are read back, not bootstrapped again
    longer = _props(n_days=35)
    longer_bets = _bets(longer, {"soft": 0.5, "sharp": -1.0})
    extended = gate_walk_forward(_replay(longer, longer_bets), settings, BOOT, 1, every_days=7, memo=memo)
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("evidence-*.json")}
    assert len(after) == 5 and all(after[name] == stamp for name, stamp in stored.items())
    fresh = gate_walk_forward(_replay(longer, longer_bets), settings, BOOT, 1, every_days=7)
    pd.testing.assert_frame_equal(extended.decisions, fresh.decisions)
