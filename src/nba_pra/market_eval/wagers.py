"""Honest betting figures: flat stakes at each book's own price and at the best price, beside two controls.

A *strategy* turns offers (one row per book, line and prop, with both American prices) into at most one bet per
prop: the model bets the side with the larger expected return ``EV = p_w (d - 1) - p_l`` (a push returns the
stake) when ``EV >= min_edge``; at the best price it takes the offer with the largest EV across books and lines.
Controls on **the same props and offers** the model bet: a seeded random side, and always the under -- if they
also "make money", the model's ROI says more about the prices (stale quotes, line shopping) than about skill.

Settlement: ``win`` if the side's outcome happened, ``loss`` if the other side's did, ``push`` (profit 0) on a
whole line hit exactly, ``void`` (not counted) when the player did not play. ROI = profit / staked; with flat
stakes it equals the yield (mean profit per unit staked). Intervals: percentile bootstrap over bets.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.backtest.metrics import bootstrap_intervals
from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.engine import add_probabilities
from nba_pra.betting.kelly import expected_return
from nba_pra.betting.prices import american_to_decimal
from nba_pra.market_eval.props import OUTCOME_PUSH, OUTCOME_VOID, PROP_KEYS, outcomes

SIDE_OVER: Final = "over"
SIDE_UNDER: Final = "under"
BEST_PRICE: Final = "best price"
#: strategies reported per price source: the model's picks and the two controls on the same offers
MODEL: Final = "model"
RANDOM_SIDE: Final = "random side"
ALWAYS_UNDER: Final = "always under"


def with_expected_returns(offers: pd.DataFrame) -> pd.DataFrame:
    """Both sides' EV at the offer's prices, the better side (``model_side``) and its EV (``model_ev``)."""
    out = offers.copy()
    out["ev_over"] = expected_return(out["p_over"], out["p_under"], out["over_decimal"])
    out["ev_under"] = expected_return(out["p_under"], out["p_over"], out["under_decimal"])
    out["model_side"] = np.where(out["ev_under"] > out["ev_over"], SIDE_UNDER, SIDE_OVER)
    out["model_ev"] = out[["ev_over", "ev_under"]].max(axis=1)
    return out.dropna(subset=["model_ev"]).reset_index(drop=True)


def priced_offers(lines: pd.DataFrame, props: pd.DataFrame) -> pd.DataFrame:
    """Every two-sided offer of a prop in ``props``, with the model's P(over/under/push) at the offer's line,
    decimal prices, both sides' EV, and the prop's result."""
    keys = list(PROP_KEYS)
    cols = [*keys, "game_date", "main_line", "dist_family", "dist_param_a", "dist_param_b", "actual", "played"]
    offers = lines.loc[lines["over_price"].notna() & lines["under_price"].notna(),
                       [*keys, "bookmaker", "line", "over_price", "under_price"]]
    offers = add_probabilities(offers.merge(props[cols], on=keys, how="inner"))
    offers["over_decimal"] = american_to_decimal(offers["over_price"].to_numpy(float))
    offers["under_decimal"] = american_to_decimal(offers["under_price"].to_numpy(float))
    offers["outcome"] = outcomes(offers["actual"], offers["line"], offers["played"])
    return with_expected_returns(offers)


def repriced_offers(offers: pd.DataFrame, props: pd.DataFrame, probability: str) -> pd.DataFrame:
    """The main-line offers of :func:`priced_offers` priced with ``props[probability]`` -- a P(over | no push)
    at the main line such as the market-aware blend -- instead of the model (the model's P(push) is kept)."""
    keys = list(PROP_KEYS)
    main = offers.loc[offers["line"] == offers["main_line"]].merge(props[[*keys, probability]], on=keys)
    no_push = 1.0 - main["p_push"]
    main["p_over"] = main[probability] * no_push
    main["p_under"] = (1.0 - main[probability]) * no_push
    return with_expected_returns(main)


def pick_offers(offers: pd.DataFrame, min_edge: float) -> pd.DataFrame:
    """Per prop, the offer with the largest model EV (ties: bookmaker name), kept when EV >= ``min_edge``."""
    ranked = offers.sort_values([*PROP_KEYS, "model_ev", "bookmaker", "line"],
                                ascending=[True, True, False, True, True], kind="mergesort")
    best = ranked.drop_duplicates(list(PROP_KEYS), keep="first")
    return best.loc[best["model_ev"] >= min_edge].reset_index(drop=True)


def settle(picks: pd.DataFrame, side: np.ndarray, stake: float) -> pd.DataFrame:
    """Flat-stake bets on ``side`` (array of over/under) of each picked offer, settled; voids dropped."""
    over = side == SIDE_OVER
    decimal = np.where(over, picks["over_decimal"], picks["under_decimal"])
    outcome = picks["outcome"].to_numpy()
    win = outcome == side
    push = outcome == OUTCOME_PUSH
    profit = np.where(win, stake * (decimal - 1.0), np.where(push, 0.0, -stake))
    bets = picks.loc[:, [*PROP_KEYS, "game_date", "bookmaker", "line"]].assign(
        side=side, decimal_price=decimal, outcome=outcome, stake=stake, profit=profit)
    return bets.loc[outcome != OUTCOME_VOID].reset_index(drop=True)


def summarize_bets(bets: pd.DataFrame, bootstrap: BootstrapSettings, seed: int) -> dict[str, float]:
    """Bets, wins, losses, pushes, win rate (decided), ROI (= yield) and its bootstrap interval."""
    profit = bets["profit"].to_numpy(float)
    stake = bets["stake"].to_numpy(float)
    wins = int((profit > 0).sum())
    losses = int((profit < 0).sum())
    ci = bootstrap_intervals(profit, stake, bootstrap, seed)
    return {
        "bets": float(len(bets)), "wins": float(wins), "losses": float(losses),
        "pushes": float(len(bets) - wins - losses),
        "win_rate": wins / (wins + losses) if wins + losses else float("nan"),
        "avg_decimal_price": float(bets["decimal_price"].mean()) if len(bets) else float("nan"),
        "roi": float(profit.sum() / stake.sum()) if len(bets) else float("nan"),
        "roi_lo": ci["roi_lo"] if ci["roi_lo"] is not None else float("nan"),
        "roi_hi": ci["roi_hi"] if ci["roi_hi"] is not None else float("nan"),
    }


def strategy_sides(picks: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The sides each strategy takes on the picked offers: the model's, a random one, always under."""
    return {
        MODEL: picks["model_side"].to_numpy(),
        RANDOM_SIDE: np.where(rng.random(len(picks)) < 0.5, SIDE_OVER, SIDE_UNDER),
        ALWAYS_UNDER: np.full(len(picks), SIDE_UNDER),
    }


def betting_table(offers: pd.DataFrame, *, min_edge: float, stake: float, bootstrap: BootstrapSettings,
                  seed: int) -> pd.DataFrame:
    """One row per (price source, strategy): each book on its own, then the best price across books."""
    rng = np.random.default_rng(seed)
    sources: list[tuple[str, pd.DataFrame]] = [
        (str(book), group) for book, group in offers.groupby("bookmaker", sort=True)]
    sources.append((BEST_PRICE, offers))
    rows = []
    for source, frame in sources:
        picks = pick_offers(frame, min_edge)
        for strategy, side in strategy_sides(picks, rng).items():
            bets = settle(picks, side, stake)
            rows.append({"price_source": source, "strategy": strategy, **summarize_bets(bets, bootstrap, seed)})
    return pd.DataFrame(rows)


def shopped_controls(offers: pd.DataFrame, *, stake: float, bootstrap: BootstrapSettings,
                     seed: int) -> pd.DataFrame:
    """Controls on **every** prop at its main line, at the best price among the books quoting it for the side
    taken: a seeded random side, and always under. Positive ROI here is line shopping, not skill."""
    rng = np.random.default_rng(seed)
    main = offers.loc[offers["line"] == offers["main_line"]]
    random_side = np.where(rng.random(main[list(PROP_KEYS)].drop_duplicates().shape[0]) < 0.5,
                           SIDE_OVER, SIDE_UNDER)
    props = main[list(PROP_KEYS)].drop_duplicates().sort_values(list(PROP_KEYS)).assign(_side=random_side)
    rows = []
    for strategy, chosen in ((RANDOM_SIDE, props), (ALWAYS_UNDER, props.assign(_side=SIDE_UNDER))):
        frame = main.merge(chosen, on=list(PROP_KEYS))
        frame["_d"] = np.where(frame["_side"] == SIDE_OVER, frame["over_decimal"], frame["under_decimal"])
        best = frame.sort_values([*PROP_KEYS, "_d", "bookmaker"], ascending=[True, True, False, True])
        best = best.drop_duplicates(list(PROP_KEYS), keep="first")
        bets = settle(best, best["_side"].to_numpy(), stake)
        rows.append({"price_source": f"{BEST_PRICE}, all props", "strategy": strategy,
                     **summarize_bets(bets, bootstrap, seed)})
    return pd.DataFrame(rows)
