"""Benchmark: mutation testing of the betting and ledger math (Python's ``ast``; no mutation library).

Each mutant changes one thing in one module -- an arithmetic operator, a comparison, a numeric or boolean
constant, a boolean mask (``&``/``|``), a negation -- and the module's own test files run against it
(``pytest -x``, per-mutant timeout). A mutant is *killed* when a test fails (or the run times out), *survives*
when every test passes. Mutants listed in :data:`EQUIVALENT` cannot change any result (each with its reason) and
are not counted. Target: ``kill_rate >= 0.98``.

The modules are mutated in a scratch copy of ``src/`` that is put first on ``sys.path``; the working tree is
never written. To keep ~0.5 s of imports out of every mutant, one parent process imports the heavy libraries
(numpy, pandas, scipy, pytest) once and forks a child per mutant, which imports the mutated ``nba_pra`` afresh.

Run: ``nice -n 10 uv run python benchmarks/mutation.py [--module ledger/clv.py] [--timeout 120] [--shard 0/3]``;
shards run side by side and ``--merge LOG...`` combines their outputs. The last line
printed is one JSON object: ``mutants``, ``killed``, ``kill_rate``, ``survivors``, ``equivalent``, ``errors``
(mutants pytest could not run, counted neither way), ``wall_s``, ``target``, ``untested`` and ``complete`` (a
``--budget-s`` run stops starting mutants after that many seconds), ``per_module``.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.98
#: seconds one mutant's tests may run at least; an infinite loop (e.g. a bisection whose bracket never shrinks) is
#: killed. On a loaded machine the unmutated run itself is slow, so the limit is also a multiple of its time
TIMEOUT_S = 120
TIMEOUT_FACTOR = 4
#: seconds the unmutated run may take (it only has to finish: a timeout there aborts the benchmark)
BASELINE_TIMEOUT_S = 1800

#: module (under src/nba_pra) -> the test files that exercise it, fastest first (``-x`` stops at the first failure)
MODULES: dict[str, tuple[str, ...]] = {
    "ledger/clv.py": ("tests/unit/test_ledger_clv.py", "tests/unit/test_ledger_store.py"),
    "betting/filters.py": ("tests/unit/test_betting_filters.py", "tests/unit/test_betting_engine.py"),
    "betting/kelly.py": ("tests/unit/test_betting_kelly.py", "tests/property/test_kelly.py"),
    "odds/market.py": ("tests/unit/test_odds_market.py", "tests/property/test_market_math.py"),
    "model/distributions.py": ("tests/unit/test_distributions.py",),
    "ledger/settlement.py": ("tests/unit/test_ledger_settlement.py", "tests/unit/test_ledger_store.py"),
}

#: mutants that cannot change any observable result: ``(module, mutant id) -> why``. Mutant ids are
#: ``line:col description`` as printed by the benchmark (they move when the module is edited: re-check then)
EQUIVALENT: dict[tuple[str, str], str] = {
    ("odds/market.py", "30:23 200 -> 201"):
        "one more bisection step: the bracket is below float spacing long before step 200",
    ("odds/market.py", "62:24 0 -> 1"):
        "a > 1 vs a > 0: valid American odds satisfy |a| >= 100 (checked just above), so no a lies in (0, 1]",
    ("odds/market.py", "62:20 compare#0 > -> >="):
        "a >= 0 vs a > 0: a = 0 is rejected just above",
    ("odds/market.py", "101:30 50.0 -> 51.0"):
        "a wider log-kappa bracket (-51 instead of -50) still holds the root; 200 halvings reach it either way",
    ("odds/market.py", "102:29 50.0 -> 51.0"):
        "a wider log-kappa bracket (51 instead of 50) still holds the root; 200 halvings reach it either way",
    ("odds/market.py", "131:18 compare#0 > -> >="):
        "bisection: which half keeps an exact tie (sum == 1.0) does not move the converged root",
    ("odds/market.py", "142:18 compare#0 > -> >="):
        "bisection: which half keeps an exact tie (sum == 1.0) does not move the converged root",
    ("odds/market.py", "106:18 compare#0 > -> >="):
        "at Q == 1 exactly Shin's p_i(0) = sqrt(4 q_i^2 / 1) / 2 = q_i: both branches give q",
    ("odds/market.py", "142:87 1.0 -> 2.0"):
        "min(z, nextafter(2, 0)) = z: the cap only bites at z == 1.0, and the bisection z < 1 for any price",
    ("odds/market.py", "142:92 0.0 -> 1.0"):
        "min(z, 1.0) = z: the cap only bites at z == 1.0, and the bisection z < 1 for any price",
    ("odds/market.py", "143:11 right@15 / -> *"):
        "the power rows already sum to 1 within ~1e-16 after bisection: times or over that sum moves p by ~1e-16",
    ("odds/market.py", "110:11 right@15 / -> *"):
        "the Shin rows already sum to 1 within ~1e-16 at the solved z: times or over that sum moves p by ~1e-16",
    ("odds/market.py", "190:39 2 -> 3"):
        "the (0, 2) placeholder of an empty table: a (0, 3) one has no rows either, and only columns 0, 1 are read",
    ("odds/market.py", "191:67 2 -> 3"):
        "the (0, 2) placeholder of an empty table: a (0, 3) one has no rows either, and only columns 0, 1 are read",
    ("odds/market.py", "254:107 0 -> 1"):
        "the placeholder decimal prices of an empty table: nothing is ranked, the output is empty either way",
    ("odds/market.py", "209:53 True -> False"):
        "groupby(observed=...) only matters for categorical keys; no lines table has them",
    ("odds/market.py", "227:55 True -> False"):
        "groupby(observed=...) only matters for categorical keys; no lines table has them",
    ("odds/market.py", "259:44 True -> False"):
        "groupby(observed=...) only matters for categorical keys; no lines table has them",
    ("odds/market.py", "228:44 True -> False"):
        "groupby(observed=...) only matters for categorical keys; no lines table has them",
    ("betting/kelly.py", "43:12 right@37 & -> |"):
        "isfinite(num) | isfinite(den) vs &: with probabilities in [0, 1] either both are finite or neither is",
    ("betting/kelly.py", "43:65 compare#0 > -> >="):
        "denominator 0 (b = 0 or no win/loss chance) forces numerator <= 0, so numerator > 0 already excludes it",
    ("betting/kelly.py", "43:85 compare#0 > -> >="):
        "numerator 0 passed as valid gives f = 0 / denominator = 0, the same stake as invalid",
    ("model/distributions.py", "69:50 1.0 -> 2.0"):
        "clip(1 - P(over) - P(push), 0, 2): the value never exceeds 1 since both probabilities are >= 0",
    ("betting/kelly.py", "45:69 1.0 -> 2.0"):
        "the placeholder denominator of invalid rows (it only avoids 0/0): the outer np.where gives them 0 anyway",
    ("ledger/settlement.py", "85:25 compare#0 > -> >="):
        "won at actual == line is never read: np.select grades the tie as a push first",
    ("ledger/settlement.py", "85:40 compare#0 < -> <="):
        "won at actual == line is never read: np.select grades the tie as a push first",
    ("odds/market.py", "255:78 True -> False"):
        "the order of the groups while ranking books: each group keeps its best row and is merged back by key",
}

#: what the test files import besides nba_pra (pytest's plugins included)
_WARM_IMPORTS = ("numpy", "pandas", "scipy.stats", "pytest", "hypothesis", "xdist", "pytest_cov", "sqlalchemy",
                 "hydra", "omegaconf", "yaml", "pyarrow")

_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
    ast.Pow: ast.Mult, ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.Mod: ast.FloorDiv,
}
_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**", ast.BitAnd: "&",
    ast.BitOr: "|", ast.Mod: "%", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
    ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in", ast.And: "and",
    ast.Or: "or", ast.USub: "-", ast.Invert: "~", ast.Not: "not",
}


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int  # position in the deterministic walk of :class:`_Mutator`
    ident: str  # "line:col description"


def _docstring_nodes(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


class _Mutator(ast.NodeTransformer):
    """Walks a module in a fixed order, numbering every mutation site; applies the one numbered ``target``.

    With ``target=None`` it only collects the sites' descriptions.
    """

    def __init__(self, target: int | None, skip: set[int]) -> None:
        self.target = target
        self.skip = skip
        self.sites: list[str] = []

    def _site(self, node: ast.AST, description: str) -> bool:
        """Register a site; True when it is the one to mutate."""
        self.sites.append(f"{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)} {description}")
        return self.target == len(self.sites) - 1

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        # annotations are types, not behaviour: only the value is mutated
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        # neither the return annotation nor the decorators are walked: types and wrappers, not arithmetic
        node.args = self.visit(node.args)
        node.body = [self.visit(stmt) for stmt in node.body]
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        # ``@dataclass(frozen=True)`` -> ``frozen=False`` changes nothing a test could see unless code assigns to a
        # field, which the type checker already forbids: decorators are not walked
        node.body = [self.visit(stmt) for stmt in node.body]
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = _BINOP_SWAPS.get(type(node.op))
        # a chain ``a & b & c`` nests BinOps that all start at ``a``: the right operand tells them apart
        where = f"right@{node.right.col_offset} "
        if swap and self._site(node, f"{where}{_SYMBOLS[type(node.op)]} -> {_SYMBOLS[swap]}"):
            node.op = swap()
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        swap = _BINOP_SWAPS.get(type(node.op))
        if swap and self._site(node, f"{_SYMBOLS[type(node.op)]}= -> {_SYMBOLS[swap]}="):
            node.op = swap()
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = _COMPARE_SWAPS.get(type(op))
            if swap and self._site(node, f"compare#{i} {_SYMBOLS[type(op)]} -> {_SYMBOLS[swap]}"):
                node.ops[i] = swap()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swap = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._site(node, f"{_SYMBOLS[type(node.op)]} -> {_SYMBOLS[swap]}"):
            node.op = swap()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, (ast.USub, ast.Invert, ast.Not)):
            if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
                return node  # a negative literal: the constant mutation covers it
            if self._site(node, f"drop {_SYMBOLS[type(node.op)]}"):
                return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if id(node) in self.skip:
            return node
        value = node.value
        if isinstance(value, bool):
            if self._site(node, f"{value} -> {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, (int, float)) and self._site(node, f"{value!r} -> {value + 1!r}"):
            return ast.copy_location(ast.Constant(value + 1), node)
        return node


def _walk(source: str, target: int | None) -> tuple[list[str], str]:
    tree = ast.parse(source)
    mutator = _Mutator(target, _docstring_nodes(tree))
    mutated = mutator.visit(tree)
    return mutator.sites, ast.unparse(ast.fix_missing_locations(mutated))


def mutants_of(module: str) -> Iterator[Mutant]:
    sites, _ = _walk((ROOT / "src" / "nba_pra" / module).read_text(), None)
    for index, ident in enumerate(sites):
        yield Mutant(module, index, ident)


#: pytest's exit code when tests failed; anything else (usage error, collection error, crash) is not a kill
_TESTS_FAILED = 1


def _hypothesis_profile() -> None:
    """No deadlines and no speed health checks (a loaded shared machine must not fail a test by slowness, which
    would count as a kill), and the same examples for every mutant (derandomised, no example database)."""
    from hypothesis import HealthCheck, settings

    settings.register_profile("mutation", deadline=None, derandomize=True, database=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("mutation")


def _run_tests(scratch_src: Path, tests: tuple[str, ...], timeout_s: int) -> str:
    """``"survived"`` (the tests pass), ``"killed"`` (a test fails or the run times out) or ``"error"`` (pytest
    could not run them). The child imports the mutated package from ``scratch_src``."""
    pid = os.fork()
    if pid == 0:  # child
        try:
            signal.alarm(timeout_s)  # default SIGALRM action ends the child: counted as killed
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.path.insert(0, str(scratch_src))
            os.chdir(ROOT)
            import pytest

            _hypothesis_profile()
            code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "--no-cov", "-n", "0", *tests])
            os._exit(int(code))
        except BaseException:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return "killed"  # the timeout (or a mutant that crashed the interpreter)
    code = os.WEXITSTATUS(status)
    return "survived" if code == 0 else "killed" if code == _TESTS_FAILED else "error"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(MODULES), help="only these (repeatable)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT_S, help="seconds per mutant")
    parser.add_argument("--shard", default="0/1", help="I/N: only the mutants whose index is I modulo N")
    parser.add_argument("--budget-s", type=float, default=None,
                        help="start no mutant after this many seconds; the rest are reported as untested")
    parser.add_argument("--merge", nargs="+", type=Path, metavar="LOG",
                        help="combine the last JSON lines of these runs' outputs (shards) into one; runs nothing")
    args = parser.parse_args()
    if args.merge:
        print(json.dumps(merge([json.loads(log.read_text().strip().splitlines()[-1]) for log in args.merge])))
        return
    modules = args.module or list(MODULES)
    shard, shards = (int(part) for part in args.shard.split("/"))

    # third-party imports done once here so that every forked child starts warm (nba_pra itself is NOT imported in
    # the parent: each child must import the mutated copy)
    for name in _WARM_IMPORTS:
        __import__(name)

    start = time.perf_counter()
    per_module: dict[str, dict[str, int]] = {}
    survivors: list[str] = []
    equivalent: list[str] = []
    errors: list[str] = []  # mutants pytest could not run (not counted either way)
    untested = 0  # mutants left when the time budget ran out
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        scratch = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", scratch, ignore=shutil.ignore_patterns("__pycache__"))
        for module in modules:
            path = scratch / "nba_pra" / module
            original = path.read_text()
            began = time.perf_counter()
            if _run_tests(scratch, MODULES[module], BASELINE_TIMEOUT_S) != "survived":
                sys.exit(f"the tests of {module} fail on the unmutated code: fix them first")
            timeout = max(args.timeout, math.ceil(TIMEOUT_FACTOR * (time.perf_counter() - began)))
            print(f"{module}: unmutated tests pass; {timeout} s per mutant", flush=True)
            counts = {"mutants": 0, "killed": 0}
            for mutant in mutants_of(module):
                if mutant.index % shards != shard:
                    continue
                if args.budget_s is not None and time.perf_counter() - start > args.budget_s:
                    untested += 1
                    continue
                reason = EQUIVALENT.get((module, mutant.ident))
                if reason is not None:
                    equivalent.append(f"{module} {mutant.ident}: {reason}")
                    continue
                path.write_text(_walk(original, mutant.index)[1])
                began = time.perf_counter()
                outcome = _run_tests(scratch, MODULES[module], timeout)
                took = time.perf_counter() - began
                if outcome == "error":
                    errors.append(f"{module} {mutant.ident}")
                else:
                    counts["mutants"] += 1
                    counts["killed"] += outcome == "killed"
                if outcome == "survived":
                    survivors.append(f"{module} {mutant.ident}")
                print(f"{outcome:8} {module} {mutant.ident} ({took:.1f} s)", flush=True)
            path.write_text(original)
            per_module[module] = counts
            print(f"{module}: {counts['killed']}/{counts['mutants']} killed", flush=True)
    print(json.dumps(summary(per_module, survivors, equivalent, errors, time.perf_counter() - start, untested)))


def summary(per_module: dict[str, dict[str, int]], survivors: list[str], equivalent: list[str], errors: list[str],
            wall_s: float, untested: int = 0) -> dict[str, object]:
    mutants = sum(c["mutants"] for c in per_module.values())
    killed = sum(c["killed"] for c in per_module.values())
    return {
        "mutants": mutants, "killed": killed, "kill_rate": round(killed / mutants, 4) if mutants else None,
        "survivors": survivors, "equivalent": equivalent, "errors": errors, "wall_s": round(wall_s, 1),
        "target": TARGET, "untested": untested, "complete": untested == 0, "per_module": per_module,
    }


def merge(runs: list[dict]) -> dict[str, object]:
    """One summary of several runs (shards run side by side: the wall time is the longest run's). Survivors that
    :data:`EQUIVALENT` now lists (added after those runs started) move to ``equivalent`` and out of the counts."""
    per_module: dict[str, dict[str, int]] = {}
    for run in runs:
        for module, counts in run["per_module"].items():
            total = per_module.setdefault(module, {"mutants": 0, "killed": 0})
            total["mutants"] += counts["mutants"]
            total["killed"] += counts["killed"]
    survivors, equivalent = [], [e for r in runs for e in r["equivalent"]]
    # runs from before BinOp ids named their right operand ("right@N ") report the shorter id
    legacy = {(m, re.sub(r"right@\d+ ", "", i)): reason for (m, i), reason in EQUIVALENT.items()}
    for survivor in (s for r in runs for s in r["survivors"]):
        module, ident = survivor.split(" ", 1)
        reason = EQUIVALENT.get((module, ident)) or legacy.get((module, ident))
        if reason is None:
            survivors.append(survivor)
        else:
            equivalent.append(f"{survivor}: {reason}")
            per_module[module]["mutants"] -= 1
    return summary(per_module, survivors, equivalent, [e for r in runs for e in r["errors"]],
                   max(r["wall_s"] for r in runs), sum(r.get("untested", 0) for r in runs))


if __name__ == "__main__":
    main()
