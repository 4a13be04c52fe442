"""Honest betting figures: flat stakes at each book's own price and at the best price, beside two controls.

A pricing method's *picks* are the replay's bets (:mod:`nba_pra.evidence.replay`): at most one per prop, the
side with the larger expected return ``EV = p_w (d - 1) - p_l`` (a push returns the stake) at the offer with the
largest EV across books and lines, after every filter of the daily engine. Figures are given per book (the picks
that landed there) and for all picks, beside two controls on **the same offers**: a seeded random side, and
always the under -- if they also "make money", the ROI says more about the prices (stale quotes, line shopping)
than about skill.

Settlement: ``win`` if the side's outcome happened, ``loss`` if the other side's did, ``push`` (profit 0) on a
whole line hit exactly, ``void`` (not counted) when the player did not play. ROI = profit / staked; with flat
stakes it equals the yield (mean profit per unit staked). Intervals: percentile bootstrap over bets.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.evidence.props import outcomes
from nba_pra.odds.prices import american_to_decimal_or_nan
from nba_pra.settle import bet_outcomes, profits
from nba_pra.stats import roi_yield_intervals
from nba_pra.vocab import PLAYER_GAME_KEYS, LineOutcome, Side

BEST_PRICE: Final = "best price"
#: strategies reported per price source: the model's picks and the two controls on the same offers
MODEL: Final = "model"
RANDOM_SIDE: Final = "random side"
ALWAYS_UNDER: Final = "always under"


def replay_picks(bets: pd.DataFrame) -> pd.DataFrame:
    """The replay's bets (:mod:`nba_pra.evidence.replay`) as picks: one offer per prop with both decimal prices,
    the side the method took (``model_side``) and the outcome at the offer's line."""
    picks = bets.copy()
    void = picks["result"] == LineOutcome.VOID
    picks["outcome"] = outcomes(picks["actual_pra"].astype(float), picks["line"].astype(float), ~void)
    picks["model_side"] = picks["side"]
    return picks.reset_index(drop=True)


def line_offers(lines: pd.DataFrame, props: pd.DataFrame) -> pd.DataFrame:
    """Every two-sided offer of a prop in ``props`` with decimal prices, the prop's consensus line
    (``main_line``) and the outcome at the offer's own line."""
    keys = list(PLAYER_GAME_KEYS)
    offers = lines.loc[lines["over_price"].notna() & lines["under_price"].notna(),
                       [*keys, "bookmaker", "line", "over_price", "under_price"]]
    offers = offers.merge(props[[*keys, "game_date", "consensus_line", "actual", "played"]], on=keys, how="inner")
    offers["main_line"] = offers.pop("consensus_line")
    offers["over_decimal"] = american_to_decimal_or_nan(offers["over_price"].to_numpy(float))
    offers["under_decimal"] = american_to_decimal_or_nan(offers["under_price"].to_numpy(float))
    offers["outcome"] = outcomes(offers["actual"], offers["line"], offers["played"])
    return offers.reset_index(drop=True)


def settle(picks: pd.DataFrame, side: np.ndarray, stake: float) -> pd.DataFrame:
    """Flat-stake bets on ``side`` (array of over/under) of each picked offer, settled; voids dropped."""
    over = side == Side.OVER
    decimal = np.where(over, picks["over_decimal"], picks["under_decimal"])
    outcome = picks["outcome"].to_numpy()
    profit = profits(bet_outcomes(side, outcome), stake, decimal)
    bets = picks.loc[:, [*PLAYER_GAME_KEYS, "game_date", "bookmaker", "line"]].assign(
        side=side, decimal_price=decimal, outcome=outcome, stake=stake, profit=profit)
    return bets.loc[outcome != LineOutcome.VOID].reset_index(drop=True)


def summarize_bets(bets: pd.DataFrame, bootstrap: BootstrapSettings, seed: int) -> dict[str, float]:
    """Bets, wins, losses, pushes, win rate (decided), ROI (= yield) and its bootstrap interval."""
    profit = bets["profit"].to_numpy(float)
    stake = bets["stake"].to_numpy(float)
    wins = int((profit > 0).sum())
    losses = int((profit < 0).sum())
    days = pd.to_datetime(bets["game_date"]).dt.normalize().to_numpy()
    ci = roi_yield_intervals(profit, stake, days, bootstrap.n_resamples, bootstrap.confidence, seed,
                             bootstrap.min_days)
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
        RANDOM_SIDE: np.where(rng.random(len(picks)) < 0.5, Side.OVER, Side.UNDER),
        ALWAYS_UNDER: np.full(len(picks), Side.UNDER),
    }


def betting_table(picks: pd.DataFrame, *, stake: float, bootstrap: BootstrapSettings, seed: int) -> pd.DataFrame:
    """One row per (price source, strategy) of one method's picks: each book on its own, then every pick (the
    best edge across books, as the engine bets)."""
    rng = np.random.default_rng(seed)
    sources: list[tuple[str, pd.DataFrame]] = [
        (str(book), group) for book, group in picks.groupby("bookmaker", sort=True)]
    sources.append((BEST_PRICE, picks))
    rows = []
    for source, frame in sources:
        for strategy, side in strategy_sides(frame, rng).items():
            bets = settle(frame, side, stake)
            rows.append({"price_source": source, "strategy": strategy, **summarize_bets(bets, bootstrap, seed)})
    return pd.DataFrame(rows)


def shopped_controls(offers: pd.DataFrame, *, stake: float, bootstrap: BootstrapSettings,
                     seed: int) -> pd.DataFrame:
    """Controls on **every** prop at its main line, at the best price among the books quoting it for the side
    taken: a seeded random side, and always under. Positive ROI here is line shopping, not skill."""
    rng = np.random.default_rng(seed)
    main = offers.loc[offers["line"] == offers["main_line"]]
    random_side = np.where(rng.random(main[list(PLAYER_GAME_KEYS)].drop_duplicates().shape[0]) < 0.5,
                           Side.OVER, Side.UNDER)
    props = main[list(PLAYER_GAME_KEYS)].drop_duplicates().sort_values(list(PLAYER_GAME_KEYS)).assign(_side=random_side)
    rows = []
    for strategy, chosen in ((RANDOM_SIDE, props), (ALWAYS_UNDER, props.assign(_side=Side.UNDER))):
        frame = main.merge(chosen, on=list(PLAYER_GAME_KEYS))
        frame["_d"] = np.where(frame["_side"] == Side.OVER, frame["over_decimal"], frame["under_decimal"])
        best = frame.sort_values([*PLAYER_GAME_KEYS, "_d", "bookmaker"], ascending=[True, True, False, True])
        best = best.drop_duplicates(list(PLAYER_GAME_KEYS), keep="first")
        bets = settle(best, best["_side"].to_numpy(), stake)
        rows.append({"price_source": f"{BEST_PRICE}, all props", "strategy": strategy,
                     **summarize_bets(bets, bootstrap, seed)})
    return pd.DataFrame(rows)
