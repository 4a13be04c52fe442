"""Score stored slate predictions once their games are played -- a pure function, no IO.

Each model version's prediction of a player-game (the champion's, and the shadow version's when
``tracking.shadow_alias`` is set) is scored with the per-row scores of :mod:`nba_pra.evaluation.paired` (CRPS, log
score, MAE; Brier and log loss of P(over | no push) at the book's line where the book posted one), so the ledger
accumulates a live A/B record: the same player-games predicted by two versions before tip-off.

A player who did not play (``played`` False, or no box-score row in a game that has one) is ``void``: no score,
as his bets are void. Only predictions whose game appears in the box scores are scored; the others stay open.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.evaluation import paired
from nba_pra.ledger.settlement import SETTLE_BOX_COLUMNS, market_totals
from nba_pra.ledger.tables import MODEL_SCORE_KEYS, MODEL_SCORE_NUMBERS
from nba_pra.model.settings import DistributionFamily
from nba_pra.vocab import PLAYER_GAME_KEYS, PRA_MARKET

#: ``result`` of a scored prediction / of one whose player did not play
SCORED: Final = "scored"
VOID: Final = "void"


def score_predictions(predictions: pd.DataFrame, box_scores: pd.DataFrame,
                      lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keys, :data:`~nba_pra.ledger.tables.MODEL_SCORE_NUMBERS` and ``result`` for every prediction whose game is in
    ``box_scores``. ``predictions`` carries the keys, ``mean``, ``var`` and ``dist_family``."""
    keys = list(PLAYER_GAME_KEYS)
    columns = [*MODEL_SCORE_KEYS, *MODEL_SCORE_NUMBERS, "result"]
    finished = predictions[predictions["game_id"].astype(str).isin(box_scores["game_id"].astype(str).unique())]
    if finished.empty:
        return pd.DataFrame(columns=columns)
    box = box_scores.loc[:, list(SETTLE_BOX_COLUMNS)].drop_duplicates(keys, keep="last")
    box = box.assign(game_id=box["game_id"].astype(str), player_id=box["player_id"].astype("int64"))
    merged = finished.assign(game_id=finished["game_id"].astype(str),
                             player_id=finished["player_id"].astype("int64")).merge(
        box, on=keys, how="left", validate="many_to_one").reset_index(drop=True)
    played = merged["played"].astype("boolean").fillna(False).astype(bool)
    actual = market_totals(merged, pd.Series(PRA_MARKET, index=merged.index)).where(played)
    ran = actual.notna().to_numpy()
    merged["actual_pra"] = actual.to_numpy(float)
    merged["line"] = paired.book_lines(merged, lines)
    for name in (p.value for p in paired.PairedScore):
        merged[name] = np.nan
    for family in merged.loc[ran, "dist_family"].unique():
        rows = ran & (merged["dist_family"] == family).to_numpy()
        sub = merged.loc[rows]
        scores = paired.row_scores(sub["actual_pra"], sub["mean"], sub["var"], DistributionFamily(family),
                                   sub["line"])
        for name in scores.columns:
            merged.loc[rows, name] = scores[name].to_numpy()
    merged["result"] = np.where(ran, SCORED, VOID)
    return merged.loc[:, columns]
