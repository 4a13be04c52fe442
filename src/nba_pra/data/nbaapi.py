"""The ``nba_api`` source: stats.nba.com game logs + the upcoming schedule -> ``data/`` (``nba-pra data fetch``).

The HTTP and endpoint layer is the `nba_api <https://github.com/swar/nba_api>`_ package: its endpoint classes
name the endpoint and build its parameters (:class:`~nba_api.stats.endpoints.leaguegamelog.LeagueGameLog`,
:class:`~nba_api.stats.endpoints.scheduleleaguev2.ScheduleLeagueV2`), and its
:class:`~nba_api.stats.library.http.NBAStatsHTTP` sends them with the browser headers stats.nba.com currently
accepts. stats.nba.com changes its endpoints, parameters and required headers without notice; the package is
maintained against those changes, so an upgrade (``uv lock --upgrade-package nba-api``) follows them instead of
our own copy of the headers going stale. What stays ours, around each call:

* **rate limit** -- at least ``min_interval_s`` between requests;
* **retries** -- 429 / 5xx / timeouts / connection errors are retried up to ``max_attempts`` with exponential
  backoff (``backoff_s`` doubling up to ``backoff_max_s``; a 429's ``Retry-After`` wins when larger);
* **validation** -- the raw JSON is read by the pure parsers below (clear errors on a changed shape), then by the
  same validation and table building as a file import;
* **cache** -- see below.

How we reach the package's HTTP layer (no monkeypatching of its internals): ``NBAStatsHTTP.set_session`` installs
our ``requests.Session`` for the duration of a call. Its response hook turns an HTTP error status into
``requests.HTTPError`` (nba_api itself never looks at the status), so the retry loop sees 429s and 5xx. When
``data.nba_api.base_url`` is set (a mirror, or a local test server), a ``requests`` transport adapter mounted on
nba_api's own base URL sends the same request there instead; empty means nba_api's base URL. Its ``proxy``
parameter is no alternative for tests: the base URL is https, so a proxy only sees a CONNECT tunnel.

Endpoints and payloads (the raw JSON):

* ``leaguegamelog`` (``PlayerOrTeam=P|T``, ``Season``, ``SeasonType``, ``DateFrom=MM/DD/YYYY``)
  -> ``{"resultSets": [{"name": "LeagueGameLog", "headers": [...], "rowSet": [[...], ...]}]}``.
  Player mode (P) gives one row per player who played (no DNP rows); team mode (T) one row per team-game
  (used to check that every completed game has player rows).
* ``scheduleleaguev2`` (``LeagueID=00``, ``Season``)
  -> ``{"leagueSchedule": {"gameDates": [{"games": [{"gameId", "gameStatus" (1 scheduled, 3 final),
  "gameDateEst", "gameDateTimeUTC", "homeTeam": {"teamTricode"}, "awayTeam": {"teamTricode"}}]}]}}``.

Cache: one parquet per (season, season type, mode) under ``<paths.cache>/<cache_dir>/``. A season whose
``season_closed_after`` date (MM-DD of its end year) has passed is final and never refetched; the current
season is refetched from its latest cached date on (``DateFrom``), so a daily run downloads only new games.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import requests
from nba_api.stats.endpoints.leaguegamelog import LeagueGameLog
from nba_api.stats.endpoints.scheduleleaguev2 import ScheduleLeagueV2
from nba_api.stats.library.http import NBAStatsHTTP
from requests.adapters import HTTPAdapter

from nba_pra.config import Project
from nba_pra.data.files import ImportResult, build_tables, planned_paths, publish, summarize
from nba_pra.data.settings import NbaApiSettings
from nba_pra.errors import DataError
from nba_pra.progress import progress_bar

log = logging.getLogger(__name__)

MODES = ("P", "T")
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_FINAL_STATUS = 3
_LEAGUE_NBA = "00"


class NbaApiError(DataError):
    """stats.nba.com could not be read (HTTP error, throttled or timed out after retries, malformed payload)."""


class StatsRequest(Protocol):
    """An nba_api endpoint built with ``get_request=False``: its name and its parameters, not yet sent."""

    endpoint: str
    parameters: dict[str, Any]


def game_log_request(season: str, season_type: str, mode: str, date_from: str = "") -> StatsRequest:
    """LeagueGameLog of one season, season type and mode (P players, T teams) from ``date_from`` (MM/DD/YYYY)."""
    return LeagueGameLog(league_id=_LEAGUE_NBA, season=season, season_type_all_star=season_type,
                         player_or_team_abbreviation=mode, date_from_nullable=date_from, get_request=False)


def schedule_request(season: str) -> StatsRequest:
    """ScheduleLeagueV2: every game of the season with its status and UTC tip time."""
    return ScheduleLeagueV2(league_id=_LEAGUE_NBA, season=season, get_request=False)


def _raise_for_status(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """Response hook: nba_api returns error pages as bodies; an error status must reach the retry loop."""
    response.raise_for_status()


class _BaseUrlAdapter(HTTPAdapter):
    """Sends a request for ``source`` + path to ``target`` + path (a stats mirror or a local test server)."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__()
        self.source, self.target = source, target

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        if url.startswith(self.source):
            request.url = self.target + url[len(self.source):]
            # nba_api sends ``Host: stats.nba.com``; the other server gets its own host name
            request.headers.pop("Host", None)
        return super().send(request, *args, **kwargs)


