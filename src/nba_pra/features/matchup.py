"""Matchup family: the opponent's defence (overall and against the row's position), pace, form, and the
player's own history against this opponent. Team windows run over the team's games before the row's date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np

from nba_pra.features.asof import KeyedWindows, asof_positions, encode, gather, sum_events
from nba_pra.features.frame import TEAM_SUM_COLUMNS, FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, Params, window_tag

FAMILY = "matchup"
_ALLOWED = {"pra": "PRA", "pts": "points", "reb": "rebounds", "ast": "assists"}


def definitions(s: FeatureSettings) -> list[FeatureDef]:
    defs: list[FeatureDef] = []

    def add(name: str, definition: str, span: str, kind: str, **params: object) -> None:
        defs.append(FeatureDef(name, FAMILY, definition, span, kind, dict(params)))

    per = window_tag(s.per_minutes)
    # offensive rebounds are left out of the possession proxy: not every source reports them
    poss = f"possessions used ~ fga + {s.fta_possession_weight:g} fta + tov"
    for w in s.matchup_windows:
        span = f"opponent's last {w} games"
        for stat, label in _ALLOWED.items():
            add(
                f"mu_opp_allowed_{stat}_g{w}",
                f"{label} scored against the opponent per game",
                span,
                "team_mean",
                side="opponent",
                column=f"opp_{stat}",
                window=w,
            )
        add(
            f"mu_opp_allowed_pos_pra_per{per}_g{w}",
            f"PRA per {s.per_minutes:g} minutes the opponent allowed to players of the row's position",
            f"opponent's last {w} games with that position on the floor",
            "position_allowed",
            window=w,
        )
        add(
            f"mu_opp_pace_g{w}",
            f"mean game pace of the opponent's games, {poss}, averaged over both teams",
            span,
            "pace",
            side="opponent",
            window=w,
        )
        add(
            f"mu_team_pace_g{w}",
            f"mean game pace of the player's team's games ({poss})",
            f"team's last {w} games",
            "pace",
            side="team",
            window=w,
        )
        add(
            f"mu_opp_margin_g{w}",
            "opponent's mean point margin (points for - against)",
            span,
            "margin",
            side="opponent",
            window=w,
        )
        add(
            f"mu_opp_win_pct_g{w}",
            "share of games the opponent won",
            span,
            "win_pct",
            side="opponent",
            window=w,
        )
    w = max(s.matchup_windows)
    add(
        f"mu_opp_game_total_pts_g{w}",
        "mean total points (both teams) in the opponent's games",
        f"opponent's last {w} games",
        "game_total",
        side="opponent",
        window=w,
    )
    add(
        f"mu_team_margin_g{w}",
        "the player's team's mean point margin",
        f"team's last {w} games",
        "margin",
        side="team",
        window=w,
    )
    add(
        f"mu_expected_pace_g{w}",
        "mean of the team's and the opponent's pace",
        f"each side's last {w} games",
        "expected_pace",
        window=w,
    )
    n = s.vs_opponent_games
    add(
        f"mu_vs_opp_pra_mean_g{n}",
        "the player's mean PRA against this opponent",
        f"last {n} played games against this opponent",
        "vs_opponent",
        window=n,
    )
    add(
        f"mu_vs_opp_pra_diff_g{n}",
        "the player's mean PRA against this opponent minus his overall mean",
        f"last {n} played games against this opponent vs last {n} played games",
        "vs_opponent_diff",
        window=n,
    )
    return defs


@dataclass(frozen=True)
class _Inputs:
    """What every matchup kind reads: the frame and per-team-game series (history games only)."""

    ctx: FrameContext
    #: team and opponent box-score totals per team game
    col: dict[str, np.ndarray]
    #: possessions per team, averaged over both sides
    pace: np.ndarray
    #: points scored minus allowed
    margin: np.ndarray
    #: 1.0 for a win, 0.0 for a loss, NaN when unknown
    won: np.ndarray

    @classmethod
    def of(cls, ctx: FrameContext) -> _Inputs:
        games = ctx.history_team_games
        s = ctx.settings
        col = {
            c: games[c].to_numpy(dtype=np.float64)
            for c in (*TEAM_SUM_COLUMNS, *(f"opp_{c}" for c in TEAM_SUM_COLUMNS))
        }

        def possessions(prefix: str) -> np.ndarray:
            return (
                col[f"{prefix}fga"]
                + s.fta_possession_weight * col[f"{prefix}fta"]
                + col[f"{prefix}tov"]
            )

        pace = (possessions("") + possessions("opp_")) / 2.0
        margin = col["pts"] - col["opp_pts"]
        won = np.where(np.isnan(margin), np.nan, (margin > 0).astype(np.float64))
        return cls(ctx, col, pace, margin, won)


def _team_mean(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.team_windows.mean(x.col[p["column"]], p["window"])


def _pace(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.team_windows.mean(x.pace, p["window"])


def _margin(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.team_windows.mean(x.margin, p["window"])


def _win_pct(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.team_windows.mean(x.won, p["window"])


def _game_total(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.team_windows.mean(x.col["pts"] + x.col["opp_pts"], p["window"])


def _team_asof(events: Callable[[_Inputs, Params], np.ndarray]) -> Callable[[_Inputs, Params], np.ndarray]:
    """A kind computed over team games, read as of the row's date for its ``side`` (default: the opponent)."""

    def column(x: _Inputs, p: Params) -> np.ndarray:
        return gather(events(x, p), x.ctx.team_prior(p.get("side", "opponent")))

    return column


