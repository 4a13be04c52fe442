"""Matchup family: the opponent's defence (overall and against the row's position), pace, form, and the
player's own history against this opponent. Team windows run over the team's games before the row's date."""

from __future__ import annotations

import numpy as np

from nba_pra.features.asof import KeyedWindows, asof_positions, encode, gather, sum_events
from nba_pra.features.frame import TEAM_SUM_COLUMNS, FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, window_tag

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


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    games = ctx.history_team_games
    tw = ctx.team_windows
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
    out: dict[str, np.ndarray] = {}
    for d in defs:
        p = d.params
        if d.kind == "team_mean":
            ev = tw.mean(col[p["column"]], p["window"])
        elif d.kind == "pace":
            ev = tw.mean(pace, p["window"])
        elif d.kind == "margin":
            ev = tw.mean(margin, p["window"])
        elif d.kind == "win_pct":
            ev = tw.mean(won, p["window"])
        elif d.kind == "game_total":
            ev = tw.mean(col["pts"] + col["opp_pts"], p["window"])
        elif d.kind == "expected_pace":
            ev_pace = tw.mean(pace, p["window"])
            out[d.name] = (
                gather(ev_pace, ctx.team_prior("team")) + gather(ev_pace, ctx.team_prior("opponent"))
            ) / 2
            continue
        elif d.kind == "position_allowed":
            out[d.name] = _position_allowed(ctx, p["window"])
            continue
        elif d.kind in ("vs_opponent", "vs_opponent_diff"):
            vs = _vs_opponent(ctx, p["window"])
            if d.kind == "vs_opponent_diff":
                vs = vs - ctx.asof_played(ctx.played_windows.mean(ctx.played_values("pra"), p["window"]))
            out[d.name] = vs
            continue
        else:  # pragma: no cover
            raise ValueError(f"unknown matchup kind {d.kind}")
        out[d.name] = gather(ev, ctx.team_prior(p.get("side", "opponent")))
    return out


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
