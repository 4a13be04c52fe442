"""Evaluate every (game, player, bookmaker, line) candidate: probabilities, edge, Kelly, filters, caps, decision.

The result has one row per candidate -- bets *and* passes -- so ``recommend --all`` can explain each decision.

Definitions (per unit staked; see :mod:`nba_pra.betting.kelly` for the formulas):

* ``p_over``/``p_under``/``p_push``: by the configured pricing method (:mod:`nba_pra.betting.pricing`: the
  model, its recalibration, the de-vigged market or the market-aware stack) at the line; they sum to 1. Over
  wins iff PRA > line, under wins iff PRA < line, push iff PRA == line.
* ``edge_over = p_over (d_over - 1) - p_under``; ``edge_under = p_under (d_under - 1) - p_over`` at each side's
  actual decimal price (a push returns the stake).
* ``side``: the side with the larger edge (``edge`` is that edge; if neither is positive the row fails
  ``min_edge``). ``confidence`` follows ``settings.confidence_method`` (default: P(win) of the side).
  ``edge_suspect``: the edge exceeds ``settings.suspect_edge`` -- more likely the forecaster's error than value.
* ``kelly_full``: three-outcome Kelly fraction of the chosen side; ``stake_kelly = kelly_fraction * kelly_full *
  bankroll``; ``stake``: after correlation shrink, caps and optional flooring (0 for passes).
* One prop = (game_id, player_id, market). Among a prop's candidates that pass every filter, the one with the
  largest edge (at equal lines: the best price for the side) is the bet; the others get ``not_best_price``.
  ``bet_id = sha1("game_id|player_id|market")``, shared by all candidates of a prop, so re-running a day or
  seeing the prop at another book never makes a second bet.
* ``reason``: the first rule that rejected the candidate (``bet`` when none did); ``reason_detail``: the same
  with the candidate's value and the threshold (``max_cv: CV 0.41 > 0.35``, :func:`nba_pra.betting.filters.explain`),
  the text every surface shows.
* ``state``: ``staked`` when the evidence gate (:mod:`nba_pra.betting.gate`) lets the pricing method stake at
  the bet's book, else ``paper`` (stake 0, ``gate_reason`` gives the evidence): a paper bet is recorded and
  settled like any other, so the evidence keeps accumulating.
"""

from __future__ import annotations

import hashlib
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting import filters
from nba_pra.betting.exposure import size_stakes
from nba_pra.betting.gate import BetState, Gate
from nba_pra.betting.kelly import confidence_distance, expected_return, kelly_fraction
from nba_pra.betting.pricing import price_offers
from nba_pra.betting.settings import BettingSettings, ConfidenceMethod, PricingMethod, PricingSettings
from nba_pra.betting.stacking import StackFit
from nba_pra.data.schema import LINE_COLUMNS, PLAYER_GAME_COLUMNS, require_columns
from nba_pra.model.ensemble import CALIBRATION_COLUMNS
from nba_pra.odds.prices import american_to_decimal_or_nan
from nba_pra.vocab import PROP_KEYS, Side

PREDICTION_COLUMNS: Final = (
    *PLAYER_GAME_COLUMNS,
    "n_prior_games",
    "eligible",
    "mean",
    "var",
    "std",
    "cv",
    "median",
    "dist_family",
    "dist_param_a",
    "dist_param_b",
    "model_version",
    "model_uri",
)
#: carried when the model has them (P(over) recalibration at book lines); absent means the raw distribution
OPTIONAL_PREDICTION_COLUMNS: Final = tuple(CALIBRATION_COLUMNS.values())
DECISION_BET: Final = "bet"
DECISION_PASS: Final = "pass"

