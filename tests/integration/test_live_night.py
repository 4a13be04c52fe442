"""``nba-pra live`` on tonight's games, against the local NBA live box-score server and the local The Odds API v4
server: the fitted model's JSON artifact, the states joined to the pre-game forecasts, live candidates through the
pre-game path with the ledger's pre-game stakes in the caps, one live bet per prop and period recorded with its
game state, and the loop ending when the games are final. No network."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from test_nba_live_feed import LiveServer, player, settings_for

from nba_pra.betting.gate import Gate
from nba_pra.betting.settings import PricingMethod
from nba_pra.config import Project
from nba_pra.errors import ConfigError
from nba_pra.ledger.store import LedgerStore
from nba_pra.live.artifact import SYNTHETIC_LABEL, fit_document, fit_from_document
from nba_pra.live.model import MINUTES_TERMS, LiveFit
from nba_pra.live.nba_live import LiveBoxScoreClient
from nba_pra.live.night import join_live, load_fit, new_live_bets, pregame_rows, run_night
from nba_pra.live.odds_live import LiveOddsPoller
from nba_pra.live.poll import PollEnd
from nba_pra.model.distributions import DistributionFamily
from nba_pra.model.predictions import prediction_frame
from nba_pra.model.recalibration import PlattMap
from odds_server import OddsApiServer
from odds_support import FAKE_KEY, make_slate, odds_settings, v4_events, v4_odds
from settings_support import PROJECT_ROOT, composed

FIT = LiveFit(12.0, tuple(0.0 for _ in MINUTES_TERMS), 30.0, (1.8, 0.05, 0.02), 5000,
              (PlattMap(), PlattMap(0.1, 0.9, 300, 1e-4, 0.05, 0.95)))
NOW = pd.Timestamp("2024-01-16T01:45:00Z")


@pytest.fixture(autouse=True)
def _key_in_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ODDS_API_KEY", FAKE_KEY)
    monkeypatch.delenv("ODDS_API_FREE_KEY", raising=False)
    monkeypatch.chdir(tmp_path)


def test_the_fitted_model_round_trips_through_its_json_artifact_labelled_synthetic(tmp_path: Path) -> None:
    doc = fit_document(FIT, fitted_on={"league": "synthetic", "seed": 7})
    assert doc["synthetic"] and doc["label"] == SYNTHETIC_LABEL and "SYNTHETIC" in doc["label"]
    path = tmp_path / "live_model.json"
    path.write_text(json.dumps(doc))
    fit, label = load_fit(path)
    assert fit == FIT and label == SYNTHETIC_LABEL
    with pytest.raises(ConfigError, match="--fit"):
        load_fit(tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="another version"):
        fit_from_document({**doc, "minutes_terms": ["intercept"]}, "x.json")
    with pytest.raises(ConfigError, match="not a live model file"):
        fit_from_document({"format": 1, "minutes_terms": list(MINUTES_TERMS)}, "x.json")


def pregame() -> pd.DataFrame:
    """The champion's pre-game predictions of the odds tests' slate (Tatum 44, Brown 30, Brunson 35, ...)."""
    rows = make_slate().assign(n_prior_games=60, eligible=True)
    means = rows["player_id"].map({1: 44.0, 2: 30.0, 3: 35.0, 5: 50.0, 6: 40.0, 7: 42.0}).to_numpy(float)
    preds = prediction_frame(rows, means, 2.2 * means, DistributionFamily.NEGBIN).assign(model_version="3",
                                                                                          model_uri="models:/x/3")
    features = rows.loc[:, ["game_id", "player_id"]].assign(roll_minutes_ewm_h7=36.0)
    return pregame_rows(preds, features, composed().live)


def box(game_id: str, status: int, period: int, clock: str, score: tuple[int, int],
        players: list[tuple[str, list[dict]]]) -> dict:
    home, away = players
    return {"game": {"gameId": game_id, "gameStatus": status, "period": period, "gameClock": clock,
                     "homeTeam": {"teamTricode": home[0], "score": score[0], "players": home[1]},
                     "awayTeam": {"teamTricode": away[0], "score": score[1], "players": away[1]}}}


#: G1 (BOS-NYK, ids of the odds tests' slate) in Q3 with 5:23 left: Tatum 33 PRA in 27:41
G1_LIVE = box("G1", 2, 3, "PT05M23.00S", (78, 71), [
    ("BOS", [player(1, "Jayson Tatum", minutes="PT27M41.00S", pts=22, reb=7, ast=4, pf=2),
             player(2, "Jaylen Brown", minutes="PT24M05.00S", pts=15, reb=3, ast=2, pf=5, oncourt="0")]),
    ("NYK", [player(3, "Jalen Brunson", minutes="PT29M02.50S", pts=24, reb=2, ast=6, pf=6, oncourt="0")]),
])
G2_SCHEDULED = box("G2", 1, 0, "", (0, 0), [("DEN", []), ("LAL", [])])


def test_live_states_join_the_pre_game_forecast_and_players_without_one_are_left_out() -> None:
    from nba_pra.live.nba_live import boxscore_states

    states = boxscore_states(G1_LIVE)
    extra = states.iloc[[0]].assign(player_id=99)  # no pre-game prediction
    joined = join_live(pd.concat([states, extra]), pregame())
    assert sorted(joined["player_id"]) == [1, 2, 3]
    tatum = joined.set_index("player_id").loc[1]
    assert (tatum["mean"], tatum["pregame_minutes"], tatum["pra"], tatum["clock_s"]) == (44.0, 36.0, 33.0, 323.0)


def test_a_prop_gets_one_live_bet_per_period() -> None:
    cands = pd.DataFrame({"game_id": ["G1", "G1", "G1"], "player_id": [1, 2, 3], "market": "m",
                          "live_period": [3, 3, 3], "decision": ["bet", "bet", "pass"]})
    recorded = pd.DataFrame({"game_id": ["G1", "G1", "G1"], "player_id": [1, 2, 1], "market": "m",
                             "live_period": [3.0, 2.0, None], "phase": ["live", "live", "pregame"]})
    # player 1 already has a live bet in period 3; player 2's was in period 2; player 3 is a pass
    assert new_live_bets(cands, recorded)["player_id"].tolist() == [2]
    assert new_live_bets(cands, recorded.iloc[:0])["player_id"].tolist() == [1, 2]


def test_tonight_is_polled_until_the_games_end_and_live_bets_share_the_caps_with_the_pre_game_bet(
        tmp_path: Path) -> None:
    base = composed()
    settings = dataclasses.replace(base, pricing=dataclasses.replace(base.pricing, method=PricingMethod.MODEL))
    project = Project(PROJECT_ROOT, settings)
    slate, pre = make_slate(), pregame()
    bankroll = settings.ledger.initial_bankroll
    cap = settings.betting.max_player_fraction * bankroll
    games = {"G1": G1_LIVE, "G2": G2_SCHEDULED}

    def final(payload: dict) -> dict:
        done = copy.deepcopy(payload)
        done["game"].update(gameStatus=3, period=4, gameClock="PT00M00.00S")
        return done

    out = io.StringIO()
    with (LiveServer(games) as nba_server,
          OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds()) as odds_server,
          LedgerStore(f"sqlite:///{tmp_path}/ledger.db") as ledger):
        # Tatum's pre-game bet leaves 1 unit of his player cap and 100 - 59 = 41 units of the G1 game cap
        pre_bet = {"bet_id": "p" * 40, "game_id": "G1", "game_date": slate["game_date"].iloc[0], "player_id": 1,
                   "market": settings.odds.market, "bookmaker": "draftkings", "side": "over", "line": 44.5,
                   "price": -110.0, "decimal_price": 1 + 100 / 110, "stake": cap - 1.0, "phase": "pregame"}
        ledger.record_bets(pd.DataFrame([pre_bet]))
        odds = LiveOddsPoller(odds_settings("theoddsapi", base_url=odds_server.base_url, env_file="no-such.env",
                                            quota_floor=0), cache_dir=tmp_path / "cache")
        summary = run_night(project, fit=(FIT, SYNTHETIC_LABEL), tonight=(slate, pre), gate=Gate.open(), stack=None,
                            ledger=ledger, record=True, console=Console(file=out, width=220),
                            # between polls both games end
                            sleep=lambda _: games.update(G1=final(G1_LIVE), G2=final(G2_SCHEDULED)),
                            now=lambda: NOW, nba=LiveBoxScoreClient(settings_for(nba_server.root_url)), odds=odds)
        stored = ledger.bets()
    assert (summary.end, summary.polls) == (PollEnd.GAMES_OVER, 2)
    assert summary.credits == 2 * 2 * odds.provider.request_cost()  # two polls x two games
    assert sorted(set(nba_server.paths)) == ["/boxscore/boxscore_G1.json", "/boxscore/boxscore_G2.json"]
    live = stored.loc[stored["phase"] == "live"].set_index("player_id")
    # one live bet, on Brown (five fouls in Q3: under his in-play 35.5), recorded once with its game state although
    # two polls saw the game; his stake is what the G1 game cap has left after Tatum's pre-game 59 units: 41
    assert live.index.tolist() == [2] and (live.loc[2, "side"], live.loc[2, "line"]) == ("under", 35.5)
    assert live.loc[2, "stake"] == pytest.approx(settings.betting.max_game_fraction * bankroll - (cap - 1.0))
    assert (live.loc[2, "live_period"], live.loc[2, "live_clock_s"], live.loc[2, "live_pf"],
            live.loc[2, "live_margin"], live.loc[2, "live_pra"]) == (3, 323.0, 5.0, 7.0, 20.0)
    assert live.loc[2, "model_version"] == "live" and live.loc[2, "game_id"] == "G1"
    assert stored.loc[stored["player_id"] == 1, "stake"].sum() <= cap + 1e-9  # Tatum within his cap
    shown = out.getvalue()
    assert SYNTHETIC_LABEL in shown and "stopped: games over" in shown
    assert "1 live bets recorded in the ledger" in shown
    offers = int(shown.split(" live offers decided")[0].rsplit(" ", 1)[-1])
    assert offers == 3 * 2  # poll 1: Tatum's and Brown's in-play props at the books quoting them; poll 2: none


def test_without_record_the_ledger_is_untouched_and_the_session_s_bets_count_in_the_caps(tmp_path: Path) -> None:
    base = composed()
    settings = dataclasses.replace(base, pricing=dataclasses.replace(base.pricing, method=PricingMethod.MODEL))
    project = Project(PROJECT_ROOT, settings)
    games = {"G1": G1_LIVE, "G2": G2_SCHEDULED}
    polls: list[int] = []

    def between(_: float) -> None:  # the same Q3 state twice, then both games final
        polls.append(1)
        if len(polls) == 2:
            for key in games:
                games[key] = copy.deepcopy(games[key])
                games[key]["game"].update(gameStatus=3, period=4, gameClock="PT00M00.00S")

    out = io.StringIO()
    with (LiveServer(games) as nba_server,
          OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds()) as odds_server,
          LedgerStore(f"sqlite:///{tmp_path}/ledger.db") as ledger):
        odds = LiveOddsPoller(odds_settings("theoddsapi", base_url=odds_server.base_url, env_file="no-such.env",
                                            quota_floor=0), cache_dir=tmp_path / "cache")
        summary = run_night(project, fit=(FIT, SYNTHETIC_LABEL), tonight=(make_slate(), pregame()),
                            gate=Gate.open(), stack=None, ledger=ledger, record=False,
                            console=Console(file=out, width=220), sleep=between, now=lambda: NOW,
                            nba=LiveBoxScoreClient(settings_for(nba_server.root_url)), odds=odds)
        assert ledger.bets().empty
    assert (summary.end, summary.polls) == (PollEnd.GAMES_OVER, 3)
    # poll 1: Tatum's over and Brown's under at the 50-unit bet cap = G1's 100-unit game cap; poll 2 sees the same
    # Q3 state, but the session's unrecorded bets count in the caps (and the props already have their period's bet)
    assert "2 live bets (not recorded" in out.getvalue() and "12 live offers decided" in out.getvalue()
