"""Context family: schedule facts known before tip-off -- rest, back-to-backs, schedule density, home/away,
where in the season the game falls, and how long the player has been with his team.

Only dates of earlier games are used (a team's schedule, slate games included, never results).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.features.asof import asof_positions, encode, gather, group_starts
from nba_pra.features.frame import FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, Params

FAMILY = "context"
#: composite search key = code * _DAY_SPAN + day number (days since 1970 stay far below this)
_DAY_SPAN = 10**6


def definitions(s: FeatureSettings) -> list[FeatureDef]:
    defs: list[FeatureDef] = []

    def add(name: str, definition: str, span: str, kind: str, **params: object) -> None:
        defs.append(FeatureDef(name, FAMILY, definition, span, kind, dict(params)))

    add("ctx_home", "1 if the player's team is at home, else 0", "this game", "home")
    for side, who in (("team", "the player's team"), ("opp", "the opponent")):
        add(
            f"ctx_rest_days_{side}",
            f"days since {who}'s previous game, capped at {s.rest_cap_days}",
            "previous game",
            "rest",
            side=side,
        )
        add(f"ctx_b2b_{side}", f"1 if {who} played the day before", "previous day", "b2b", side=side)
        add(
            f"ctx_dense_{side}",
            f"1 if this is {who}'s {s.dense_games}th game in {s.dense_days} days",
            f"last {s.dense_days} days",
            "dense",
            side=side,
        )
        add(
            f"ctx_games_last{s.density_days}d_{side}",
            f"games {who} played in the previous {s.density_days} days",
            f"last {s.density_days} days",
            "density",
            side=side,
        )
    add(
        "ctx_rest_diff", "team rest days minus opponent rest days (both capped)", "previous game", "rest_diff"
    )
    add(
        "ctx_game_number", "the team's game number in the season (1 = first)", "season to date", "game_number"
    )
    add("ctx_days_into_season", "days since the season's first game", "season to date", "days_into_season")
    add(
        "ctx_player_days_since_played",
        "days since the player's last played game",
        "career",
        "days_since_played",
    )
    add(
        "ctx_player_games_with_team",
        "games the player was listed for his current team before this date",
        "career with this team",
        "games_with_team",
    )
    add(
        "ctx_player_season_games",
        "games the player played this season before this date",
        "season to date",
        "season_games",
    )
    return defs


class _Inputs:
    """What every context kind reads: the frame, its team games sorted by (team, day), and both sides' rest."""

    def __init__(self, ctx: FrameContext) -> None:
        s = ctx.settings
        self.ctx = ctx
        self.games = ctx.team_games
        game_key = self.games["team_code"].to_numpy() * _DAY_SPAN + self.games["day"].to_numpy()
        order = np.argsort(game_key, kind="stable")
        self.sorted_key = game_key[order]
        self.codes = {"team": ctx.team_code, "opp": ctx.opp_code}
        rest = {side: np.fmin(ctx.day - self.previous_day(code), s.rest_cap_days) for side, code in self.codes.items()}
        self.rest = {side: np.where(np.isnan(r), s.rest_cap_days, r) for side, r in rest.items()}

    def games_between(self, code: np.ndarray, first_day: np.ndarray, end_day: np.ndarray) -> np.ndarray:
        """Team games with first_day <= day < end_day."""
        lo = np.searchsorted(self.sorted_key, code * _DAY_SPAN + first_day, side="left")
        hi = np.searchsorted(self.sorted_key, code * _DAY_SPAN + end_day, side="left")
        return (hi - lo).astype(np.float64)

    def previous_day(self, code: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.sorted_key, code * _DAY_SPAN + self.ctx.day, side="left") - 1
        ok = pos >= 0
        prev_key = np.where(ok, self.sorted_key[np.maximum(pos, 0)], -1)
        same = ok & (prev_key // _DAY_SPAN == code)
        return np.where(same, (prev_key % _DAY_SPAN).astype(np.float64), np.nan)


def _home(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.rows["home"].to_numpy(dtype=np.float64)


def _rest(x: _Inputs, p: Params) -> np.ndarray:
    return x.rest[p["side"]]


def _b2b(x: _Inputs, p: Params) -> np.ndarray:
    return (x.rest[p["side"]] == 1).astype(np.float64)


def _dense(x: _Inputs, p: Params) -> np.ndarray:
    """1.0 when the row's game completes ``dense_games`` games in ``dense_days`` days."""
    s, day = x.ctx.settings, x.ctx.day
    recent = x.games_between(x.codes[p["side"]], day - (s.dense_days - 1), day)
    return (recent >= s.dense_games - 1).astype(np.float64)


def _density(x: _Inputs, p: Params) -> np.ndarray:
    day = x.ctx.day
    return x.games_between(x.codes[p["side"]], day - x.ctx.settings.density_days, day)


def _rest_diff(x: _Inputs, p: Params) -> np.ndarray:
    return x.rest["team"] - x.rest["opp"]


def _game_number(x: _Inputs, p: Params) -> np.ndarray:
    return _season_game_number(x.ctx, x.games)


def _days_into_season(x: _Inputs, p: Params) -> np.ndarray:
    ctx = x.ctx
    season = ctx.rows["season"].to_numpy()
    first = pd.Series(ctx.day).groupby(season).transform("min").to_numpy()
    return (ctx.day - first).astype(np.float64)


def _days_since_played(x: _Inputs, p: Params) -> np.ndarray:
    ctx = x.ctx
    return ctx.day - gather(ctx.day[ctx.played_idx], ctx.played_prior)


def _games_with_team(x: _Inputs, p: Params) -> np.ndarray:
    ctx = x.ctx
    return _listed_count(ctx, encode(ctx.player, ctx.team_code), ctx.listed_idx)


def _season_games(x: _Inputs, p: Params) -> np.ndarray:
    ctx = x.ctx
    return _listed_count(ctx, encode(ctx.player, ctx.rows["season"].to_numpy()), ctx.played_idx)


#: kind -> the function computing its column (the ``_DEVIG`` pattern of :mod:`nba_pra.odds.market`)
KINDS: Final[dict[str, Callable[[_Inputs, Params], np.ndarray]]] = {
    "home": _home, "rest": _rest, "b2b": _b2b, "dense": _dense, "density": _density, "rest_diff": _rest_diff,
    "game_number": _game_number, "days_into_season": _days_into_season, "days_since_played": _days_since_played,
    "games_with_team": _games_with_team, "season_games": _season_games,
}


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    inputs = _Inputs(ctx)
    return {d.name: KINDS[d.kind](inputs, d.params) for d in defs}


def _season_game_number(ctx: FrameContext, games: pd.DataFrame) -> np.ndarray:
    """1 + the team's games in the same season dated before the row's date."""
    season_code = encode(np.concatenate([games["season"].to_numpy(), ctx.rows["season"].to_numpy()]))
    game_season, row_season = season_code[: len(games)], season_code[len(games) :]
    game_key = encode(
        np.concatenate([games["team_code"].to_numpy(), ctx.team_code]),
        np.concatenate([game_season, row_season]),
    )
    ev_key, q_key = game_key[: len(games)], game_key[len(games) :]
    game_dates = games["date"].to_numpy(dtype="datetime64[ns]")
    order = np.lexsort((game_dates.view(np.int64), ev_key))
    ev_sorted = ev_key[order]
    counts = np.arange(len(order)) - group_starts(ev_sorted) + 1
    prior = asof_positions(ev_sorted, game_dates[order], q_key, ctx.date)
    return np.nan_to_num(gather(counts, prior), nan=0.0) + 1.0


def _listed_count(ctx: FrameContext, key: np.ndarray, event_rows: np.ndarray) -> np.ndarray:
    """Per row: number of ``event_rows`` with the row's key dated strictly before the row's date."""
    order = np.argsort(key[event_rows], kind="stable")  # event rows are date-ordered per player already
    ev = event_rows[order]
    ev_key = key[ev]
    counts = np.arange(len(ev)) - group_starts(ev_key) + 1
    prior = asof_positions(ev_key, ctx.date[ev], key, ctx.date)
    return np.nan_to_num(gather(counts, prior), nan=0.0)
