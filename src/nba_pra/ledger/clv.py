"""Closing line value (CLV) of bets -- pure functions.

The *close* of a prop is every book's last quote before tip-off (``close_line``, ``close_over_price``,
``close_under_price`` of the lines table: the historical and synthetic providers carry them, live operation takes
them from the odds snapshots, :mod:`nba_pra.odds.snapshots`). A bet has three CLV figures; each is > 0 when the
bet beat the close:

* **probability CLV** (``clv_prob``, probability points)::

      clv_prob = P_close(side wins | no push at the bet's line) - 1 / d

  ``d`` is the decimal price taken, so ``1 / d`` is the break-even probability of the price (vig included): with
  P(win) ``w``, P(loss) ``l`` and a push refunding the stake, a bet breaks even when ``w (d - 1) = l``, i.e.
  ``w / (w + l) = 1 / d``, so the fair probability is compared *given no push*. ``P_close`` (``close_fair``) is the
  closing market's fair probability carried to the bet's own line through the market-implied distribution of
  :func:`nba_pra.betting.pricing.market_implied_probabilities` (the same translation the pricing uses): the
  closing consensus line ``L*`` (quoted by the most books), the books' mean (or median, ``pricing.consensus``)
  de-vigged (``pricing.devig``) P(over | no push) there ``q*``, the bet's predicted family with its dispersion
  ``phi = std^2 / mean`` and the mean solved so that P(over | no push at ``L*``) = ``q*``. At a whole-number line
  the distribution's push mass ``close_push`` = P(X = line) is taken out (and reported). When ``L*`` *is* the
  bet's line, ``P_close`` is ``q*`` itself (no distribution needed).
* **line CLV** (``clv_line``, PRA points): ``L* - line`` for an over, ``line - L*`` for an under (an over bought
  at 24.5 that closes at 26 gained 1.5 points).
* **price CLV** (``clv_price``, return per unit): ``d / d_close - 1`` with ``d_close`` the decimal closing price
  of the side taken *at the bet's book*, only where that book's line held (``close_line == line``): 0.02 means 2 %
  more return per unit than a bettor at the close, vig included (the usual "beat the closing price" figure).

Books without both closing prices cannot be de-vigged and stay out of the consensus (their one price still gives
a price CLV); a book that pulled the prop has no close of its own (``close_line`` NaN, no price CLV) while the
remaining books still give ``L*`` and ``q*``. ``clv_note`` says why the probability CLV is missing (empty when it
is known).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting.pricing import consensus, market_implied_probabilities
from nba_pra.betting.settings import PricingSettings
from nba_pra.data.schema import require_columns
from nba_pra.model.calibration import over_given_decided
from nba_pra.odds.prices import american_to_decimal_or_nan
from nba_pra.vocab import Side

CLOSE_KEYS: Final = ("game_id", "player_id", "bookmaker")
CLOSE_COLUMNS: Final = ("close_line", "close_over_price", "close_under_price")
#: the columns :func:`closing_line_value` returns besides ``bet_id`` (the settlement's CLV columns)
CLV_COLUMNS: Final = ("close_line", "close_price", "close_decimal", "close_consensus_line", "close_books",
                      "close_fair", "close_push", "clv_price", "clv_prob", "clv_line", "clv_note")

_CONSENSUS_COLUMNS: Final = ("consensus_line", "consensus_over", "consensus_books")


class ClvNote(StrEnum):
    """Why a bet has no probability CLV (``""``: it has one)."""

    KNOWN = ""
    NO_CLOSE = "no closing quote for the prop"
    ONE_SIDED = "closing quotes one-sided only: nothing to de-vig"
    NO_DISTRIBUTION = "the line moved and the bet carries no distribution to carry the close to its line"


def _prop_keys(closes: pd.DataFrame, bets: pd.DataFrame) -> list[str]:
    # a table without a market column holds one market (the bet's)
    return ["game_id", "player_id", *(["market"] if "market" in closes.columns and "market" in bets.columns else [])]


def closing_quotes(closing_lines: pd.DataFrame) -> pd.DataFrame:
    """The closes of a lines table as offers (``line``, ``over_price``, ``under_price`` = the ``close_*``
    values), one row per book and closing line; rows without a close and derived rows are dropped."""
    require_columns(closing_lines, CLOSE_KEYS + CLOSE_COLUMNS, "closing_lines")
    keep = closing_lines["close_line"].notna()
    if "is_derived" in closing_lines.columns:
        keep &= ~closing_lines["is_derived"].astype(bool)
    keys = [*CLOSE_KEYS, *(["market"] if "market" in closing_lines.columns else [])]
    out = closing_lines.loc[keep, [*keys, *CLOSE_COLUMNS]].rename(
        columns={"close_line": "line", "close_over_price": "over_price", "close_under_price": "under_price"})
    return out.drop_duplicates().reset_index(drop=True)


def closing_for_bets(bets: pd.DataFrame, closing_lines: pd.DataFrame) -> pd.DataFrame:
    """The ``close_*`` values of each bet's own book (``bet_id`` + :data:`CLOSE_COLUMNS`).

    ``closing_lines`` has the lines-table columns; only its ``close_*`` values count (an opening or intraday
    ``line`` is not a close). Rows without a closing line are ignored. When a book has several closing lines for
    the player, the one equal to the bet's line wins.
    """
    require_columns(closing_lines, CLOSE_KEYS + CLOSE_COLUMNS, "closing_lines")
    close = closing_lines[closing_lines["close_line"].notna()]
    keys = [*_prop_keys(close, bets), "bookmaker"]
    merged = bets.loc[:, ["bet_id", "line", *keys]].merge(
        close.loc[:, [*keys, *CLOSE_COLUMNS]], on=keys, how="inner"
    )
    merged["_same_line"] = np.isclose(merged["close_line"], merged["line"])
    merged = merged.sort_values("_same_line", ascending=False, kind="mergesort")
    merged = merged.drop_duplicates("bet_id", keep="first")
    return merged.loc[:, ["bet_id", *CLOSE_COLUMNS]].reset_index(drop=True)


def own_closes(bets: pd.DataFrame) -> pd.DataFrame:
    """The ``close_*`` values stored with each bet as a closing-lines table (the bet's own book only)."""
    keys = [*CLOSE_KEYS, *(["market"] if "market" in bets.columns else [])]
    return bets.loc[:, [*keys, *CLOSE_COLUMNS]].astype(dict.fromkeys(CLOSE_COLUMNS, float))


def _phi(bets: pd.DataFrame) -> np.ndarray:
    """Variance-to-mean ratio ``std^2 / mean`` of each bet's predicted distribution (NaN when unknown)."""
    if "mean" not in bets.columns or "std" not in bets.columns:
        return np.full(len(bets), np.nan)
    mean, std = bets["mean"].to_numpy(float), bets["std"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean > 0, std**2 / mean, np.nan)


def _with_closes(bets: pd.DataFrame, closing_lines: pd.DataFrame,
                 pricing: PricingSettings) -> tuple[pd.DataFrame, np.ndarray]:
    """The bets with their own book's ``close_*`` and their prop's closing consensus, and whether any book quoted
    a close for the prop."""
    # a candidates frame carries the consensus *at bet time*; only the closing one counts here
    dropped = (*CLOSE_COLUMNS, *CLV_COLUMNS, *_CONSENSUS_COLUMNS)
    frame = bets.drop(columns=[c for c in dropped if c in bets.columns]).reset_index(drop=True)
    own = closing_for_bets(frame, closing_lines)
    frame = frame.merge(own, on="bet_id", how="left")
    quotes = closing_quotes(closing_lines)
    keys = _prop_keys(quotes, frame)
    market = consensus(quotes, pricing) if len(quotes) else pd.DataFrame(columns=[*keys, *_CONSENSUS_COLUMNS])
    frame = frame.merge(market.loc[:, [*keys, *_CONSENSUS_COLUMNS]], on=keys, how="left")
    has_quote = frame.loc[:, keys].merge(quotes.loc[:, keys].drop_duplicates(), on=keys, how="left",
                                         indicator=True)["_merge"].eq("both").to_numpy()
    return frame, has_quote


def _close_fair(frame: pd.DataFrame, over: np.ndarray, line: np.ndarray, close_line: np.ndarray,
                q_star: np.ndarray, pricing: PricingSettings) -> tuple[np.ndarray, np.ndarray]:
    """``P_close`` of the side taken at the bet's line (``q*`` itself where the consensus line is the bet's, else
    carried there by the market-implied distribution) and the push mass at the line."""
    family = (frame["dist_family"] if "dist_family" in frame.columns else pd.Series(None, index=frame.index))
    carried = market_implied_probabilities(family.to_numpy(dtype=object), _phi(frame), close_line, q_star, line,
                                           pricing.solver)
    held = np.isclose(close_line, line)
    # over_given_decided reads an unpriced row (NaN probabilities) as a coin: keep it unknown
    carried_over = np.where(np.isfinite(carried.p_over), over_given_decided(carried), np.nan)
    fair_over = np.where(held, q_star, carried_over)
    return np.where(over, fair_over, 1.0 - fair_over), carried.p_push


def _book_close(frame: pd.DataFrame, over: np.ndarray,
                line: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bet's book's closing line, and its closing American and decimal price of the side taken where that
    line is the bet's (NaN elsewhere: a moved line's price is not the bet's)."""
    book_line = frame["close_line"].to_numpy(float)
    book_held = np.isclose(book_line, line)
    side_price = np.where(over, frame["close_over_price"], frame["close_under_price"]).astype(float)
    close_decimal = np.where(book_held, american_to_decimal_or_nan(side_price), np.nan)
    return book_line, np.where(book_held, side_price, np.nan), close_decimal


def _clv_notes(clv_prob: np.ndarray, has_quote: np.ndarray, q_star: np.ndarray) -> np.ndarray:
    """Why each bet's probability CLV is missing (:class:`ClvNote`; empty when it is known)."""
    return np.select(
        [np.isfinite(clv_prob), ~has_quote, ~np.isfinite(q_star)],
        [ClvNote.KNOWN.value, ClvNote.NO_CLOSE.value, ClvNote.ONE_SIDED.value],
        default=ClvNote.NO_DISTRIBUTION.value,
    )


def closing_line_value(bets: pd.DataFrame, closing_lines: pd.DataFrame, pricing: PricingSettings) -> pd.DataFrame:
    """``bet_id`` + :data:`CLV_COLUMNS` of each bet (module docstring) against ``closing_lines`` (every book's
    ``close_*``; the bets' own stored closes when it is :func:`own_closes`).

    ``bets`` needs ``bet_id``, ``game_id``, ``player_id``, ``bookmaker``, ``side``, ``line``, ``decimal_price``;
    ``dist_family``, ``mean``, ``std`` (the predicted distribution) carry a moved close to the bet's line and
    ``market`` separates markets. ``pricing`` gives the de-vig and consensus methods and the mean solver.
    """
    require_columns(bets, ("bet_id", "game_id", "player_id", "bookmaker", "side", "line", "decimal_price"), "bets")
    frame, has_quote = _with_closes(bets, closing_lines, pricing)
    over = (frame["side"] == Side.OVER).to_numpy()
    line = frame["line"].to_numpy(float)
    taken = frame["decimal_price"].to_numpy(float)
    close_line = frame["consensus_line"].to_numpy(float)
    q_star = frame["consensus_over"].to_numpy(float)
    close_fair, close_push = _close_fair(frame, over, line, close_line, q_star, pricing)
    book_line, close_price, close_decimal = _book_close(frame, over, line)
    with np.errstate(divide="ignore", invalid="ignore"):
        clv_price = taken / close_decimal - 1.0
        clv_prob = close_fair - 1.0 / taken
    return pd.DataFrame(
        {
            "bet_id": frame["bet_id"].to_numpy(),
            "close_line": book_line,
            "close_price": close_price,
            "close_decimal": close_decimal,
            "close_consensus_line": close_line,
            "close_books": frame["consensus_books"].to_numpy(float),
            "close_fair": close_fair,
            "close_push": close_push,
            "clv_price": clv_price,
            "clv_prob": clv_prob,
            "clv_line": np.where(over, close_line - line, line - close_line),
            "clv_note": _clv_notes(clv_prob, has_quote, q_star),
        }
    )
