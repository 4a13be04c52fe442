"""The settings schema: how a settings class is declared, the value ranges it may use, and validation.

``conf/`` holds every value (with its documentation, as YAML comments); the classes in ``*/settings.py`` hold
only types and ranges, so no default is ever stated twice. A class is declared with :func:`settings` (a frozen,
keyword-only pydantic dataclass that forbids unknown keys and non-finite floats) and its numeric fields with the
range aliases below, e.g. ``kelly_fraction: Annotated[float, Field(gt=0, le=1)]`` or ``n_folds: Count``.
:func:`validate` turns the composed config into those classes; a bad key or value becomes one
:class:`~nba_pra.errors.ConfigError` sentence naming the key, the value and the allowed range.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Annotated, Any, TypeVar

import annotated_types
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass as pydantic_dataclass

from nba_pra.errors import ConfigError

T = TypeVar("T")

#: any finite number (a mean, a bias, a log-scale location): the range is the real line
Real = Annotated[float, Field(allow_inf_nan=False)]
#: a probability, share, fraction of bankroll or correlation: [0, 1]
Unit = Annotated[float, Field(ge=0, le=1)]
#: a size, spread, duration or rate that cannot be negative: [0, inf)
NonNegative = Annotated[float, Field(ge=0)]
#: a scale that must be strictly positive (a timeout, a multiplier, a standard deviation used as a divisor)
Positive = Annotated[float, Field(gt=0)]
#: a count of at least one (games, folds, rounds, days, retries)
Count = Annotated[int, Field(ge=1)]
#: a count that may be zero
NonNegInt = Annotated[int, Field(ge=0)]
#: a fraction that must be positive (a Kelly fraction, a bankroll cap): (0, 1]
PositiveUnit = Annotated[float, Field(gt=0, le=1)]
#: a two-sided confidence level or a share strictly between none and all: (0, 1)
OpenUnit = Annotated[float, Field(gt=0, lt=1)]
#: a probability clip: probabilities are kept in [clip, 1 - clip], so (0, 0.5)
ProbClip = Annotated[float, Field(gt=0, lt=0.5)]
#: a number of walk-forward folds: at least one to train on and one to validate
FoldCount = Annotated[int, Field(ge=2)]
#: a TCP port
Port = Annotated[int, Field(ge=1, le=65535)]
#: a whole hour of the day on a 24-hour clock
Hour = Annotated[int, Field(ge=0, le=23)]
#: a time of day in hours after midnight (19.5 = 7:30 pm)
HourOfDay = Annotated[float, Field(ge=0, lt=24)]

_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False, arbitrary_types_allowed=False)


@typing.dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(dataclasses.field, Field))
def settings(cls: type[T]) -> type[T]:
    """Declare a settings class: frozen, keyword-only, validated, no unknown keys, no defaults."""
    declared = pydantic_dataclass(frozen=True, kw_only=True, config=_CONFIG)(cls)
    return typing.cast(type[T], declared)


def validate(cls: type[T], data: Any, where: str = "") -> T:
    """Build ``cls`` from a plain mapping (lists become tuples, strings become enums), or raise ConfigError."""
    try:
        return TypeAdapter(cls).validate_python(data)
    except ValidationError as exc:
        raise ConfigError(describe(exc, cls, where)) from None


def describe(exc: ValidationError, cls: type, where: str = "") -> str:
    """One sentence per problem: ``config key betting.kelly_fraction = 5 is out of range: allowed (0, 1]``."""
    problems = []
    for error in exc.errors():
        path = [str(p) for p in error["loc"]]
        key = ".".join([where, *path] if where else path)
        kind = error["type"]
        if kind == "missing":
            problems.append(f"missing config key {key}")
        elif kind in ("unexpected_keyword_argument", "extra_forbidden"):
            problems.append(f"unknown config key {key}")
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"):
            allowed = field_range(cls, error["loc"])
            problems.append(f"config key {key} = {error['input']!r} is out of range: allowed {allowed}")
        else:
            problems.append(f"config key {key} = {error['input']!r}: {error['msg']}")
    return "; ".join(problems)


def field_range(cls: Any, loc: tuple[int | str, ...]) -> str:
    """The interval a numeric field allows, in interval notation (``[0, 1]``, ``(0, inf)``), by its path."""
    hint: Any = cls
    for part in loc:
        hint = unwrap_optional(hint)
        if isinstance(part, int):  # a tuple element
            args = [a for a in typing.get_args(hint) if a is not Ellipsis]
            hint = args[0] if args else Any
            continue
        if not (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
            return "(see conf/)"
        hint = typing.get_type_hints(hint, include_extras=True).get(str(part), Any)
    return interval(unwrap_optional(hint))


def interval(hint: Any) -> str:
    """``Annotated[float, Field(gt=0, le=1)]`` -> ``(0, 1]``; an unbounded side is ``-inf`` / ``inf``."""
    low, high, low_open, high_open = "-inf", "inf", True, True
    for meta in _metadata(hint):
        if isinstance(meta, annotated_types.Ge):
            low, low_open = str(meta.ge), False
        elif isinstance(meta, annotated_types.Gt):
            low, low_open = str(meta.gt), True
        elif isinstance(meta, annotated_types.Le):
            high, high_open = str(meta.le), False
        elif isinstance(meta, annotated_types.Lt):
            high, high_open = str(meta.lt), True
    return f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def numeric_bounds(hint: Any) -> tuple[float | None, float | None] | None:
    """``(lower, upper)`` of a numeric field (``None`` = unbounded), or ``None`` when the field is not numeric."""
    hint = unwrap_optional(hint)
    base = typing.get_args(hint)[0] if typing.get_origin(hint) is Annotated else hint
    if base not in (int, float):
        return None
    low = high = None
    for meta in _metadata(hint):
        for name in ("ge", "gt"):
            low = getattr(meta, name, low)
        for name in ("le", "lt"):
            high = getattr(meta, name, high)
    return low, high


def walk_fields(cls: type, prefix: str = "") -> typing.Iterator[tuple[str, Any]]:
    """Every leaf field of a settings class, as ``("betting.evidence.min_bets", hint)``, depth first."""
    for name, hint in typing.get_type_hints(cls, include_extras=True).items():
        key = f"{prefix}{name}"
        inner = unwrap_optional(hint)
        if isinstance(inner, type) and dataclasses.is_dataclass(inner):
            yield from walk_fields(inner, f"{key}.")
        else:
            yield key, hint


def _metadata(hint: Any) -> list[Any]:
    if typing.get_origin(hint) is not Annotated:
        return []
    found: list[Any] = []
    for meta in hint.__metadata__:
        found.extend(getattr(meta, "metadata", [meta]))
    return found


def unwrap_optional(hint: Any) -> Any:
    """``X | None`` -> ``X``; an annotated section (``Annotated[X | None, validator]``) -> ``X`` as well."""
    if typing.get_origin(hint) is Annotated and typing.get_args(hint)[0] not in (int, float):
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


__all__: list[str] = [
    "Count",
    "Field",
    "FoldCount",
    "Hour",
    "HourOfDay",
    "NonNegInt",
    "NonNegative",
    "OpenUnit",
    "Port",
    "Positive",
    "PositiveUnit",
    "ProbClip",
    "Real",
    "Unit",
    "describe",
    "field_range",
    "interval",
    "numeric_bounds",
    "settings",
    "unwrap_optional",
    "validate",
    "walk_fields",
]
