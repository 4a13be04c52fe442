"""The replayed live night: the synthetic live book, live predictions in the pre-game columns, candidates through
the pre-game pricing / filters / gate / caps, and the refreshing table."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from nba_pra.betting.engine import CANDIDATE_COLUMNS, PREDICTION_COLUMNS
from nba_pra.betting.gate import Gate
from nba_pra.betting.pricing import consensus
from nba_pra.betting.settings import BettingSettings, PricingMethod, PricingSettings
from nba_pra.cli import build_parser, main
from nba_pra.config import Project, load_project
from nba_pra.data.synthetic import simulate_league
from nba_pra.data.synthetic.quarters import simulate_quarters
from nba_pra.errors import ConfigError, DataError
from nba_pra.evaluation.predictions import history_features
from nba_pra.live.model import LiveFit, final_probabilities, forecast
from nba_pra.live.replay import live_book, live_candidates, live_predictions
from nba_pra.live.runner import SyntheticLive, join_pregame, render, replay, replay_frames, synthetic_live
from nba_pra.live.settings import LiveSettings
from nba_pra.live.state import states_at_period_ends
from nba_pra.model.distributions import DistributionFamily
from nba_pra.model.predictions import prediction_frame
from settings_support import PROJECT_ROOT, composed, conf
from synthetic_support import default_league_settings

SETTINGS = conf(LiveSettings)
KEYS = ["game_id", "player_id"]


@pytest.fixture(scope="module")
def live() -> SyntheticLive:
    """A 10-team league whose 'pre-game predictions' are the true distributions (the oracle), in the prediction
    columns the walk-forward backtest writes."""
    cfg = dataclasses.replace(default_league_settings(), n_teams=10, n_seasons=2, current_season_days_played=80)
    league = simulate_league(cfg)
    features = history_features(league.box_scores, composed())
    rows = features.loc[features["target_pra"].notna()].merge(league.ground_truth, on=KEYS)
    rows = rows.loc[np.isfinite(rows["true_mean"])]
    predictions = prediction_frame(rows, rows["true_mean"], rows["true_var"], DistributionFamily.NEGBIN)
    predictions = predictions.assign(model_version="oracle", model_uri="")
    props = consensus(league.lines, conf(PricingSettings))
    states = join_pregame(states_at_period_ends(simulate_quarters(league, cfg)), predictions, features, props,
                          SETTINGS)
    return SyntheticLive(league, predictions, states, "oracle")


def test_the_live_book_prorates_the_pre_game_line_to_the_minutes_left() -> None:
    pre = pd.DataFrame({"game_id": ["g"], "game_date": [pd.Timestamp("2024-01-02")], "player_id": [7],
                        "player_name": ["A B"], "bookmaker": ["simbook"], "line": [30.5], "over_price": [-115],
                        "under_price": [-105], "close_line": [31.5], "close_over_price": [-110.0],
                        "close_under_price": [-110.0]})
    states = pd.DataFrame({"game_id": ["g", "g"], "player_id": [7, 7], "period": [2, 3], "clock_s": [0.0, 0.0],
                           "pra": [18.0, 25.0], "pf": [2.0, 3.0], "out": [False, False]})
    book = live_book(pre, states, SETTINGS)
    # half: floor(18 + 30.5 * 24/48) + 0.5 = 33.5; end of Q3: floor(25 + 30.5 * 12/48) + 0.5 = 32.5
    assert book["line"].tolist() == [33.5, 32.5]
    assert book["over_price"].tolist() == [-115, -115] and book["close_line"].isna().all()
    # fouled out / ruled out: the props are off the board
    assert live_book(pre, states.assign(pf=[6.0, 6.0]), SETTINGS).empty
    assert live_book(pre, states.assign(out=[True, False]), SETTINGS)["line"].tolist() == [32.5]


def test_live_predictions_carry_the_final_pra_in_the_pre_game_columns(live: SyntheticLive) -> None:
    at = live.states.loc[live.states["period"] == 2].head(200)
    fit = LiveFit(12.0, (0.0,) * 6, 30.0, (1.8, 0.05, 0.02), 0)
    forecasts = forecast(at, fit, SETTINGS)
    preds = live_predictions(forecasts, live.predictions)
    assert set(PREDICTION_COLUMNS) <= set(preds.columns)
    np.testing.assert_allclose(preds["mean"], at["pra"].to_numpy() + forecasts["remaining_mean"].to_numpy())
    assert (preds["median"] >= at["pra"].to_numpy()).all() and (preds["model_version"] == "live").all()


def test_a_replayed_night_decides_live_offers_by_the_pre_game_path(live: SyntheticLive) -> None:
    project = Project(PROJECT_ROOT, composed())
    day = pd.Timestamp(np.sort(live.states["game_date"].unique())[-5])
    frames = replay_frames(live, day, project, gate=Gate.open(), stack=None, bankroll=100.0)
    assert len(frames) == 3
    for frame in frames:
        assert set(CANDIDATE_COLUMNS) <= set(frame.columns)
        priced = frame["p_over"].notna()
        total = frame.loc[priced, ["p_over", "p_under", "p_push"]].sum(axis=1)
        np.testing.assert_allclose(total, 1.0)
        assert frame["pricing"].eq(conf(PricingSettings).method.value).all()
        bets = frame.loc[frame["decision"] == "bet"]
        assert (bets["edge"] >= conf(BettingSettings).min_edge).all()
        assert (bets.groupby(KEYS).size() == 1).all()  # one bet per prop, as before tip-off
    paper = replay_frames(live, day, project, gate=Gate(None, conf(BettingSettings).evidence), stack=None,
                          bankroll=100.0)
    bets = pd.concat(paper).query("decision == 'bet'")
    assert (bets["stake"] == 0).all() and (bets["state"] == "paper").all()  # no evidence: paper bets only
    table = render(frames[1], day, 2, SETTINGS.replay.table_rows)
    out = io.StringIO()
    Console(file=out, width=200).print(table)
    assert "SYNTHETIC live replay" in out.getvalue() and "end of period 2" in out.getvalue()


def test_replaying_a_day_without_games_or_history_says_which_dates_work(live: SyntheticLive) -> None:
    project = Project(PROJECT_ROOT, composed())
    with pytest.raises(DataError, match="no replayable games"):
        replay_frames(live, pd.Timestamp("1999-01-01"), project, gate=Gate.open(), stack=None, bankroll=1.0)
    first = pd.Timestamp(live.states["game_date"].min())
    with pytest.raises(DataError, match="live states before"):
        replay_frames(live, first, project, gate=Gate.open(), stack=None, bankroll=1.0)


def test_live_candidates_with_the_model_method_price_at_the_live_model_s_probabilities(live: SyntheticLive) -> None:
    at = live.states.loc[(live.states["period"] == 3) & live.states["line"].notna()].head(60)
    fit = LiveFit(12.0, (0.0,) * 6, 30.0, (1.8, 0.05, 0.02), 0)
    forecasts = forecast(at, fit, SETTINGS)
    lines = live_book(live.league.lines.merge(at[KEYS], on=KEYS), at, SETTINGS)
    pricing = dataclasses.replace(conf(PricingSettings), method=PricingMethod.MODEL)
    cands = live_candidates(live_predictions(forecasts, live.predictions), forecasts, lines, conf(BettingSettings),
                            pricing, bankroll=100.0, gate=Gate.open())
    merged = cands.merge(forecasts.drop(columns=["line"]), on=KEYS, suffixes=("", "_f"))
    expected = final_probabilities(merged, merged["line"].to_numpy(float))
    np.testing.assert_allclose(cands["p_over"].to_numpy(), expected.p_over, rtol=1e-9)


def test_the_replay_refreshes_one_table_per_period_end_at_the_chosen_speed(live: SyntheticLive) -> None:
    project = Project(PROJECT_ROOT, composed())
    day = pd.Timestamp(np.sort(live.states["game_date"].unique())[-3])
    pauses: list[float] = []
    out = io.StringIO()
    frames = replay(project, day, gate=Gate.open(), stack=None, bankroll=100.0, speed=4.0,
                    console=Console(file=out, width=200), sleep=pauses.append, live=live)
    assert len(frames) == 3
    assert pauses == [SETTINGS.replay.seconds_per_period / 4.0] * 2  # between period ends, not after the last
    text = out.getvalue()
    assert "end of period 3" in text and f"SYNTHETIC replay {day.date()}" in text and "won at the final buzzer" in text


def test_live_without_a_replay_date_says_the_feeds_are_not_built(tmp_project, capsys) -> None:
    assert main(["live"]) == 2
    assert "--replay" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["live", "--help"])
    assert exc.value.code == 0 and "SYNTHETIC" in capsys.readouterr().out


def test_live_replays_need_the_synthetic_league() -> None:
    project = load_project(PROJECT_ROOT, ["data=files"])
    with pytest.raises(ConfigError, match="synthetic league"):
        synthetic_live(project)
