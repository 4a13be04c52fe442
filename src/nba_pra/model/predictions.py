"""The prediction table: one row per player-game with the predicted moments and the fitted distribution.

Shared by the daily predict stage and the walk-forward backtest so both hand the betting engine the same columns.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from nba_pra.data.schema import PLAYER_GAME_COLUMNS
from nba_pra.model import distributions
from nba_pra.model.ensemble import CALIBRATION_COLUMNS
from nba_pra.model.recalibration import PlattMap

#: identity columns copied from the feature rows
IDENTITY_COLUMNS = [*PLAYER_GAME_COLUMNS, "n_prior_games", "eligible"]


def prediction_frame(
    rows: pd.DataFrame, mean: npt.ArrayLike, var: npt.ArrayLike, family: distributions.DistributionFamily,
    over_calibration: PlattMap | None = None,
) -> pd.DataFrame:
    """Identity columns of ``rows`` + ``mean``, ``var``, ``std``, ``cv`` (= std / mean), ``median``, the
    method-of-moments parameters of ``family`` (``dist_param_a``, ``dist_param_b``) and the model's P(over)
    recalibration at book lines (``over_cal_*``; identity when ``None``)."""
    mu = np.asarray(mean, float)
    v = np.asarray(var, float)
    params = distributions.fit(family, mu, v)
    out = rows.loc[:, IDENTITY_COLUMNS].reset_index(drop=True)
    out["mean"] = mu
    out["var"] = v
    out["std"] = np.sqrt(v)
    out["cv"] = out["std"] / out["mean"]
    out["median"] = distributions.quantile(params, 0.5)
    out["dist_family"] = family.value
    out["dist_param_a"] = params.param_a
    out["dist_param_b"] = params.param_b
    calibration = over_calibration or PlattMap()
    for key, column in CALIBRATION_COLUMNS.items():
        out[column] = float(getattr(calibration, key))
    return out
