"""Turn settings and result tables into MLflow params and metrics (no secrets: only model/cv settings)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from nba_pra.tracking.client import Tracker

_FOLD_ID_COLUMNS = ("fold", "train_start", "train_end", "valid_start", "valid_end")


def flatten_params(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"cv": CvSettings(n_folds=19)}`` -> ``{"cv.n_folds": 19}`` (dataclasses and mappings, recursively)."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        if isinstance(value, Mapping):
            flat.update(flatten_params(value, f"{name}."))
        elif isinstance(value, enum.Enum):
            flat[name] = value.value
        elif isinstance(value, (list, tuple)):
            flat[name] = ",".join(str(v) for v in value)
        else:
            flat[name] = value
    return flat


def log_metrics_batch(tracker: Tracker, overall: Mapping[str, float], folds: pd.DataFrame) -> None:
    """Overall metrics, plus each fold's metrics as ``fold_<metric>`` at ``step = fold``, in one batch."""
    metric_cols = [c for c in folds.columns if c not in _FOLD_ID_COLUMNS]
    per_fold = [
        (f"fold_{col}", float(value), int(step))
        for col in metric_cols
        for step, value in zip(folds["fold"], folds[col], strict=True)
    ]
    tracker.log_metrics([(k, float(v), 0) for k, v in overall.items()] + per_fold)
