"""The Odds API v4 provider: events -> per-event player-prop odds -> lines table.

Flow for each game date of the slate:

1. ``GET /v4/sports/{sport}/events?commenceTimeFrom&commenceTimeTo`` (free) -> events, matched to slate games by
   full team names + commence time (:mod:`nba_pra.odds.events`);
2. ``GET /v4/sports/{sport}/events/{id}/odds?markets&regions|bookmakers&oddsFormat=american`` per matched event
   (costs ``markets x regions`` credits) -> bookmakers -> markets -> outcomes
   ``{name: Over|Under, description: <player>, price: <American>, point: <line>}``;
3. Over and Under outcomes of the same (book, market, player, point) become one row; names are matched to the
   slate's player ids (:mod:`nba_pra.odds.matching`).

Every response body is cached under ``<paths.cache>/<cache_dir>/<game date>/`` (``events.json``,
``<event id>.json``); a cached response is reused unless ``refresh=True``. Requests stop before the remaining
quota would drop below ``quota_floor``. PRA lines are only ever the API's own PRA market: the reference markets
(points, rebounds, assists) are returned under their own ``market`` name and never summed into a PRA price.
"""

from __future__ import annotations

import logging
import math
from numbers import Real
from pathlib import Path
from typing import Any, Final

import pandas as pd

from nba_pra.odds.cache import ResponseCache
from nba_pra.odds.errors import OddsNoLinesError, OddsPayloadError, OddsQuotaError
from nba_pra.odds.events import match_events, slate_games
from nba_pra.odds.http import OddsApiClient, resolve_api_key
from nba_pra.odds.lines import empty_lines, finalize_lines, require_slate
from nba_pra.odds.matching import MatchReport, match_players
from nba_pra.odds.settings import OddsSettings

log = logging.getLogger(__name__)

_ISO: Final = "%Y-%m-%dT%H:%M:%SZ"
#: The API bills a request with N bookmakers as ceil(N / 10) regions.
_BOOKMAKERS_PER_REGION: Final = 10
_SIDES: Final = {"over": "over_price", "under": "under_price"}
OUTCOME_COLUMNS: Final = ("event_id", "bookmaker", "market", "side", "player_name", "line", "price")


def _shape_error(what: str, detail: str) -> OddsPayloadError:
    return OddsPayloadError(f"The Odds API returned {what} that does not have the v4 shape ({detail})")


def parse_events(payload: Any) -> pd.DataFrame:
    """Events list -> frame (event_id, home_team, away_team, commence_time UTC)."""
    if not isinstance(payload, list):
        raise _shape_error("an events list", "expected a JSON list")
    rows = []
    for event in payload:
        if not isinstance(event, dict) or not all(
            isinstance(event.get(k), str) for k in ("id", "home_team", "away_team", "commence_time")
        ):
            raise _shape_error("an events list", "an event lacks id, home_team, away_team or commence_time")
        rows.append((event["id"], event["home_team"], event["away_team"], event["commence_time"]))
    frame = pd.DataFrame(rows, columns=["event_id", "home_team", "away_team", "commence_time"])
    try:
        frame["commence_time"] = pd.to_datetime(frame["commence_time"], utc=True, format="ISO8601")
    except (ValueError, TypeError):
        raise _shape_error("an events list", "a commence_time is not an ISO timestamp") from None
    return frame


