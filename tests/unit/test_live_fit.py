"""Fitting the in-game adjustments on the synthetic league's quarters, walk-forward without leakage."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from nba_pra.data.synthetic import simulate_league
from nba_pra.data.synthetic.quarters import simulate_quarters
from nba_pra.evaluation.predictions import history_features
from nba_pra.features.settings import FeatureSettings
from nba_pra.live.fit import fit_live, walk_forward
from nba_pra.live.model import MINUTES_TERMS
from nba_pra.live.settings import LiveSettings
from nba_pra.live.state import states_at_period_ends
from settings_support import composed, conf
from synthetic_support import default_league_settings

KEYS = ["game_id", "player_id"]
SETTINGS = conf(LiveSettings)


@pytest.fixture(scope="module")
def states() -> pd.DataFrame:
    """States at every period end of a 10-team league's last season, with the true pre-game distribution (ground
    truth) and the as-of minutes estimate."""
    cfg = dataclasses.replace(default_league_settings(), n_teams=10, n_seasons=2, current_season_days_played=80)
    league = simulate_league(cfg)
    quarters = simulate_quarters(league, cfg)
    features = history_features(league.box_scores, composed())
    truth = league.ground_truth.rename(columns={"true_mean": "mean", "true_var": "var"})[[*KEYS, "mean", "var"]]
    minutes = features[[*KEYS, SETTINGS.minutes_feature]].rename(columns={SETTINGS.minutes_feature: "pregame_minutes"})
    rows = states_at_period_ends(quarters).merge(truth.assign(dist_family="negbin"), on=KEYS).merge(minutes, on=KEYS)
    last = league.box_scores.loc[league.box_scores["season"] == league.box_scores["season"].max(), "game_id"]
    keep = rows["game_id"].isin(last.unique()) & np.isfinite(rows["mean"]) & (rows["pregame_minutes"] > 0)
    return rows.loc[keep].reset_index(drop=True)


def test_states_carry_the_running_totals_and_the_final_line(states: pd.DataFrame) -> None:
    one = states.loc[states["game_id"] == states["game_id"].iloc[0]].sort_values(["player_id", "period"])
    last = one.loc[one["period"] == 4]
    np.testing.assert_allclose(last["pra"], last["final_pra"])
    np.testing.assert_allclose(last["minutes"], last["final_minutes"])
    assert (one.groupby("player_id")["minutes"].diff().dropna() >= 0).all()


def test_the_fit_tapers_minutes_for_fouls_and_sits_starters_but_plays_the_bench_in_blowouts(
        states: pd.DataFrame) -> None:
    live = fit_live(states, SETTINGS)
    coef = dict(zip(MINUTES_TERMS, live.minutes_coef, strict=True))
    assert coef["foul_pressure"] < 0
    starter, reserve = 36.0 / 48.0, 10.0 / 48.0
    assert coef["blowout"] + coef["blowout_x_share"] * starter < 0 < coef["blowout"] + coef["blowout_x_share"] * reserve
    lo, hi = SETTINGS.fit.rate_prior_bounds
    assert lo < live.rate_prior < hi and live.variance_coef[0] > 0


def test_walk_forward_forecasts_are_unbiased_for_the_remaining_pra_and_sharpen_as_the_game_goes_on(
        states: pd.DataFrame) -> None:
    forecasts, _ = walk_forward(states, SETTINGS)
    left = forecasts["final_pra"] - forecasts["pra"]
    spread = []
    for period in (1, 2, 3):
        at = forecasts["period"] == period
        assert forecasts.loc[at, "remaining_mean"].mean() == pytest.approx(left[at].mean(), rel=0.05)
        spread.append(forecasts.loc[at, "remaining_var"].mean())
    assert spread[0] > spread[1] > spread[2]


def test_a_block_is_fitted_only_on_states_dated_before_it(states: pd.DataFrame) -> None:
    """Outcomes of games on or after a block's first day never reach that block's (or an earlier block's)
    forecasts; they do reach the next block's."""
    forecasts, fits = walk_forward(states, SETTINGS)
    days = sorted(fits)
    day = days[len(days) // 2]
    later = pd.to_datetime(states["game_date"]) >= day
    shaken = states.assign(final_pra=np.where(later, states["final_pra"] * 1.5 + 7, states["final_pra"]),
                           final_minutes=np.where(later, states["final_minutes"] * 0.5, states["final_minutes"]))
    again, refits = walk_forward(shaken, SETTINGS)
    for d in days[: len(days) // 2 + 1]:
        assert refits[d] == fits[d]
    upto = (forecasts["fit_date"] <= day).to_numpy()
    cols = ["remaining_minutes", "remaining_mean", "remaining_var", "dist_param_a", "dist_param_b"]
    pd.testing.assert_frame_equal(again.loc[upto, cols], forecasts.loc[upto, cols])
    assert refits[days[len(days) // 2 + 1]] != fits[days[len(days) // 2 + 1]]


def test_too_few_training_states_leave_the_block_unforecast(states: pd.DataFrame) -> None:
    strict = dataclasses.replace(SETTINGS, fit=dataclasses.replace(SETTINGS.fit, min_states=len(states) + 1))
    forecasts, fits = walk_forward(states, strict)
    assert forecasts.empty and not fits
    assert conf(FeatureSettings) is not None  # the composed config the fixture uses is the project's


def test_states_with_a_pre_game_line_get_a_platt_map_per_game_state(states: pd.DataFrame) -> None:
    lined = states.assign(line=np.floor(states["mean"]) + 0.5)
    live = fit_live(lined, SETTINGS)
    assert len(live.over_maps) == 4 and live.over_maps[0].is_identity  # no state before the first buzzer
    fitted = [live.over_maps[k] for k in (1, 2, 3)]
    assert all(m.n_rows >= SETTINGS.over_calibration.min_rows and m.slope > 0 for m in fitted)
    assert not any(m.is_identity for m in fitted)
    assert fit_live(states, SETTINGS).over_maps == ()
