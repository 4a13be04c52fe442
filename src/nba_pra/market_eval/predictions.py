"""Walk-forward predictions of the evaluated range, through the backtest's prediction cache.

The evaluation reuses :func:`nba_pra.evaluation.predictions.cached_predictions` with the backtest range set to the days
that have lines, so ``nba-pra backtest`` over the same range and ``nba-pra market`` share one cached file (and
changing only market or betting settings never retrains).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from nba_pra.config import Project
from nba_pra.evaluation.cache import CacheEntry
from nba_pra.evaluation.predictions import cached_predictions


def range_project(project: Project, start: pd.Timestamp, end: pd.Timestamp) -> Project:
    """The project with ``backtest.start``/``end`` set to ``[start, end]`` (ISO dates)."""
    s = project.settings
    bt = dataclasses.replace(s.backtest, start=start.date().isoformat(), end=end.date().isoformat())
    return dataclasses.replace(project, settings=dataclasses.replace(s, backtest=bt))


def walk_forward(project: Project, box_scores: pd.DataFrame, features: pd.DataFrame, start: pd.Timestamp,
                 end: pd.Timestamp) -> tuple[pd.DataFrame, CacheEntry]:
    """Every box-score row in ``[start, end]`` predicted by a model trained only on earlier days (cached)."""
    return cached_predictions(range_project(project, start, end), box_scores, features)
