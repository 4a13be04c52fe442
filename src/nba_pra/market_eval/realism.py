"""How a market looks: the statistics ``benchmarks/market_realism.py`` compares between real and synthetic
lines.

Every statistic is computed from the same tables ``nba-pra market`` builds (``evidence.props``): the lines
matched to player-games, the props table (one row per prop, main line = the line most books quote) and, for the
model figures, the props table with the walk-forward predictions joined. Definitions (``prop`` = one
(game, player) with at least one two-sided offer; ``offer`` = one book's two prices at one line):

* ``line_mae`` -- mean |main line - actual PRA| over played props;
* ``line_over_ewma_mae`` -- ``line_mae`` / the best as-of EWMA baseline's MAE (the EWMA of PRA over the player's
  earlier games with the smallest MAE among the configured half-lives), on the played props that have one;
* ``model_over_line_mae`` -- the walk-forward model's mean MAE / ``line_mae`` on the same played props;
* ``logloss_gap`` -- model log loss - market log loss of P(over | no push) at the main line on decided props
  (the market's is the books' mean multiplicative-de-vigged P(over)); positive = the market is better;
* ``over_rate`` -- share of decided props that went over the main line; ``market_over_mean`` -- the market's
  mean P(over) on them (``over_rate`` below it: the books shade the line up without pricing it);
* ``over_short_low`` / ``over_short_high`` -- ``market_over_mean - over_rate`` on the decided props whose main
  line is below the low split / at or above the high split (NaN without such props): how the shading spreads
  over role players' and stars' lines, which decides whether the stars' unders are an edge;
* ``hold_median`` / ``hold_iqr`` -- the bookmaker's hold of each offer, ``1 - 1/(q_over + q_under)`` (the share
  of a balanced book's handle kept), median and interquartile range over offers;
* ``books_per_prop`` -- mean number of books with an offer on a prop;
* ``props_per_game`` -- mean number of props per game that has at least one;
* ``minutes_median`` / ``minutes_below_24`` -- as-of mean minutes of the player's last games (the anatomy's
  minutes column) of props' players: median, and share below 24 minutes;
* ``disagree_share`` -- share of props quoted by at least two books whose lines differ;
* ``line_spread`` -- mean (max line - min line) across books over those props;
* ``whole_share`` -- share of offers at a whole-number line;
* ``close_moved_share`` / ``close_move_mean`` -- where the lines carry a close: share of offers whose closing
  line differs from the opening one, and mean |close - open| (NaN without closes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.evidence import scores
from nba_pra.evidence.props import (
    decided,
    fair_column,
    market_side,
    outcomes,
    went_over,
)
from nba_pra.odds.market import DevigMethod, fair_probabilities
from nba_pra.vocab import PLAYER_GAME_KEYS, LineOutcome

#: statistics that need closing lines (reported, never compared when one side has none)
CLOSE_STATISTICS: Final = ("close_moved_share", "close_move_mean")
#: statistics that need the walk-forward model
MODEL_STATISTICS: Final = ("model_over_line_mae", "logloss_gap")


def hold(overround: np.ndarray) -> np.ndarray:
    """Hold of a two-way offer from its overround ``Q - 1``: ``1 - 1/Q`` (4.76 % overround at -110/-110 is a
    4.55 % hold)."""
    return 1.0 - 1.0 / (1.0 + np.asarray(overround, dtype=float))


def relative_difference(synthetic: float, real: float, floor: float, reference: float = 0.0) -> float:
    """``|synthetic - real| / max(|real - reference|, floor)``.

    ``reference`` is the value that would mean "no difference": 0 for most statistics, 1 for a ratio of two MAEs
    (a model 4.7 % worse than the line is compared on its 0.047, not on 1.047, which would hide a doubling).
    ``floor`` keeps the ratio sane where the real value is near the reference (a whole-number share of 0): below
    it the difference is measured in units of ``floor`` instead.
    """
    return abs(synthetic - real) / max(abs(real - reference), floor)


def prop_results(lines: pd.DataFrame, box_scores: pd.DataFrame, features: pd.DataFrame,
                 ewma_columns: Sequence[str], minutes_column: str) -> pd.DataFrame:
    """The market side of each prop (:func:`market_side`, multiplicative) with its result and as-of features.

    Adds ``played``, ``actual``, ``outcome`` (at the main line) and the ``ewma_columns`` and ``minutes_column``
    features of the player-game (as-of by construction of the feature engine).
    """
    keys = list(PLAYER_GAME_KEYS)
    props = market_side(lines, [DevigMethod.MULTIPLICATIVE])
    box = box_scores.loc[:, [*keys, "game_date", "played", "pts", "reb", "ast"]].drop_duplicates(keys)
    box["actual"] = box[["pts", "reb", "ast"]].astype("float64").sum(axis=1, min_count=3)
    props = props.merge(box.drop(columns=["pts", "reb", "ast"]), on=keys, how="left")
    props["played"] = props["played"].fillna(False).astype(bool)
    props["outcome"] = outcomes(props["actual"], props["main_line"], props["played"])
    feats = features.loc[:, [*keys, *ewma_columns, minutes_column]].drop_duplicates(keys)
    return props.merge(feats, on=keys, how="left")


def market_statistics(lines: pd.DataFrame, props: pd.DataFrame, ewma_columns: Sequence[str],
                      minutes_column: str, minutes_split: float,
                      line_split: tuple[float, float]) -> dict[str, float]:
    """The model-free statistics (module docstring) of ``lines`` and their :func:`prop_results` ``props``;
    ``line_split`` = (low, high) main lines of ``over_short_low`` / ``over_short_high``."""
    played = props.loc[props["outcome"] != LineOutcome.VOID]
    y = played["actual"].to_numpy(float)
    line_err = np.abs(played["main_line"].to_numpy(float) - y)
    have = played[list(ewma_columns)].notna().all(axis=1).to_numpy()
    ewma_mae = min(float(np.mean(np.abs(played.loc[have, c].to_numpy(float) - y[have]))) for c in ewma_columns)
    rows = decided(props)
    offers = fair_probabilities(lines, DevigMethod.MULTIPLICATIVE)
    per_offer_hold = hold(offers["overround"].to_numpy(float))
    q25, q50, q75 = np.percentile(per_offer_hold, [25, 50, 75])
    n_books = lines.groupby(list(PLAYER_GAME_KEYS), observed=True)["bookmaker"].nunique()
    spread = (props["max_line"] - props["min_line"]).to_numpy(float)
    multi = n_books.reindex(pd.MultiIndex.from_frame(props[list(PLAYER_GAME_KEYS)])).to_numpy() >= 2
    minutes = props[minutes_column].to_numpy(float)
    minutes = minutes[np.isfinite(minutes)]
    out = {
        "line_mae": float(np.mean(line_err)),
        "line_over_ewma_mae": float(np.mean(line_err[have])) / ewma_mae,
        "over_rate": float(went_over(rows).mean()),
        "market_over_mean": float(rows[fair_column(DevigMethod.MULTIPLICATIVE)].mean()),
        "over_short_low": _over_short(rows.loc[rows["main_line"] < line_split[0]]),
        "over_short_high": _over_short(rows.loc[rows["main_line"] >= line_split[1]]),
        "hold_median": float(q50),
        "hold_iqr": float(q75 - q25),
        "books_per_prop": float(n_books.mean()),
        "props_per_game": float(props.groupby("game_id", observed=True).size().mean()),
        "minutes_median": float(np.median(minutes)),
        "minutes_below_24": float(np.mean(minutes < minutes_split)),
        "disagree_share": float(np.mean(spread[multi] > 0)),
        "line_spread": float(np.mean(spread[multi])),
        "whole_share": float(np.mean(np.isclose(lines["line"] % 1.0, 0.0))),
    }
    return {**out, **close_statistics(lines)}


def _over_short(rows: pd.DataFrame) -> float:
    """The market's mean P(over) minus the share that went over (NaN without rows)."""
    if rows.empty:
        return float("nan")
    return float(rows[fair_column(DevigMethod.MULTIPLICATIVE)].mean() - went_over(rows).mean())


