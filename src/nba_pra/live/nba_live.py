"""The NBA's live box score -> live states (the in-game model's partial box scores).

The HTTP layer is the ``nba_api`` package's live endpoint :class:`~nba_api.live.nba.endpoints.boxscore.BoxScore`
(``https://cdn.nba.com/static/json/liveData/boxscore/boxscore_<gameId>.json``) sent through our session
(:func:`nba_pra.data.nbaapi.redirected_session`: HTTP errors raised, ``live.feeds.nba.base_url`` replacing the CDN
when set, e.g. a local test server). One request per poll, no retry loop: a failed poll is tried again at the next
one, so :class:`LiveBoxScoreClient` turns any failure into one :class:`~nba_pra.data.nbaapi.NbaApiError` sentence.

Payload (the parts read; the shape of nba_api's ``BoxScore.expected_data``)::

    {"game": {"gameId", "gameStatus" (1 scheduled, 2 live, 3 final), "period", "gameClock": "PT05M23.00S",
              "homeTeam" / "awayTeam": {"teamTricode", "score",
                  "players": [{"personId", "name", "status" ("ACTIVE" | "INACTIVE"), "oncourt" ("0" | "1"),
                               "played" ("0" | "1"),
                               "statistics": {"minutes": "PT24M13.00S", "points", "reboundsTotal", "assists",
                                              "foulsPersonal"}}]}}}

:func:`boxscore_states` turns it into one state per player (:data:`nba_pra.live.state.STATE_COLUMNS` + ids): the
margin is his team's score minus the other's; ``out`` = not ``ACTIVE`` (inactive tonight). A final game is its last
period with the clock at 0; a scheduled one has no state yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd
import requests
from nba_api.live.nba.endpoints.boxscore import BoxScore
from nba_api.live.nba.library.http import NBALiveHTTP

from nba_pra.data.nbaapi import NbaApiError, redirected_session
from nba_pra.live.settings import NbaLiveFeedSettings

SCHEDULED: Final = 1
LIVE: Final = 2
FINAL: Final = 3
#: ISO 8601 durations as the live feed writes them: PT05M23.00S, PT240M00.00S
_CLOCK = re.compile(r"^PT(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")
#: the state columns of :func:`boxscore_states`, in order
BOXSCORE_STATE_COLUMNS: Final = (
    "game_id", "game_status", "player_id", "player_name", "team", "period", "clock_s", "minutes", "pra", "pf",
    "margin", "on_court", "out", "played",
)


def clock_seconds(text: str | None) -> float:
    """Seconds of an ISO 8601 duration such as ``PT05M23.00S`` (empty or missing: 0)."""
    if not text:
        return 0.0
    found = _CLOCK.match(text.strip())
    if found is None:
        raise NbaApiError(f"the live box score has a clock '{text}' that is not an ISO 8601 duration (PTmmMss.ssS)")
    minutes, seconds = found.groups()
    return 60.0 * float(minutes or 0) + float(seconds or 0)


def _get(node: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(node, Mapping) or key not in node:
        raise NbaApiError(f"the live box score has no '{where}.{key}' (its shape changed?)")
    return node[key]


def boxscore_states(payload: Mapping[str, Any]) -> pd.DataFrame:
    """One state per player of a live box score (module docstring); empty before tip-off."""
    game = _get(payload, "game", "")
    game_id = str(_get(game, "gameId", "game"))
    status = int(_get(game, "gameStatus", "game"))
    if status == SCHEDULED:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BOXSCORE_STATE_COLUMNS})
    period = int(_get(game, "period", "game"))
    clock = 0.0 if status == FINAL else clock_seconds(game.get("gameClock"))
    rows = []
    for side, other in (("homeTeam", "awayTeam"), ("awayTeam", "homeTeam")):
        team = _get(game, side, "game")
        margin = float(_get(team, "score", f"game.{side}")) - float(_get(_get(game, other, "game"), "score",
                                                                          f"game.{other}"))
        for player in _get(team, "players", f"game.{side}"):
            stats = _get(player, "statistics", f"game.{side}.players[]")
            where = f"game.{side}.players[].statistics"
            rows.append({
                "game_id": game_id, "game_status": status,
                "player_id": int(_get(player, "personId", f"game.{side}.players[]")),
                "player_name": str(player.get("name", "")), "team": str(_get(team, "teamTricode", f"game.{side}")),
                "period": period, "clock_s": clock, "minutes": clock_seconds(stats.get("minutes")) / 60.0,
                "pra": float(_get(stats, "points", where) + _get(stats, "reboundsTotal", where)
                             + _get(stats, "assists", where)),
                "pf": float(_get(stats, "foulsPersonal", where)), "margin": margin,
                "on_court": str(player.get("oncourt", "0")) == "1", "out": player.get("status") != "ACTIVE",
                "played": str(player.get("played", "0")) == "1",
            })
    return pd.DataFrame(rows, columns=list(BOXSCORE_STATE_COLUMNS))


@dataclass
class LiveBoxScoreClient:
    """Fetch a game's live box score through nba_api's live endpoint (module docstring)."""

    settings: NbaLiveFeedSettings
    session: requests.Session | None = None
    requests_made: int = 0
    _http: requests.Session = field(init=False)

    def __post_init__(self) -> None:
        self._http = redirected_session(NBALiveHTTP.base_url.format(endpoint=""), self.settings.base_url,
                                        self.session)

    def fetch(self, game_id: str) -> dict[str, Any]:
        """The decoded live box score of ``game_id``; :class:`NbaApiError` (one sentence) when it cannot be read."""
        endpoint = BoxScore(game_id, timeout=self.settings.timeout_s, get_request=False)
        previous = NBALiveHTTP.get_session()
        NBALiveHTTP.set_session(self._http)
        self.requests_made += 1
        try:
            response = NBALiveHTTP().send_api_request(endpoint=endpoint.endpoint_url.format(game_id=game_id),
                                                      parameters={}, timeout=self.settings.timeout_s)
            payload = response.get_dict()
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            raise NbaApiError(f"the live box score of game {game_id} answered HTTP {status}") from None
        except requests.RequestException as exc:
            raise NbaApiError(f"the live box score of game {game_id} could not be read ({type(exc).__name__})"
                              ) from None
        except ValueError:
            raise NbaApiError(f"the live box score of game {game_id} is not JSON") from None
        finally:
            NBALiveHTTP.set_session(previous)
        if not isinstance(payload, dict):
            raise NbaApiError(f"the live box score of game {game_id} is not a JSON object")
        return payload

    def states(self, game_id: str) -> pd.DataFrame:
        """:func:`boxscore_states` of the game's live box score."""
        return boxscore_states(self.fetch(game_id))
