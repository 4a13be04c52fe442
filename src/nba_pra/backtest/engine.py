"""Replay the betting days of a backtest: price each day against its lines, bet, settle, carry the bankroll.

For each game day ``D`` in order: the betting engine sees only ``D``'s predictions and ``D``'s lines (opening
line and prices; the ``close_*`` columns ride along for CLV but no rule reads them), the bankroll after every
earlier day settled, and ``context(D)``: the pricing fits and the evidence gate as they stood before ``D``
(:func:`nba_pra.evidence.gate_figures.gate_walk_forward`). ``D``'s bets are then settled from ``D``'s box
scores; paper bets (stake 0) settle too, with no effect on the bankroll. Pure: no IO.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from nba_pra.betting.engine import DECISION_BET, evaluate_candidates
from nba_pra.betting.settings import BettingSettings, PricingSettings
from nba_pra.evidence.context import DayContext
from nba_pra.ledger.settlement import settle_bets


@dataclass
class Simulation:
    candidates: pd.DataFrame  # every candidate of every day (betting.engine.CANDIDATE_COLUMNS)
    bets: pd.DataFrame  # placed bets (staked and paper) with stake in units + result, actual_pra, profit
    daily: pd.DataFrame  # game_date, bets, staked, profit, bankroll (after the day settles)


def simulate(
    predictions: pd.DataFrame,
    lines: pd.DataFrame,
    box_scores: pd.DataFrame,
    betting: BettingSettings,
    pricing: PricingSettings,
    initial_bankroll: float,
    context: Callable[[pd.Timestamp], DayContext],
) -> Simulation:
    """Day-by-day betting over the game days of ``predictions`` (see module docstring); stakes in units."""
    lines_by_day = {pd.Timestamp(d): g for d, g in lines.groupby(pd.to_datetime(lines["game_date"]).dt.normalize())}
    box_by_day = {pd.Timestamp(d): g for d, g in box_scores.groupby(pd.to_datetime(box_scores["game_date"]))}
    bankroll = float(initial_bankroll)
    candidates: list[pd.DataFrame] = []
    bets: list[pd.DataFrame] = []
    daily: list[dict] = []
    key: Any  # a game_date
    for key, preds in predictions.groupby("game_date", sort=True):
        day = pd.Timestamp(key)
        day_lines = lines_by_day.get(day)
        staked = profit = 0.0
        placed = 0
        if day_lines is not None and not day_lines.empty:
            ctx = context(day)
            cands = evaluate_candidates(preds.assign(**ctx.calibration), day_lines, betting, bankroll,
                                        pricing=pricing, gate=ctx.gate, stack=ctx.stack, as_of=day)
            candidates.append(cands)
            chosen = cands[cands["decision"] == DECISION_BET]
            if len(chosen):
                settled = settle_bets(chosen, box_by_day.get(day, box_scores.iloc[:0]))
                chosen = chosen.merge(settled.drop(columns=["game_id", "player_id"]), on="bet_id", how="left")
                bets.append(chosen)
                placed = len(chosen)
                staked = float(chosen["stake"].sum())
                profit = float(chosen["profit"].fillna(0.0).sum())
        bankroll += profit
        daily.append({"game_date": day, "bets": placed, "staked": staked, "profit": profit, "bankroll": bankroll})
    return Simulation(
        candidates=pd.concat(candidates, ignore_index=True) if candidates else pd.DataFrame(),
        bets=pd.concat(bets, ignore_index=True) if bets else pd.DataFrame(),
        daily=pd.DataFrame(daily),
    )