def close_statistics(lines: pd.DataFrame) -> dict[str, float]:
    """Share of offers whose closing line moved and mean |close - open| (NaN when no offer has a close)."""
    if "close_line" not in lines.columns or not lines["close_line"].notna().any():
        return {name: float("nan") for name in CLOSE_STATISTICS}
    closed = lines.loc[lines["close_line"].notna()]
    move = np.abs(closed["close_line"].to_numpy(float) - closed["line"].to_numpy(float))
    return {"close_moved_share": float(np.mean(move > 0)), "close_move_mean": float(np.mean(move))}


def model_statistics(props: pd.DataFrame) -> dict[str, float]:
    """Model vs market on the :func:`nba_pra.evidence.props.build_props` table (module docstring)."""
    acc = scores.accuracy(props)
    rows = decided(props)
    rows = rows.loc[rows[["model_over", fair_column(DevigMethod.MULTIPLICATIVE)]].notna().all(axis=1)]
    y = went_over(rows)
    model_ll = scores.log_loss(rows["model_over"].to_numpy(float), y)
    market_ll = scores.log_loss(rows[fair_column(DevigMethod.MULTIPLICATIVE)].to_numpy(float), y)
    return {"model_over_line_mae": acc["model_mae"] / acc["line_mae"], "logloss_gap": model_ll - market_ll,
            "model_logloss": model_ll, "market_logloss": market_ll, "model_mae": acc["model_mae"],
            "model_line_mae": acc["line_mae"]}


def comparison(real: Mapping[str, float], synthetic: Mapping[str, float], floors: Mapping[str, float],
               references: Mapping[str, float], compared: Sequence[str]) -> pd.DataFrame:
    """One row per statistic: real, synthetic, rel_diff (:func:`relative_difference` with the statistic's floor
    and reference, default 0; NaN when either side is missing) and ``compared`` (both sides have it)."""
    rows = []
    for name in compared:
        r, s = real.get(name, float("nan")), synthetic.get(name, float("nan"))
        ok = np.isfinite(r) and np.isfinite(s)
        rows.append({"statistic": name, "real": r, "synthetic": s,
                     "rel_diff": (relative_difference(s, r, floors.get(name, 0.0), references.get(name, 0.0))
                                  if ok else float("nan")),
                     "compared": bool(ok)})
    return pd.DataFrame(rows)
