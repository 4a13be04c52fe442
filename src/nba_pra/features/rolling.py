"""Rolling family: the player's own recent production (means, EWMAs, volatility, trends) over played games.

Every window runs over the player's played games and is read as of the last one dated before the row's date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np

from nba_pra.errors import DataValidationError
from nba_pra.features.asof import KeyedWindows, asof_positions, encode, gather, safe_divide
from nba_pra.features.frame import STATS, FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, Params, window_tag

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


@dataclass(frozen=True)
class _Inputs:
    """What every rolling kind reads: the frame, and the player's played games keyed by season."""

    ctx: FrameContext
    season: tuple[KeyedWindows, np.ndarray]

    def stat(self, name: str) -> np.ndarray:
        return self.ctx.played_values(name)


def _mean(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.played_windows.mean(x.stat(p["stat"]), p["window"])


def _ewm(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.played_windows.ewm(x.stat(p["stat"]), p["halflife"])


def _std(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.played_windows.std(x.stat(p["stat"]), p["window"])


def _slope(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.played_windows.slope(x.stat(p["stat"]), p["window"])


def _last(x: _Inputs, p: Params) -> np.ndarray:
    return x.stat(p["stat"])


def _extreme(x: _Inputs, p: Params) -> np.ndarray:
    return x.ctx.played_windows.extreme(x.stat(p["stat"]), p["window"], p["how"])


def _cv(x: _Inputs, p: Params) -> np.ndarray:
    """std / mean of PRA over the window."""
    pra = x.stat("pra")
    return safe_divide(x.ctx.played_windows.std(pra, p["window"]), x.ctx.played_windows.mean(pra, p["window"]))


def _rate(x: _Inputs, p: Params) -> np.ndarray:
    """sum(PRA) / sum(minutes) * per_minutes over the window."""
    return x.ctx.played_windows.ratio(x.stat("pra"), x.stat("minutes"), p["window"]) * x.ctx.settings.per_minutes


def _season_mean(x: _Inputs, p: Params) -> np.ndarray:
    # keyed by (player, season) and read as of each row's last such game: not the played-games as-of read
    windows, prior = x.season
    return gather(windows.mean(x.stat(p["stat"]), None), prior)


def _asof(events: Callable[[_Inputs, Params], np.ndarray]) -> Callable[[_Inputs, Params], np.ndarray]:
    """A kind computed over the player's played games, read as of each row's last played game before its date."""

    def column(x: _Inputs, p: Params) -> np.ndarray:
        return x.ctx.asof_played(events(x, p))

    return column


#: kind -> the function computing its column (the ``_DEVIG`` pattern of :mod:`nba_pra.odds.market`)
KINDS: Final[dict[str, Callable[[_Inputs, Params], np.ndarray]]] = {
    "mean": _asof(_mean), "ewm": _asof(_ewm), "std": _asof(_std), "slope": _asof(_slope), "last": _asof(_last),
    "extreme": _asof(_extreme), "cv": _asof(_cv), "rate": _asof(_rate), "season_mean": _season_mean,
}


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    inputs = _Inputs(ctx, _season_series(ctx))
    return {d.name: KINDS[d.kind](inputs, d.params) for d in defs}


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
