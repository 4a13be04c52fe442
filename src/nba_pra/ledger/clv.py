"""Closing line value (CLV) of bets -- pure functions.

Given the closing line and both closing prices of the book a bet was placed at:

* ``close_decimal``: closing decimal price of the side taken.
* ``clv_price = decimal_price / close_decimal - 1``: how much better the price taken was than the closing price
  (0.02 = 2 % more return per unit than a bettor at the close).
* ``clv_prob = p_close_fair(side) - 1 / decimal_price``: the closing market's fair (multiplicatively de-vigged)
  probability of the side minus the break-even probability of the price taken, in probability points; > 0
  means the bet beat the closing line.

Both are computed only when the closing line equals the line bet (a moved line is a different proposition);
otherwise they are NaN and ``close_line`` still records where the line closed.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.data.schema import require_columns
from nba_pra.odds.market import devig_multiplicative
from nba_pra.odds.prices import american_to_decimal_or_nan
from nba_pra.vocab import Side

CLOSE_KEYS: Final = ("game_id", "player_id", "bookmaker")
CLOSE_COLUMNS: Final = ("close_line", "close_over_price", "close_under_price")


def closing_for_bets(bets: pd.DataFrame, closing_lines: pd.DataFrame) -> pd.DataFrame:
    """The ``close_*`` values of each bet's book (``bet_id`` + :data:`CLOSE_COLUMNS`).

    ``closing_lines`` has the lines-table columns; only its ``close_*`` values count (an opening or intraday
    ``line`` is not a close). Rows without a closing line are ignored. When a book has several closing lines for
    the player, the one equal to the bet's line wins.
    """
    require_columns(closing_lines, CLOSE_KEYS + CLOSE_COLUMNS, "closing_lines")
    close = closing_lines[closing_lines["close_line"].notna()]
    keys = list(CLOSE_KEYS) + (["market"] if "market" in close.columns and "market" in bets.columns else [])
    merged = bets.loc[:, ["bet_id", "line", *keys]].merge(
        close.loc[:, [*keys, *CLOSE_COLUMNS]], on=keys, how="inner"
    )
    merged["_same_line"] = np.isclose(merged["close_line"], merged["line"])
    merged = merged.sort_values("_same_line", ascending=False, kind="mergesort")
    merged = merged.drop_duplicates("bet_id", keep="first")
    return merged.loc[:, ["bet_id", *CLOSE_COLUMNS]].reset_index(drop=True)


def closing_line_value(bets: pd.DataFrame) -> pd.DataFrame:
    """``bet_id, close_line, close_price, close_decimal, clv_price, clv_prob`` from a bets frame with ``close_*``."""
    over = (bets["side"] == Side.OVER).to_numpy()
    close_over = american_to_decimal_or_nan(bets["close_over_price"])
    close_under = american_to_decimal_or_nan(bets["close_under_price"])
    same_line = np.isclose(bets["close_line"].astype(float), bets["line"].astype(float))
    close_price = np.where(over, bets["close_over_price"], bets["close_under_price"]).astype(float)
    close_decimal = np.where(same_line, np.where(over, close_over, close_under), np.nan)
    price_taken = bets["decimal_price"].to_numpy(dtype=float)
    fair_over = np.full(len(bets), np.nan)
    priced = np.isfinite(close_over) & np.isfinite(close_under)
    if priced.any():
        implied = np.column_stack([1.0 / close_over[priced], 1.0 / close_under[priced]])
        fair_over[priced] = devig_multiplicative(implied)[:, 0]
    fair_side = np.where(over, fair_over, 1.0 - fair_over)
    with np.errstate(divide="ignore", invalid="ignore"):
        clv_price = price_taken / close_decimal - 1.0
        clv_prob = np.where(same_line, fair_side - 1.0 / price_taken, np.nan)
    return pd.DataFrame(
        {
            "bet_id": bets["bet_id"].to_numpy(),
            "close_line": bets["close_line"].astype(float).to_numpy(),
            "close_price": np.where(same_line, close_price, np.nan),
            "close_decimal": close_decimal,
            "clv_price": clv_price,
            "clv_prob": clv_prob,
        }
    )