def _expected_pace(x: _Inputs, p: Params) -> np.ndarray:
    """Mean of both teams' recent pace."""
    ev_pace = x.ctx.team_windows.mean(x.pace, p["window"])
    return (gather(ev_pace, x.ctx.team_prior("team")) + gather(ev_pace, x.ctx.team_prior("opponent"))) / 2


def _position_allowed_kind(x: _Inputs, p: Params) -> np.ndarray:
    return _position_allowed(x.ctx, p["window"])


def _vs_opponent_kind(x: _Inputs, p: Params) -> np.ndarray:
    return _vs_opponent(x.ctx, p["window"])


def _vs_opponent_diff(x: _Inputs, p: Params) -> np.ndarray:
    """PRA against this opponent minus the player's overall form over the same window."""
    ctx = x.ctx
    vs = _vs_opponent(ctx, p["window"])
    return vs - ctx.asof_played(ctx.played_windows.mean(ctx.played_values("pra"), p["window"]))


#: kind -> the function computing its column (the ``_DEVIG`` pattern of :mod:`nba_pra.odds.market`)
KINDS: Final[dict[str, Callable[[_Inputs, Params], np.ndarray]]] = {
    "team_mean": _team_asof(_team_mean), "pace": _team_asof(_pace), "margin": _team_asof(_margin),
    "win_pct": _team_asof(_win_pct), "game_total": _team_asof(_game_total), "expected_pace": _expected_pace,
    "position_allowed": _position_allowed_kind, "vs_opponent": _vs_opponent_kind,
    "vs_opponent_diff": _vs_opponent_diff,
}


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    inputs = _Inputs.of(ctx)
    return {d.name: KINDS[d.kind](inputs, d.params) for d in defs}


def _position_allowed(ctx: FrameContext, window: int) -> np.ndarray:
    """Per row: PRA per ``per_minutes`` minutes scored against the row's opponent by players of the row's
    position, over the opponent's last ``window`` games (events keyed by (opponent, position))."""
    key = encode(ctx.opp_code, ctx.position_code)
    idx = ctx.played_idx
    events = sum_events(
        key[idx],
        ctx.rows["game_id"].to_numpy()[idx],
        ctx.date[idx],
        {"pra": ctx.stat["pra"][idx], "minutes": ctx.stat["minutes"][idx]},
    )
    ev_key = events["key"].to_numpy()
    kw = KeyedWindows(ev_key)
    rate = kw.ratio(events["pra"].to_numpy(), events["minutes"].to_numpy(), window) * ctx.settings.per_minutes
    prior = asof_positions(ev_key, events["date"].to_numpy(), key, ctx.date)
    return gather(rate, prior)


def _vs_opponent(ctx: FrameContext, window: int) -> np.ndarray:
    """Per row: the player's mean PRA over his last ``window`` played games against the row's opponent."""
    key = encode(ctx.player, ctx.opp_code)
    idx = ctx.played_idx
    order = np.argsort(key[idx], kind="stable")  # played games are date-ordered per player: stable keeps it
    ev = idx[order]
    kw = KeyedWindows(key[ev])
    prior = asof_positions(key[ev], ctx.date[ev], key, ctx.date)
    return gather(kw.mean(ctx.stat["pra"][ev], window), prior)
