"""Typed settings for tests, built from the project's real conf/ (the one source of defaults) plus overrides."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from nba_pra.betting.gate import Gate
from nba_pra.betting.settings import BettingSettings, EvidenceSettings, PricingMethod, PricingSettings
from nba_pra.config import Settings, compose, settings_from_dict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


@cache
def composed() -> Settings:
    return settings_from_dict(compose(PROJECT_ROOT))


def conf(cls: type[T], **overrides: Any) -> T:
    """The composed config's instance of the settings class ``cls`` (the first found, depth first) + overrides.

    Settings classes have no defaults (``conf/`` holds every value), so this is how a test gets, say, the
    feature settings: ``conf(FeatureSettings, min_games=3)``.
    """
    found = _find(composed(), cls)
    if found is None:
        raise LookupError(f"{cls.__name__} does not occur in the composed config")
    return dataclasses.replace(found, **overrides)


def _find(node: Any, cls: type[T]) -> T | None:
    if isinstance(node, cls):
        return node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            hit = _find(getattr(node, field.name), cls)
            if hit is not None:
                return hit
    return None


def betting_settings(**overrides: Any) -> BettingSettings:
    return dataclasses.replace(composed().betting, **overrides)


def evidence_settings(**overrides: Any) -> EvidenceSettings:
    return dataclasses.replace(composed().betting.evidence, **overrides)


def pricing_settings(method: PricingMethod | str | None = None, **overrides: Any) -> PricingSettings:
    base = composed().pricing
    return dataclasses.replace(base, method=PricingMethod(method or base.method), **overrides)




def model_pricing() -> dict[str, Any]:
    """Keyword arguments of ``evaluate_candidates`` that price with the raw model and stake without a gate."""
    return {"pricing": pricing_settings(PricingMethod.MODEL), "gate": Gate.open()}
