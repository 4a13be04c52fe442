"""Shared test data of the odds tests: a two-game slate and The Odds API v4 payloads for it (three books)."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from nba_pra.config import compose
from nba_pra.odds.settings import OddsSettings
from nba_pra.schema import validate
from nba_pra.vocab import PRA_MARKET

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAKE_KEY = "fake-key-0123456789abcdef"
PRA = PRA_MARKET

# (game_id, home, away, US-local date, commence UTC): evening US games start on the next UTC day
GAMES = [
    ("G1", "BOS", "NYK", "2024-01-15", "2024-01-16T00:30:00Z"),
    ("G2", "DEN", "LAL", "2024-01-15", "2024-01-16T03:00:00Z"),
]
PLAYERS = [  # (player_id, our spelling, team)
    (1, "Jayson Tatum", "BOS"),
    (2, "Jaylen Brown", "BOS"),
    (3, "Jalen Brunson", "NYK"),
    (5, "Nikola Jokić", "DEN"),
    (6, "LeBron James", "LAL"),
    (7, "Anthony Davis", "LAL"),
]


@cache
def composed_odds(option: str) -> dict[str, Any]:
    """``conf/odds/<option>.yaml`` composed by Hydra (the real config tree)."""
    return compose(PROJECT_ROOT, [f"odds={option}"])["odds"]


def odds_settings(option: str = "theoddsapi", **api: Any) -> OddsSettings:
    """OddsSettings of the real config with ``theoddsapi`` fields replaced (base_url, retry, timeouts, ...)."""
    settings = validate(OddsSettings, composed_odds(option), "odds")
    return dataclasses.replace(settings, theoddsapi=dataclasses.replace(settings.theoddsapi, **api))


def make_slate() -> pd.DataFrame:
    rows = []
    for game_id, home, away, date, commence in GAMES:
        for player_id, name, team in PLAYERS:
            if team not in (home, away):
                continue
            rows.append({
                "game_id": game_id,
                "game_date": pd.Timestamp(date),
                "season": "2023-24",
                "player_id": player_id,
                "player_name": name,
                "team": team,
                "opponent": away if team == home else home,
                "home": team == home,
                "position": "F",
                "commence_time": pd.Timestamp(commence),
            })
    return pd.DataFrame(rows)


def _outcomes(player: str, line: float, over: int, under: int) -> list[dict[str, Any]]:
    return [
        {"name": "Over", "description": player, "price": over, "point": line},
        {"name": "Under", "description": player, "price": under, "point": line},
    ]


def _book(key: str, title: str, pra: list[tuple[str, float, int, int]],
          points: list[tuple[str, float, int, int]] = ()) -> dict[str, Any]:
    markets = [{"key": PRA, "last_update": "2024-01-15T22:00:00Z",
                "outcomes": [o for offer in pra for o in _outcomes(*offer)]}]
    if points:
        markets.append({"key": "player_points", "last_update": "2024-01-15T22:00:00Z",
                        "outcomes": [o for offer in points for o in _outcomes(*offer)]})
    return {"key": key, "title": title, "last_update": "2024-01-15T22:00:00Z", "markets": markets}


def v4_events() -> list[dict[str, Any]]:
    return [
        {"id": "ev-bos", "sport_key": "basketball_nba", "sport_title": "NBA",
         "commence_time": "2024-01-16T00:30:00Z", "home_team": "Boston Celtics", "away_team": "New York Knicks"},
        {"id": "ev-den", "sport_key": "basketball_nba", "sport_title": "NBA",
         "commence_time": "2024-01-16T03:10:00Z", "home_team": "Denver Nuggets", "away_team": "Los Angeles Lakers"},
        # not on our slate: must be ignored
        {"id": "ev-mia", "sport_key": "basketball_nba", "sport_title": "NBA",
         "commence_time": "2024-01-16T00:00:00Z", "home_team": "Miami Heat", "away_team": "Chicago Bulls"},
    ]


def v4_odds() -> dict[str, dict[str, Any]]:
    """Three books; Tatum is quoted at 45.5 by two books and 46.5 by one; one name matches nobody."""
    bos = {
        "id": "ev-bos", "sport_key": "basketball_nba", "commence_time": "2024-01-16T00:30:00Z",
        "home_team": "Boston Celtics", "away_team": "New York Knicks",
        "bookmakers": [
            _book("draftkings", "DraftKings",
                  [("Jayson Tatum", 45.5, -115, -105), ("Jaylen Brown", 35.5, -110, -110)],
                  points=[("Jayson Tatum", 27.5, -110, -110)]),
            _book("fanduel", "FanDuel",
                  [("Jayson Tatum", 45.5, -105, -125), ("Jaylen Brown", 35.5, 100, -130)]),
            _book("betmgm", "BetMGM",
                  [("Jayson Tatum", 46.5, 100, -120), ("Jaylen Brown", 35.5, -120, 100),
                   ("Mystery Man", 10.5, -110, -110)]),
        ],
    }
    den = {
        "id": "ev-den", "sport_key": "basketball_nba", "commence_time": "2024-01-16T03:10:00Z",
        "home_team": "Denver Nuggets", "away_team": "Los Angeles Lakers",
        "bookmakers": [
            _book("draftkings", "DraftKings",
                  [("Nikola Jokic", 52.5, -110, -110), ("LeBron James Jr.", 40.5, -112, -108)]),
            _book("fanduel", "FanDuel", [("Nikola Jokic", 52.5, -108, -112)]),
            _book("betmgm", "BetMGM", [("Nikola Jokic", 52.5, -105, -115)]),
        ],
    }
    return {"ev-bos": bos, "ev-den": den}
