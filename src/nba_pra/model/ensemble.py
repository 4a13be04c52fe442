"""The fold ensemble: ``n_folds`` mean models + ``n_folds`` variance models of one architecture (``model.kind``:
XGBoost or LightGBM), saved as the library's own model files (XGBoost JSON, LightGBM text).

Prediction for a row ``x``: ``mean = avg_k m_k(x)``; ``var = max(avg_k c_k * exp(v_k(x)), r * mean)`` where
``v_k`` predicts ``log`` squared out-of-fold residuals, ``c_k`` is its smearing factor
(mean realised squared residual / mean ``exp(v_k)`` on its training rows, undoing the log-scale bias) and ``r``
is ``min_variance_ratio``. No pickles: a directory of model files plus ``manifest.json``, which names the
architecture (a manifest without one is XGBoost: every ensemble saved before LightGBM existed).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nba_pra.model.backends import Backend, ModelKind, backend_for
from nba_pra.model.recalibration import PlattMap

MANIFEST = "manifest.json"
#: floor on the predicted mean (PRA): the distributions need a mean > 0 and no player averages under half a point
MIN_MEAN = 0.5
#: PlattMap field -> prediction column carrying it
CALIBRATION_COLUMNS = {"intercept": "over_cal_intercept", "slope": "over_cal_slope", "clip": "over_cal_clip",
                       "low": "over_cal_low", "high": "over_cal_high"}


def calibration_from_columns(frame: pd.DataFrame) -> PlattMap:
    """The map carried by a prediction frame's ``over_cal_*`` columns (identity when absent, e.g. old models)."""
    if frame.empty or any(c not in frame.columns for c in CALIBRATION_COLUMNS.values()):
        return PlattMap()
    first = frame.iloc[0]
    values: dict[str, Any] = {key: float(first[column]) for key, column in CALIBRATION_COLUMNS.items()}
    return PlattMap(**values)


@dataclass
class Ensemble:
    feature_names: list[str]
    mean_models: list[Any]
    variance_models: list[Any]
    smearing: list[float]
    min_variance_ratio: float
    #: P(over) recalibration at book lines (identity until the training evaluation sets it)
    over_calibration: PlattMap = field(default_factory=PlattMap)
    #: the library of the models (:mod:`nba_pra.model.backends`)
    architecture: ModelKind = ModelKind.XGBOOST

    @property
    def backend(self) -> Backend:
        return backend_for(self.architecture)

    def predict(self, features: pd.DataFrame) -> pd.DataFrame:
        """Frame with ``mean`` and ``var`` (PRA and PRA^2) for each input row, index preserved, and the P(over)
        recalibration map repeated on every row (``over_cal_*``: a pyfunc returns one frame)."""
        missing = [f for f in self.feature_names if f not in features.columns]
        if missing:
            raise KeyError(f"features missing from the input: {missing[:5]}")
        backend = self.backend
        mean = np.mean(backend.predict_frame(self.mean_models, features, self.feature_names), axis=0).astype(float)
        mean = np.maximum(mean, MIN_MEAN)
        variance = backend.predict_frame(self.variance_models, features, self.feature_names)
        var = np.mean(
            [c * np.exp(v) for v, c in zip(variance, self.smearing, strict=True)], axis=0
        ).astype(float)
        var = np.maximum(var, self.min_variance_ratio * mean)
        out = pd.DataFrame({"mean": mean, "var": var}, index=features.index)
        for key, column in CALIBRATION_COLUMNS.items():
            out[column] = float(getattr(self.over_calibration, key))
        return out

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        backend = self.backend
        for k, (m, v) in enumerate(zip(self.mean_models, self.variance_models, strict=True)):
            backend.save(m, directory / f"mean_{k:02d}{backend.suffix}")
            backend.save(v, directory / f"variance_{k:02d}{backend.suffix}")
        manifest = {
            "architecture": self.architecture.value,
            "feature_names": self.feature_names,
            "n_models": len(self.mean_models),
            "smearing": self.smearing,
            "min_variance_ratio": self.min_variance_ratio,
            "over_calibration": self.over_calibration.to_dict(),
        }
        (directory / MANIFEST).write_text(json.dumps(manifest, indent=2))

    def to_files(self) -> dict[str, bytes]:
        """The saved files (:meth:`save`) by name: the library's own model files and the manifest, to move the
        ensemble between processes or machines in its on-disk format."""
        with tempfile.TemporaryDirectory() as tmp:
            self.save(Path(tmp))
            return {path.name: path.read_bytes() for path in sorted(Path(tmp).iterdir())}

    @classmethod
    def from_files(cls, files: dict[str, bytes]) -> Ensemble:
        """The ensemble of :meth:`to_files`' output."""
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in files.items():
                (Path(tmp) / Path(name).name).write_bytes(data)
            return cls.load(Path(tmp))

    @classmethod
    def load(cls, directory: Path) -> Ensemble:
        manifest = json.loads((directory / MANIFEST).read_text())
        architecture = ModelKind(manifest.get("architecture", ModelKind.XGBOOST))
        backend = backend_for(architecture)
        n = manifest["n_models"]
        return cls(
            architecture=architecture,
            feature_names=list(manifest["feature_names"]),
            mean_models=[backend.load(directory / f"mean_{k:02d}{backend.suffix}") for k in range(n)],
            variance_models=[backend.load(directory / f"variance_{k:02d}{backend.suffix}") for k in range(n)],
            smearing=[float(c) for c in manifest["smearing"]],
            min_variance_ratio=float(manifest["min_variance_ratio"]),
            over_calibration=PlattMap.from_dict(manifest.get("over_calibration")),
        )