def redirected_session(source: str, base_url: str, session: requests.Session | None = None) -> requests.Session:
    """A session for one of nba_api's HTTP classes (``source``: its base URL): HTTP errors raised, and
    ``base_url`` (when set) replacing ``source``."""
    session = session or requests.Session()
    session.hooks["response"].append(_raise_for_status)
    if base_url:
        session.mount(source, _BaseUrlAdapter(source, base_url.rstrip("/") + "/"))
    return session


def stats_session(settings: NbaApiSettings, session: requests.Session | None = None) -> requests.Session:
    """The session nba_api sends through: HTTP errors raised, and ``base_url`` (when set) replacing nba_api's."""
    return redirected_session(NBAStatsHTTP.base_url.format(endpoint=""), settings.base_url, session)


@dataclass
class StatsClient:
    """Send nba_api endpoint requests, rate-limited and retried. ``sleep``/``clock`` are injectable."""

    settings: NbaApiSettings
    session: requests.Session | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests_made: int = 0
    _last: float | None = None
    _http: requests.Session = field(init=False)

    def __post_init__(self) -> None:
        self._http = stats_session(self.settings, self.session)

    def _wait_turn(self) -> None:
        if self._last is not None:
            remaining = self.settings.min_interval_s - (self.clock() - self._last)
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        delay = min(self.settings.backoff_s * 2 ** (attempt - 1), self.settings.backoff_max_s)
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, min(float(retry_after), self.settings.backoff_max_s))
        return delay

    def _send(self, request: StatsRequest) -> dict[str, Any]:
        """One request through nba_api with our session installed (the previous one put back after)."""
        previous = NBAStatsHTTP.get_session()
        NBAStatsHTTP.set_session(self._http)
        try:
            response = NBAStatsHTTP().send_api_request(
                endpoint=request.endpoint, parameters=request.parameters, timeout=self.settings.timeout_s
            )
        finally:
            NBAStatsHTTP.set_session(previous)
        try:
            payload = response.get_dict()
        except ValueError:
            raise NbaApiError(f"{request.endpoint} returned a body that is not JSON") from None
        if not isinstance(payload, dict):
            raise NbaApiError(f"{request.endpoint} returned JSON that is not an object")
        return payload

    def get(self, request: StatsRequest) -> dict[str, Any]:
        """The decoded JSON of an nba_api endpoint request; :class:`NbaApiError` after the last attempt."""
        name = request.endpoint
        problem = ""
        for attempt in range(1, self.settings.max_attempts + 1):
            self._wait_turn()
            self.requests_made += 1
            retry_after = None
            try:
                return self._send(request)
            except requests.Timeout:
                problem = f"timed out after {self.settings.timeout_s:g} s"
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else 0
                if status not in _RETRY_STATUS:
                    raise NbaApiError(f"{name} answered HTTP {status} for {dict(request.parameters)}") from None
                problem = f"HTTP {status}"
                retry_after = exc.response.headers.get("Retry-After") if exc.response is not None else None
            except requests.ConnectionError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            if attempt < self.settings.max_attempts:
                delay = self._backoff(attempt, retry_after)
                log.warning("%s: %s; retry %d/%d in %.1f s", name, problem, attempt,
                            self.settings.max_attempts - 1, delay)
                self.sleep(delay)
        raise NbaApiError(f"{name} failed after {self.settings.max_attempts} attempts: {problem}")


