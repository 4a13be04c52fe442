"""Reading a frame of bet decisions (the bet stage's candidates, or the ledger's bets), whichever stage wrote it.

The terminal table (``nba-pra recommend``) and the dashboard both show decisions; what a row's flags mean is
decided here once, including for decisions written before a column existed. :func:`override_warnings` says when a
changed betting threshold changes no bet, and which rule binds instead.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting import filters
from nba_pra.betting.engine import DECISION_BET
from nba_pra.betting.gate import BetState
from nba_pra.betting.settings import BettingSettings

#: the prefix of the betting settings' override keys
BETTING_PREFIX: Final = "betting."
#: the filter rules set by a threshold of the same name (``betting.min_edge`` -> rule ``min_edge``)
THRESHOLD_RULES: Final = ("min_games", "max_cv", "min_edge", "max_edge", "min_confidence")
#: stakes (fractions of bankroll) closer than this are the same stake
_STAKE_TOL: Final = 1e-12


def suspect_edges(frame: pd.DataFrame, suspect_edge: float | None) -> pd.Series:
    """``edge_suspect`` as the bet stage wrote it; for decisions written before that column existed, ``edge >
    suspect_edge`` (never when no bound is configured)."""
    if "edge_suspect" in frame.columns:
        return frame["edge_suspect"].fillna(False).astype(bool)
    if suspect_edge is None or "edge" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["edge"].astype(float).gt(suspect_edge)


def pricing_of(frame: pd.DataFrame) -> str | None:
    """The pricing method(s) of the rows ("market_aware"), None when the decisions predate the column."""
    if "pricing" not in frame.columns:
        return None
    methods = sorted({str(m) for m in frame["pricing"].dropna() if str(m)})
    return ", ".join(methods) or None


def with_reason_details(frame: pd.DataFrame, settings: BettingSettings) -> pd.DataFrame:
    """``reason_detail`` as the bet stage wrote it; rows without one (decisions written before the column existed)
    are explained from ``settings``' thresholds (:func:`nba_pra.betting.filters.explain`)."""
    if "reason" not in frame.columns:
        return frame
    stored = frame["reason_detail"] if "reason_detail" in frame.columns else pd.Series(None, index=frame.index)
    missing = stored.isna() | stored.eq("")
    if not missing.any():
        return frame
    explained = filters.explain(frame, frame["reason"].astype(str), settings)
    return frame.assign(reason_detail=stored.where(~missing, explained))


def reason_help(reason: str | None, detail: str | None) -> str:
    """A reason for people (the dashboard's tooltip): what the rule means, then the candidate's value and the
    threshold: ``max_cv: the prediction is too uncertain: sd / mean above betting.max_cv (CV 0.41 > 0.35)``."""
    if not reason:
        return ""
    meaning = filters.RULE_TEXT.get(reason, "")
    text = f"{reason}: {meaning}" if meaning else reason
    specific = (detail or "").removeprefix(f"{reason}: ")
    return f"{text} ({specific})" if specific and specific not in (meaning, reason) else text


#: the columns that make a decision's outcome: which offer is bet, staked or paper, and for how much
_OUTCOME: Final = ("bet_id", "bookmaker", "state", "stake")


def bets_of(decisions: pd.DataFrame) -> pd.DataFrame:
    """The outcome of a set of decisions: the bets' (bet_id, bookmaker, state, stake), in a canonical order."""
    bets = decisions.loc[decisions["decision"].eq(DECISION_BET), [c for c in _OUTCOME if c in decisions.columns]]
    return bets.sort_values(list(bets.columns), kind="mergesort").reset_index(drop=True)


def same_outcome(base: pd.DataFrame, new: pd.DataFrame) -> bool:
    """True when two decisions of the same candidates place the same bets, in the same state, at the same stakes."""
    a, b = bets_of(base), bets_of(new)
    if len(a) != len(b) or not a[["bet_id", "bookmaker"]].equals(b[["bet_id", "bookmaker"]]):
        return False
    return bool(a["state"].equals(b["state"]) and np.allclose(a["stake"], b["stake"], rtol=0, atol=_STAKE_TOL))


def binding_rules(base: pd.DataFrame, new: pd.DataFrame, rule: str, base_settings: BettingSettings,
                  new_settings: BettingSettings) -> tuple[int, pd.Series, str]:
    """Why changing the threshold of ``rule`` changed no bet: the candidates whose verdict on ``rule`` differs
    between the two settings, counted by the rule that rejects them anyway (their reason in whichever decision
    ``rule`` did not reject them), and the first one's ``reason_detail``.

    Returns ``(flipped, counts, example)``; ``flipped`` 0 means no candidate lies between the two thresholds.
    """
    was = filters.rule_mask(rule, base, base_settings)
    now = filters.rule_mask(rule, new, new_settings)
    flipped = was.ne(now)
    if not flipped.any():
        return 0, pd.Series(dtype=int), ""
    # tightened: ``rule`` now rejects them first, so their old reason binds; loosened: their new reason
    other = base["reason"].where(now, new["reason"])[flipped]
    detail = base["reason_detail"].where(now, new["reason_detail"])[flipped]
    counts = other.value_counts()
    example = detail[other.eq(counts.index[0])].iloc[0]
    return int(flipped.sum()), counts, str(example)


#: the exposure cap (``capped_by``) -> the setting that sets it
_CAP_KEYS: Final = {"cap_bet": "max_stake_fraction", "cap_player": "max_player_fraction",
                    "cap_game": "max_game_fraction", "cap_day": "max_day_fraction"}


def _stake_binding(decisions: pd.DataFrame) -> str:
    """`` (...)`` naming what fixes every stake when a sizing override changed none: the gate or a cap."""
    placed = decisions[decisions["decision"].eq(DECISION_BET)]
    if placed.empty:
        return ""
    if placed["state"].eq(BetState.PAPER.value).all():
        return " (every bet is a paper bet: the evidence gate binds)"
    capped = placed.loc[placed["state"].eq(BetState.STAKED.value), "capped_by"].fillna("")
    if len(capped) and capped.ne("").all():
        cap = capped.value_counts().index[0]
        return f" (every stake is capped: {cap} binds, betting.{_CAP_KEYS.get(cap, cap)})"
    return ""


def override_warnings(base: pd.DataFrame, new: pd.DataFrame, changed: dict[str, str],
                      base_settings: BettingSettings, new_settings: BettingSettings) -> list[str]:
    """One sentence per betting override (``changed``: key -> value as typed) when together they change no bet,
    naming the rule that binds instead; none when the bets differ.

    ``base`` and ``new`` are the same candidates decided with ``base_settings`` and ``new_settings``.
    """
    if not same_outcome(base, new):
        return []
    out = []
    for key, value in changed.items():
        name = key.removeprefix(BETTING_PREFIX)
        head = f"{key}={value} changes no bet"
        if name not in THRESHOLD_RULES:
            out.append(f"{head} or stake{_stake_binding(new)}")
            continue
        flipped, counts, example = binding_rules(base, new, name, base_settings, new_settings)
        if not flipped:
            out.append(f"{head}: no candidate lies between the old and the new {name} threshold")
            continue
        binds = ", ".join(f"{reason} {n}" for reason, n in counts.items())
        out.append(f"{head}: {counts.index[0]} binds first; the {flipped} candidates whose {name} verdict it "
                   f"changes are rejected anyway ({binds}; e.g. {example})")
    return out
