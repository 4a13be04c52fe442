"""Availability family: the player's recent DNPs, absence streaks, minutes ramp after a return, and how much
of his (and the opponent's) rotation sat out lately.

"Listed games" are every history row of the player (DNPs included). Teammates' absences weigh each DNP by the
absent player's minutes / PRA form as of that game, so a missing starter counts more than a missing
reserve. Only absences of earlier dates are used: who sits out today is a result of today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np

from nba_pra.features.asof import KeyedWindows, asof_positions, encode, gather, safe_divide
from nba_pra.features.frame import FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, Params

FAMILY = "availability"


def definitions(s: FeatureSettings) -> list[FeatureDef]:
    defs: list[FeatureDef] = []

    def add(name: str, definition: str, span: str, kind: str, **params: object) -> None:
        defs.append(FeatureDef(name, FAMILY, definition, span, kind, dict(params)))

    for w in s.availability_windows:
        add(
            f"av_dnp_g{w}",
            "DNPs among the player's listed games",
            f"last {w} listed games",
            "dnp_count",
            window=w,
        )
    add("av_dnp_season", "DNPs of the player this season", "season to date", "dnp_season")
    add(
        "av_dnp_streak",
        "consecutive DNPs right before this date (games missed streak)",
        "listed games",
        "dnp_streak",
    )
    add(
        "av_games_since_return",
        "consecutive played games since the last DNP",
        "listed games",
        "played_streak",
    )
    add(
        "av_first_game_back",
        "1 if the player's previous listed game was a DNP",
        "previous listed game",
        "first_game_back",
    )
    add(
        "av_days_since_listed",
        "days since the player's previous listed game",
        "previous listed game",
        "days_since_listed",
    )
    short, long = min(s.rolling_windows), max(s.rolling_windows)
    add(
        f"av_minutes_ramp_g{short}_g{long}",
        f"mean minutes over the last {short} played games minus over the last {long}",
        f"last {short} and {long} played games",
        "ramp",
        short=short,
        long=long,
    )
    h = max(s.ewm_halflives)
    add(
        "av_minutes_last_ratio",
        f"minutes in the last played game / minutes EWMA (halflife {h:g})",
        "last played game",
        "last_ratio",
        halflife=h,
    )
    m = s.missing_minutes_window
    for side, who in (("team", "the player's team"), ("opp", "the opponent")):
        add(
            f"av_{side}_missing_minutes_last",
            f"sum of the {m}-game minutes form of {who}'s DNP players in its "
            "previous game (the player himself included if he sat)",
            "previous team game",
            "missing",
            side=side,
            value="minutes",
            window=1,
        )
        add(
            f"av_{side}_missing_minutes_g{s.missing_minutes_games}",
            f"mean of that sum for {who}",
            f"last {s.missing_minutes_games} team games",
            "missing",
            side=side,
            value="minutes",
            window=s.missing_minutes_games,
        )
        add(
            f"av_{side}_rotation_out_last",
            f"{who}'s DNP players with minutes form >= {s.rotation_minutes:g} in its previous game",
            "previous team game",
            "missing",
            side=side,
            value="rotation",
            window=1,
        )
    add(
        "av_team_missing_pra_last",
        f"sum of the {m}-game PRA form of the team's DNP players in its previous game",
        "previous team game",
        "missing",
        side="team",
        value="pra",
        window=1,
    )
    return defs


@dataclass(frozen=True)
class _Inputs:
    """What every availability kind reads: the frame and the player's DNPs over his listed games."""

    ctx: FrameContext
    #: 1.0 where a listed game was a DNP
    dnp: np.ndarray


def _dnp_count(x: _Inputs, p: Params) -> np.ndarray:
    return gather(x.ctx.listed_windows.total(x.dnp, p["window"]), x.ctx.listed_prior)


def _dnp_season(x: _Inputs, p: Params) -> np.ndarray:
    return _season_dnps(x.ctx, x.dnp)


def _dnp_streak(x: _Inputs, p: Params) -> np.ndarray:
    return gather(_streak(x.dnp.astype(bool), x.ctx.listed_windows.start), x.ctx.listed_prior)


