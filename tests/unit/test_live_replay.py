"""The replayed live night: the synthetic live book, live predictions in the pre-game columns, candidates through
the pre-game pricing / filters / gate / caps, and the refreshing table."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from nba_pra.betting.engine import CANDIDATE_COLUMNS, PREDICTION_COLUMNS, bet_id
from nba_pra.betting.gate import Gate
from nba_pra.betting.pricing import consensus
from nba_pra.betting.settings import BettingSettings, PricingMethod, PricingSettings
from nba_pra.cli import build_parser, main
from nba_pra.config import Project, load_project
from nba_pra.data.synthetic import simulate_league
from nba_pra.data.synthetic.quarters import simulate_quarters
from nba_pra.errors import ConfigError, DataError
from nba_pra.evaluation.predictions import history_features
from nba_pra.ledger.store import LedgerStore
from nba_pra.live.model import LiveFit, final_probabilities, forecast
from nba_pra.live.replay import live_bet_id, live_book, live_candidates, live_predictions, placed_stakes
from nba_pra.live.runner import (
    SyntheticLive,
    join_pregame,
    night_pregame,
    render,
    replay,
    replay_frames,
    synthetic_live,
)
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
    assert "a naive book, so these edges say nothing about real in-play markets" in " ".join(out.getvalue().split())


def test_replaying_a_day_without_games_or_history_says_which_dates_work(live: SyntheticLive) -> None:
    project = Project(PROJECT_ROOT, composed())
    with pytest.raises(DataError, match="no replayable games"):
        replay_frames(live, pd.Timestamp("1999-01-01"), project, gate=Gate.open(), stack=None, bankroll=1.0)
    first = pd.Timestamp(live.states["game_date"].min())
    with pytest.raises(DataError, match="live states before"):
        replay_frames(live, first, project, gate=Gate.open(), stack=None, bankroll=1.0)


def model_candidates(live: SyntheticLive, at: pd.DataFrame,
                     bankroll: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The states ``at`` forecast by a fixed fit, their live book, and its candidates priced by the model method
    (forecasts, lines, candidates)."""
    fit = LiveFit(12.0, (0.0,) * 6, 30.0, (1.8, 0.05, 0.02), 0)
    forecasts = forecast(at, fit, SETTINGS)
    lines = live_book(live.league.lines.merge(at[KEYS], on=KEYS), at, SETTINGS)
    pricing = dataclasses.replace(conf(PricingSettings), method=PricingMethod.MODEL)
    cands = live_candidates(live_predictions(forecasts, live.predictions), forecasts, lines, conf(BettingSettings),
                            pricing, bankroll=bankroll, gate=Gate.open())
    return forecasts, lines, cands


def test_live_candidates_with_the_model_method_price_at_the_live_model_s_probabilities(live: SyntheticLive) -> None:
    at = live.states.loc[(live.states["period"] == 3) & live.states["line"].notna()].head(60)
    forecasts, _lines, cands = model_candidates(live, at, bankroll=100.0)
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
    assert "end of period 3" in text and f"SYNTHETIC replay {day.date()}" in text
    bets = pd.concat(frames).query("decision == 'bet'")
    over, under = bets["side"].eq("over"), bets["side"].eq("under")
    won = (over & (bets["final_pra"] > bets["line"])) | (under & (bets["final_pra"] < bets["line"]))
    assert f"{int(won.sum())} live bets won at the final buzzer" in text