# --- payload parsing (pure) -----------------------------------------------------------------------------------


def result_set(payload: Mapping[str, Any], index: int = 0) -> pd.DataFrame:
    """The ``resultSets[index]`` table (headers + rowSet) of a stats response as a DataFrame."""
    try:
        rs = payload["resultSets"][index]
        return pd.DataFrame(rs["rowSet"], columns=rs["headers"])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise NbaApiError(f"malformed stats payload: no resultSets[{index}] headers/rowSet ({exc})") from None


def game_logs_to_input(player_logs: pd.DataFrame, season: str, season_type: str) -> pd.DataFrame:
    """Player-mode LeagueGameLog rows -> the box-score input schema of :mod:`nba_pra.data.files`.

    ``MATCHUP`` is "BOS vs. NYK" at home and "BOS @ NYK" away. The endpoint carries no starter or position
    (starter False; position from ``data.files.default_position``).
    """
    if player_logs.empty:
        return pd.DataFrame()
    matchup = player_logs["MATCHUP"].astype(str)
    home = matchup.str.contains(" vs. ", regex=False)
    return pd.DataFrame({
        "game_id": player_logs["GAME_ID"].astype(str),
        "game_date": pd.to_datetime(player_logs["GAME_DATE"]).dt.strftime("%Y-%m-%d"),
        "season": season,
        "season_type": season_type,
        "player_id": player_logs["PLAYER_ID"],
        "player_name": player_logs["PLAYER_NAME"],
        "team": player_logs["TEAM_ABBREVIATION"],
        "opponent": matchup.str.split(r" vs\. | @ ", regex=True).str[-1].str.strip(),
        "home": home,
        "minutes": player_logs["MIN"],
        **{c.lower(): player_logs[c] for c in ("PTS", "REB", "AST", "OREB", "DREB", "STL", "BLK", "TOV", "PF",
                                                "FGM", "FGA", "FG3M", "FG3A", "FTM", "FTA", "PLUS_MINUS")
           if c in player_logs.columns},
    })


def schedule_to_upcoming(payload: Mapping[str, Any], prefixes: tuple[str, ...]) -> pd.DataFrame:
    """Not-yet-final games of a ScheduleLeagueV2 payload -> upcoming-schedule rows (``tables.upcoming_games``)."""
    try:
        game_dates = payload["leagueSchedule"]["gameDates"]
        games = [g for day in game_dates for g in day["games"]]
        frame = pd.DataFrame({
            "game_id": [str(g["gameId"]) for g in games],
            "status": [int(g["gameStatus"]) for g in games],
            "game_date": [str(g["gameDateEst"])[:10] for g in games],
            "commence_time": [g["gameDateTimeUTC"] for g in games],
            "home_team": [g["homeTeam"]["teamTricode"] for g in games],
            "away_team": [g["awayTeam"]["teamTricode"] for g in games],
        })
    except (KeyError, TypeError, ValueError) as exc:
        raise NbaApiError(f"malformed schedule payload ({type(exc).__name__}: {exc})") from None
    keep = frame["game_id"].str[:3].isin(prefixes) & (frame["status"] != _FINAL_STATUS)
    return frame.loc[keep].drop(columns="status").reset_index(drop=True)


# --- cache ----------------------------------------------------------------------------------------------------


def cache_path(cache_dir: Path, season: str, season_type: str, mode: str) -> Path:
    return cache_dir / f"{season}_{season_type.replace(' ', '_').lower()}_{mode}.parquet"


def season_closed(season: str, today: date, closed_after: str) -> bool:
    """True when ``today`` is past ``closed_after`` (MM-DD) of the season's end year ("2023-24" -> 2024)."""
    end_year = int(season[:4]) + 1
    month, day = (int(x) for x in closed_after.split("-"))
    return today > date(end_year, month, day)


