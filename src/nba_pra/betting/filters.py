"""Per-candidate rejection rules, in the order the engine applies them.

Each rule is a vectorised mask "this candidate is rejected"; a candidate's ``reason`` is the name of the first
rule that rejects it. Boundaries are inclusive for passing: ``n_prior_games >= min_games``, ``cv <= max_cv``,
``min_edge <= edge <= max_edge`` and ``confidence >= min_confidence`` all pass.

:func:`explain` turns a reason into the sentence every surface shows (``recommend --all``, the dashboard):
the rule with the candidate's value and the threshold, e.g. ``max_cv: CV 0.41 > 0.35``; :data:`RULE_TEXT` says
what each rule means (the dashboard's tooltips).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting.settings import BettingSettings, ConfidenceMethod

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


#: what each reason means, for people (tooltips, legends): the filter rules, then the engine's later reasons
RULE_TEXT: Final[dict[str, str]] = {
    "no_prediction": "no usable predicted distribution for this player",
    "derived_line": "a line derived from other markets: reference only, nobody offers it",
    "past_game": "the game is dated before the day the decision is made",
    "missing_price": "the book quotes no price on either side",
    "not_eligible": "the player is not eligible for a prediction (too few prior games)",
    "min_games": "too few prior games to trust the prediction (betting.min_games)",
    "max_cv": "the prediction is too uncertain: sd / mean above betting.max_cv",
    "min_edge": "expected return per unit staked below betting.min_edge",
    "max_edge": "edge above betting.max_edge: more likely a stale or wrong line than value",
    "min_confidence": "confidence (see betting.confidence_method) below betting.min_confidence",
    "not_best_price": "another book's offer of the same prop was chosen (one bet per prop)",
    "cap_player": "the player's stakes of the day reached betting.max_player_fraction of bankroll",
    "cap_game": "the game's stakes reached betting.max_game_fraction of bankroll",
    "cap_day": "the day's stakes reached betting.max_day_fraction of bankroll",
    "below_min_stake": "the sized stake is 0 or below betting.min_stake_fraction of bankroll",
    PASS: "passed every rule",
}


def _num(values: pd.Series, digits: int) -> pd.Series:
    """Numbers as text with ``digits`` decimals; a missing value reads ``n/a``."""
    return values.astype(float).map(lambda v: "n/a" if np.isnan(v) else f"{v:.{digits}f}")


def _confidence_label(s: BettingSettings) -> str:
    return "P(win)" if s.confidence_method is ConfidenceMethod.SIDE_PROBABILITY else "confidence"


#: the value and threshold of each threshold rule, as text: (candidates, settings) -> one string per row
_DETAILS: Final[dict[str, Callable[[pd.DataFrame, BettingSettings], pd.Series]]] = {
    "min_games": lambda c, s: _num(c["n_prior_games"], 0) + f" prior games < {s.min_games}",
    "max_cv": lambda c, s: "CV " + _num(c["cv"], 2) + f" > {s.max_cv:.2f}",
    "min_edge": lambda c, s: "edge " + _num(c["edge"], 3) + f" < {s.min_edge:.3f}",
    "max_edge": lambda c, s: "edge " + _num(c["edge"], 3) + f" > {s.max_edge if s.max_edge is not None else 0:.3f}",
    "min_confidence": lambda c, s: f"{_confidence_label(s)} " + _num(c["confidence"], 3)
    + f" < {s.min_confidence:.3f}",
    "cap_player": lambda c, s: pd.Series(f"player cap {s.max_player_fraction:.1%} of bankroll", index=c.index),
    "cap_game": lambda c, s: pd.Series(f"game cap {s.max_game_fraction:.1%} of bankroll", index=c.index),
    "cap_day": lambda c, s: pd.Series(f"day cap {s.max_day_fraction:.1%} of bankroll", index=c.index),
    "below_min_stake": lambda c, s: pd.Series(f"stake < {s.min_stake_fraction:.2%} of bankroll", index=c.index),
}


def explain(candidates: pd.DataFrame, reason: pd.Series, settings: BettingSettings) -> pd.Series:
    """``reason: value vs threshold`` per candidate (``max_cv: CV 0.41 > 0.35``); a reason without a threshold is
    ``reason: what it means`` (:data:`RULE_TEXT`); a bet is ``bet``."""
    out = reason.astype(str) + ": " + reason.map(RULE_TEXT).fillna("").astype(str)
    for name, detail in _DETAILS.items():
        rows = reason.eq(name)
        if rows.any():
            out[rows] = name + ": " + detail(candidates.loc[rows], settings)
    out[reason.eq(PASS)] = PASS
    return out


def rule_mask(name: str, candidates: pd.DataFrame, settings: BettingSettings,
              as_of: pd.Timestamp | None = None) -> pd.Series:
    """True where rule ``name`` (of :data:`RULES`) rejects the candidate, whatever rules come before it."""
    return dict(RULES)[name](candidates, settings, as_of).astype(bool)


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