def _played_streak(x: _Inputs, p: Params) -> np.ndarray:
    return gather(_streak(~x.dnp.astype(bool), x.ctx.listed_windows.start), x.ctx.listed_prior)


def _first_game_back(x: _Inputs, p: Params) -> np.ndarray:
    return gather(x.dnp, x.ctx.listed_prior)


def _days_since_listed(x: _Inputs, p: Params) -> np.ndarray:
    ctx = x.ctx
    return ctx.day - gather(ctx.day[ctx.listed_idx], ctx.listed_prior)


def _ramp(x: _Inputs, p: Params) -> np.ndarray:
    """Short minus long rolling mean of minutes: a player working back into the rotation."""
    minutes = x.ctx.played_values("minutes")
    pw = x.ctx.played_windows
    return x.ctx.asof_played(pw.mean(minutes, p["short"]) - pw.mean(minutes, p["long"]))


def _last_ratio(x: _Inputs, p: Params) -> np.ndarray:
    minutes = x.ctx.played_values("minutes")
    return x.ctx.asof_played(safe_divide(minutes, x.ctx.played_windows.ewm(minutes, p["halflife"])))


def _missing(x: _Inputs, p: Params) -> np.ndarray:
    per_game = _missing_per_team_game(x.ctx, p["value"])
    side = "team" if p["side"] == "team" else "opponent"
    return gather(x.ctx.team_windows.mean(per_game, p["window"]), x.ctx.team_prior(side))


#: kind -> the function computing its column (the ``_DEVIG`` pattern of :mod:`nba_pra.odds.market`)
KINDS: Final[dict[str, Callable[[_Inputs, Params], np.ndarray]]] = {
    "dnp_count": _dnp_count, "dnp_season": _dnp_season, "dnp_streak": _dnp_streak,
    "played_streak": _played_streak, "first_game_back": _first_game_back, "days_since_listed": _days_since_listed,
    "ramp": _ramp, "last_ratio": _last_ratio, "missing": _missing,
}


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    inputs = _Inputs(ctx, (~ctx.played[ctx.listed_idx]).astype(np.float64))
    return {d.name: KINDS[d.kind](inputs, d.params) for d in defs}



def _streak(flag: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Length of the run of True ending at each event, within key blocks (``start`` = block starts)."""
    index = np.arange(len(flag))
    last_false = np.maximum.accumulate(np.where(~flag, index, -1))
    return (index - np.maximum(last_false, start - 1)).astype(np.float64)


def _season_dnps(ctx: FrameContext, dnp: np.ndarray) -> np.ndarray:
    key = encode(ctx.player, ctx.rows["season"].to_numpy())
    li = ctx.listed_idx
    order = np.argsort(key[li], kind="stable")
    ev = li[order]
    kw = KeyedWindows(key[ev])
    prior = asof_positions(key[ev], ctx.date[ev], key, ctx.date)
    return np.nan_to_num(gather(kw.total(dnp[order], None), prior), nan=0.0)


def _missing_per_team_game(ctx: FrameContext, value: str) -> np.ndarray:
    """Per history team game: the absent players' form sum (``minutes`` / ``pra``) or rotation count."""
    key = ("missing_per_team_game", value)
    if key in ctx.cache:
        return ctx.cache[key]
    s = ctx.settings
    stat = "pra" if value == "pra" else "minutes"
    form = ctx.asof_played(ctx.played_windows.mean(ctx.played_values(stat), s.missing_minutes_window))
    absent = np.flatnonzero(~ctx.played & ~ctx.is_slate)
    form_absent = np.nan_to_num(form[absent], nan=0.0)
    weight = (form_absent >= s.rotation_minutes).astype(np.float64) if value == "rotation" else form_absent
    games = ctx.team_games
    totals = np.bincount(ctx.row_team_game[absent], weights=weight, minlength=len(games))
    ctx.cache[key] = totals[~games["is_slate"].to_numpy(dtype=bool)]
    return ctx.cache[key]
