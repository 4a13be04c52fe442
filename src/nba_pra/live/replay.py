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
  :func:`nba_pra.betting.engine.add_filters` and :func:`~nba_pra.betting.engine.decide` as before tip-off.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting.engine import PREDICTION_COLUMNS, add_filters, decide, join_lines
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

KEYS: Final = ["game_id", "player_id"]
LIVE_MODEL_VERSION: Final = "live"
#: the game state kept beside each candidate
STATE_COLUMNS: Final = ("period", "clock_s", "minutes", "pra", "pf", "margin", "remaining_minutes")


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
                    stack: StackFit | None = None) -> pd.DataFrame:
    """Every live offer decided by the pre-game path (module docstring), with the game state beside it."""
    joined = join_lines(predictions, lines, betting.default_market)
    state = forecasts.loc[:, [*KEYS, *STATE_COLUMNS, "remaining_mean"]]
    joined = joined.merge(state, on=KEYS, how="left", validate="many_to_one")
    priced = price_shifted(joined, pricing, stack=stack)
    priced["pricing"] = pricing.method.value
    decided = decide(add_filters(priced, betting, bankroll), betting, bankroll, method=pricing.method, gate=gate)
    return pd.concat([decided, priced.loc[:, list(STATE_COLUMNS)].set_axis(decided.index)], axis=1)
