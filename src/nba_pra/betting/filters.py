"""Per-candidate rejection rules, in the order the engine applies them.

Each rule is a vectorised mask "this candidate is rejected"; a candidate's ``reason`` is the name of the first
rule that rejects it. Boundaries are inclusive for passing: ``n_prior_games >= min_games``, ``cv <= max_cv``,
``min_edge <= edge <= max_edge`` and ``confidence >= min_confidence`` all pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting.settings import BettingSettings

Rule = Callable[[pd.DataFrame, BettingSettings, "pd.Timestamp | None"], "pd.Series[bool]"]

PASS: Final = "bet"


def _no_prediction(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    # a line for a player the predict stage did not cover (or whose distribution is unusable)
    return ~(np.isfinite(c["dist_param_a"]) & np.isfinite(c["dist_param_b"]))


def _derived_line(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    return c["is_derived"].fillna(False).astype(bool)


def _past_game(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    if as_of is None:
        return pd.Series(False, index=c.index)
    day = pd.Timestamp(as_of)
    day = (day.tz_localize(None) if day.tzinfo is not None else day).normalize()
    return pd.to_datetime(c["game_date"]) < day


def _missing_price(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    return c["over_decimal"].isna() & c["under_decimal"].isna()


def _not_eligible(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    return ~c["eligible"].fillna(False).astype(bool)


def _min_games(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    return ~(c["n_prior_games"] >= s.min_games)


def _max_cv(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    return ~(c["cv"] <= s.max_cv)


def _min_edge(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    return ~(c["edge"] >= s.min_edge)


def _max_edge(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    if s.max_edge is None:
        return pd.Series(False, index=c.index)
    return ~(c["edge"] <= s.max_edge)


def _min_confidence(c: pd.DataFrame, s: BettingSettings, as_of: pd.Timestamp | None) -> pd.Series:
    return ~(c["confidence"] >= s.min_confidence)


#: the candidate-level rules, applied in this order (the first that fires is the recorded reason)
RULES: Final[tuple[tuple[str, Rule], ...]] = (
    ("no_prediction", _no_prediction),
    ("derived_line", _derived_line),
    ("past_game", _past_game),
    ("missing_price", _missing_price),
    ("not_eligible", _not_eligible),
    ("min_games", _min_games),
    ("max_cv", _max_cv),
    ("min_edge", _min_edge),
    ("max_edge", _max_edge),
    ("min_confidence", _min_confidence),
)


def first_rejection(
    candidates: pd.DataFrame, settings: BettingSettings, as_of: pd.Timestamp | None = None
) -> pd.Series:
    """Name of the first rule in :data:`RULES` rejecting each candidate, or :data:`PASS` if none does."""
    reason = pd.Series(PASS, index=candidates.index, dtype=object)
    open_ = pd.Series(True, index=candidates.index)
    for name, rule in RULES:
        hit = open_ & rule(candidates, settings, as_of).astype(bool)
        reason[hit] = name
        open_ &= ~hit
    return reason