def parse_event_odds(payload: Any, *, event_id: str, bookmaker_label: str) -> pd.DataFrame:
    """Event odds -> one row per outcome with :data:`OUTCOME_COLUMNS` (``side`` is "over" / "under")."""
    what = f"odds for event {event_id}"
    if not isinstance(payload, dict) or not isinstance(payload.get("bookmakers"), list):
        raise _shape_error(what, "no 'bookmakers' list")
    rows: list[tuple[Any, ...]] = []
    for book in payload["bookmakers"]:
        if not isinstance(book, dict) or not isinstance(book.get("markets"), list):
            raise _shape_error(what, "a bookmaker has no 'markets' list")
        label = book.get(bookmaker_label)
        if not isinstance(label, str):
            raise _shape_error(what, f"a bookmaker has no '{bookmaker_label}'")
        for market in book["markets"]:
            if not isinstance(market, dict) or not isinstance(market.get("outcomes"), list):
                raise _shape_error(what, "a market has no 'outcomes' list")
            for out in market["outcomes"]:
                if not _valid_outcome(out):
                    raise _shape_error(what, "an outcome lacks a name, description, numeric price or point")
                rows.append(
                    (event_id, label, str(market.get("key")), out["name"].lower(), out["description"],
                     float(out["point"]), float(out["price"]))
                )
    frame = pd.DataFrame(rows, columns=list(OUTCOME_COLUMNS))
    return frame.loc[frame["side"].isin(list(_SIDES))]


def _valid_outcome(out: Any) -> bool:
    return (
        isinstance(out, dict)
        and isinstance(out.get("name"), str)
        and isinstance(out.get("description"), str)
        and all(isinstance(out.get(k), Real) and not isinstance(out.get(k), bool) for k in ("price", "point"))
        and all(math.isfinite(out[k]) for k in ("price", "point"))
    )


