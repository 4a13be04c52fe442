"""Every module imports, and the package's import graph (built with ``ast``) has no cycle.

A cycle makes import order matter and hides a missing seam (a shared service living inside one of its users).
Imports inside functions count too: a deferred import only postpones the cycle to run time. ``TYPE_CHECKING``
blocks do not count (they never run).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import nba_pra

PACKAGE_DIR = Path(nba_pra.__file__).resolve().parent
PACKAGE = "nba_pra"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The package module an imported name belongs to (``nba_pra.odds.market.devig`` -> ``nba_pra.odds.market``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, path: Path) -> set[str]:
    """Package modules ``module`` imports, anywhere in its body except ``if TYPE_CHECKING:`` blocks."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            # `from pkg import mod` imports the submodule pkg.mod when there is one
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for name in names:
            target = _resolve(name) if name.startswith(PACKAGE) else None
            if target and target != module:
                found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return out


def import_graph() -> dict[str, set[str]]:
    return {module: _imports(module, path) for module, path in MODULES.items()}


def test_the_package_import_graph_has_no_cycle() -> None:
    assert _cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# ``python -m nba_pra`` runs the CLI on import (tests/unit/test_cli.py runs it in a subprocess)
@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.endswith(".__main__")))
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


#: the entry points that run stages: the CLI, `nba-pra pipeline` and the training multirun driver
_STAGE_RUNNERS = {"nba_pra.cli", "nba_pra.pipeline", "nba_pra.train_multirun"}


def test_only_the_entry_points_import_a_stage() -> None:
    """A stage is a step, not a library: what two users share lives outside ``stages/`` (file names in
    ``nba_pra.artifacts``, today's gate in ``nba_pra.evidence.todays_gate``)."""
    graph = import_graph()
    imports_a_stage = {
        module: sorted(t for t in targets if t.startswith("nba_pra.stages.") and t != "nba_pra.stages._runner")
        for module, targets in graph.items() if module not in _STAGE_RUNNERS
    }
    assert {m: stages for m, stages in imports_a_stage.items() if stages} == {}
