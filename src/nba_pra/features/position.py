"""Position family: the player's PRA form compared with other players of his position, as of the row's date.

Two references, both built from forms that only use earlier games:

* z-scores / ratios against the league-wide distribution of position form over the position's last
  ``position_reference_days`` game days before the row's date (form = rolling mean PRA after each played
  game);
* percentiles within the players of the same position listed on the same date (their forms are as-of values,
  so no one's result on that date enters).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.features.asof import KeyedWindows, asof_positions, gather, safe_divide, sum_events
from nba_pra.features.frame import FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, Params

FAMILY = "position"


def definitions(s: FeatureSettings) -> list[FeatureDef]:
    defs: list[FeatureDef] = []
    ref = f"league form of the position over its last {s.position_reference_days} game days"

    def add(name: str, definition: str, span: str, kind: str, **params: object) -> None:
        defs.append(FeatureDef(name, FAMILY, definition, span, kind, dict(params)))

    for w in s.position_windows:
        form = f"mean PRA over the last {w} played games"
        add(
            f"pos_z_pra_g{w}",
            f"z-score of the player's {form} against the {ref}",
            f"{w} games; {ref}",
            "z",
            stat="pra",
            window=w,
        )
        add(
            f"pos_ratio_pra_g{w}",
            f"the player's {form} divided by the mean {ref}",
            f"{w} games; {ref}",
            "ratio",
            stat="pra",
            window=w,
        )
        add(
            f"pos_pct_pra_g{w}",
            f"percentile (0-1] of the player's {form} among same-position players listed on this date",
            f"{w} games; this date",
            "percentile",
            stat="pra",
            window=w,
        )
    w = sorted(s.position_windows)[len(s.position_windows) // 2]
    add(
        f"pos_z_minutes_g{w}",
        f"z-score of the player's mean minutes over the last {w} played games against the "
        f"league minutes form of the position over its last {s.position_reference_days} game days",
        f"{w} games; {ref}",
        "z",
        stat="minutes",
        window=w,
    )
    return defs


def _form(ctx: FrameContext, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """The player's form (rolling mean of ``stat``) after each played game, and as of each row's date."""
    form_events = ctx.played_windows.mean(ctx.played_values(p["stat"]), p["window"])
    return form_events, ctx.asof_played(form_events)


def _position_reference(ctx: FrameContext, p: Params, form_events: np.ndarray) -> np.ndarray:
    """(mean, std) of the position's forms before each row's date, shared by the kinds with the same form."""
    key = ("position_reference", p["stat"], p["window"])
    if key not in ctx.cache:
        ctx.cache[key] = np.stack(_reference(ctx, form_events))
    return ctx.cache[key]


def _percentile(ctx: FrameContext, p: Params) -> np.ndarray:
    """Rank of the form among the players of the same position listed on the same date."""
    _, form = _form(ctx, p)
    groups = [ctx.day, ctx.position_code]
    return pd.Series(form).groupby(groups).rank(pct=True).to_numpy(dtype=np.float64)


def _z(ctx: FrameContext, p: Params) -> np.ndarray:
    form_events, form = _form(ctx, p)
    mean, std = _position_reference(ctx, p, form_events)
    return safe_divide(form - mean, std)


def _ratio(ctx: FrameContext, p: Params) -> np.ndarray:
    form_events, form = _form(ctx, p)
    mean, _ = _position_reference(ctx, p, form_events)
    return safe_divide(form, mean)


#: kind -> the function computing its column (the ``_DEVIG`` pattern of :mod:`nba_pra.odds.market`)
KINDS: Final[dict[str, Callable[[FrameContext, Params], np.ndarray]]] = {
    "percentile": _percentile, "z": _z, "ratio": _ratio,
}


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    return {d.name: KINDS[d.kind](ctx, d.params) for d in defs}


def _reference(ctx: FrameContext, form_events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: mean and standard deviation of the forms recorded after played games of the row's position
    over that position's last ``position_reference_days`` game days before the row's date."""
    idx = ctx.played_idx
    present = ~np.isnan(form_events)
    events = sum_events(
        ctx.position_code[idx],
        ctx.day[idx],
        ctx.date[idx],
        {
            "n": present.astype(np.float64),
            "s1": np.where(present, form_events, np.nan),
            "s2": np.where(present, form_events * form_events, np.nan),
        },
    )
    key = events["key"].to_numpy()
    kw = KeyedWindows(key)
    window = ctx.settings.position_reference_days
    n = kw.total(events["n"].to_numpy(), window)
    s1 = kw.total(events["s1"].to_numpy(), window)
    s2 = kw.total(events["s2"].to_numpy(), window)
    mean = safe_divide(s1, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n >= 2, np.maximum((s2 - s1 * s1 / n) / (n - 1), 0.0), np.nan)
    prior = asof_positions(key, events["date"].to_numpy(), ctx.position_code, ctx.date)
    return gather(mean, prior), gather(np.sqrt(var), prior)
