"""The ONE registry of feature definitions: names, families, definitions and windows, in model order.

Each family module declares its definitions (``definitions(settings)``) and computes exactly those
(``compute(ctx, defs)`` reads each definition's ``kind`` and ``params``); the engine orders the output columns
by this registry and fails if a family computed anything else. The model trains on ``feature_names(settings)``:
names depend on the configured windows.
"""

from __future__ import annotations

from collections import Counter
from types import ModuleType

import pandas as pd

from nba_pra.errors import ConfigError
from nba_pra.features import advanced, availability, context, matchup, position, pregame, rolling
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FAMILIES, FeatureDef

#: family name -> module with ``definitions(settings)`` and ``compute(ctx, defs)``, in registry order
FAMILY_MODULES: dict[str, ModuleType] = {
    "rolling": rolling,
    "matchup": matchup,
    "context": context,
    "advanced": advanced,
    "position": position,
    "availability": availability,
    "pregame_availability": pregame,
}
assert tuple(FAMILY_MODULES) == FAMILIES


def build_registry(settings: FeatureSettings) -> tuple[FeatureDef, ...]:
    """Every feature definition, in column order (families in ``FAMILIES`` order)."""
    defs = tuple(d for module in FAMILY_MODULES.values() for d in module.definitions(settings))
    duplicates = sorted(name for name, n in Counter(d.name for d in defs).items() if n > 1)
    if duplicates:
        raise ConfigError(f"feature settings produce duplicate feature names: {', '.join(duplicates)}")
    return defs


def feature_names(settings: FeatureSettings) -> list[str]:
    """The model's input columns, in order."""
    return [d.name for d in build_registry(settings)]


def count_by_family(settings: FeatureSettings) -> dict[str, int]:
    """Number of features per family, in family order."""
    counts = Counter(d.family for d in build_registry(settings))
    return {family: counts[family] for family in FAMILIES}


def describe(settings: FeatureSettings) -> pd.DataFrame:
    """The registry as a table: name, family, definition, window (e.g. for docs or an MLflow artifact)."""
    defs = build_registry(settings)
    return pd.DataFrame(
        {
            "name": [d.name for d in defs],
            "family": [d.family for d in defs],
            "definition": [d.definition for d in defs],
            "window": [d.window for d in defs],
        }
    )
