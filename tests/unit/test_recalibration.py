"""P(over) recalibration at book lines: Platt fit, out-of-fold walk-forward, push kept, carried to the bet engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats
from test_betting_engine import PLAIN, line, prediction

from nba_pra.betting.engine import evaluate_candidates
from nba_pra.betting.gate import Gate
from nba_pra.betting.settings import PricingMethod
from nba_pra.model import distributions
from nba_pra.model.ensemble import Ensemble
from nba_pra.model.evaluation import evaluate_oof
from nba_pra.model.recalibration import PlattMap, fit_platt, recalibrated, walk_forward_platt
from nba_pra.model.settings import DistributionFamily, OverCalibrationSettings
from settings_support import conf, pricing_settings

CLIP = 1e-4


def overconfident(n: int, a: float, b: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts ``p`` whose truth is ``sigmoid(a + b logit p)``, and outcomes drawn from the truth."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.03, 0.97, n)
    truth = 1.0 / (1.0 + np.exp(-(a + b * np.log(p / (1 - p)))))
    return p, (rng.uniform(size=n) < truth).astype(float)


def test_platt_fit_recovers_the_shrinkage_that_generated_the_outcomes() -> None:
    p, y = overconfident(40_000, 0.1, 0.4, seed=1)
    fit = fit_platt(p, y, clip=CLIP, max_iter=50)
    assert fit.intercept == pytest.approx(0.1, abs=0.04)
    assert fit.slope == pytest.approx(0.4, abs=0.04)
    assert fit.n_rows == 40_000
    # a calibrated forecaster is left (nearly) alone
    p2, y2 = overconfident(40_000, 0.0, 1.0, seed=2)
    same = fit_platt(p2, y2, clip=CLIP, max_iter=50)
    assert same.slope == pytest.approx(1.0, abs=0.05) and same.intercept == pytest.approx(0.0, abs=0.05)


def test_a_map_that_would_reverse_the_forecast_is_refused() -> None:
    p, y = overconfident(5_000, 0.0, -0.8, seed=3)
    fit = fit_platt(p, y, clip=CLIP, max_iter=50)
    assert fit.is_identity and fit.n_rows == 5_000


def test_walk_forward_recalibrates_each_block_from_earlier_blocks_only() -> None:
    p, y = overconfident(6_000, 0.0, 0.5, seed=4)
    block = np.repeat(np.arange(6), 1_000)
    fit_rows = np.ones(6_000, dtype=bool)
    out, done = walk_forward_platt(p, y, block, fit_rows, min_rows=1_500, clip=CLIP, max_iter=50)
    # blocks 0 and 1 have fewer than 1,500 earlier rows: raw
    assert not done[block < 2].any() and done[block >= 2].all()
    np.testing.assert_array_equal(out[block < 2], p[block < 2])
    # rewriting the outcomes of blocks 3+ leaves blocks up to 3 exactly as they were
    y2 = y.copy()
    y2[block >= 3] = 1.0 - y2[block >= 3]
    out2, _ = walk_forward_platt(p, y2, block, fit_rows, min_rows=1_500, clip=CLIP, max_iter=50)
    np.testing.assert_array_equal(out2[block <= 3], out[block <= 3])
    assert not np.array_equal(out2[block == 5], out[block == 5])
    # shrunk toward 0.5, as the generating slope 0.5 says
    assert np.mean(np.abs(out[done] - 0.5)) < np.mean(np.abs(p[done] - 0.5))


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(3.0, 60.0),
    extra=st.floats(0.05, 3.0),
    intercept=st.floats(-0.5, 0.5),
    slope=st.floats(0.1, 1.5),
    line=st.integers(0, 80),
)
@example(mean=7.0, extra=1.0, intercept=0.0, slope=0.5, line=0)  # P(over | no push) = 1 + 6e-17 at line 0
def test_recalibrated_probabilities_sum_to_one_keep_push_and_fall_with_the_line(mean, extra, intercept, slope, line):
    params = distributions.fit(DistributionFamily.NEGBIN, np.array([mean]), np.array([mean * (1 + extra)]))
    cal = PlattMap(intercept, slope, 100, CLIP)
    probs = [distributions.line_probabilities(params, np.array([float(x)])) for x in (line, line + 0.5, line + 1.5)]
    out = [recalibrated(pr, cal.apply(pr.p_over / np.maximum(1 - pr.p_push, 1e-300))) for pr in probs]
    for pr, o in zip(probs, out, strict=True):
        assert (o.p_over + o.p_under + o.p_push)[0] == pytest.approx(1.0)
        assert o.p_push[0] == pr.p_push[0]
    # at half-point lines there is no push, so the monotone map keeps P(over) falling as the line rises
    assert out[1].p_over[0] >= out[2].p_over[0]


def test_evaluation_recalibrates_out_of_fold_and_fits_the_registered_map_on_book_rows() -> None:
    rng = np.random.default_rng(5)
    n = 12_000
    true_mean = rng.uniform(8, 40, n)
    y = rng.negative_binomial(true_mean / 1.5, 1 / 2.5).astype(float)  # var = 2.5 x mean
    book_line = np.floor(true_mean) + 0.5  # the book knows the truth
    model_mean = true_mean + rng.normal(0, 5, n)  # the model is noisy but believes itself
    oof = pd.DataFrame({"game_id": np.arange(n).astype(str), "player_id": 1, "block": np.repeat(np.arange(1, 13), 1000),
                        "y": y, "mean": np.maximum(model_mean, 1.0), "var": 2.5 * np.maximum(model_mean, 1.0)})
    lines = pd.DataFrame({"game_id": oof["game_id"], "player_id": 1, "line": book_line})
    on = evaluate_oof(oof, DistributionFamily.NEGBIN, n_bins=10, seed=0, lines=lines,
                      over_calibration=conf(OverCalibrationSettings, min_rows=1000))
    off = evaluate_oof(oof, DistributionFamily.NEGBIN, n_bins=10, seed=0, lines=lines)
    m = on.metrics
    assert off.over_calibration.is_identity and off.metrics["ece_over"] == pytest.approx(m["ece_over_raw"])
    assert m["ece_over_raw"] > 0.1 and m["ece_over"] < m["ece_over_raw"] / 3 and m["brier_over"] < m["brier_over_raw"]
    assert 0.0 < on.over_calibration.slope < 0.8 and on.over_calibration.n_rows > 11_000
    assert m["over_cal_slope"] == on.over_calibration.slope
    assert len(on.reliability_raw) and len(on.reliability)


def test_the_map_survives_the_ensemble_files_and_reaches_the_bet_engine(tmp_path: Path) -> None:
    cal = PlattMap(0.2, 0.5, 1234, CLIP, 0.1, 0.9)
    ens = Ensemble(feature_names=["x"], mean_models=[], variance_models=[], smearing=[], min_variance_ratio=0.25,
                   over_calibration=cal)
    ens.save(tmp_path / "ens")
    assert Ensemble.load(tmp_path / "ens").over_calibration == cal
    # versions registered before the map (no entry) or before its taper (no low/high) still load
    assert PlattMap.from_dict(None).is_identity
    older = PlattMap.from_dict({"intercept": 0.2, "slope": 0.5, "n_rows": 1234, "clip": CLIP})
    assert (older.low, older.high, older.slope) == (0.0, 1.0, 0.5)

    pred = prediction(1, mean=20.0, std=5.0, family="negbin", over_cal_intercept=0.2, over_cal_slope=0.5,
                      over_cal_clip=CLIP, over_cal_low=0.0, over_cal_high=1.0)
    got = evaluate_candidates(pd.DataFrame([pred]), pd.DataFrame([line(1, 17.5), line(1, 20.0, book="b")]), PLAIN,
                              1000.0, pricing=pricing_settings(PricingMethod.RECALIBRATED), gate=Gate.open())
    n, p = 400 / 5, 20 / 25
    for value, row in zip((17.5, 20.0), got.itertuples(), strict=True):
        push = stats.nbinom.pmf(value, n, p) if value == int(value) else 0.0
        raw = stats.nbinom.sf(np.floor(value), n, p) / (1 - push)
        want = 1 / (1 + np.exp(-(0.2 + 0.5 * np.log(raw / (1 - raw)))))
        assert row.p_over == pytest.approx(want * (1 - push))
        assert row.p_under == pytest.approx((1 - want) * (1 - push))
        assert row.p_push == pytest.approx(push)
    # without the columns (a model registered before recalibration) the raw distribution prices the line
    old = evaluate_candidates(pd.DataFrame([prediction(1, mean=20.0, std=5.0, family="negbin")]),
                              pd.DataFrame([line(1, 17.5)]), PLAIN, 1000.0,
                              pricing=pricing_settings(PricingMethod.RECALIBRATED), gate=Gate.open())
    assert old.iloc[0]["p_over"] == pytest.approx(stats.nbinom.sf(17, n, p))


def test_beyond_its_fitted_range_the_map_tapers_back_to_the_raw_certainty() -> None:
    """A map fitted on probabilities in [0.2, 0.8] must not turn a raw P(PRA >= 1) of 0.999 into ~0.6."""
    p, y = overconfident(20_000, 0.0, 0.4, seed=6)
    inside = (p > 0.2) & (p < 0.8)
    fit = fit_platt(p[inside], y[inside], clip=CLIP, max_iter=50, range_quantile=0.01)
    assert 0.2 <= fit.low < 0.21 and 0.79 < fit.high <= 0.8
    grid = np.linspace(0.0, 1.0, 2001)
    out = fit.apply(grid)
    assert np.all(np.diff(out) >= 0)  # monotone, so P(over) still falls as the line rises
    assert out[0] == pytest.approx(0.0) and out[-1] == pytest.approx(1.0)
    plain = 1 / (1 + np.exp(-(fit.intercept + fit.slope * np.log(grid[1:-1] / (1 - grid[1:-1])))))
    mid = (grid[1:-1] >= fit.low) & (grid[1:-1] <= fit.high)
    np.testing.assert_allclose(out[1:-1][mid], plain[mid])  # the plain Platt map where it was fitted
    assert fit.apply(np.array([0.999]))[0] > 0.99 > plain[-1]
    # continuous at both ends of the range
    eps = 1e-9
    for edge in (fit.low, fit.high):
        assert fit.apply(np.array([edge - eps]))[0] == pytest.approx(fit.apply(np.array([edge + eps]))[0], abs=1e-6)