#: every column of the candidates frame, in order
CANDIDATE_COLUMNS: Final = (
    *PREDICTION_COLUMNS,
    "market",
    "bookmaker",
    "book_player_name",
    "line",
    "over_price",
    "under_price",
    "close_line",
    "close_over_price",
    "close_under_price",
    "is_derived",
    "p_over",
    "p_under",
    "p_push",
    "over_decimal",
    "under_decimal",
    "edge_over",
    "edge_under",
    "side",
    "price",
    "decimal_price",
    "p_win",
    "p_loss",
    "edge",
    "confidence",
    "kelly_full",
    "stake_kelly",
    "stake",
    "capped_by",
    "decision",
    "reason",
    "reason_detail",
    "pricing",
    "state",
    "gate_reason",
    "edge_suspect",
    "consensus_line",
    "consensus_over",
    "bet_id",
    "bankroll",
    "decided_at",
)


def bet_id(game_id: pd.Series, player_id: pd.Series, market: pd.Series) -> pd.Series:
    """Deterministic prop id: hex sha1 of ``"{game_id}|{player_id}|{market}"`` (player_id as an integer)."""
    keys = game_id.astype(str) + "|" + player_id.astype("int64").astype(str) + "|" + market.astype(str)
    return pd.Series([hashlib.sha1(k.encode()).hexdigest() for k in keys], index=game_id.index, dtype=object)


def join_lines(predictions: pd.DataFrame, lines: pd.DataFrame, default_market: str) -> pd.DataFrame:
    """One row per line, with the player's prediction attached (NaN prediction columns when there is none)."""
    require_columns(predictions, PREDICTION_COLUMNS, "predictions")
    require_columns(lines, LINE_COLUMNS, "lines")
    book = lines.copy()
    if "market" not in book.columns:
        book["market"] = default_market
    if "is_derived" not in book.columns:
        book["is_derived"] = False
    book = book.rename(columns={"player_name": "book_player_name", "game_date": "book_game_date"})
    book = book.drop(
        columns=[c for c in book.columns if c in PREDICTION_COLUMNS and c not in ("game_id", "player_id")]
    )
    preds = predictions.loc[:, [*PREDICTION_COLUMNS, *(c for c in OPTIONAL_PREDICTION_COLUMNS if c in predictions)]]
    merged = book.merge(preds, on=["game_id", "player_id"], how="left", validate="many_to_one")
    merged["game_date"] = merged["game_date"].fillna(merged["book_game_date"])
    return merged.drop(columns=["book_game_date"]).reset_index(drop=True)


def add_edges(frame: pd.DataFrame, settings: BettingSettings, bankroll: float) -> pd.DataFrame:
    """Decimal prices, both sides' edges, the chosen side and its Kelly sizing before caps."""
    out = frame.copy()
    out["over_decimal"] = american_to_decimal_or_nan(out["over_price"])
    out["under_decimal"] = american_to_decimal_or_nan(out["under_price"])
    out["edge_over"] = expected_return(out["p_over"], out["p_under"], out["over_decimal"])
    out["edge_under"] = expected_return(out["p_under"], out["p_over"], out["under_decimal"])
    e_over = out["edge_over"].fillna(-np.inf)
    e_under = out["edge_under"].fillna(-np.inf)
    under = e_under > e_over
    priced = out["edge_over"].notna() | out["edge_under"].notna()
    out["side"] = np.where(~priced, "", np.where(under, Side.UNDER, Side.OVER))
    out["price"] = np.where(under, out["under_price"], out["over_price"]).astype(float)
    out["decimal_price"] = np.where(under, out["under_decimal"], out["over_decimal"])
    out["p_win"] = np.where(under, out["p_under"], out["p_over"])
    out["p_loss"] = np.where(under, out["p_over"], out["p_under"])
    out["edge"] = np.where(under, out["edge_under"], out["edge_over"])
    if settings.confidence_method is ConfidenceMethod.DISTANCE:
        out["confidence"] = confidence_distance(out["p_over"])
    else:
        out["confidence"] = out["p_win"]
    out["kelly_full"] = kelly_fraction(out["p_win"], out["p_loss"], out["decimal_price"])
    out["stake_kelly"] = settings.kelly_fraction * out["kelly_full"] * bankroll
    return out


