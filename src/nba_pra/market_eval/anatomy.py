"""Error anatomy: where the model loses to the market, so the next modelling step is chosen by evidence.

For each played prop ``gap = |mean - actual| - |line - actual|`` (positive: the line was closer). Props are
bucketed along several dimensions; per bucket the table gives props, the model's and the line's MAE, the mean
gap and the bucket's ``share_of_gap`` = its summed gap / the summed gap over all props (shares of one dimension
add up to 1; a bucket holding 10 % of props and 35 % of the gap is where the market knows something we do not).

Dimensions: as-of minutes (mean of the last 10 games), the player's role *in this game* (starter or bench, and
whether it changed from his previous game -- known to the market from lineups before tip-off, to us only after
the fact), days of rest, returning from absence (within ``returning_max_games`` games of a missed game) and the
size of the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.market_eval.settings import AnatomySettings
from nba_pra.vocab import PLAYER_GAME_KEYS, LineOutcome

#: as-of features the anatomy buckets by (all from the feature registry)
MINUTES_FEATURE: Final = "roll_minutes_mean_g10"
REST_FEATURE: Final = "ctx_rest_days_team"
RETURN_FEATURE: Final = "av_games_since_return"
ANATOMY_FEATURES: Final = (MINUTES_FEATURE, REST_FEATURE, RETURN_FEATURE)
UNKNOWN: Final = "unknown"


def previous_starter(box_scores: pd.DataFrame) -> pd.DataFrame:
    """Per player-game: whether the player started his previous played game (NaN for a first game)."""
    played = box_scores.loc[box_scores["played"].astype(bool), [*PLAYER_GAME_KEYS, "game_date", "starter"]]
    played = played.sort_values(["player_id", "game_date", "game_id"], kind="mergesort")
    prev = played.groupby("player_id")["starter"].shift(1)
    return played.loc[:, list(PLAYER_GAME_KEYS)].assign(prev_starter=prev.astype("float64"))


def bucket(values: pd.Series, edges: Sequence[float], unit: str = "") -> pd.Series:
    """``[a, b)`` labels (``"24-30"``), ``unknown`` for missing values."""
    e = list(edges)
    labels = [f"{e[i]:g}-{e[i + 1]:g}{unit}" for i in range(len(e) - 1)]
    cut = pd.cut(values.astype(float), bins=e, labels=labels, right=False)
    return cut.astype(object).where(cut.notna(), UNKNOWN)


def role(props: pd.DataFrame) -> pd.Series:
    """starter / bench in this game, with "(new)" when it differs from the previous game's role."""
    now = np.where(props["starter"].fillna(False).astype(bool), "starter", "bench")
    prev = props["prev_starter"]
    changed = prev.notna() & (prev.astype(float).astype(bool) != props["starter"].fillna(False).astype(bool))
    return pd.Series(np.where(changed, np.char.add(now.astype(str), " (new)"), now), index=props.index)


def dimensions(props: pd.DataFrame, settings: AnatomySettings) -> dict[str, pd.Series]:
    returning = props[RETURN_FEATURE].astype(float)
    back = np.where(returning.isna(), UNKNOWN,
                    np.where(returning < settings.returning_max_games, "returning", "settled"))
    return {
        "minutes_g10": bucket(props[MINUTES_FEATURE], settings.minutes_edges),
        "role": role(props),
        "rest_days": bucket(props[REST_FEATURE], settings.rest_edges),
        "absence": pd.Series(back, index=props.index),
        "line": bucket(props["main_line"], settings.line_edges),
    }


def error_anatomy(props: pd.DataFrame, features: pd.DataFrame, box_scores: pd.DataFrame,
                  settings: AnatomySettings) -> pd.DataFrame:
    """The anatomy table (see module docstring): dimension, bucket, props, model/line MAE, gap and its share."""
    keys = list(PLAYER_GAME_KEYS)
    played = props.loc[props["outcome"] != LineOutcome.VOID]
    frame = played.merge(features.loc[:, [*keys, *ANATOMY_FEATURES]].drop_duplicates(keys), on=keys, how="left")
    frame = frame.merge(previous_starter(box_scores), on=keys, how="left")
    model_err = (frame["mean"] - frame["actual"]).abs()
    line_err = (frame["main_line"] - frame["actual"]).abs()
    gap = model_err - line_err
    total = float(gap.sum())
    parts = []
    for name, labels in dimensions(frame, settings).items():
        g = pd.DataFrame({"bucket": labels.to_numpy(), "model_err": model_err, "line_err": line_err, "gap": gap})
        agg = g.groupby("bucket", sort=True).agg(props=("gap", "size"), model_mae=("model_err", "mean"),
                                                 line_mae=("line_err", "mean"), mean_gap=("gap", "mean"),
                                                 sum_gap=("gap", "sum")).reset_index()
        agg["share_of_props"] = agg["props"] / len(frame)
        agg["share_of_gap"] = agg["sum_gap"] / total if total else np.nan
        parts.append(agg.drop(columns="sum_gap").assign(dimension=name))
    cols = ["dimension", "bucket", "props", "share_of_props", "model_mae", "line_mae", "mean_gap", "share_of_gap"]
    return pd.concat(parts, ignore_index=True)[cols]
