"""The nba_api source against a real local HTTP server serving stats.nba.com response shapes (no network).

Requests go through the ``nba_api`` package (its endpoint classes and HTTP layer); ``data.nba_api.base_url``
sends them to the local server. The server speaks ``/stats/leaguegamelog`` (resultSets/headers/rowSet, P and T
modes, honouring DateFrom) and ``/stats/scheduleleaguev2``; it can throttle (429) or stall (timeouts) on demand
and records every request (and its headers), so the tests see exactly what the client asked and when.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from nba_api.stats.endpoints.playercareerstats import PlayerCareerStats
from nba_api.stats.library.http import NBAStatsHTTP

from conftest import copy_project
from local_http import LocalHTTPServer, QuietHandler
from nba_pra.config import Project, load_project
from nba_pra.data.nbaapi import NbaApiError, StatsClient, fetch_nba_api, schedule_request, season_closed
from nba_pra.data.settings import NbaApiSettings
from settings_support import conf

P_HEADERS = ["SEASON_ID", "PLAYER_ID", "PLAYER_NAME", "TEAM_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID",
             "GAME_DATE", "MATCHUP", "WL", "MIN", "FGM", "FGA", "FG_PCT", "FG3M", "FG3A", "FG3_PCT", "FTM", "FTA",
             "FT_PCT", "OREB", "DREB", "REB", "AST", "STL", "BLK", "TOV", "PF", "PTS", "PLUS_MINUS",
             "FANTASY_PTS", "VIDEO_AVAILABLE"]
T_HEADERS = ["SEASON_ID", "TEAM_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE", "MATCHUP", "WL",
             "MIN", "PTS", "PLUS_MINUS", "VIDEO_AVAILABLE"]
TEAMS = {"BOS": (1610612738, [(1628369, "Jayson Tatum"), (1627759, "Jaylen Brown")]),
         "NYK": (1610612752, [(1628973, "Jalen Brunson"), (1629011, "Mitchell Robinson")])}
#: the current season's completed games: (game_id, date, home, away)
GAMES = [("0022300001", "2023-10-25", "NYK", "BOS"), ("0022300002", "2023-10-27", "BOS", "NYK"),
         ("0022300003", "2023-10-30", "NYK", "BOS")]
#: the schedule: the three games above (final) + two upcoming
UPCOMING = [("0022300004", "2023-11-01", "BOS", "NYK", "2023-11-01T23:30:00Z"),
            ("0022300005", "2023-11-03", "NYK", "BOS", "2023-11-04T00:00:00Z")]


def player_rows(games):
    rows = []
    for game_id, day, home, away in games:
        for team, opp in ((home, away), (away, home)):
            team_id, players = TEAMS[team]
            sep = " vs. " if team == home else " @ "
            for i, (pid, name) in enumerate(players):
                pts, reb, ast = 20 + i, 5 + i, 4 - i
                rows.append(["22023", pid, name, team_id, team, team, game_id, day, f"{team}{sep}{opp}", "W",
                             30 + i, 8, 15, 0.5, 2, 5, 0.4, 2, 2, 1.0, 1, reb - 1, reb, ast, 1, 0, 2, 3, pts,
                             5, 40.0, 1])
    return rows


def team_rows(games):
    return [["22023", TEAMS[t][0], t, t, g, d, f"{t}{' vs. ' if t == h else ' @ '}{o}", "W", 240, 100, 5, 1]
            for g, d, h, a in games for t, o in ((h, a), (a, h))]


class StatsServer(LocalHTTPServer):
    """A stats.nba.com look-alike on 127.0.0.1; ``throttle``/``stall`` make the next N requests fail."""

    def __init__(self) -> None:
        self.games = list(GAMES)
        self.requests: list[tuple[float, str, dict]] = []
        self.headers: list[dict[str, str]] = []
        self.throttle = 0
        self.stall = 0
        self.stall_seconds = 1.0
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
                server.requests.append((time.monotonic(), url.path, query))
                server.headers.append(dict(self.headers.items()))
                if server.stall > 0:
                    server.stall -= 1
                    time.sleep(server.stall_seconds)
                if server.throttle > 0:
                    server.throttle -= 1
                    self.send_response(429)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                body = server.answer(url.path, query)
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_json(json.dumps(body).encode())

        super().__init__(Handler)

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/stats"

    def answer(self, path: str, query: dict):
        if path == "/stats/leaguegamelog":
            current = query.get("Season") == "2023-24" and query.get("SeasonType") == "Regular Season"
            games = self.games if current else []
            if query.get("DateFrom"):
                start = pd.Timestamp(query["DateFrom"])
                games = [g for g in games if pd.Timestamp(g[1]) >= start]
            if query.get("PlayerOrTeam") == "P":
                return {"resource": "leaguegamelog", "resultSets": [
                    {"name": "LeagueGameLog", "headers": P_HEADERS, "rowSet": player_rows(games)}]}
            return {"resource": "leaguegamelog", "resultSets": [
                {"name": "LeagueGameLog", "headers": T_HEADERS, "rowSet": team_rows(games)}]}
        if path == "/stats/scheduleleaguev2":
            final = {g[0] for g in self.games}
            entries = [(g, d, h, a, f"{d}T23:30:00Z") for g, d, h, a in GAMES] + UPCOMING
            return {"leagueSchedule": {"seasonYear": query.get("Season"), "gameDates": [{"gameDate": d, "games": [
                {"gameId": g, "gameStatus": 3 if g in final else 1, "gameDateEst": f"{d}T00:00:00Z",
                 "gameDateTimeUTC": utc, "homeTeam": {"teamTricode": h}, "awayTeam": {"teamTricode": a}}]}
                for g, d, h, a, utc in entries]}}
        return None

    def game_log_requests(self) -> list[dict]:
        return [q for _, p, q in self.requests if p.endswith("leaguegamelog")]


@pytest.fixture
def server():
    with StatsServer() as stats:
        yield stats


def fast_settings(base_url: str, **changes) -> NbaApiSettings:
    defaults = {"base_url": base_url, "seasons": ("2023-24",), "season_types": ("Regular Season",), "timeout_s": 0.5,
                "min_interval_s": 0.0, "backoff_s": 0.01, "backoff_max_s": 0.05, "max_attempts": 3}
    return conf(NbaApiSettings, **{**defaults, **changes})


def api_project(tmp_path: Path, server: StatsServer, **changes) -> Project:
    root = copy_project(tmp_path / "project")
    project = load_project(root, ["data=nba_api"])
    data = replace(project.settings.data, nba_api=fast_settings(server.base_url, **changes))
    return replace(project, settings=replace(project.settings, data=data))


def test_fetch_writes_the_raw_tables_with_the_next_scheduled_slate(tmp_path: Path, server: StatsServer) -> None:
    project = api_project(tmp_path, server)
    result = fetch_nba_api(project, today=date(2023, 10, 31))
    assert (result.rows, result.seasons, result.slate_date, result.slate_games) == (12, ("2023-24",),
                                                                                      "2023-11-01", 1)
    box = pd.read_parquet(project.path("data", "box_scores.parquet"))
    tatum = box.loc[(box["player_id"] == 1628369) & (box["game_id"] == "0022300001")].iloc[0]
    assert (tatum["team"], tatum["opponent"], bool(tatum["home"]), tatum["pts"] + tatum["reb"] + tatum["ast"]) \
        == ("BOS", "NYK", False, 29.0)
    schedule = pd.read_parquet(project.path("data", "schedule.parquet"))
    assert schedule["status"].tolist() == ["final"] * 3 + ["scheduled"] * 2
    assert str(schedule["commence_time"].iloc[3]) == "2023-11-01 23:30:00+00:00"
    rosters = pd.read_parquet(project.path("data", "rosters.parquet"))
    assert sorted(rosters["player_id"]) == sorted(pid for _, ps in TEAMS.values() for pid, _ in ps)
    first = server.requests[0]
    assert first[1] == "/stats/leaguegamelog"
    assert first[2]["PlayerOrTeam"] == "P" and first[2]["Season"] == "2023-24" and first[2]["DateFrom"] == ""


def test_requests_carry_the_nba_api_packages_browser_headers(server: StatsServer) -> None:
    StatsClient(fast_settings(server.base_url)).get(schedule_request("2023-24"))
    sent = server.headers[0]
    # the package's headers (what stats.nba.com currently accepts), not a copy of ours
    assert sent["User-Agent"] == NBAStatsHTTP.headers["User-Agent"] and "Chrome" in sent["User-Agent"]
    assert sent["Referer"] == "https://www.nba.com/"
    assert sent["Host"] == server.root_url.removeprefix("http://")  # not stats.nba.com: the request was re-aimed
    assert server.requests[0][2] == {"LeagueID": "00", "Season": "2023-24"}


def test_the_nba_api_session_is_put_back_after_a_request(server: StatsServer) -> None:
    before = NBAStatsHTTP.get_session()
    StatsClient(fast_settings(server.base_url)).get(schedule_request("2023-24"))
    assert NBAStatsHTTP.get_session() is before


def test_a_daily_rerun_asks_only_for_games_since_the_latest_cached_date(tmp_path: Path,
                                                                       server: StatsServer) -> None:
    project = api_project(tmp_path, server)
    server.games = GAMES[:2]
    fetch_nba_api(project, today=date(2023, 10, 28))
    server.requests.clear()
    server.games = GAMES
    result = fetch_nba_api(project, today=date(2023, 10, 31))
    assert {q["DateFrom"] for q in server.game_log_requests()} == {"10/27/2023"}
    assert result.rows == 12 and result.last_date == "2023-10-30"


def test_a_closed_season_is_served_from_its_cache_without_requests(tmp_path: Path, server: StatsServer) -> None:
    project = api_project(tmp_path, server)
    fetch_nba_api(project, today=date(2023, 10, 31))
    server.requests.clear()
    fetch_nba_api(project, today=date(2024, 8, 1))
    assert server.game_log_requests() == []


def test_throttled_requests_are_retried_until_they_succeed(tmp_path: Path, server: StatsServer) -> None:
    server.throttle = 2
    client = StatsClient(fast_settings(server.base_url))
    payload = client.get(schedule_request("2023-24"))
    assert "leagueSchedule" in payload and client.requests_made == 3


def test_persistent_throttling_fails_with_the_status_after_the_last_attempt(server: StatsServer) -> None:
    server.throttle = 10
    client = StatsClient(fast_settings(server.base_url))
    with pytest.raises(NbaApiError, match="failed after 3 attempts: HTTP 429"):
        client.get(schedule_request("2023-24"))
    assert len(server.requests) == 3


def test_a_timed_out_request_is_retried_and_then_succeeds(server: StatsServer) -> None:
    server.stall, server.stall_seconds = 1, 0.6
    client = StatsClient(fast_settings(server.base_url, timeout_s=0.2))
    assert "leagueSchedule" in client.get(schedule_request("2023-24"))
    assert client.requests_made == 2


def test_timeouts_on_every_attempt_fail_naming_the_timeout(server: StatsServer) -> None:
    server.stall, server.stall_seconds = 2, 0.4
    client = StatsClient(fast_settings(server.base_url, timeout_s=0.1, max_attempts=2))
    with pytest.raises(NbaApiError, match=r"timed out after 0\.1 s"):
        client.get(schedule_request("2023-24"))


def test_requests_are_spaced_by_the_minimum_interval(server: StatsServer) -> None:
    client = StatsClient(fast_settings(server.base_url, min_interval_s=0.3))
    started = time.monotonic()
    for _ in range(3):
        client.get(schedule_request("2023-24"))
    assert time.monotonic() - started >= 0.6  # two waits between three requests
    # each wait, on a clock that only the waits move (arrival times at the server jitter on a busy machine):
    # a request sent no time after the previous one waits the whole interval
    now, waits = [0.0], []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    paced = StatsClient(fast_settings(server.base_url, min_interval_s=0.3), sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        paced.get(schedule_request("2023-24"))
    assert waits == [0.3, 0.3] and len(server.requests) == 6


def test_an_unknown_endpoint_fails_at_once_with_its_status(server: StatsServer) -> None:
    client = StatsClient(fast_settings(server.base_url))
    with pytest.raises(NbaApiError, match="HTTP 404"):
        client.get(PlayerCareerStats(player_id="1628369", get_request=False))  # an endpoint the server lacks
    assert len(server.requests) == 1


def test_a_season_closes_after_the_configured_day_of_its_end_year() -> None:
    assert not season_closed("2023-24", date(2024, 7, 1), "07-01")
    assert season_closed("2023-24", date(2024, 7, 2), "07-01")


def test_the_nba_api_source_is_what_generate_runs_when_configured(tmp_path: Path, server: StatsServer) -> None:
    from nba_pra.data.sources import generate

    project = api_project(tmp_path, server)
    assert project.settings.data.source == "nba_api"
    paths = generate(project)
    assert sorted(paths) == ["box_scores", "lines", "rosters", "schedule"]
    assert len(pd.read_parquet(paths["box_scores"])) == 12
