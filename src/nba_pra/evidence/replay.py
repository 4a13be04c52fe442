"""Walk-forward replay of every pricing method over a range of props: what the evidence gate reads.

For each day of the range, every offer is priced by the one pricing path
(:func:`nba_pra.betting.engine.priced_candidates`) with the fits that were available before that day:

* the market-aware stack (:func:`nba_pra.betting.stacking.walk_forward_fits`);
* the ``recalibrated`` method's Platt map, fitted like the stack on the model's raw P(over | no push) at the
  consensus line of props decided before the block (the daily stage uses the registered model's map instead).

The bet of each prop is picked as the daily engine picks it (every filter, the best edge), staked flat at one
unit and settled from the box scores; nothing about a day's result reaches a fit or a pick of that day. Outputs:

* ``props``: one row per prop -- the consensus line ``L*``, the market's ``q*``, the result at ``L*`` and each
  method's P(over | no push) at ``L*`` (``over_<method>``);
* ``bets``: one row per (method, prop) with a bet -- book, side, price, edge, result, flat ``profit`` and CLV
  (:mod:`nba_pra.ledger.clv`) where a close exists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra.betting.engine import priced_candidates, select_bets
from nba_pra.betting.settings import BettingSettings, PricingMethod, PricingSettings
from nba_pra.betting.stacking import StackFit, fit_for_day, walk_forward_fits, walk_forward_schedule
from nba_pra.evaluation.cache import frame_fingerprint
from nba_pra.evidence.props import outcomes
from nba_pra.ledger.clv import CLOSE_COLUMNS, closing_line_value, own_closes
from nba_pra.ledger.settlement import settle_bets
from nba_pra.model.ensemble import CALIBRATION_COLUMNS
from nba_pra.model.recalibration import PlattMap, fit_platt
from nba_pra.model.settings import OverCalibrationSettings
from nba_pra.vocab import PROP_KEYS, LineOutcome

#: one unit per evidence bet: ROI = mean profit per bet
FLAT_STAKE: Final = 1.0
BET_COLUMNS: Final = (
    "method", *PROP_KEYS, "game_date", "bookmaker", "line", "side", "price", "decimal_price", "over_decimal",
    "under_decimal", "p_win", "p_loss",
    "edge", "consensus_line", "result", "actual_pra", "profit", "clv_price", "clv_prob", "clv_line",
)


#: ``(material, compute) -> (prices at the consensus, settled bets)`` of one (period, method): a cache around
#: ``compute``, keyed by ``material`` (everything the period's pricing and settling read, see :func:`replay`)
PeriodMemo = Callable[[dict[str, Any], Callable[[], tuple[pd.DataFrame, pd.DataFrame]]],
                      tuple[pd.DataFrame, pd.DataFrame]]


def over_column(method: PricingMethod | str) -> str:
    return f"over_{PricingMethod(method).value}"


@dataclass
class Replay:
    props: pd.DataFrame
    bets: pd.DataFrame
    stack_fits: pd.DataFrame
    platt_fits: pd.DataFrame


def prop_table(candidates: pd.DataFrame, box_scores: pd.DataFrame) -> pd.DataFrame:
    """One row per prop with a consensus and a prediction: ``L*``, ``q*``, the model at ``L*`` and the result."""
    usable = candidates["consensus_over"].notna() & candidates["model_consensus_over"].notna()
    cols = [*PROP_KEYS, "game_date", "consensus_line", "consensus_over", "consensus_books", "model_consensus_over"]
    props = candidates.loc[usable, cols].drop_duplicates(list(PROP_KEYS)).reset_index(drop=True)
    box = box_scores.loc[:, ["game_id", "player_id", "played", "pts", "reb", "ast"]].drop_duplicates(
        ["game_id", "player_id"])
    box["actual"] = box[["pts", "reb", "ast"]].astype("float64").sum(axis=1, min_count=3)
    props = props.merge(box[["game_id", "player_id", "played", "actual"]], on=["game_id", "player_id"], how="left")
    props["played"] = props["played"].astype("boolean").fillna(False).astype(bool)
    props["outcome"] = outcomes(props["actual"], props["consensus_line"], props["played"])
    props["game_date"] = pd.to_datetime(props["game_date"]).dt.normalize()
    return props.sort_values(["game_date", *PROP_KEYS], kind="mergesort").reset_index(drop=True)


def decided_mask(props: pd.DataFrame) -> np.ndarray:
    return props["outcome"].isin([LineOutcome.OVER, LineOutcome.UNDER]).to_numpy()


def platt_fits(props: pd.DataFrame, every_days: int, cal: OverCalibrationSettings) -> pd.DataFrame:
    """Per block (as the stack's), the Platt map of the model's P(over | no push) at ``L*`` fitted on props
    decided before the block's first day, once ``cal.min_rows`` exist; plus one on every decided prop dated the
    day after the last."""
    p = props["model_consensus_over"].to_numpy(float)
    y = (props["outcome"] == LineOutcome.OVER).to_numpy(float)

    def fit(train: np.ndarray) -> dict[str, float | int]:
        return fit_platt(p[train], y[train], clip=cal.clip, max_iter=cal.max_iter,
                         range_quantile=cal.range_quantile).to_dict()

    rows = walk_forward_schedule(props["game_date"], decided_mask(props) & np.isfinite(p), every_days, cal.min_rows,
                                 fit)
    return pd.DataFrame(rows, columns=["block_start", *PlattMap().to_dict()])


def platt_for_day(fits: pd.DataFrame, day: pd.Timestamp) -> PlattMap:
    usable = fits.loc[pd.to_datetime(fits["block_start"]) <= day] if len(fits) else fits
    if usable.empty:
        return PlattMap()
    return PlattMap.from_dict(usable.sort_values("block_start").iloc[-1].drop("block_start").to_dict())


def _with_map(predictions: pd.DataFrame, platt: PlattMap) -> pd.DataFrame:
    out = predictions.copy()
    for key, column in CALIBRATION_COLUMNS.items():
        out[column] = float(getattr(platt, key))
    return out


def _settle(chosen: pd.DataFrame, method: PricingMethod, box_scores: pd.DataFrame, lines: pd.DataFrame,
            pricing: PricingSettings) -> pd.DataFrame:
    bets = chosen.assign(stake=FLAT_STAKE, method=method.value)
    settled = settle_bets(bets, box_scores).drop(columns=["game_id", "player_id"])
    bets = bets.merge(settled, on="bet_id", how="inner")
    # every book's close of the props bet (the chosen book's own close when the lines carry none)
    closes = lines if set(CLOSE_COLUMNS) <= set(lines.columns) else own_closes(bets)
    clv = closing_line_value(bets, closes, pricing)[["bet_id", "clv_price", "clv_prob", "clv_line"]]
    return bets.merge(clv, on="bet_id", how="left").loc[:, list(BET_COLUMNS)]


def _price_period(preds: pd.DataFrame, offers: pd.DataFrame, box_scores: pd.DataFrame, method: PricingMethod,
                  betting: BettingSettings, pricing: PricingSettings,
                  stack: StackFit | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One period's offers priced by ``method``: its P(over) at each prop's consensus line, and its settled bets
    (empty when none passed the filters)."""
    cands = priced_candidates(preds, offers, betting, dataclasses.replace(pricing, method=method),
                              bankroll=FLAT_STAKE, stack=stack)
    targets = (cands.loc[:, [*PROP_KEYS, "target_over"]].drop_duplicates(list(PROP_KEYS))
               .assign(method=method.value))
    chosen = select_bets(cands)
    if not len(chosen):
        return targets, pd.DataFrame(columns=list(BET_COLUMNS))
    return targets, _settle(chosen, method, box_scores, offers, pricing)


def _period_material(preds: pd.DataFrame, offers: pd.DataFrame, box_scores: pd.DataFrame, stack: StackFit | None,
                     platt: PlattMap, betting: BettingSettings, pricing: PricingSettings) -> dict[str, Any]:
    """Everything a period's pricing and settling read: its predictions (with the Platt map), its offers (the
    closes of its CLV too), the box scores of its games, the stack and the settings (the memo's key)."""
    games = set(preds["game_id"]) | set(offers["game_id"])
    return {"block": "replay", "predictions": frame_fingerprint(preds), "offers": frame_fingerprint(offers),
            "box_scores": frame_fingerprint(box_scores.loc[box_scores["game_id"].isin(games)]),
            "stack": stack.to_dict() if stack is not None else None, "platt": platt.to_dict(),
            "betting": betting, "pricing": pricing}


def replay(predictions: pd.DataFrame, lines: pd.DataFrame, box_scores: pd.DataFrame, betting: BettingSettings,
           pricing: PricingSettings, calibration: OverCalibrationSettings,
           methods: Sequence[PricingMethod] = tuple(PricingMethod), memo: PeriodMemo | None = None) -> Replay:
    """The walk-forward replay of the module docstring over the days of ``predictions`` that have lines.

    ``memo`` (optional) caches each (period, method): a period's prices and bets depend only on its own
    predictions, offers and box scores and on the fits before it, so a day added to the data reprices only the
    last period (the evidence stage's daily run).
    """
    base = priced_candidates(predictions, lines, betting, dataclasses.replace(pricing, method=PricingMethod.MODEL),
                             bankroll=FLAT_STAKE)
    props = prop_table(base, box_scores)
    y = (props["outcome"] == LineOutcome.OVER).to_numpy(float)
    stack_fits = walk_forward_fits(props["game_date"], props["model_consensus_over"].to_numpy(float),
                                   props["consensus_over"].to_numpy(float), y, decided_mask(props), pricing.stacking,
                                   pricing.prob_clip)
    maps = platt_fits(props, pricing.stacking.refit_every_days, calibration)
    starts = sorted({*pd.to_datetime(stack_fits["block_start"]), *pd.to_datetime(maps["block_start"])})
    pred_days = pd.to_datetime(predictions["game_date"]).dt.normalize()
    line_days = pd.to_datetime(lines["game_date"]).dt.normalize()
    period_pred = np.searchsorted(np.asarray(starts, dtype="datetime64[ns]"), pred_days.to_numpy(), side="right")
    period_line = np.searchsorted(np.asarray(starts, dtype="datetime64[ns]"), line_days.to_numpy(), side="right")
    bets, at_consensus = [], []
    for period in np.unique(period_pred):
        day = pred_days[period_pred == period].min()
        stack, platt = fit_for_day(stack_fits, day), platt_for_day(maps, day)
        preds = _with_map(predictions.loc[period_pred == period], platt)
        offers = lines.loc[period_line == period]
        material = (_period_material(preds, offers, box_scores, stack, platt, betting, pricing)
                    if memo is not None else {})
        for method in methods:

            def compute(method: PricingMethod = method, preds: pd.DataFrame = preds, offers: pd.DataFrame = offers,
                        stack: StackFit | None = stack) -> tuple[pd.DataFrame, pd.DataFrame]:
                return _price_period(preds, offers, box_scores, method, betting, pricing, stack)

            targets, chosen = memo({**material, "method": method.value}, compute) if memo else compute()
            at_consensus.append(targets)
            if len(chosen):
                bets.append(chosen)
    targets = pd.concat(at_consensus, ignore_index=True)
    targets["method"] = targets["method"].map(over_column)  # a method named "market" must not meet the key
    targets = targets.pivot_table(index=list(PROP_KEYS), columns="method", values="target_over",
                                  aggfunc="first").reset_index()
    props = props.merge(targets, on=list(PROP_KEYS), how="left")
    all_bets = pd.concat(bets, ignore_index=True) if bets else pd.DataFrame(columns=list(BET_COLUMNS))
    return Replay(props=props, bets=all_bets, stack_fits=stack_fits, platt_fits=maps)
