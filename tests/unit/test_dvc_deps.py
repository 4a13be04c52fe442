"""dvc.yaml's code deps cover what each stage runs: a change to a module a stage imports (directly, in a function,
or through another module) reruns that stage, unless the module cannot change a stage's outputs (the allowlist).

Before this test the bet stage did not depend on ``model/distributions.py`` (its prices come from it), and the
evidence stage, which now gates on CLV, did not depend on ``ledger/clv.py`` or the odds providers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

#: modules whose changes cannot change a stage's outputs, and why
NEVER_CHANGE_OUTPUTS = {
    # settings schemas: the values reach a stage through params.yaml, which DVC tracks per stage (`params:`)
    "config.py": "settings composition", "schema.py": "settings types",
    # plumbing: how a stage logs, reports progress, fails, authenticates, redacts and talks HTTP
    "errors.py": "exceptions", "logs.py": "logging", "progress.py": "progress", "credentials.py": "secrets",
    "redaction.py": "log redaction", "http_session.py": "HTTP transport", "stages/_runner.py": "entry wrapper",
    # the file names of the outputs: dvc.yaml's outs equal the catalog (test_artifacts.py)
    "artifacts.py": "the artifact catalog",
}
#: packages a stage imports only for their settings or to send alerts
NEVER_CHANGE_OUTPUTS_PACKAGES = ("alerts/",)


def _module_file(src: Path, module: str) -> Path | None:
    path = src.joinpath(*module.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def _imports(src: Path, path: Path) -> set[str]:
    """Every nba_pra module ``path`` imports anywhere (module level or in a function) and their packages."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("nba_pra")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nba_pra"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if _module_file(src, f"{node.module}.{a.name}")}
    parts = [name.split(".") for name in found]
    return {".".join(p[:i]) for p in parts for i in range(2, len(p) + 1)}


def _closure(src: Path, module: str) -> set[Path]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(src, name)
        if path is not None:
            todo.extend(_imports(src, path) - seen)
    return {p for p in (_module_file(src, name) for name in seen) if p is not None}


def _is_marker(path: Path) -> bool:
    """A package ``__init__`` holding only a docstring and imports."""
    body = ast.parse(path.read_text()).body
    return path.name == "__init__.py" and all(
        isinstance(n, ast.Import | ast.ImportFrom) or (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
        for n in body)


def test_every_stage_depends_on_the_code_it_runs(project_root: Path) -> None:
    src = project_root / "src"
    stages = yaml.safe_load((project_root / "dvc.yaml").read_text())["stages"]
    missing = {}
    for name, spec in stages.items():
        module = spec["cmd"].split(" -m ", 1)[1].split()[0]
        deps = [str(d).rstrip("/") for d in spec.get("deps", []) if str(d).startswith("src/")]
        uncovered = []
        for path in sorted(_closure(src, module)):
            relative = path.relative_to(src / "nba_pra").as_posix()
            as_dep = path.relative_to(project_root).as_posix()
            if any(as_dep == d or as_dep.startswith(d + "/") for d in deps):
                continue
            if (relative in NEVER_CHANGE_OUTPUTS or relative.endswith("/settings.py")
                    or relative.startswith(NEVER_CHANGE_OUTPUTS_PACKAGES) or _is_marker(path)):
                continue
            uncovered.append(as_dep)
        if uncovered:
            missing[name] = uncovered
    assert missing == {}


def test_the_closure_follows_imports_inside_functions(project_root: Path) -> None:
    # the evidence stage opens no ledger, but the runner it shares with the backtest imports the ledger's store
    # inside a function: the walk must still see it (the test above would pass vacuously on a too-short walk)
    closure = _closure(project_root / "src", "nba_pra.stages.evidence")
    assert project_root / "src/nba_pra/ledger/store.py" in closure
    assert project_root / "src/nba_pra/model/distributions.py" in _closure(project_root / "src", "nba_pra.stages.bet")
