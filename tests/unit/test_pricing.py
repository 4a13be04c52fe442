"""The one pricing path: each method's probabilities at every offer, checked against scipy by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nba_pra.betting.pricing import consensus, dispersion, implied_means, price_offers
from nba_pra.betting.settings import PricingMethod
from nba_pra.betting.stacking import StackFit
from nba_pra.model.ensemble import CALIBRATION_COLUMNS
from settings_support import pricing_settings

MARKET = "player_points_rebounds_assists"


def _negbin(mean: float, var: float) -> tuple[float, float]:
    return mean**2 / (var - mean), mean / var  # scipy's (n, p)


def offers(rows: list[tuple], *, mean: float = 25.0, var: float = 75.0, family: str = "negbin") -> pd.DataFrame:
    """(game_id, player_id, bookmaker, line, over_price, under_price) rows with one prediction per player."""
    frame = pd.DataFrame(rows, columns=["game_id", "player_id", "bookmaker", "line", "over_price", "under_price"])
    a, b = _negbin(mean, var) if family == "negbin" else (mean**2 / var, var / mean)
    return frame.assign(market=MARKET, is_derived=False, dist_family=family, dist_param_a=a, dist_param_b=b)


def _over_given_decided(n: float, p: float, line: float) -> float:
    over = stats.nbinom.sf(np.floor(line), n, p)
    push = stats.nbinom.pmf(line, n, p) if line == int(line) else 0.0
    return over / (1.0 - push)


def test_the_consensus_is_the_most_quoted_line_and_the_books_mean_fair_probability_there() -> None:
    frame = offers([("g", 1, "A", 24.5, -120, 100), ("g", 1, "B", 24.5, -110, -110), ("g", 1, "C", 25.5, 100, -130)])
    got = consensus(frame, pricing_settings()).iloc[0]
    a_over = (120 / 220) / (120 / 220 + 100 / 200)  # book A de-vigged multiplicatively
    assert got["consensus_line"] == 24.5 and got["consensus_books"] == 2
    assert got["consensus_over"] == pytest.approx((a_over + 0.5) / 2)


def test_the_market_method_reproduces_the_consensus_and_carries_it_to_other_lines_with_pushes() -> None:
    frame = offers([("g", 1, "A", 24.5, -125, 105), ("g", 1, "B", 24.5, -120, 100), ("g", 1, "C", 26.0, 100, -120)])
    out = price_offers(frame, pricing_settings(PricingMethod.MARKET))
    q = out["consensus_over"].iloc[0]
    mu = out["implied_mean"].iloc[0]
    # the implied NB keeps the model's dispersion var/mean = 3 and puts P(over 24.5) at the consensus
    n, p = _negbin(mu, 3.0 * mu)
    assert _over_given_decided(n, p, 24.5) == pytest.approx(q, abs=1e-9)
    whole = out.iloc[2]  # book C's whole line 26: over, push and under from the same distribution
    assert whole["p_push"] == pytest.approx(stats.nbinom.pmf(26, n, p))
    assert whole["p_over"] == pytest.approx(stats.nbinom.sf(26, n, p))
    assert whole["p_over"] + whole["p_under"] + whole["p_push"] == pytest.approx(1.0)
    assert out.loc[0, "p_over"] == pytest.approx(q)  # the half line has no push


def test_the_market_ignores_the_models_mean_and_keeps_only_its_dispersion() -> None:
    rows = [("g", 1, "A", 24.5, -115, -105), ("g", 1, "B", 25.5, 110, -130)]
    low = price_offers(offers(rows, mean=15.0, var=45.0), pricing_settings(PricingMethod.MARKET))
    high = price_offers(offers(rows, mean=35.0, var=105.0), pricing_settings(PricingMethod.MARKET))
    np.testing.assert_allclose(low["p_over"], high["p_over"], atol=1e-9)
    assert (low["model_over"] < 0.5).all() and (high["model_over"] > 0.5).all()  # the model itself disagrees


def test_the_model_method_is_the_raw_distribution_at_each_offers_line() -> None:
    frame = offers([("g", 1, "A", 22.0, -110, -110), ("g", 1, "B", 28.5, -110, -110)])
    out = price_offers(frame, pricing_settings(PricingMethod.MODEL))
    n, p = _negbin(25.0, 75.0)
    assert out.loc[0, "p_over"] == pytest.approx(stats.nbinom.sf(22, n, p))
    assert out.loc[0, "p_push"] == pytest.approx(stats.nbinom.pmf(22, n, p))
    assert out.loc[1, "p_over"] == pytest.approx(stats.nbinom.sf(28, n, p))
    assert np.isnan(out["implied_mean"]).all()


def test_recalibrated_applies_the_platt_map_the_predictions_carry() -> None:
    frame = offers([("g", 1, "A", 24.5, -110, -110)]).assign(
        **{CALIBRATION_COLUMNS["intercept"]: 0.1, CALIBRATION_COLUMNS["slope"]: 0.5, CALIBRATION_COLUMNS["clip"]: 1e-4,
           CALIBRATION_COLUMNS["low"]: 0.0, CALIBRATION_COLUMNS["high"]: 1.0})
    out = price_offers(frame, pricing_settings(PricingMethod.RECALIBRATED)).iloc[0]
    raw = stats.nbinom.sf(24, *_negbin(25.0, 75.0))
    assert out["p_over"] == pytest.approx(1.0 / (1.0 + np.exp(-(0.1 + 0.5 * np.log(raw / (1 - raw))))))
    assert out["p_over"] + out["p_under"] == pytest.approx(1.0)


def test_market_aware_is_the_market_without_a_fit_and_the_stack_at_the_consensus_line_with_one() -> None:
    frame = offers([("g", 1, "A", 24.5, -130, 110), ("g", 1, "B", 23.0, -105, -115), ("g", 1, "C", 24.5, -125, 105)],
                   mean=28.0, var=84.0)
    market = price_offers(frame, pricing_settings(PricingMethod.MARKET))
    no_fit = price_offers(frame, pricing_settings(PricingMethod.MARKET_AWARE))
    np.testing.assert_allclose(no_fit["p_over"], market["p_over"])
    fit = StackFit(intercept=0.05, model_weight=0.3, market_weight=0.8, n_props=5000)
    aware = price_offers(frame, pricing_settings(PricingMethod.MARKET_AWARE), stack=fit)
    q, m = market["consensus_over"].iloc[0], market["model_consensus_over"].iloc[0]
    target = 1.0 / (1.0 + np.exp(-(0.05 + 0.3 * np.log(m / (1 - m)) + 0.8 * np.log(q / (1 - q)))))
    assert aware.loc[0, "p_over"] == pytest.approx(target, abs=1e-9)  # A and C quote the consensus line 24.5
    assert aware.loc[0, "p_over"] > market.loc[0, "p_over"]  # the model (mean 28) leans over
    # and book B's whole line 23 is priced by the same shifted distribution: pushes included, sums to one
    row = aware.iloc[1]
    assert row["p_push"] > 0 and row["p_over"] + row["p_under"] + row["p_push"] == pytest.approx(1.0)


def test_the_gamma_family_is_solved_the_same_way() -> None:
    frame = offers([("g", 1, "A", 24.5, -140, 120)], family="gamma")
    out = price_offers(frame, pricing_settings(PricingMethod.MARKET)).iloc[0]
    mu, phi = out["implied_mean"], 3.0
    assert stats.gamma.sf(24.5, mu / phi, scale=phi) == pytest.approx(out["consensus_over"], abs=1e-9)
    assert out["p_push"] == 0.0


def test_dispersion_is_the_variance_to_mean_ratio_of_either_family() -> None:
    _n, p = _negbin(20.0, 60.0)
    got = dispersion(np.array(["negbin", "gamma"], dtype=object), np.array([p, 2.5]))
    np.testing.assert_allclose(got, [3.0, 2.5])


def test_implied_means_rise_with_the_target_and_stay_in_the_bracket() -> None:
    settings = pricing_settings().solver
    targets = np.array([0.2, 0.5, 0.8, 1.0 - 1e-15])
    family = np.full(4, "negbin", dtype=object)
    mu = implied_means(family, np.full(4, 3.0), np.full(4, 20.5), targets, settings)
    assert np.all(np.diff(mu) > 0)
    assert mu[-1] <= settings.mean_high


def test_offers_without_a_prediction_or_without_two_prices_are_not_priced_by_the_market() -> None:
    frame = offers([("g", 1, "A", 24.5, -110, -110), ("g", 2, "A", 10.5, np.nan, -110)])
    frame.loc[0, ["dist_param_a", "dist_param_b"]] = np.nan
    out = price_offers(frame, pricing_settings(PricingMethod.MARKET))
    assert out[["p_over", "p_under", "p_push"]].isna().all().all()
