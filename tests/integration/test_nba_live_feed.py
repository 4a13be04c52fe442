"""The NBA's live box score through nba_api's live endpoint, against a real local HTTP server serving the CDN's
``liveData/boxscore/boxscore_<gameId>.json`` shape (nba_api's ``BoxScore.expected_data``), then the in-game model
on the states it gives. No network."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from local_http import LocalHTTPServer, QuietHandler
from nba_pra.data.nbaapi import NbaApiError
from nba_pra.live.model import MINUTES_TERMS, LiveFit, final_probabilities, forecast
from nba_pra.live.nba_live import LiveBoxScoreClient, boxscore_states, clock_seconds
from nba_pra.live.settings import LiveSettings, NbaLiveFeedSettings
from settings_support import conf


def player(pid: int, name: str, *, minutes: str, pts: int, reb: int, ast: int, pf: int, oncourt: str = "1",
           status: str = "ACTIVE", played: str = "1") -> dict[str, Any]:
    return {"status": status, "order": 1, "personId": pid, "jerseyNum": "0", "position": "SF", "starter": "1",
            "oncourt": oncourt, "played": played, "name": name, "nameI": name, "firstName": name.split()[0],
            "familyName": name.split()[-1],
            "statistics": {"assists": ast, "blocks": 0, "foulsPersonal": pf, "minutes": minutes,
                           "minutesCalculated": minutes[:-6] + "M" if minutes else "", "points": pts,
                           "reboundsDefensive": reb, "reboundsOffensive": 0, "reboundsTotal": reb, "steals": 0,
                           "turnovers": 0}}


#: a game in the third quarter, 5:23 on the clock, BOS 78 - 71 NYK
LIVE_GAME = {
    "meta": {"version": 1, "code": 200, "request": "http://nba.cloud/games/0022400101/boxscore?Format=json",
             "time": "2024-11-20 21:14:05.000000"},
    "game": {
        "gameId": "0022400101", "gameTimeUTC": "2024-11-21T00:30:00Z", "gameStatusText": "Q3 5:23", "gameStatus": 2,
        "regulationPeriods": 4, "period": 3, "gameClock": "PT05M23.00S",
        "homeTeam": {"teamId": 1610612738, "teamTricode": "BOS", "score": 78, "players": [
            player(1628369, "Jayson Tatum", minutes="PT27M41.00S", pts=22, reb=7, ast=4, pf=2),
            player(1627759, "Jaylen Brown", minutes="PT24M05.00S", pts=15, reb=3, ast=2, pf=5, oncourt="0"),
            player(1630202, "Payton Pritchard", minutes="", pts=0, reb=0, ast=0, pf=0, oncourt="0",
                   status="INACTIVE", played="0"),
        ]},
        "awayTeam": {"teamId": 1610612752, "teamTricode": "NYK", "score": 71, "players": [
            player(1628973, "Jalen Brunson", minutes="PT29M02.50S", pts=24, reb=2, ast=6, pf=6, oncourt="0"),
        ]},
    },
}


class LiveServer(LocalHTTPServer):
    """Serves ``/boxscore/boxscore_<id>.json`` from a dict of payloads; a listed status answers instead."""

    def __init__(self, games: dict[str, dict[str, Any]], status: int | None = None, body: str | None = None) -> None:
        self.paths: list[str] = []
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                server.paths.append(self.path)
                game_id = self.path.rsplit("_", 1)[-1].removesuffix(".json")
                if status is not None or game_id not in games:
                    self.send_response(status or 403)
                    self.end_headers()
                    return
                self.send_json((body if body is not None else json.dumps(games[game_id])).encode())

        super().__init__(Handler)


def settings_for(url: str) -> NbaLiveFeedSettings:
    return replace(conf(NbaLiveFeedSettings), base_url=url)


def test_clocks_are_iso_durations() -> None:
    assert clock_seconds("PT05M23.00S") == 323.0
    assert clock_seconds("PT240M00.00S") == 14400.0
    assert clock_seconds("PT00M07.40S") == pytest.approx(7.4)
    assert clock_seconds("") == 0.0
    with pytest.raises(NbaApiError, match="ISO 8601"):
        clock_seconds("5:23")


def test_the_live_box_score_is_fetched_through_nba_api_and_read_into_states() -> None:
    with LiveServer({"0022400101": LIVE_GAME}) as server:
        client = LiveBoxScoreClient(settings_for(server.root_url))
        states = client.states("0022400101")
    assert server.paths == ["/boxscore/boxscore_0022400101.json"] and client.requests_made == 1
    tatum = states.set_index("player_id").loc[1628369]
    assert (tatum["team"], tatum["period"], tatum["clock_s"]) == ("BOS", 3, 323.0)
    assert tatum["minutes"] == pytest.approx(27 + 41 / 60) and tatum["pra"] == 33 and tatum["margin"] == 7
    assert bool(tatum["on_court"]) and not bool(tatum["out"])
    brunson = states.set_index("player_id").loc[1628973]
    assert brunson["margin"] == -7 and brunson["pf"] == 6 and brunson["minutes"] == pytest.approx(29 + 2.5 / 60)
    assert bool(states.set_index("player_id").loc[1630202, "out"])


def test_the_in_game_model_reads_the_feed_s_states() -> None:
    """A fouled-out player is certain; an active one has minutes left and probabilities that add up to one."""
    states = boxscore_states(LIVE_GAME).assign(mean=30.0, var=70.0, dist_family="negbin", pregame_minutes=34.0)
    live = LiveFit(12.0, tuple(0.0 for _ in MINUTES_TERMS), 30.0, (1.8, 0.05, 0.02), 0)
    out = forecast(states, live, conf(LiveSettings)).set_index("player_id")
    assert out.loc[1628973, "remaining_minutes"] == 0.0  # fouled out
    assert out.loc[1630202, "remaining_minutes"] == 0.0  # inactive
    assert 0 < out.loc[1628369, "remaining_minutes"] < 17.4  # 5:23 + 12 minutes left in the game
    probs = final_probabilities(out.reset_index(), 40.5)
    total = probs.p_over + probs.p_under + probs.p_push
    assert total == pytest.approx([1.0] * len(out))


def test_a_final_game_is_its_last_period_with_the_clock_out_and_a_scheduled_one_has_no_state() -> None:
    final = copy.deepcopy(LIVE_GAME)
    final["game"].update(gameStatus=3, period=4, gameClock="PT00M00.00S")
    assert (boxscore_states(final)["clock_s"] == 0).all() and (boxscore_states(final)["period"] == 4).all()
    scheduled = copy.deepcopy(LIVE_GAME)
    scheduled["game"]["gameStatus"] = 1
    assert boxscore_states(scheduled).empty


def test_a_changed_shape_or_a_failed_request_is_one_sentence() -> None:
    broken = copy.deepcopy(LIVE_GAME)
    del broken["game"]["homeTeam"]["players"]
    with pytest.raises(NbaApiError, match=r"no 'game.homeTeam.players'"):
        boxscore_states(broken)
    with LiveServer({}) as server, pytest.raises(NbaApiError, match="HTTP 403"):
        LiveBoxScoreClient(settings_for(server.root_url)).fetch("0022400999")
    with (LiveServer({"0022400101": LIVE_GAME}, body="<html>busy</html>") as server,
          pytest.raises(NbaApiError, match=r"not JSON|not a JSON object")):
        LiveBoxScoreClient(settings_for(server.root_url)).fetch("0022400101")
    with (LiveServer({"0022400101": LIVE_GAME}, status=503) as server,
          pytest.raises(NbaApiError, match="HTTP 503")):
        LiveBoxScoreClient(settings_for(server.root_url)).fetch("0022400101")
    with LiveServer({}) as gone:
        url = gone.root_url  # closed on leaving the block: nothing listens there any more
    with pytest.raises(NbaApiError, match="could not be read"):
        LiveBoxScoreClient(settings_for(url)).fetch("0022400101")


def test_the_feed_states_frame_has_one_row_per_listed_player() -> None:
    states = boxscore_states(LIVE_GAME)
    assert len(states) == 4 and isinstance(states, pd.DataFrame)
    assert states["game_id"].eq("0022400101").all()
