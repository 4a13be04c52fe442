"""The as-of feature engine: history box scores + the next slate -> one feature row per player-game.

The slate rows are appended to history with no results and go through the very same computation, so a slate
row's features are exactly what a history row on that date would get (no train/serve skew). Every feature of
a game uses only games dated strictly before that game's date (see :mod:`nba_pra.features.asof`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.data.schema import (
    BOX_SCORE_COLUMNS,
    BOX_SCORE_OPTIONAL_COLUMNS,
    PLAYER_GAME_COLUMNS,
    require_columns,
)
from nba_pra.errors import DataValidationError
from nba_pra.features.asof import encode
from nba_pra.features.frame import FrameContext
from nba_pra.features.registry import FAMILY_MODULES, build_registry, feature_names
from nba_pra.features.settings import FeatureSettings

#: identity and bookkeeping columns of the feature frame, before the features (registry order)
KEY_COLUMNS: Final = (
    *PLAYER_GAME_COLUMNS,
    "is_slate",
    "played",
    "target_pra",
    "minutes",
    "n_prior_games",
    "eligible",
    "ineligible_reason",
)
SORT_COLUMNS: Final = ("game_date", "game_id", "player_id")
_STRING_KEYS: Final = ("game_id", "season", "player_name", "team", "opponent", "position")
_BOOL_KEYS: Final = ("home", "is_slate", "played", "eligible")
_RESULT_COLUMNS: Final = ("minutes", "pts", "reb", "ast", *BOX_SCORE_OPTIONAL_COLUMNS)


def build_features(
    box_scores: pd.DataFrame,
    slate: pd.DataFrame,
    settings: FeatureSettings,
    progress: Callable[[int, int, str], None] | None = None,
    availability: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per box-score row (DNPs included) and per slate row, sorted by (game_date, game_id, player_id).

    Columns: :data:`KEY_COLUMNS` then ``feature_names(settings)``. ``target_pra`` = pts + reb + ast (NaN for
    DNP and slate rows); ``n_prior_games`` = games the player played strictly before the row's date;
    ``eligible`` = ``n_prior_games >= settings.min_games`` (ineligible rows are kept and carry
    ``ineligible_reason``). ``availability`` is the pre-game availability table visible before each game's
    cut-off (:mod:`nba_pra.availability.asof`); without it the pre-game availability features are unknown.
    """
    rows = _combine(box_scores, slate)
    ctx = FrameContext(rows, settings, availability)
    registry = build_registry(settings)
    names = [d.name for d in registry]
    position = {name: i for i, name in enumerate(names)}
    # Output order (game_date, game_id, player_id); features are written straight into one preallocated
    # (feature, row) block in that order, so the peak holds one copy of the feature matrix, not three.
    order = np.lexsort((ctx.player, encode(rows["game_id"]), ctx.date.view(np.int64)))
    block = np.empty((len(names), ctx.n), dtype=np.float64)
    for done, (family, module) in enumerate(FAMILY_MODULES.items()):
        if progress:
            progress(done, len(FAMILY_MODULES), f"{family} features")
        defs = [d for d in registry if d.family == family]
        computed = module.compute(ctx, defs)
        expected = {d.name for d in defs}
        if set(computed) != expected:  # pragma: no cover - guards the registry/compute contract
            raise RuntimeError(
                f"family {family} computed {sorted(set(computed) ^ expected)} outside its registry"
            )
        for name in list(computed):
            block[position[name]] = computed.pop(name)[order]
    n_prior = ctx.n_prior_games
    eligible = n_prior >= settings.min_games
    reason = f"fewer than {settings.min_games} prior games played"
    keys = pd.DataFrame(
        {
            **{
                c: rows[c].to_numpy()[order]
                for c in (*PLAYER_GAME_COLUMNS, "is_slate")
            },
            "played": ctx.played[order],
            "target_pra": np.where(ctx.played, ctx.stat["pra"], np.nan)[order],
            "minutes": rows["minutes"].to_numpy(dtype=np.float64)[order],
            "n_prior_games": n_prior[order],
            "eligible": eligible[order],
            "ineligible_reason": pd.Series(
                np.where(eligible, np.array(None, dtype=object), reason)[order], dtype=object
            ),
        }
    )
    for c in _STRING_KEYS:
        keys[c] = keys[c].astype(rows[c].dtype)
    features = pd.DataFrame(block.T, columns=names, copy=False)
    return pd.concat([keys, features], axis=1)


