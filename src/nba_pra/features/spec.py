"""The record every feature definition is: name, family, definition (formula in words), window, and how to
compute it (``kind`` + ``params``, read by the family's ``compute``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: a definition's parameters, read by its family's kind function
Params = dict[str, Any]

FAMILIES = ("rolling", "matchup", "context", "advanced", "position", "availability", "pregame_availability")


@dataclass(frozen=True)
class FeatureDef:
    name: str
    family: str
    definition: str
    window: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def window_tag(value: float) -> str:
    """``10 -> "10"``, ``7.0 -> "7"``, ``2.5 -> "2p5"`` (safe inside column names)."""
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else str(as_float).replace(".", "p")