def one_player_offers(live: SyntheticLive) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Forecasts, the states and the live book of one player at half time (his props only), late in the league
    (every player eligible)."""
    at = live.states.loc[(live.states["period"] == 2) & live.states["line"].notna()].tail(200)
    forecasts, lines, cands = model_candidates(live, at, bankroll=1000.0)
    # the player whose live bet has the largest stake: alone, his stake is not cut by another player's
    top = cands.loc[cands["decision"].eq("bet")].sort_values("stake").iloc[-1]
    mine = (at["game_id"] == top["game_id"]) & (at["player_id"] == top["player_id"])
    return forecasts.loc[mine.to_numpy()], at.loc[mine], lines.merge(at.loc[mine, KEYS], on=KEYS)


def test_live_bets_carry_their_game_state_and_an_id_of_their_own(live: SyntheticLive) -> None:
    forecasts, at, lines = one_player_offers(live)
    pricing = dataclasses.replace(conf(PricingSettings), method=PricingMethod.MODEL)
    cands = live_candidates(live_predictions(forecasts, live.predictions), forecasts, lines, conf(BettingSettings),
                            pricing, bankroll=1000.0, gate=Gate.open())
    row = cands.loc[cands["decision"].eq("bet")].iloc[0]
    state = at.iloc[0]
    assert row["phase"] == "live"
    assert [row[c] for c in ("live_period", "live_clock_s", "live_minutes", "live_pra", "live_pf", "live_margin")] == [
        2, 0.0, state["minutes"], state["pra"], state["pf"], state["margin"]]
    one = pd.Series([row["game_id"]]), pd.Series([row["player_id"]]), pd.Series([row["market"]])
    # hand-built: sha1 of "game|player|market|live|period|clock"
    expected = hashlib.sha1(f"{row['game_id']}|{int(row['player_id'])}|{row['market']}|live|2|0.0".encode()).hexdigest()
    assert row["bet_id"] == expected != bet_id(*one).iloc[0]  # never the pre-game bet's id
    assert live_bet_id(*one, pd.Series([3]), pd.Series([0.0])).iloc[0] != expected  # nor an earlier moment's


def test_a_player_s_pre_game_stake_counts_in_his_live_bet_s_cap(live: SyntheticLive) -> None:
    forecasts, at, lines = one_player_offers(live)
    pricing = dataclasses.replace(conf(PricingSettings), method=PricingMethod.MODEL)
    betting = dataclasses.replace(conf(BettingSettings), same_player_correlation=0.0, same_game_correlation=0.0)
    preds = live_predictions(forecasts, live.predictions)

    def stake(committed: pd.DataFrame | None) -> float:
        c = live_candidates(preds, forecasts, lines, betting, pricing, bankroll=1000.0, gate=Gate.open(),
                            committed=committed)
        return float(c.loc[c["decision"].eq("bet"), "stake"].sum())

    alone = stake(None)
    cap = betting.max_player_fraction * 1000.0  # 60 units
    assert 0 < alone <= betting.max_stake_fraction * 1000.0
    state = at.iloc[0]
    pre = pd.DataFrame({"game_id": [state["game_id"]], "game_date": [state["game_date"]],
                        "player_id": [state["player_id"]], "stake": [cap - 0.25]})
    assert stake(pre) == pytest.approx(min(alone, 0.25))  # 60 - 59.75 left
    assert stake(pre.assign(stake=cap)) == 0.0  # his cap is used up before tip-off
    other = pre.assign(player_id=-1, game_id="elsewhere")
    assert stake(other) == pytest.approx(alone)  # another player's stake elsewhere leaves his room whole


def test_a_recorded_replay_keeps_every_player_within_his_caps_and_settles_every_bet(live: SyntheticLive,
                                                                                   tmp_path) -> None:
    base = composed()  # priced by the (oracle) model: the market methods see no edge in an unbiased book
    model = dataclasses.replace(base.pricing, method=PricingMethod.MODEL)
    project = Project(PROJECT_ROOT, dataclasses.replace(base, pricing=model))
    betting = project.settings.betting
    day = pd.Timestamp(np.sort(live.states["game_date"].unique())[-4])
    bankroll = 1000.0
    pregame = night_pregame(live, day, project, gate=Gate.open(), stack=None, bankroll=bankroll)
    # that night's five pre-game bets hit the 5 % bet cap: 5 x 50 = 250 units = the 25 % day cap, so nothing is left
    # for any live bet: each live offer that passed the filters is cut by a cap (the day's, or first the game's
    # where that game's pre-game bets already filled it)
    assert placed_stakes(pregame)["stake"].sum() == pytest.approx(betting.max_day_fraction * bankroll)
    frames = replay_frames(live, day, project, gate=Gate.open(), stack=None, bankroll=bankroll,
                           committed=placed_stakes(pregame))
    live_frame = pd.concat(frames)
    assert live_frame["decision"].ne("bet").all() and live_frame["reason"].eq("cap_day").any()

    # looser day and game caps (for the night's pre-game bets too, as in the replay below): live bets are placed,
    # and each player's and game's pre-game + live stakes stay in their caps
    loose = dataclasses.replace(betting, max_day_fraction=1.0, max_game_fraction=2 * betting.max_game_fraction)
    project = Project(PROJECT_ROOT, dataclasses.replace(base, pricing=model, betting=loose))
    pregame = night_pregame(live, day, project, gate=Gate.open(), stack=None, bankroll=bankroll)
    frames = replay_frames(live, day, project, gate=Gate.open(), stack=None, bankroll=bankroll,
                           committed=placed_stakes(pregame))
    night = placed_stakes(pregame, *frames)
    assert len(night) > len(placed_stakes(pregame))
    tol = 1e-9
    assert night.groupby(["game_date", "player_id"])["stake"].sum().max() <= loose.max_player_fraction * bankroll + tol
    assert night.groupby("game_id")["stake"].sum().max() <= loose.max_game_fraction * bankroll + tol
    assert pd.concat(frames)["reason"].isin(["cap_player", "cap_game"]).any()  # the caps did bind

    out = io.StringIO()
    with LedgerStore(f"sqlite:///{tmp_path}/replay.db", table_prefix="replay_") as ledger:
        replay(project, day, gate=Gate.open(), stack=None, bankroll=bankroll, speed=1e6,
               console=Console(file=out, width=200), sleep=lambda _: None, live=live, ledger=ledger)
        stored = ledger.bets()
        assert len(stored) == len(night)
        replay(project, day, gate=Gate.open(), stack=None, bankroll=bankroll, speed=1e6,
               console=Console(file=io.StringIO(), width=200), sleep=lambda _: None, live=live, ledger=ledger)
        assert len(ledger.bets()) == len(night)  # a second replay of the night adds nothing
    assert "SYNTHETIC bets recorded in the replay ledger" in out.getvalue()
    assert set(stored["phase"]) == {"pregame", "live"} and stored["status"].eq("settled").all()
    in_play = stored.loc[stored["phase"] == "live"]
    assert in_play["live_period"].between(1, 3).all() and in_play["live_minutes"].notna().all()
    # settled on the final box score: the live frames' final PRA decides each live bet
    finals = pd.concat(frames).query("decision == 'bet'").set_index("bet_id")["final_pra"]
    rows = in_play.set_index("bet_id")
    expected = np.where(rows["side"] == "over", finals.loc[rows.index] > rows["line"],
                        finals.loc[rows.index] < rows["line"])
    assert (rows["result"].eq("win").to_numpy() == expected).all()


def test_live_without_a_fitted_model_says_how_to_fit_one_and_opens_no_ledger(tmp_project, capsys) -> None:
    assert main(["live"]) == 2
    err = capsys.readouterr().err
    assert "--fit data=synthetic" in err and "--replay" in err
    assert not (tmp_project / "ledger.db").exists()
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["live", "--help"])
    assert exc.value.code == 0 and "SYNTHETIC" in capsys.readouterr().out
    parsed = build_parser().parse_args(["live", "--replay", "2024-01-02", "--record"])
    assert parsed.record and not build_parser().parse_args(["live", "--replay", "2024-01-02"]).record


def test_live_replays_need_the_synthetic_league() -> None:
    project = load_project(PROJECT_ROOT, ["data=files"])
    with pytest.raises(ConfigError, match="synthetic league"):
        synthetic_live(project)


def test_the_live_model_fitted_on_the_synthetic_quarters_is_saved_as_json_labelled_synthetic(
        live: SyntheticLive, tmp_path) -> None:
    from nba_pra.live.fit import fit_live
    from nba_pra.live.night import load_fit
    from nba_pra.live.runner import fit_synthetic

    project = Project(tmp_path, composed())
    path, fitted = fit_synthetic(project, live=live)
    assert path == tmp_path / SETTINGS.model_file and fitted == fit_live(live.states, SETTINGS)
    loaded, label = load_fit(path)
    assert loaded == fitted and label.startswith("SYNTHETIC FIT")
    doc = json.loads(path.read_text())
    assert doc["synthetic"] and doc["fitted_on"]["league"] == "synthetic"
    assert doc["fitted_on"]["states"] == len(live.states) and doc["fitted_on"]["pregame_predictions"] == "oracle"
    assert path.stat().st_size < 10_000  # a small artifact


def test_a_replay_never_records_into_the_project_s_ledger(tmp_project, capsys) -> None:
    assert main(["live", "--replay", "2024-01-02", "--record", "live.replay.ledger.url=sqlite:///ledger.db",
                 "live.replay.ledger.table_prefix="]) == 2
    assert "never goes into the real ledger" in capsys.readouterr().err
    assert not (tmp_project / "ledger.db").exists()