def fetch_game_log(client: StatsClient, cache_dir: Path, season: str, season_type: str, mode: str,
                   today: date) -> pd.DataFrame:
    """The season's game log for one mode: cached rows + only the games since the latest cached date.

    The latest cached date is refetched (games finishing late), and rows are de-duplicated on
    (GAME_ID, PLAYER_ID / TEAM_ID) keeping the newest. Closed seasons with a cache do no request at all.
    """
    path = cache_path(cache_dir, season, season_type, mode)
    cached = pd.read_parquet(path) if path.is_file() else None
    if cached is not None and season_closed(season, today, client.settings.season_closed_after):
        return cached
    date_from = ""
    if cached is not None and not cached.empty:
        date_from = pd.to_datetime(cached["GAME_DATE"]).max().strftime("%m/%d/%Y")
    fresh = result_set(client.get(game_log_request(season, season_type, mode, date_from)))
    key = ["GAME_ID", "PLAYER_ID" if mode == "P" else "TEAM_ID"]
    merged = fresh if cached is None else pd.concat([cached, fresh], ignore_index=True)
    if not merged.empty:
        merged = merged.drop_duplicates(key, keep="last").reset_index(drop=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    merged.to_parquet(tmp, index=False)
    tmp.replace(path)
    log.info("nba_api %s %s %s: %d rows (%d new)", season, season_type, mode, len(merged), len(fresh))
    return merged


def check_team_coverage(player_input: pd.DataFrame, team_logs: pd.DataFrame) -> None:
    """Every completed team-game of the T-mode log has player rows (a partial P-mode answer is an error)."""
    if team_logs.empty:
        return
    missing = set(team_logs["GAME_ID"].astype(str)) - set(player_input.get("game_id", pd.Series(dtype=str)))
    if missing:
        raise NbaApiError(f"{len(missing)} completed game(s) have no player rows, e.g. {sorted(missing)[:3]}")


def fetch_all(client: StatsClient, cache_dir: Path, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(box-score input rows of every configured season and season type, upcoming games of the last season)."""
    s = client.settings
    parts = []
    jobs = [(season, season_type) for season in s.seasons for season_type in s.season_types]
    with progress_bar("stats.nba.com game logs") as update:
        for done, (season, season_type) in enumerate(jobs, start=1):
            players = fetch_game_log(client, cache_dir, season, season_type, "P", today)
            teams = fetch_game_log(client, cache_dir, season, season_type, "T", today)
            rows = game_logs_to_input(players, season, season_type)
            check_team_coverage(rows, teams)
            parts.append(rows)
            update(done, len(jobs), f"{season} {season_type}")
    rows = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(
        not p.empty for p in parts) else pd.DataFrame()
    if rows.empty:
        raise NbaApiError(f"stats.nba.com returned no game for seasons {', '.join(s.seasons)}")
    payload = client.get(schedule_request(s.seasons[-1]))
    return rows, schedule_to_upcoming(payload, s.game_id_prefixes)


def fetch_nba_api(project: Project, *, today: date | None = None,
                  session: requests.Session | None = None) -> ImportResult:
    """Fetch (incrementally) and publish the raw tables; the slate is the next scheduled date, or -- in the
    off-season, with nothing scheduled -- the last game date replayed (as a file import without schedule)."""
    s = project.settings.data
    today = today or date.today()
    client = StatsClient(s.nba_api, session=session)
    # outside data/: a fetch that fails validation must leave data/ (and data.dvc) as they were
    cache_dir = project.path("cache", s.nba_api.cache_dir)
    rows, upcoming = fetch_all(client, cache_dir, today)
    tables = build_tables(
        rows,
        settings=s.files,
        active_days=s.rosters.active_days,
        validation=s.validation,
        today=today,
        upcoming=upcoming if not upcoming.empty else None,
    )
    result = summarize(tables, planned_paths(tables, project.path("data")))
    publish(project, tables)
    log.info("nba_api: %d requests; %d box-score rows through %s; slate %s (%d games)", client.requests_made,
             result.rows, result.last_date, result.slate_date, result.slate_games)
    return result
