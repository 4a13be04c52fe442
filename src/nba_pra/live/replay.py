"""A synthetic night replayed period end by period end: live forecasts, a live book, and candidates decided by the
pre-game betting path (pricing, filters, evidence gate, Kelly and exposure caps).

* **Live predictions** (:func:`live_predictions`): per player, the final PRA's mean ``y_t + mu_R``, variance
  ``Var[Y_R]``, ``cv`` = sd / mean (what ``betting.max_cv`` reads) and the remaining PRA's distribution
  (``dist_*``), in the pre-game prediction columns (:data:`nba_pra.betting.engine.PREDICTION_COLUMNS`); the player's
  eligibility and prior games are the pre-game ones; ``model_version`` says ``live``.
* **The synthetic live book** (:func:`live_book`): each pre-game offer re-posted at
  ``floor(y_t + L0 R / G) + hook`` (the pre-game line ``L0`` prorated to the regulation minutes left) at its pre-game
  prices, except for players ruled out or fouled out (their props are off the board). Naive on purpose: it
  ignores foul trouble, blowouts and tonight's rate.
* **Candidates** (:func:`live_candidates`): the offers shifted onto the remaining PRA and priced by
  :func:`nba_pra.live.pricing.price_shifted` (the pre-game :func:`~nba_pra.betting.pricing.price_offers`), then
  :func:`nba_pra.betting.engine.add_filters` and :func:`~nba_pra.betting.engine.decide` as before tip-off, with the
  stakes already placed that night (his pre-game bet, his live bets of earlier moments) using up the player / game
  / day caps first (:func:`nba_pra.betting.exposure.size_stakes`).
* **Live bets** carry ``phase = live``, the game state in the ledger's columns (``live_period`` ...
  :data:`nba_pra.ledger.tables.LIVE_STATE_COLUMNS`) and their own id (:func:`live_bet_id`): one live bet per prop
  and moment of the game, never the pre-game bet's id, so the ledger keeps both.
"""

from __future__ import annotations

import hashlib
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting.engine import (
    DECISION_BET,
    PREDICTION_COLUMNS,
    add_filters,
    decide,
    evaluate_candidates,
    join_lines,
)
from nba_pra.betting.gate import Gate
from nba_pra.betting.settings import BettingSettings, PricingSettings
from nba_pra.betting.stacking import StackFit
from nba_pra.data.schema import LINE_COLUMNS
from nba_pra.live.pricing import price_shifted
from nba_pra.live.settings import LiveSettings
from nba_pra.live.state import elapsed_and_remaining, regulation_minutes
from nba_pra.model.distributions import DistributionParams, quantile
from nba_pra.model.ensemble import CALIBRATION_COLUMNS
from nba_pra.model.settings import DistributionFamily
from nba_pra.vocab import BetPhase

KEYS: Final = ["game_id", "player_id"]
LIVE_MODEL_VERSION: Final = "live"
#: the game state kept beside each candidate
STATE_COLUMNS: Final = ("period", "clock_s", "minutes", "pra", "pf", "margin", "remaining_minutes")
#: a live bet's game state under the ledger's names (:data:`nba_pra.ledger.tables.LIVE_STATE_COLUMNS`)
LEDGER_STATE: Final = {"period": "live_period", "clock_s": "live_clock_s", "minutes": "live_minutes",
                       "pra": "live_pra", "pf": "live_pf", "margin": "live_margin"}
#: what a bet's stake counts against in the exposure caps (:func:`nba_pra.betting.exposure.size_stakes`)
COMMITTED_COLUMNS: Final = ("game_id", "game_date", "player_id", "stake")


def live_bet_id(game_id: pd.Series, player_id: pd.Series, market: pd.Series, period: pd.Series,
                clock_s: pd.Series) -> pd.Series:
    """Deterministic live bet id: hex sha1 of ``"{game_id}|{player_id}|{market}|live|{period}|{clock_s:.1f}"``
    (one bet per prop and moment; a pre-game bet's id is the sha1 without the last three fields)."""
    keys = (game_id.astype(str) + "|" + player_id.astype("int64").astype(str) + "|" + market.astype(str) + "|"
            + BetPhase.LIVE.value + "|" + period.astype("int64").astype(str) + "|"
            + clock_s.astype(float).map("{:.1f}".format))
    return pd.Series([hashlib.sha1(k.encode()).hexdigest() for k in keys], index=game_id.index, dtype=object)


def placed_stakes(*frames: pd.DataFrame) -> pd.DataFrame:
    """The bets (``decision == bet``) of candidates frames as committed stakes (:data:`COMMITTED_COLUMNS`)."""
    bets = [f.loc[f["decision"].eq(DECISION_BET), list(COMMITTED_COLUMNS)] for f in frames if len(f)]
    if not bets:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "stake" else object) for c in COMMITTED_COLUMNS})
    return pd.concat(bets, ignore_index=True)


