"""Rolling family: the player's own recent production (means, EWMAs, volatility, trends) over played games.

Every window runs over the player's played games and is read as of the last one dated before the row's date.
"""

from __future__ import annotations

import numpy as np

from nba_pra.errors import DataValidationError
from nba_pra.features.asof import KeyedWindows, asof_positions, encode, gather, safe_divide
from nba_pra.features.frame import STATS, FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, window_tag

FAMILY = "rolling"
_LABEL = {"pts": "points", "reb": "rebounds", "ast": "assists", "pra": "PRA", "minutes": "minutes"}


def definitions(s: FeatureSettings) -> list[FeatureDef]:
    defs: list[FeatureDef] = []

    def add(name: str, definition: str, span: str, kind: str, **params: object) -> None:
        defs.append(FeatureDef(name, FAMILY, definition, span, kind, dict(params)))

    for stat in STATS:
        for w in s.rolling_windows:
            add(
                f"roll_{stat}_mean_g{w}",
                f"mean {_LABEL[stat]} per played game",
                f"last {w} played games",
                "mean",
                stat=stat,
                window=w,
            )
        for h in s.ewm_halflives:
            add(
                f"roll_{stat}_ewm_h{window_tag(h)}",
                f"exponentially weighted mean {_LABEL[stat]}",
                f"halflife {h:g} played games",
                "ewm",
                stat=stat,
                halflife=h,
            )
        for w in s.volatility_windows:
            add(
                f"roll_{stat}_std_g{w}",
                f"sample standard deviation of {_LABEL[stat]}",
                f"last {w} played games",
                "std",
                stat=stat,
                window=w,
            )
        add(
            f"roll_{stat}_season_mean",
            f"mean {_LABEL[stat]} per played game this season",
            "season to date",
            "season_mean",
            stat=stat,
        )
        add(
            f"roll_{stat}_last",
            f"{_LABEL[stat]} in the last played game",
            "last played game",
            "last",
            stat=stat,
        )
    for stat in ("pra", "minutes"):
        for w in s.trend_windows:
            add(
                f"roll_{stat}_slope_g{w}",
                f"least-squares slope of {_LABEL[stat]} per played game",
                f"last {w} played games",
                "slope",
                stat=stat,
                window=w,
            )
    w = s.extreme_window
    add(
        f"roll_pra_max_g{w}",
        "highest PRA in one game",
        f"last {w} played games",
        "extreme",
        stat="pra",
        window=w,
        how="max",
    )
    add(
        f"roll_pra_min_g{w}",
        "lowest PRA in one game",
        f"last {w} played games",
        "extreme",
        stat="pra",
        window=w,
        how="min",
    )
    add(
        f"roll_pra_cv_g{w}",
        "coefficient of variation of PRA (std / mean)",
        f"last {w} played games",
        "cv",
        window=w,
    )
    for w in s.rolling_windows:
        add(
            f"roll_pra_per{window_tag(s.per_minutes)}_g{w}",
            f"PRA per {s.per_minutes:g} minutes = sum(PRA) / sum(minutes) * {s.per_minutes:g}",
            f"last {w} played games",
            "rate",
            window=w,
        )
    return defs


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    pw = ctx.played_windows
    out: dict[str, np.ndarray] = {}
    season = _season_series(ctx)
    for d in defs:
        p = d.params
        if d.kind == "mean":
            ev = pw.mean(ctx.played_values(p["stat"]), p["window"])
        elif d.kind == "ewm":
            ev = pw.ewm(ctx.played_values(p["stat"]), p["halflife"])
        elif d.kind == "std":
            ev = pw.std(ctx.played_values(p["stat"]), p["window"])
        elif d.kind == "slope":
            ev = pw.slope(ctx.played_values(p["stat"]), p["window"])
        elif d.kind == "last":
            ev = ctx.played_values(p["stat"])
        elif d.kind == "extreme":
            ev = pw.extreme(ctx.played_values(p["stat"]), p["window"], p["how"])
        elif d.kind == "cv":
            pra = ctx.played_values("pra")
            ev = safe_divide(pw.std(pra, p["window"]), pw.mean(pra, p["window"]))
        elif d.kind == "rate":
            ev = (
                pw.ratio(ctx.played_values("pra"), ctx.played_values("minutes"), p["window"])
                * ctx.settings.per_minutes
            )
        elif d.kind == "season_mean":
            windows, prior = season
            out[d.name] = gather(windows.mean(ctx.played_values(p["stat"]), None), prior)
            continue
        else:  # pragma: no cover - a registry/compute mismatch is a programming error
            raise ValueError(f"unknown rolling kind {d.kind}")
        out[d.name] = ctx.asof_played(ev)
    return out


def _season_series(ctx: FrameContext) -> tuple[KeyedWindows, np.ndarray]:
    """Played games keyed by (player, season), and each row's last such game before its date."""
    key = encode(ctx.player, ctx.rows["season"].to_numpy())
    ev_key = key[ctx.played_idx]
    if np.any(np.diff(ev_key) < 0):
        raise DataValidationError(
            "season labels must sort in chronological order (e.g. '2023-24' after '2022-23')"
        )
    prior = asof_positions(ev_key, ctx.date[ctx.played_idx], key, ctx.date)
    return KeyedWindows(ev_key), prior