def pair_sides(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Over and Under outcomes of one (event, book, market, player, line) -> one row with both prices.

    One-sided offers cannot be priced fairly (no de-vig) and are dropped with a log line.
    """
    keys = ["event_id", "bookmaker", "market", "player_name", "line"]
    wide = outcomes.pivot_table(index=keys, columns="side", values="price", aggfunc="first").reset_index()
    for side in _SIDES:
        if side not in wide.columns:
            wide[side] = float("nan")
    one_sided = wide["over"].isna() | wide["under"].isna()
    if one_sided.any():
        log.info("The Odds API: %d one-sided offer(s) dropped (no over or no under price)", int(one_sided.sum()))
    wide = wide.loc[~one_sided].rename(columns=_SIDES)
    wide[list(_SIDES.values())] = wide[list(_SIDES.values())].round().astype("int64")
    return wide[[*keys, *_SIDES.values()]].reset_index(drop=True)


class TheOddsApiProvider:
    """Player-prop lines from The Odds API v4 (see the module docstring)."""

    name = "theoddsapi"

    def __init__(self, settings: OddsSettings, *, cache_dir: Path) -> None:
        self.settings = settings
        self.api = settings.theoddsapi
        self.cache = ResponseCache(Path(cache_dir) / self.api.cache_dir)
        self.client = OddsApiClient(self.api, resolve_api_key(self.api))
        #: player-name matching of the last fetch (unmatched names live here, never silently dropped)
        self.last_report: MatchReport | None = None
        #: slate games of the last fetch that no API event matched
        self.unmatched_games: tuple[str, ...] = ()

    @property
    def markets(self) -> tuple[str, ...]:
        return (self.settings.market, *[m for m in self.api.reference_markets if m != self.settings.market])

    def request_cost(self) -> int:
        """Credits one event-odds request costs: markets x regions (bookmakers billed 10 per region)."""
        units = (
            math.ceil(len(self.api.bookmakers) / _BOOKMAKERS_PER_REGION)
            if self.api.bookmakers
            else len(self.api.regions)
        )
        return len(self.markets) * max(units, 1)

    def fetch_lines(self, slate: pd.DataFrame, *, refresh: bool = False) -> pd.DataFrame:
        require_slate(slate)
        games = slate_games(slate, self.settings.teams)
        tolerance = pd.Timedelta(minutes=self.api.commence_tolerance_minutes)
        pieces: list[pd.DataFrame] = []
        matched_games: list[pd.DataFrame] = []
        n_events = 0
        game_date: Any
        for game_date, day in games.groupby("game_date", sort=True):
            date = pd.Timestamp(game_date).strftime("%Y-%m-%d")
            events = self._events(date, day, tolerance, refresh=refresh)
            n_events += len(events)
            matched = match_events(events, day, tolerance)
            matched_games.append(matched)
            for event_id in matched["event_id"]:
                payload = self._event_odds(date, event_id, refresh=refresh)
                pieces.append(parse_event_odds(payload, event_id=event_id, bookmaker_label=self.api.bookmaker_label))
        mapping = pd.concat(matched_games, ignore_index=True)
        self.unmatched_games = tuple(sorted(set(games["game_id"]) - set(mapping["game_id"])))
        # no game matched: the error says so, and the failure stays one warning (or one error with --strict)
        if mapping.empty:
            raise OddsNoLinesError(
                f"none of The Odds API's {n_events} NBA event(s) matches the slate's {len(games)} game(s) by team "
                "names and commence time (check conf/odds/teams/)"
            )
        if self.unmatched_games:
            log.warning(
                "The Odds API: %d slate game(s) match no API event by team names and commence time: %s",
                len(self.unmatched_games), ", ".join(self.unmatched_games),
            )
        outcomes = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=list(OUTCOME_COLUMNS))
        lines = self._to_lines(pair_sides(outcomes), mapping, slate)
        if lines.loc[lines["market"] == self.settings.market].empty:
            raise OddsNoLinesError(
                f"The Odds API has no {self.settings.market} lines for the slate's {len(mapping)} matched game(s)"
            )
        log.info(
            "The Odds API: %d line(s) from %d bookmaker(s) for %d game(s)",
            len(lines), lines["bookmaker"].nunique(), lines["game_id"].nunique(),
        )
        return lines

    def _to_lines(self, paired: pd.DataFrame, mapping: pd.DataFrame, slate: pd.DataFrame) -> pd.DataFrame:
        if paired.empty:
            return empty_lines()
        lines = paired.merge(mapping[["event_id", "game_id", "game_date"]], on="event_id")
        lines, report = match_players(lines, slate, self.settings.matching)
        self.last_report = report
        return finalize_lines(lines, slate, default_market=self.settings.market)

    def _events(self, date: str, day: pd.DataFrame, tolerance: pd.Timedelta, *, refresh: bool) -> pd.DataFrame:
        cached = None if refresh else self.cache.get(date, "events")
        if cached is None:
            params = {
                "commenceTimeFrom": (day["commence_time"].min() - tolerance).strftime(_ISO),
                "commenceTimeTo": (day["commence_time"].max() + tolerance).strftime(_ISO),
                "dateFormat": "iso",
            }
            cached = self.client.get(f"/v4/sports/{self.api.sport}/events", params, what=f"the events list of {date}")
            events = parse_events(cached)  # validate before caching: a broken body is never stored
            self.cache.put(date, "events", cached)
            return events
        return parse_events(cached)

    def _event_odds(self, date: str, event_id: str, *, refresh: bool) -> Any:
        cached = None if refresh else self.cache.get(date, event_id)
        if cached is not None:
            return cached
        self._check_quota()
        params = {"markets": ",".join(self.markets), "oddsFormat": self.api.odds_format, "dateFormat": "iso"}
        if self.api.bookmakers:
            params["bookmakers"] = ",".join(self.api.bookmakers)
        else:
            params["regions"] = ",".join(self.api.regions)
        body = self.client.get(
            f"/v4/sports/{self.api.sport}/events/{event_id}/odds", params, what=f"the odds of event {event_id}"
        )
        parse_event_odds(body, event_id=event_id, bookmaker_label=self.api.bookmaker_label)  # validate first
        self.cache.put(date, event_id, body)
        return body

    def _check_quota(self) -> None:
        remaining = self.client.quota.remaining
        cost = self.request_cost()
        if remaining is not None and remaining - cost < self.api.quota_floor:
            raise OddsQuotaError(
                f"stopped before The Odds API quota floor: {remaining} credit(s) left, the next request costs up "
                f"to {cost} and the floor is {self.api.quota_floor}"
            )