def pregame_bets(predictions: pd.DataFrame, lines: pd.DataFrame, betting: BettingSettings, pricing: PricingSettings,
                 *, bankroll: float, gate: Gate, stack: StackFit | None = None) -> pd.DataFrame:
    """The night's pre-game candidates (:func:`nba_pra.betting.engine.evaluate_candidates`) with ``phase =
    pregame``: the bets a live night starts from."""
    preds = predictions.merge(lines.loc[:, KEYS].drop_duplicates(), on=KEYS)
    decided = evaluate_candidates(preds, lines, betting, bankroll, pricing=pricing, gate=gate, stack=stack)
    return decided.assign(phase=BetPhase.PREGAME.value)


def live_book(pregame_lines: pd.DataFrame, states: pd.DataFrame, settings: LiveSettings) -> pd.DataFrame:
    """The synthetic live book's offers (:data:`LINE_COLUMNS`) for the players of ``states`` (module docstring);
    a player ruled out or fouled out has his props taken off the board (their result is known)."""
    _, left = elapsed_and_remaining(states["period"].to_numpy(np.int64), states["clock_s"].to_numpy(float),
                                    settings.game)
    open_ = ~(states["out"].to_numpy(bool) | (states["pf"].to_numpy(float) >= settings.game.foul_out))
    now = states.loc[:, KEYS].assign(_pra=states["pra"].to_numpy(float),
                                     _left=left / regulation_minutes(settings.game)).loc[open_]
    book = pregame_lines.merge(now, on=KEYS, how="inner")
    line = np.floor(book["_pra"] + book["line"] * book["_left"]) + settings.replay.hook
    return book.assign(line=line, close_line=np.nan, close_over_price=np.nan,
                       close_under_price=np.nan).loc[:, list(LINE_COLUMNS)].reset_index(drop=True)


def live_predictions(forecasts: pd.DataFrame, pregame: pd.DataFrame) -> pd.DataFrame:
    """The final PRA's forecast in the pre-game prediction columns (module docstring), one row per forecast."""
    identity = [c for c in PREDICTION_COLUMNS if c in pregame.columns and c not in (
        "mean", "var", "std", "cv", "median", "dist_family", "dist_param_a", "dist_param_b", "model_version",
        "model_uri")]
    out = forecasts.loc[:, [*KEYS, "pra", "remaining_mean", "remaining_var", "dist_family", "dist_param_a",
                            "dist_param_b", *CALIBRATION_COLUMNS.values()]].merge(
        pregame.loc[:, identity], on=KEYS, how="left", validate="one_to_one")
    so_far = out["pra"].to_numpy(float)
    out["mean"] = so_far + out["remaining_mean"].to_numpy(float)
    out["var"] = out["remaining_var"].to_numpy(float)
    out["std"] = np.sqrt(out["var"])
    out["cv"] = np.divide(out["std"], out["mean"], out=np.zeros(len(out)), where=out["mean"].to_numpy() > 0)
    median = so_far.copy()
    a, b = out["dist_param_a"].to_numpy(float), out["dist_param_b"].to_numpy(float)
    family = out["dist_family"].to_numpy(dtype=object)
    for fam in DistributionFamily:
        rows = np.isfinite(a) & (family == fam.value)
        if rows.any():
            median[rows] += quantile(DistributionParams(fam, a[rows], b[rows]), 0.5)
    out["median"] = median
    out["model_version"] = LIVE_MODEL_VERSION
    out["model_uri"] = ""
    return out.drop(columns=["remaining_mean", "remaining_var"])


def live_candidates(predictions: pd.DataFrame, forecasts: pd.DataFrame, lines: pd.DataFrame,
                    betting: BettingSettings, pricing: PricingSettings, *, bankroll: float, gate: Gate,
                    stack: StackFit | None = None, committed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every live offer decided by the pre-game path (module docstring), with the game state beside it (also under
    the ledger's names), ``phase = live`` and the live bet id; ``committed`` (:data:`COMMITTED_COLUMNS`): the
    stakes already placed, which share the exposure caps."""
    joined = join_lines(predictions, lines, betting.default_market)
    state = forecasts.loc[:, [*KEYS, *STATE_COLUMNS, "remaining_mean"]]
    joined = joined.merge(state, on=KEYS, how="left", validate="many_to_one")
    priced = price_shifted(joined, pricing, stack=stack)
    priced["pricing"] = pricing.method.value
    decided = decide(add_filters(priced, betting, bankroll), betting, bankroll, method=pricing.method, gate=gate,
                     committed=committed)
    state = priced.loc[:, list(STATE_COLUMNS)].set_axis(decided.index)
    out = pd.concat([decided, state, state.loc[:, list(LEDGER_STATE)].rename(columns=LEDGER_STATE)], axis=1)
    out["bet_id"] = live_bet_id(out["game_id"], out["player_id"], out["market"], out["period"], out["clock_s"])
    out["phase"] = BetPhase.LIVE.value
    return out
