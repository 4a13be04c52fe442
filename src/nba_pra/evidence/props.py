"""The props table: one row per (game, player) with a PRA line, joining the market, the model and the result.

For each prop:

* ``main_line`` -- the line quoted by the most books (:func:`nba_pra.odds.market.main_lines`), ``n_books`` the
  books quoting it, ``min_line``/``max_line`` the spread of lines across books;
* ``fair_over_<method>`` -- the books' mean de-vigged P(over) at the main line, one column per de-vig method
  (with a half-point line this is P(over); with a whole line the books' two prices exclude the push, so it is
  P(over | no push));
* the model's distribution (``mean``, ``median``, ``dist_*``) and its ``p_over``/``p_under``/``p_push`` at the
  main line; ``model_over`` = P(over | no push) = ``p_over / (p_over + p_under)``, the quantity comparable with
  the market's;
* the result: ``played``, ``actual`` (pts + reb + ast) and ``outcome`` -- ``over``/``under``/``push``, or
  ``void`` when the player did not play (such props are scored by nobody).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.betting.pricing import family_probabilities
from nba_pra.odds.market import DevigMethod, consensus_probabilities, fair_probabilities, main_lines
from nba_pra.settle import line_outcomes
from nba_pra.vocab import PLAYER_GAME_KEYS, LineOutcome

_MODEL_COLUMNS: Final = ("game_date", "player_name", "team", "opponent", "mean", "median", "var", "std",
                         "dist_family", "dist_param_a", "dist_param_b", "eligible")


def fair_column(method: DevigMethod | str) -> str:
    return f"fair_over_{DevigMethod(method).value}"


def market_side(lines: pd.DataFrame, methods: Sequence[DevigMethod]) -> pd.DataFrame:
    """Per prop: main line, books, line spread and the consensus fair P(over) at the main line per method."""
    keys = list(PLAYER_GAME_KEYS)
    main = main_lines(lines).drop(columns=["market"], errors="ignore")
    spread = lines.groupby(keys, observed=True)["line"].agg(min_line="min", max_line="max").reset_index()
    out = main.merge(spread, on=keys)
    at_main = lines.merge(main.rename(columns={"main_line": "line"}), on=[*keys, "line"])
    for method in methods:
        consensus = consensus_probabilities(fair_probabilities(at_main, method))
        consensus = consensus.drop(columns=["market"], errors="ignore")
        part = consensus[[*keys, "fair_over", "n_books", "mean_overround"]].rename(
            columns={"fair_over": fair_column(method)})
        if "n_books" in out.columns:
            part = part.drop(columns=["n_books", "mean_overround"])
        out = out.merge(part, on=keys, how="left")
    return out


def outcomes(actual: pd.Series, line: pd.Series, played: pd.Series) -> pd.Series:
    """``over`` if actual > line, ``under`` if below, ``push`` if equal, ``void`` if the player did not play."""
    return pd.Series(line_outcomes(actual.to_numpy(float), line.to_numpy(float), played.fillna(False).to_numpy(bool)),
                     index=actual.index)


def build_props(lines: pd.DataFrame, predictions: pd.DataFrame, box_scores: pd.DataFrame,
                methods: Sequence[DevigMethod]) -> pd.DataFrame:
    """The props table (see module docstring) for every prop with both a line and a model prediction."""
    keys = list(PLAYER_GAME_KEYS)
    market = market_side(lines, methods)
    preds = predictions.loc[:, [*keys, *_MODEL_COLUMNS]].drop_duplicates(keys)
    props = market.merge(preds, on=keys, how="inner")
    probs = family_probabilities(props["dist_family"].to_numpy(dtype=object), props["dist_param_a"].to_numpy(float),
                                 props["dist_param_b"].to_numpy(float), props["main_line"].to_numpy(float))
    props["p_over"], props["p_under"], props["p_push"] = probs.p_over, probs.p_under, probs.p_push
    props["model_over"] = props["p_over"] / (props["p_over"] + props["p_under"])
    box = box_scores.loc[:, [*keys, "played", "starter", "minutes", "pts", "reb", "ast"]].drop_duplicates(keys)
    box["actual"] = box[["pts", "reb", "ast"]].astype("float64").sum(axis=1, min_count=3)
    props = props.merge(box.drop(columns=["pts", "reb", "ast"]), on=keys, how="left")
    props["played"] = props["played"].fillna(False).astype(bool)
    props["outcome"] = outcomes(props["actual"], props["main_line"], props["played"])
    props["game_date"] = pd.to_datetime(props["game_date"]).dt.normalize()
    return props.sort_values(["game_date", "game_id", "player_id"], kind="mergesort").reset_index(drop=True)


def decided(props: pd.DataFrame) -> pd.DataFrame:
    """Props settled over or under (pushes and voids score no probability)."""
    return props.loc[props["outcome"].isin([LineOutcome.OVER, LineOutcome.UNDER])]


def went_over(props: pd.DataFrame) -> np.ndarray:
    return (props["outcome"] == LineOutcome.OVER).to_numpy(float)
