"""The in-game model on hand-computed states: the clock, the shrunk share and rate, foul and blowout pressure, the
final buzzer, fouled-out and ruled-out players, and probabilities that add up to one at any live line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nba_pra.betting.settings import PricingMethod, PricingSettings
from nba_pra.live.model import MINUTES_TERMS, LiveFit, design, final_crps, final_probabilities, forecast
from nba_pra.live.pricing import price_live_offers
from nba_pra.live.settings import LiveSettings
from nba_pra.live.state import elapsed_and_remaining
from nba_pra.model.recalibration import PlattMap
from settings_support import conf

SETTINGS = conf(LiveSettings)
ZERO = tuple(0.0 for _ in MINUTES_TERMS)
#: k_m = 12 game minutes, no taper, k_r = 18 of his minutes, Var = 2 mu (a negative binomial with p = 1/2)
PLAIN = LiveFit(minutes_prior=12.0, minutes_coef=ZERO, rate_prior=18.0, variance_coef=(2.0, 0.0, 0.0), n_states=0)


def state(**values: object) -> pd.DataFrame:
    """One state: a 30-PRA, 36-minute player (negative binomial) at half time, 18 minutes, 20 PRA, 2 fouls, tied."""
    row: dict[str, object] = {
        "mean": 30.0, "var": 60.0, "dist_family": "negbin", "pregame_minutes": 36.0,
        "period": 2, "clock_s": 0.0, "minutes": 18.0, "pra": 20.0, "pf": 2.0, "margin": 0.0,
        "on_court": False, "out": False,
    }
    row.update(values)
    return pd.DataFrame({k: [v] for k, v in row.items()})


def with_coef(**coef: float) -> LiveFit:
    values = dict(zip(MINUTES_TERMS, ZERO, strict=True)) | coef
    return LiveFit(PLAIN.minutes_prior, tuple(values[t] for t in MINUTES_TERMS), PLAIN.rate_prior,
                   PLAIN.variance_coef, 0)


def test_the_clock_counts_regulation_and_overtime_minutes() -> None:
    t, r = elapsed_and_remaining(np.array([1, 3, 4, 5, 6]), np.array([720.0, 300.0, 0.0, 120.0, 0.0]), SETTINGS.game)
    np.testing.assert_allclose(t, [0.0, 31.0, 48.0, 51.0, 58.0])
    np.testing.assert_allclose(r, [48.0, 17.0, 0.0, 2.0, 0.0])


def test_at_half_time_the_share_and_the_rate_are_shrunk_between_pre_game_and_tonight() -> None:
    out = forecast(state(), PLAIN, SETTINGS)
    # s = (12 * 36/48 + 18) / (12 + 24) = 0.75 -> 24 * 0.75 = 18 minutes; r = (18 * 30/36 + 20) / (18 + 18) = 35/36
    assert out["remaining_minutes"].item() == pytest.approx(18.0)
    assert out["remaining_mean"].item() == pytest.approx(18.0 * 35.0 / 36.0)
    assert out["remaining_var"].item() == pytest.approx(2.0 * 18.0 * 35.0 / 36.0)
    busy = forecast(state(minutes=24.0), PLAIN, SETTINGS)
    # s = (9 + 24) / 36 -> 22 minutes left
    assert busy["remaining_minutes"].item() == pytest.approx(22.0)


def test_foul_pressure_and_a_blowout_taper_the_remaining_minutes() -> None:
    # end of Q1 with 3 fouls: Q2 tolerates 2, so the pressure is 1 -> exp(-0.5)
    early = state(period=1, minutes=9.0, pra=8.0, pf=3.0)
    base = forecast(early.assign(pf=2.0), with_coef(foul_pressure=-0.5), SETTINGS)["remaining_minutes"].item()
    taxed = forecast(early, with_coef(foul_pressure=-0.5), SETTINGS)["remaining_minutes"].item()
    assert taxed == pytest.approx(base * np.exp(-0.5))
    # up 25 at the end of Q3: blowout pressure 25 - 10 = 15, and 15 * s0 = 15 * 36/48 for the bench term
    late = state(period=3, minutes=27.0, pra=25.0, margin=25.0)
    d = design(late, SETTINGS)
    assert d.terms[0, MINUTES_TERMS.index("blowout")] == pytest.approx(15.0)
    assert d.terms[0, MINUTES_TERMS.index("blowout_x_share")] == pytest.approx(15.0 * 0.75)
    sat = forecast(late, with_coef(blowout=-0.05), SETTINGS)["remaining_minutes"].item()
    close = forecast(late.assign(margin=-9.0), with_coef(blowout=-0.05), SETTINGS)["remaining_minutes"].item()
    assert sat == pytest.approx(close * np.exp(-0.75))


def test_at_the_final_buzzer_the_distribution_collapses_on_the_pra_so_far() -> None:
    done = forecast(state(period=4, clock_s=0.0, minutes=36.0, pra=33.0), PLAIN, SETTINGS)
    assert done["remaining_mean"].item() == 0.0 and np.isnan(done["dist_param_a"].item())
    lines = np.array([32.5, 33.0, 33.5])
    probs = final_probabilities(pd.concat([done] * 3, ignore_index=True), lines)
    np.testing.assert_array_equal(probs.p_over, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(probs.p_push, [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(probs.p_under, [0.0, 0.0, 1.0])
    np.testing.assert_allclose(final_crps(done, [33.0]), [0.0])


def test_a_fouled_out_or_ruled_out_player_has_no_minutes_left() -> None:
    fouled = forecast(state(period=3, clock_s=400.0, pf=6.0), PLAIN, SETTINGS)
    hurt = forecast(state(period=1, clock_s=0.0, out=True), PLAIN, SETTINGS)
    assert fouled["remaining_minutes"].item() == 0.0 and hurt["remaining_minutes"].item() == 0.0
    assert final_probabilities(hurt, 19.5).p_over.item() == 1.0
    # he left with 20 PRA and finished with 20: a perfect forecast; had he come back for 5 more, the CRPS is 5
    np.testing.assert_allclose(final_crps(pd.concat([hurt, hurt]), [20.0, 25.0]), [0.0, 5.0])


def test_live_probabilities_are_the_remaining_negative_binomial_at_the_shifted_line() -> None:
    out = forecast(state(), PLAIN, SETTINGS)
    mu = 18.0 * 35.0 / 36.0  # Var = 2 mu: n = mu, p = 1/2
    for line in (30.5, 38.0, 45.5):
        probs = final_probabilities(out, line)
        left = line - 20.0
        assert probs.p_over.item() == pytest.approx(stats.nbinom.sf(np.floor(left), mu, 0.5))
        expected_push = stats.nbinom.pmf(left, mu, 0.5) if float(left).is_integer() else 0.0
        assert probs.p_push.item() == pytest.approx(expected_push)


def test_over_under_and_push_add_up_to_one_for_every_family_state_and_line() -> None:
    rng = np.random.default_rng(7)
    n = 400
    states = pd.DataFrame({
        "mean": rng.uniform(5, 45, n), "var": rng.uniform(50, 150, n),
        "dist_family": rng.choice(["negbin", "gamma"], n), "pregame_minutes": rng.uniform(8, 40, n),
        "period": rng.integers(1, 6, n), "clock_s": rng.choice([0.0, 300.0, 720.0], n),
        "minutes": rng.uniform(0, 30, n), "pra": rng.integers(0, 40, n).astype(float),
        "pf": rng.integers(0, 7, n).astype(float), "margin": rng.normal(0, 15, n),
        "on_court": rng.random(n) < 0.5, "out": rng.random(n) < 0.05,
    })
    fit = LiveFit(20.0, (0.1, -0.2, -0.3, -0.02, 0.01, 0.05), 40.0, (1.8, 0.05, 0.01), 0)
    out = forecast(states, fit, SETTINGS)
    lines = rng.choice([10.0, 20.5, 30.0, 40.5], n)
    probs = final_probabilities(out, lines)
    total = probs.p_over + probs.p_under + probs.p_push
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    assert np.all((probs.p_push == 0) | np.isclose(lines, np.round(lines)))


def test_live_offers_go_through_the_pre_game_pricing_path_at_the_shifted_line() -> None:
    states = pd.concat([state(), state(period=4, minutes=36.0, pra=33.0)], ignore_index=True)
    states["game_id"], states["player_id"] = ["g1", "g2"], [1, 2]
    forecasts = forecast(states, PLAIN, SETTINGS)
    offers = pd.DataFrame({"game_id": ["g1", "g1", "g2"], "player_id": [1, 1, 2], "bookmaker": ["a", "b", "a"],
                           "line": [38.5, 40.0, 32.5], "over_price": [-110, 120, -150],
                           "under_price": [-110, -140, 130]})
    priced = price_live_offers(offers, forecasts, conf(PricingSettings), method=PricingMethod.MODEL)
    expected = final_probabilities(forecasts.iloc[[0, 0, 1]].reset_index(drop=True), offers["line"])
    np.testing.assert_allclose(priced["p_over"], expected.p_over)
    np.testing.assert_allclose(priced["p_push"], expected.p_push)
    np.testing.assert_allclose(priced["p_over"] + priced["p_under"] + priced["p_push"], 1.0)
    assert priced["line"].tolist() == [38.5, 40.0, 32.5] and priced["p_over"].iloc[2] == 1.0
    market = price_live_offers(offers, forecasts, conf(PricingSettings), method=PricingMethod.MARKET)
    # the market methods solve the remaining PRA's mean from the books' live consensus (38.5 for g1, shifted by 20)
    assert market.loc[0, "consensus_line"] == 38.5 and np.isfinite(market.loc[0, "implied_mean"])
    np.testing.assert_allclose(market["p_over"] + market["p_under"] + market["p_push"], 1.0)


def test_the_state_s_platt_map_recalibrates_p_over_and_keeps_the_push() -> None:
    shrink = PlattMap(intercept=0.2, slope=0.5, n_rows=1000)
    mapped = LiveFit(PLAIN.minutes_prior, PLAIN.minutes_coef, PLAIN.rate_prior, PLAIN.variance_coef, 0,
                     over_maps=(PlattMap(), PlattMap(), shrink, PlattMap()))
    half = forecast(state(), mapped, SETTINGS)  # two periods completed: the third map
    raw = final_probabilities(half, 38.0, recalibrate=False)
    cal = final_probabilities(half, 38.0)
    decided = 1.0 - raw.p_push
    expected = 1.0 / (1.0 + np.exp(-(0.2 + 0.5 * np.log(raw.p_over / (decided - raw.p_over)))))
    np.testing.assert_allclose(cal.p_over / decided, expected)
    np.testing.assert_allclose(cal.p_push, raw.p_push)
    np.testing.assert_allclose(cal.p_over + cal.p_under + cal.p_push, 1.0)
    q1 = forecast(state(period=2, clock_s=360.0), mapped, SETTINGS)  # mid Q2: one period completed, identity
    np.testing.assert_allclose(final_probabilities(q1, 38.0).p_over,
                               final_probabilities(q1, 38.0, recalibrate=False).p_over)