def _combine(box_scores: pd.DataFrame, slate: pd.DataFrame) -> pd.DataFrame:
    """History + slate in one frame with uniform dtypes, sorted by (player_id, game_date, game_id)."""
    require_columns(box_scores, BOX_SCORE_COLUMNS, "box_scores")
    require_columns(slate, list(PLAYER_GAME_COLUMNS), "slate")
    base = list(PLAYER_GAME_COLUMNS)
    history = box_scores[base].copy()
    history["is_slate"] = False
    history["played"] = box_scores["played"].fillna(False).to_numpy(dtype=bool)
    # who started is a result of the game: read only as history (a slate row's own start is unknown)
    history["starter"] = (
        box_scores["starter"].astype("boolean").astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        if "starter" in box_scores.columns
        else np.nan
    )
    for c in _RESULT_COLUMNS:
        history[c] = (
            pd.to_numeric(box_scores[c], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            if c in box_scores.columns
            else np.nan
        )
    upcoming = slate[base].copy()
    upcoming["is_slate"] = True
    upcoming["played"] = False
    upcoming["starter"] = np.nan
    for c in _RESULT_COLUMNS:
        upcoming[c] = np.nan
    rows = pd.concat([history, upcoming], ignore_index=True)
    rows["game_date"] = pd.to_datetime(rows["game_date"]).astype("datetime64[ns]").dt.normalize()
    rows["player_id"] = rows["player_id"].astype(np.int64)
    rows["home"] = rows["home"].astype(bool)
    for c in _STRING_KEYS:
        rows[c] = rows[c].astype(str)
    rows["pra"] = rows["pts"] + rows["reb"] + rows["ast"]
    duplicated = rows.duplicated(["game_id", "player_id"])
    if duplicated.any():
        first = rows.loc[duplicated, ["game_id", "player_id"]].head(3).to_dict("records")
        raise DataValidationError(f"player-games appear twice in box scores + slate (first: {first})")
    return rows.sort_values(["player_id", "game_date", "game_id"], kind="mergesort").reset_index(drop=True)


def _holds_strings(values: pd.Series) -> bool:
    """A string or object column (ids and names are read either way)."""
    return bool(pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values))


def _dtype_rules(names: list[str]) -> tuple[tuple[tuple[str, ...], Callable[[pd.Series], bool], str], ...]:
    """(columns, dtype check, what the check requires) in the order they are checked: the first column that
    breaks its rule is the one reported."""
    return (
        (("game_date",), pd.api.types.is_datetime64_any_dtype, "be datetime64"),
        (("player_id", "n_prior_games"), pd.api.types.is_integer_dtype, "be integer"),
        (_BOOL_KEYS, pd.api.types.is_bool_dtype, "be bool"),
        (_STRING_KEYS, _holds_strings, "hold strings"),
        (("target_pra", "minutes", *names), pd.api.types.is_float_dtype, "be float"),
    )


def _check_dtypes(df: pd.DataFrame, names: list[str]) -> None:
    """Every key, target and feature column has its dtype kind (:func:`_dtype_rules`)."""
    for columns, has_kind, kind in _dtype_rules(names):
        for c in columns:
            if not has_kind(df[c]):
                raise DataValidationError(f"feature frame column {c} must {kind}, got {df[c].dtype}")


def _check_rows(df: pd.DataFrame) -> None:
    """Rows are unique per (game_id, player_id), sorted by :data:`SORT_COLUMNS`, and no slate row has a result."""
    if df.duplicated(["game_id", "player_id"]).any():
        raise DataValidationError("feature frame has duplicate (game_id, player_id) rows")
    sort_key = df[list(SORT_COLUMNS)]
    if not sort_key.equals(sort_key.sort_values(list(SORT_COLUMNS), kind="mergesort")):
        raise DataValidationError("feature frame is not sorted by (game_date, game_id, player_id)")
    slate_played = df["is_slate"] & df["played"]
    if slate_played.any():
        raise DataValidationError("feature frame has slate rows marked as played")


def validate_feature_frame(df: pd.DataFrame, settings: FeatureSettings) -> None:
    """Schema check of a feature frame; raises :class:`DataValidationError` naming the first broken rule.

    Rules: every key column present with its dtype kind (dates datetime64, ids int64, flags bool, targets and
    features float); every registered feature present and numeric; rows sorted by (game_date, game_id,
    player_id) and unique per (game_id, player_id).
    """
    names = feature_names(settings)
    require_columns(df, KEY_COLUMNS, "feature frame")
    missing = [n for n in names if n not in df.columns]
    if missing:
        raise DataValidationError(
            f"feature frame lacks {len(missing)} registered feature(s), e.g. {missing[:5]}"
        )
    _check_dtypes(df, names)
    _check_rows(df)
