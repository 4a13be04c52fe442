"""Stake sizing after the filters: correlation shrink, per-bet cap, then per-player / game / day caps.

Group caps are filled greedily in priority order (larger edge first): within a group whose cap is ``C`` and
whose stakes in priority order have running totals ``S_1 <= S_2 <= ...``, bet ``i`` keeps
``min(C, S_i) - min(C, S_{i-1})``. That is exactly the sequential "take what is left" allocation, computed with a
grouped cumulative sum (no Python loop). Caps only ever shrink stakes, so applying them one after another keeps
every earlier cap satisfied.

Stakes already *committed* (bets placed earlier on the same day: a player's pre-game bet when his live bets are
sized, his live bets of earlier moments) come off each group's cap before the new bets fill it: a group with
committed stakes ``K`` offers the new bets ``max(0, C - K)``, so pre-game and live stakes together never pass ``C``.
The per-bet cap and the correlation shrink concern the bets being sized only.
"""

from __future__ import annotations

from typing import Final, cast

import numpy as np
import pandas as pd

from nba_pra.betting.kelly import correlation_shrink
from nba_pra.betting.settings import BettingSettings

PLAYER_KEYS: Final = ("game_date", "player_id")
GAME_KEYS: Final = ("game_id",)
#: stakes below this fraction of bankroll are float noise left by cap arithmetic (numerical, not a tunable)
_STAKE_EPS: Final = 1e-9
DAY_KEYS: Final = ("game_date",)


def fill_cap(stakes: pd.Series, groups: pd.DataFrame, cap: float | pd.Series) -> pd.Series:
    """Greedy fill of ``cap`` per group in the row order given (first rows are served first); ``cap`` is one
    number, or each row's group's cap (on ``stakes``' index)."""
    keys = [groups[c] for c in groups.columns]
    running = stakes.groupby(keys, sort=False, dropna=False).cumsum()
    before = running - stakes
    return cast(pd.Series, np.minimum(cap, running) - np.minimum(cap, before))


def shrink_for_correlation(stakes: pd.Series, frame: pd.DataFrame, settings: BettingSettings) -> pd.Series:
    """Scale stakes by :func:`correlation_shrink` for the bets sharing a player-day and sharing a game."""
    n_player = frame.groupby(list(PLAYER_KEYS), sort=False)["game_id"].transform("size")
    n_game = frame.groupby(list(GAME_KEYS), sort=False)["game_id"].transform("size")
    return (
        stakes
        * correlation_shrink(n_player, settings.same_player_correlation)
        * correlation_shrink(n_game, settings.same_game_correlation)
    )


def floor_stake(stakes: pd.Series, decimals: int) -> pd.Series:
    """Floor to ``decimals`` places (never rounds up, so caps still hold); a tiny tolerance absorbs float noise."""
    scale = 10.0**decimals
    return np.floor(stakes * scale + 1e-9) / scale


def _too_small(stakes: pd.Series, min_stake: float) -> pd.Series:
    return (stakes <= 0) | (stakes < min_stake)


def room_left(frame: pd.DataFrame, committed: pd.DataFrame | None, keys: tuple[str, ...], cap: float) -> pd.Series:
    """Each row's group's ``cap`` less the ``committed`` stakes of that group (``keys``), never below 0 (units)."""
    if committed is None or committed.empty:
        return pd.Series(cap, index=frame.index, dtype=float)
    used = committed.groupby(list(keys), sort=False)["stake"].sum().rename("_used").reset_index()
    rows = frame.loc[:, list(keys)].merge(used, on=list(keys), how="left")["_used"].fillna(0.0).to_numpy(float)
    return pd.Series(np.maximum(cap - rows, 0.0), index=frame.index)


def _keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The cap group columns with one dtype on both sides of a merge (dates as timestamps, ids as text / int)."""
    return frame.assign(game_date=pd.to_datetime(frame["game_date"]),
                        game_id=frame["game_id"].astype(str), player_id=frame["player_id"].astype("int64"))


def size_stakes(bets: pd.DataFrame, settings: BettingSettings, bankroll: float,
                committed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Final stakes of the bets that passed every filter and won their prop's best price.

    ``bets`` needs ``stake_kelly``, ``edge``, ``bet_id``, ``game_id``, ``game_date``, ``player_id``. Returns a frame
    on the same index with ``stake`` (units), ``capped_by`` (the last cap that trimmed it, '' if none) and
    ``cap_reason`` (the cap that cut it to nothing or below the minimum stake, 'below_min_stake', or '' when it
    stays a bet). A stake is placed only if it is > 0 and >= ``min_stake_fraction * bankroll``.
    ``committed`` (``game_date``, ``game_id``, ``player_id``, ``stake``): stakes already placed, which use up the
    player / game / day caps first (module docstring).
    """
    min_stake = settings.min_stake_fraction * bankroll
    order = bets.sort_values(["edge", "bet_id"], ascending=[False, True], kind="mergesort").index
    frame = bets.loc[order]
    groups = _keys(frame)
    held = _keys(committed.loc[committed["stake"].astype(float) > 0]) if committed is not None else None
    stake = shrink_for_correlation(frame["stake_kelly"].astype(float), frame, settings)
    capped_by = pd.Series("", index=frame.index, dtype=object)
    cap_reason = pd.Series("", index=frame.index, dtype=object)

    bet_cap = settings.max_stake_fraction * bankroll
    capped_by[stake > bet_cap] = "cap_bet"
    stake = cast(pd.Series, np.minimum(stake, bet_cap))

    for name, keys, fraction in (
        ("cap_player", PLAYER_KEYS, settings.max_player_fraction),
        ("cap_game", GAME_KEYS, settings.max_game_fraction),
        ("cap_day", DAY_KEYS, settings.max_day_fraction),
    ):
        trimmed = fill_cap(stake, groups[list(keys)], room_left(groups, held, keys, fraction * bankroll))
        trimmed = trimmed.where(trimmed > _STAKE_EPS * bankroll, 0.0)
        cut = trimmed < stake - _STAKE_EPS * bankroll
        capped_by[cut] = name
        cap_reason[cut & _too_small(trimmed, min_stake) & (cap_reason == "")] = name
        stake = trimmed

    if settings.stake_decimals is not None:
        stake = floor_stake(stake, settings.stake_decimals)
    too_small = _too_small(stake, min_stake) & (cap_reason == "")
    cap_reason[too_small] = "below_min_stake"
    stake = stake.where(cap_reason == "", 0.0)
    out = pd.DataFrame({"stake": stake, "capped_by": capped_by, "cap_reason": cap_reason})
    return out.loc[bets.index]