def mark_best_price(frame: pd.DataFrame, open_: pd.Series, preferred: pd.Series | None = None) -> pd.Series:
    """True for the one open candidate per prop: a ``preferred`` one (a book the evidence gate lets stake) before
    any other, then the largest edge (ties: higher price, then bookmaker)."""
    ranked = frame.loc[open_].assign(_preferred=True if preferred is None else preferred.loc[open_])
    ranked = ranked.sort_values(["_preferred", "edge", "decimal_price", "bookmaker"],
                                ascending=[False, False, False, True], kind="mergesort")
    first = ~ranked.duplicated(subset=list(PROP_KEYS), keep="first")
    best = pd.Series(False, index=frame.index)
    best[first[first].index] = True
    return best


def add_filters(frame: pd.DataFrame, settings: BettingSettings, bankroll: float,
                as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Priced offers (``p_over``/``p_under``/``p_push`` and prices) -> both sides' edges, Kelly sizing before caps
    (``bankroll`` in units), ``bet_id``, ``reason`` (the first filter rule that rejects it, else ``bet``) and
    ``edge_suspect``."""
    frame = add_edges(frame, settings, bankroll)
    frame["bet_id"] = bet_id(frame["game_id"], frame["player_id"], frame["market"])
    frame["reason"] = filters.first_rejection(frame, settings, as_of)
    frame["edge_suspect"] = (frame["edge"] > settings.suspect_edge).fillna(False).astype(bool)
    return frame


def priced_candidates(predictions: pd.DataFrame, lines: pd.DataFrame, settings: BettingSettings,
                      pricing: PricingSettings, *, bankroll: float, stack: StackFit | None = None,
                      as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every candidate priced by the one pricing path (:func:`nba_pra.betting.pricing.price_offers`), with
    :func:`add_filters`' columns."""
    frame = join_lines(predictions, lines, settings.default_market)
    frame = price_offers(frame, pricing, stack=stack)
    frame["pricing"] = pricing.method.value
    return add_filters(frame, settings, bankroll, as_of)


def select_bets(frame: pd.DataFrame) -> pd.DataFrame:
    """One bet per prop among :func:`priced_candidates` that passed every filter (the largest edge), as the
    walk-forward evidence counts them: before the gate and the exposure caps, which do not change the forecast."""
    open_ = frame["reason"] == filters.PASS
    return frame.loc[mark_best_price(frame, open_)]


def _not_best_detail(frame: pd.DataFrame, reason: pd.Series, chosen: pd.Series) -> pd.Series:
    """``not_best_price: the bet is at <book> (edge 0.052)`` for the candidates another book's offer beat."""
    keys = list(PROP_KEYS)
    best = frame.loc[chosen, [*keys, "bookmaker", "edge"]].rename(columns={"bookmaker": "_book", "edge": "_edge"})
    beaten = reason.eq("not_best_price")
    joined = frame.loc[beaten, keys].merge(best, on=keys, how="left").set_axis(frame.index[beaten])
    return "not_best_price: the bet is at " + joined["_book"].fillna("another book").astype(str) + (
        " (edge " + joined["_edge"].astype(float).map("{:.3f}".format) + ")"
    ).where(joined["_edge"].notna(), "")


def decide(frame: pd.DataFrame, settings: BettingSettings, bankroll: float, *, method: PricingMethod,
           gate: Gate, as_of: pd.Timestamp | None = None, committed: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`add_filters`' candidates -> decision, stake, state and reason (best price, the gate, exposure caps).

    The bet of a prop is placed at a book the gate lets ``method`` stake when one passes every filter, else at
    the best edge as a *paper* bet (stake 0, ``gate_reason`` says why). Columns: :data:`CANDIDATE_COLUMNS`.
    ``committed``: stakes placed earlier that share the exposure caps (:func:`nba_pra.betting.exposure.size_stakes`;
    a player's pre-game and earlier live bets when his live offers are decided).
    """
    frame = frame.copy()
    reason = frame.pop("reason")
    open_ = reason == filters.PASS
    staked_book, gate_reason = gate.decide(method, frame["bookmaker"])
    best = mark_best_price(frame, open_, staked_book)
    reason[open_ & ~best] = "not_best_price"

    chosen = reason == filters.PASS
    paper = chosen & ~staked_book
    sized_rows = chosen & staked_book
    frame["stake"] = 0.0
    frame["capped_by"] = ""
    if sized_rows.any():
        sized = size_stakes(frame.loc[sized_rows], settings, bankroll, committed)
        frame.loc[sized_rows, "stake"] = sized["stake"]
        frame.loc[sized_rows, "capped_by"] = sized["capped_by"]
        cut = sized["cap_reason"] != ""
        reason[cut[cut].index] = sized.loc[cut, "cap_reason"]

    frame["reason"] = reason
    detail = filters.explain(frame, reason, settings)
    beaten = reason.eq("not_best_price")
    if beaten.any():
        detail[beaten] = _not_best_detail(frame, reason, best)
    frame["reason_detail"] = detail
    frame["decision"] = np.where(reason == filters.PASS, DECISION_BET, DECISION_PASS)
    placed = frame["decision"] == DECISION_BET
    frame["state"] = np.where(placed, np.where(paper, BetState.PAPER.value, BetState.STAKED.value), "")
    frame["gate_reason"] = np.where(placed & paper, gate_reason, "")
    frame["bankroll"] = float(bankroll)
    frame["decided_at"] = pd.Timestamp(as_of) if as_of is not None else pd.NaT
    return frame.loc[:, list(CANDIDATE_COLUMNS)]


def evaluate_candidates(
    predictions: pd.DataFrame,
    lines: pd.DataFrame,
    settings: BettingSettings,
    bankroll: float,
    *,
    pricing: PricingSettings,
    gate: Gate,
    stack: StackFit | None = None,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Every candidate with its probabilities, edges, Kelly sizing, decision, state and the first rule that
    rejected it (:func:`priced_candidates`, then :func:`decide`).

    ``bankroll`` is in units (the ledger's current bankroll). ``as_of`` (optional) rejects lines of games dated
    before its calendar day (``past_game``) and is stored in ``decided_at``. ``pricing`` and ``stack`` price
    every offer (:mod:`nba_pra.betting.pricing`); ``gate`` says which (method, book) may stake.
    Columns: :data:`CANDIDATE_COLUMNS`.
    """
    frame = priced_candidates(predictions, lines, settings, pricing, bankroll=bankroll, stack=stack, as_of=as_of)
    return decide(frame, settings, bankroll, method=pricing.method, gate=gate, as_of=as_of)


#: what :func:`decide` and :func:`add_filters` write (a re-decision drops and rewrites them)
_DECISION_COLUMNS: Final = (
    "edge_over", "edge_under", "side", "price", "decimal_price", "p_win", "p_loss", "edge", "confidence",
    "kelly_full", "stake_kelly", "stake", "capped_by", "decision", "reason", "reason_detail", "state",
    "gate_reason", "edge_suspect", "bet_id", "over_decimal", "under_decimal",
)


def redecide(candidates: pd.DataFrame, settings: BettingSettings, gate: Gate) -> pd.DataFrame:
    """The bet stage's candidates decided again with other betting ``settings``, at the probabilities and prices
    they were priced at (same bankroll, decision day and pricing method): what ``recommend betting.min_edge=0.1``
    shows. Pricing is not redone, so a change of ``pricing.*`` needs the bet stage."""
    require_columns(candidates, ("p_over", "p_under", "p_push", "over_price", "under_price", "pricing",
                                 "bankroll", "decided_at"), "candidates")
    decided_at = pd.to_datetime(candidates["decided_at"]).dropna()
    as_of = decided_at.iloc[0] if len(decided_at) else None
    bankroll = float(candidates["bankroll"].iloc[0]) if len(candidates) else 1.0
    method = PricingMethod(str(candidates["pricing"].iloc[0])) if len(candidates) else PricingMethod.MODEL
    frame = candidates.drop(columns=[c for c in _DECISION_COLUMNS if c in candidates.columns])
    return decide(add_filters(frame, settings, bankroll, as_of), settings, bankroll, method=method, gate=gate,
                  as_of=as_of)
