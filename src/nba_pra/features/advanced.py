"""Advanced family: usage, efficiency, playmaking and the player's share of his team's production.

Ratios are ratios of window sums (sum of numerator / sum of denominator over the player's last N played
games), so a 40-minute game weighs more than a 5-minute one. Features needing optional box-score columns
(fga, fta, tov, ...) are NaN when the source lacks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np

from nba_pra.features.frame import FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, Params, window_tag

FAMILY = "advanced"


def definitions(s: FeatureSettings) -> list[FeatureDef]:
    defs: list[FeatureDef] = []
    k = f"{s.fta_possession_weight:g}"
    per = window_tag(s.per_minutes)

    def add(name: str, definition: str, window: int, kind: str, **params: object) -> None:
        defs.append(
            FeatureDef(
                name, FAMILY, definition, f"last {window} played games", kind, {"window": window, **params}
            )
        )

    for w in s.advanced_windows:
        add(
            f"adv_usage_g{w}",
            f"usage: sum(fga + {k} fta + tov) / sum(minutes * team (fga + {k} fta + tov) / "
            "(team minutes / 5))",
            w,
            "ratio",
            num="poss_used",
            den="usage_den",
            scale=1.0,
        )
        add(
            f"adv_ts_pct_g{w}",
            f"true shooting: sum(pts) / (2 sum(fga + {k} fta))",
            w,
            "ratio",
            num="pts",
            den="ts_den",
            scale=1.0,
        )
        add(
            f"adv_pra_share_g{w}",
            "share of team PRA: sum(PRA) / sum(team PRA) in his games",
            w,
            "ratio",
            num="pra",
            den="team_pra",
            scale=1.0,
        )
        add(
            f"adv_ast_share_g{w}",
            "playmaking share: sum(ast) / sum(team ast)",
            w,
            "ratio",
            num="ast",
            den="team_ast",
            scale=1.0,
        )
        add(
            f"adv_reb_share_g{w}",
            "rebounding share: sum(reb) / sum(team reb)",
            w,
            "ratio",
            num="reb",
            den="team_reb",
            scale=1.0,
        )
        add(
            f"adv_minutes_share_g{w}",
            "share of team minutes * 5 (1 = played the whole game)",
            w,
            "ratio",
            num="minutes",
            den="team_minutes_per_slot",
            scale=1.0,
        )
    w = sorted(s.advanced_windows)[len(s.advanced_windows) // 2]
    for stat in ("pts", "reb", "ast", "tov", "stocks", "fga"):
        label = "steals + blocks" if stat == "stocks" else stat
        add(
            f"adv_{stat}_per{per}_g{w}",
            f"{label} per {s.per_minutes:g} minutes",
            w,
            "ratio",
            num=stat,
            den="minutes",
            scale=s.per_minutes,
        )
    add(
        f"adv_efg_pct_g{w}",
        "effective field-goal %: sum(fgm + 0.5 fg3m) / sum(fga)",
        w,
        "ratio",
        num="efg_num",
        den="fga",
        scale=1.0,
    )
    add(
        f"adv_ast_tov_g{w}",
        "assists per turnover: sum(ast) / sum(tov)",
        w,
        "ratio",
        num="ast",
        den="tov",
        scale=1.0,
    )
    add(
        f"adv_fg3a_rate_g{w}",
        "three-point rate: sum(fg3a) / sum(fga)",
        w,
        "ratio",
        num="fg3a",
        den="fga",
        scale=1.0,
    )
    add(
        f"adv_ft_rate_g{w}",
        "free-throw rate: sum(fta) / sum(fga)",
        w,
        "ratio",
        num="fta",
        den="fga",
        scale=1.0,
    )
    add(
        f"adv_oreb_frac_g{w}",
        "offensive share of rebounds: sum(oreb) / sum(reb)",
        w,
        "ratio",
        num="oreb",
        den="reb",
        scale=1.0,
    )
    add(f"adv_plus_minus_g{w}", "mean plus-minus per played game", w, "mean", series="plus_minus")
    return defs


@dataclass(frozen=True)
class _Inputs:
    """What every advanced kind reads: the frame and its named per-played-game series."""

    ctx: FrameContext
    series: dict[str, Callable[[], np.ndarray]]


def _ratio(x: _Inputs, p: Params) -> np.ndarray:
    """sum(num) / sum(den) * scale over the window."""
    return x.ctx.played_windows.ratio(x.series[p["num"]](), x.series[p["den"]](), p["window"]) * p["scale"]


def _mean(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.played_windows.mean(x.series[p["series"]](), p["window"])


#: kind -> the function computing its played-games events (read as of each row's date)
KINDS: Final[dict[str, Callable[[_Inputs, Params], np.ndarray]]] = {"ratio": _ratio, "mean": _mean}


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    inputs = _Inputs(ctx, _event_series(ctx))
    return {d.name: ctx.asof_played(KINDS[d.kind](inputs, d.params)) for d in defs}


def _event_series(ctx: FrameContext) -> dict[str, Callable[[], np.ndarray]]:
    """Named per-played-game series (lazy): the player's own stats and his team's totals in that game."""
    idx = ctx.played_idx
    k = ctx.settings.fta_possession_weight
    games = ctx.team_games
    game_row = ctx.row_team_game[idx]

    def own(column: str) -> Callable[[], np.ndarray]:
        return lambda: ctx.stat[column][idx]

    def team(column: str) -> np.ndarray:
        return games[column].to_numpy(dtype=np.float64)[game_row]

    def poss_used() -> np.ndarray:
        return ctx.stat["fga"][idx] + k * ctx.stat["fta"][idx] + ctx.stat["tov"][idx]

    def usage_den() -> np.ndarray:
        team_poss = team("fga") + k * team("fta") + team("tov")
        return ctx.stat["minutes"][idx] * team_poss / (team("minutes") / 5.0)

    series: dict[str, Callable[[], np.ndarray]] = {
        c: own(c)
        for c in ("pts", "reb", "ast", "pra", "minutes", "fga", "fta", "tov", "fg3a", "oreb", "plus_minus")
    }
    series.update(
        {
            "poss_used": poss_used,
            "usage_den": usage_den,
            "ts_den": lambda: 2.0 * (ctx.stat["fga"][idx] + k * ctx.stat["fta"][idx]),
            "efg_num": lambda: ctx.stat["fgm"][idx] + 0.5 * ctx.stat["fg3m"][idx],
            "stocks": lambda: ctx.stat["stl"][idx] + ctx.stat["blk"][idx],
            "team_pra": lambda: team("pra"),
            "team_ast": lambda: team("ast"),
            "team_reb": lambda: team("reb"),
            "team_minutes_per_slot": lambda: team("minutes") / 5.0,
        }
    )
    return series
