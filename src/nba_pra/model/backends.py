"""The boosting library behind the fold ensemble: one small seam, one implementation per library.

``model.kind`` (conf/model/<kind>.yaml) picks the backend. The fold loop (:mod:`nba_pra.model.train`), the feature
screen and the saved ensemble only talk to a :class:`Backend`, so a second architecture trains the same 19 folds,
logs the same metrics and plots and is served by the same pyfunc. Models are saved as the library's own text/JSON
model files (no pickles); the ensemble's manifest names the architecture that reads them back.

Histogram bins: every fit of a training reuses the bin edges of one reference matrix (the first fold's training
rows, which precede every validation block), so no bin edge comes from a later game and no fit sketches its data
again.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np
import pandas as pd

from nba_pra.model.settings import ModelKind

__all__ = ["Backend", "LightGBMBackend", "ModelKind", "XGBoostBackend", "backend_for"]


class Backend(Protocol):
    """What the fold ensemble needs from a boosting library."""

    #: the suffix of a saved model file (``mean_00<suffix>``)
    suffix: str
    #: the library's parameter for its thread count (``nthread``, ``num_threads``)
    threads_param: str

    def reference(self, X: np.ndarray, max_bin: int, params: dict) -> Any:
        """The histogram reference built from ``X`` (float32) with the mean model's ``params``: later fits reuse
        its bin edges."""

    def fit(self, params: dict, X: np.ndarray, label: np.ndarray, *, rounds: int, seed: int, max_bin: int,
            names: list[str], ref: Any | None = None) -> Any:
        """A model fitted on float32 ``X`` with targets ``label`` (``ref``: reuse its bins, else sketch ``X``)."""

    def predict(self, model: Any, X: np.ndarray) -> np.ndarray:
        """Predictions (float64) of ``model`` for the float32 rows ``X`` (columns in training order)."""

    def predict_frame(self, models: list[Any], features: pd.DataFrame, names: list[str]) -> list[np.ndarray]:
        """Each model's predictions for the rows of ``features[names]`` (the served path)."""

    def gain(self, model: Any, names: list[str], *, total: bool) -> dict[str, float]:
        """Gain per used feature: summed over its splits (``total``) or the mean per split."""

    def save(self, model: Any, path: Path) -> None: ...

    def load(self, path: Path) -> Any: ...


def _xgboost() -> ModuleType:
    """``xgboost``, imported without scikit-learn when nothing in the process has imported scikit-learn yet.

    xgboost imports scikit-learn, when it is installed (MLflow requires it), only to define its scikit-learn
    estimator classes, which this project never uses; that import (scikit-learn, and scipy.stats through it)
    costs ~0.8 s, paid every day by the predict and evidence stages just to read boosters. A ``None`` entry in
    ``sys.modules`` makes ``import sklearn`` raise ImportError while xgboost loads, so it skips those classes; the
    entry is removed at once, and a later ``import sklearn`` (e.g. by MLflow) works as usual.
    """
    if "xgboost" not in sys.modules and "sklearn" not in sys.modules:
        sys.modules["sklearn"] = None  # type: ignore[assignment]
        try:
            import xgboost
        finally:
            del sys.modules["sklearn"]
        return xgboost
    import xgboost

    return xgboost


class XGBoostBackend:
    """XGBoost ``hist`` boosters saved as XGBoost JSON; the calls are the ones the project made before the seam,
    so an XGBoost training gives the same models, bytes and scores as before."""

    suffix = ".json"
    threads_param = "nthread"

    def reference(self, X: np.ndarray, max_bin: int, params: dict) -> Any:
        xgb = _xgboost()
        return xgb.QuantileDMatrix(X, max_bin=max_bin)

    def fit(self, params: dict, X: np.ndarray, label: np.ndarray, *, rounds: int, seed: int, max_bin: int,
            names: list[str], ref: Any | None = None) -> Any:
        """``base_score`` = the mean label, passed explicitly. Feature names are set after training: a name check
        on every boosting round costs ~10 % of a fit."""
        xgb = _xgboost()
        data = xgb.QuantileDMatrix(X, label=label, ref=ref, max_bin=max_bin)
        booster = xgb.train({**params, "seed": seed, "base_score": float(np.mean(label)), "max_bin": max_bin}, data,
                            num_boost_round=rounds)
        booster.feature_names = names
        return booster

    def predict(self, model: Any, X: np.ndarray) -> np.ndarray:
        return model.inplace_predict(X, validate_features=False).astype(float)

    def predict_frame(self, models: list[Any], features: pd.DataFrame, names: list[str]) -> list[np.ndarray]:
        xgb = _xgboost()
        dm = xgb.DMatrix(features[names].astype("float32"), feature_names=names)
        return [m.predict(dm) for m in models]

    def gain(self, model: Any, names: list[str], *, total: bool) -> dict[str, float]:
        return dict(model.get_score(importance_type="total_gain" if total else "gain"))

    def save(self, model: Any, path: Path) -> None:
        model.save_model(str(path))

    def load(self, path: Path) -> Any:
        xgb = _xgboost()
        booster = xgb.Booster()
        booster.load_model(str(path))
        return booster


class LightGBMBackend:
    """LightGBM boosters saved as LightGBM's text model files.

    ``params`` holds every library setting (conf/model/lightgbm.yaml: objective, leaves, bagging, ``deterministic``,
    ``force_col_wise``, ``num_threads``, and the binning ones: ``feature_pre_filter``, ``data_random_seed``); the
    shared histogram reference is built with the mean model's. The mean label starts the boosting
    (``boost_from_average``, LightGBM's default for regression), as XGBoost's explicit ``base_score`` does.
    """

    suffix = ".txt"
    threads_param = "num_threads"

    def reference(self, X: np.ndarray, max_bin: int, params: dict) -> Any:
        import lightgbm as lgb

        return lgb.Dataset(X, params={**params, "max_bin": max_bin}, free_raw_data=True).construct()

    def fit(self, params: dict, X: np.ndarray, label: np.ndarray, *, rounds: int, seed: int, max_bin: int,
            names: list[str], ref: Any | None = None) -> Any:
        import lightgbm as lgb

        full = {**params, "max_bin": max_bin, "seed": seed}
        data = lgb.Dataset(X, label=label, reference=ref, feature_name=list(names), params=full, free_raw_data=True)
        return lgb.train(full, data, num_boost_round=rounds)

    def predict(self, model: Any, X: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict(X), dtype=float)

    def predict_frame(self, models: list[Any], features: pd.DataFrame, names: list[str]) -> list[np.ndarray]:
        X = features[names].to_numpy(dtype=np.float32)
        return [np.asarray(m.predict(X), dtype=float) for m in models]

    def gain(self, model: Any, names: list[str], *, total: bool) -> dict[str, float]:
        gains = np.asarray(model.feature_importance(importance_type="gain"), dtype=float)
        splits = np.asarray(model.feature_importance(importance_type="split"), dtype=float)
        used = splits > 0
        values = gains if total else np.divide(gains, splits, out=np.zeros_like(gains), where=used)
        # like XGBoost's get_score: only the features some split used
        return {name: float(v) for name, v, u in zip(model.feature_name(), values, used, strict=True) if u}

    def save(self, model: Any, path: Path) -> None:
        model.save_model(str(path))

    def load(self, path: Path) -> Any:
        import lightgbm as lgb

        return lgb.Booster(model_file=str(path))


def backend_for(kind: ModelKind | str) -> Backend:
    """The backend of an architecture."""
    return LightGBMBackend() if ModelKind(kind) is ModelKind.LIGHTGBM else XGBoostBackend()
