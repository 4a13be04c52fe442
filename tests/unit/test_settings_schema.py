"""One source of defaults and range-checked settings: conf/ holds every value, the schema only types and ranges.

Every settings class is a schema without defaults (so no default can be stated twice or drift), every numeric
setting declares its range, and any out-of-range value stops the command with exit 2 naming key, value and range.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nba_pra.cli import main
from nba_pra.config import Settings, compose, settings_from_dict
from nba_pra.errors import ConfigError
from nba_pra.schema import interval, numeric_bounds, unwrap_optional, walk_fields

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _settings_classes(cls: type, seen: set[type] | None = None) -> set[type]:
    seen = set() if seen is None else seen
    seen.add(cls)
    for hint in typing.get_type_hints(cls).values():
        for arg in (hint, *typing.get_args(hint)):
            if isinstance(arg, type) and dataclasses.is_dataclass(arg) and arg not in seen:
                _settings_classes(arg, seen)
    return seen


def _numeric_leaves() -> list[tuple[str, Any]]:
    """``(dotted key, field hint)`` of every int/float setting and of every numeric tuple's items."""
    leaves = []
    for key, hint in walk_fields(Settings):
        inner = unwrap_optional(hint)
        if typing.get_origin(inner) is tuple:
            inner = typing.get_args(inner)[0]
            key = f"{key}[]"
        if numeric_bounds(inner) is not None:
            leaves.append((key, inner))
    return leaves


NUMERIC = _numeric_leaves()
BOUNDED = [(key, hint) for key, hint in NUMERIC if numeric_bounds(hint) != (None, None)]
COMPOSED = compose(PROJECT_ROOT)


def test_no_settings_class_states_a_default() -> None:
    classes = _settings_classes(Settings)
    assert len(classes) > 40
    with_defaults = [
        f"{cls.__name__}.{f.name}"
        for cls in classes
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    ]
    assert with_defaults == []


def test_every_numeric_setting_declares_its_range() -> None:
    undeclared = [key for key, hint in NUMERIC if typing.get_origin(hint) is not typing.Annotated]
    assert undeclared == [], "use a range alias of nba_pra.schema (Unit, NonNegative, Count, ...)"
    assert len(NUMERIC) > 150 and len(BOUNDED) > 140


def test_a_range_reads_in_interval_notation() -> None:
    hints = typing.get_type_hints(Settings, include_extras=True)
    betting = typing.get_type_hints(hints["betting"], include_extras=True)
    assert interval(betting["kelly_fraction"]) == "(0, 1]"
    assert interval(betting["min_games"]) == "[0, inf)"


def _set(tree: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``tree`` with ``key`` (dotted; a trailing ``[]`` = the tuple's first item) set."""
    out = dict(tree)
    head, _, rest = key.partition(".")
    if rest:
        out[head] = _set(tree[head] if isinstance(tree.get(head), dict) else {}, rest, value)
    elif head.endswith("[]"):
        name = head[:-2]
        items = list(tree.get(name) or [0.0])
        out[name] = [value, *items[1:]]
    else:
        out[head] = value
    return out


def _outside(hint: Any, draw: st.DrawFn) -> Any:
    low, high = numeric_bounds(hint)
    is_int = typing.get_args(hint)[0] is int
    options = []
    if low is not None:
        options.append(st.integers(-10**6, math.ceil(low) - 1) if is_int
                       else st.floats(max_value=low, exclude_max=True, allow_nan=False, allow_infinity=False,
                                      min_value=-1e9))
    if high is not None:
        options.append(st.integers(math.floor(high) + 1, 10**6) if is_int
                       else st.floats(min_value=high, exclude_min=True, allow_nan=False, allow_infinity=False,
                                      max_value=1e9))
    if not is_int:
        options.append(st.sampled_from([math.inf, -math.inf, math.nan]))
    return draw(st.one_of(options))


@st.composite
def out_of_range(draw: st.DrawFn) -> tuple[str, Any]:
    key, hint = draw(st.sampled_from(BOUNDED))
    return key, _outside(hint, draw)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=out_of_range())
def test_any_out_of_range_numeric_setting_is_a_config_error_naming_key_value_and_range(case) -> None:
    key, value = case
    with pytest.raises(ConfigError) as raised:
        settings_from_dict(_set(COMPOSED, key, value))
    message = str(raised.value)
    assert key.removesuffix("[]") in message and "allowed" in message


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("betting.kelly_fraction=5", "betting.kelly_fraction = 5 is out of range: allowed (0, 1]"),
        ("betting.kelly_fraction=inf", "betting.kelly_fraction = inf is out of range: allowed (0, 1]"),
        ("betting.kelly_fraction=-1", "betting.kelly_fraction = -1 is out of range: allowed (0, 1]"),
        ("betting.min_edge=-1", "betting.min_edge = -1 is out of range: allowed [0, 1]"),
        ("betting.max_stake_fraction=5", "betting.max_stake_fraction = 5 is out of range: allowed (0, 1]"),
        ("cv.n_folds=0", "cv.n_folds = 0 is out of range: allowed [2, inf)"),
    ],
)
def test_the_cli_stops_a_bad_setting_before_any_work_with_exit_2(override: str, message: str, capsys,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_ROOT)
    assert main(["recommend", override]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def _names_the_code_reads() -> set[str]:
    """Attribute names, keyword names and strings (``getattr(s, "name")``) used outside the settings modules."""
    src = PROJECT_ROOT / "src" / "nba_pra"
    schema_files = {*src.glob("*/settings.py"), src / "config.py", src / "schema.py"}
    names: set[str] = set()
    for path in set(src.rglob("*.py")) - schema_files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.keyword) and node.arg:
                names.add(node.arg)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
    return names


def test_every_setting_is_read_by_the_code() -> None:
    """A value in conf/ that no code reads would let a user tune (or sweep) something that does nothing."""
    read = _names_the_code_reads()
    unread = sorted(f"{cls.__name__}.{f.name}" for cls in _settings_classes(Settings) for f in dataclasses.fields(cls)
                    if f.name not in read)
    assert unread == []
