"""Typed settings for tests, built from the project's real conf/ (the one source of defaults) plus overrides."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

from nba_pra.betting.gate import Gate
from nba_pra.betting.settings import BettingSettings, EvidenceSettings, PricingMethod, PricingSettings
from nba_pra.config import Settings, compose, settings_from_dict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@cache
def composed() -> Settings:
    return settings_from_dict(compose(PROJECT_ROOT))


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
