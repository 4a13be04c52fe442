"""Calibration tools say 'calibrated' for draws from the forecast itself and 'miscalibrated' otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.model import calibration
from nba_pra.model.distributions import fit
from nba_pra.model.evaluation import evaluate_oof, reference_lines
from nba_pra.model.settings import DistributionFamily as Family


def _draws(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mean = rng.uniform(8, 40, n)
    var = mean * rng.uniform(1.5, 3.0, n)
    y = rng.negative_binomial(mean**2 / (var - mean), mean / var).astype(float)
    return mean, var, y


def test_pit_of_draws_from_the_forecast_is_uniform_and_of_a_biased_forecast_is_not() -> None:
    mean, var, y = _draws(20_000, 1)
    pit = calibration.randomized_pit(fit(Family.NEGBIN, mean, var), y, seed=3)
    hist, _ = np.histogram(pit, bins=10, range=(0, 1))
    assert np.all(np.abs(hist / len(pit) - 0.1) < 0.01)
    biased = calibration.randomized_pit(fit(Family.NEGBIN, mean + 5, var), y, seed=3)
    assert np.mean(biased < 0.5) > 0.6


def test_variance_deciles_match_realised_squared_error_when_calibrated() -> None:
    mean, var, y = _draws(20_000, 2)
    table = calibration.variance_by_decile(var, y, mean, 10)
    assert len(table) == 10 and table["n"].sum() == 20_000
    assert table["sq_err"].sum() / table["pred_var"].sum() == pytest.approx(1.0, abs=0.05)
    halved = calibration.variance_by_decile(var / 2, y, mean, 10)
    assert halved["sq_err"].sum() / halved["pred_var"].sum() == pytest.approx(2.0, abs=0.1)


def test_brier_and_ece_on_hand_values() -> None:
    assert calibration.brier([0.8, 0.2], [1, 0]) == pytest.approx(0.04)
    table = calibration.reliability([0.15, 0.15, 0.85, 0.85], [0, 1, 1, 1], 10)
    # bin 1: p 0.15 vs rate 0.5 ; bin 8: p 0.85 vs rate 1.0 -> ECE = 0.5*0.35 + 0.5*0.15
    assert calibration.expected_calibration_error(table) == pytest.approx(0.25)


def test_pushes_are_excluded_from_over_scores() -> None:
    outcome, not_push = calibration.over_outcomes([20, 21, 19], [20, 20, 20])
    assert outcome.tolist() == [0.0, 1.0, 0.0]
    assert not_push.tolist() == [False, True, True]


def test_reference_lines_use_the_books_median_line_else_the_rounded_median() -> None:
    oof = pd.DataFrame({"game_id": ["g1", "g2"], "player_id": [1, 2]})
    lines = pd.DataFrame({"game_id": ["g1", "g1", "g1"], "player_id": [1, 1, 1], "line": [20.5, 21.5, 22.5]})
    got, at_book = reference_lines(oof, lines, np.array([30.2, 17.8]))
    assert got.tolist() == [21.5, 17.5]
    assert at_book.tolist() == [True, False]


def test_evaluation_scores_model_baselines_and_oracle_on_the_same_rows() -> None:
    mean, var, y = _draws(5_000, 4)
    oof = pd.DataFrame({"game_id": [f"g{i}" for i in range(5_000)], "player_id": 1, "y": y, "mean": mean,
                        "var": var})
    truth = oof[["game_id", "player_id"]].assign(true_mean=mean, true_var=var, p_play=1.0)
    ev = evaluate_oof(oof.assign(mean=mean * 1.1), Family.NEGBIN, n_bins=10, seed=0,
                      baselines={"flat": np.full(5_000, y.mean())}, truth=truth)
    table = ev.comparison.set_index("forecaster")
    assert set(table.index) == {"model", "flat", "oracle"}
    assert table.loc["oracle", "crps"] < table.loc["model", "crps"]
    assert table.loc["oracle", "mae"] < table.loc["flat", "mae"]
    assert ev.metrics["oracle_crps"] == table.loc["oracle", "crps"]
    assert 0 <= ev.metrics["ece_over"] < 0.2
