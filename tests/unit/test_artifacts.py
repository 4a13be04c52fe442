"""The artifact catalog is the one list of stage outputs: dvc.yaml declares exactly its entries, stages import
no other stage, and its readers/writers round-trip."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pandas as pd
import yaml

from nba_pra import artifacts
from nba_pra.artifacts import Declared

STAGES_DIR = Path(artifacts.__file__).resolve().parent / "stages"


def _declared_in_dvc(project_root: Path) -> set[tuple[str, str, str]]:
    """(stage, section, path) for every out, metric and plot in dvc.yaml."""
    stages = yaml.safe_load((project_root / "dvc.yaml").read_text())["stages"]
    found = set()
    for stage, spec in stages.items():
        for section in (Declared.OUT, Declared.METRIC, Declared.PLOT):
            for entry in spec.get(section.value, []):
                path = entry if isinstance(entry, str) else next(iter(entry))
                found.add((stage, section.value, path))
    return found


def test_dvc_yaml_declares_exactly_the_catalog_entries(project_root: Path) -> None:
    catalog = {(a.stage, a.declared.value, a.relative) for a in artifacts.DVC_DECLARED}
    assert _declared_in_dvc(project_root) == catalog


def test_a_backtest_leaves_the_checkout_clean(project_root: Path) -> None:
    """The backtest's files are rewritten by every run and sweep point: git must ignore them (a tracked
    reports/backtest_metrics.json showed as modified after each backtest); DVC's outputs must not be ignored."""
    written = [a.relative for a in artifacts.CATALOG if a.stage == "backtest"]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *written], cwd=project_root, capture_output=True,
                             text=True, check=False).stdout.split()
    assert sorted(ignored) == sorted(written)
    metrics = [a.relative for a in artifacts.DVC_DECLARED if a.declared == Declared.METRIC]
    shown = subprocess.run(["git", "check-ignore", "--no-index", *metrics], cwd=project_root, capture_output=True,
                           text=True, check=False).stdout.split()
    assert shown == []


def test_every_catalog_path_is_unique() -> None:
    relative = [a.relative for a in artifacts.CATALOG]
    assert len(relative) == len(set(relative))


def test_every_catalog_stage_is_a_stage_module() -> None:
    modules = {p.stem for p in STAGES_DIR.glob("*.py") if not p.stem.startswith("_")}
    assert {a.stage for a in artifacts.CATALOG} <= modules


def test_no_stage_imports_another_stage() -> None:
    offenders = []
    for path in STAGES_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.startswith("nba_pra.stages.") and n != "nba_pra.stages._runner"]
    assert offenders == []


class _Project:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, kind: str, name: str = "") -> Path:
        return self.root / kind / name


def test_a_written_table_reads_back_in_the_format_its_name_says(tmp_path: Path) -> None:
    project = _Project(tmp_path)
    bets = pd.DataFrame({"game_id": ["0022300001"], "bet_id": ["007"], "season": ["2023"],
                         "game_date": pd.to_datetime(["2024-01-02"]), "stake_fraction": [0.01]})
    artifacts.write_frame(project, artifacts.BETS, bets)
    artifacts.write_frame(project, artifacts.FEATURES, bets)
    pd.testing.assert_frame_equal(artifacts.read_bets(project), bets)
    pd.testing.assert_frame_equal(artifacts.read_features(project), bets)


def test_missing_optional_outputs_read_as_nothing(tmp_path: Path) -> None:
    project = _Project(tmp_path)
    assert artifacts.read_bets(project).empty
    assert artifacts.read_optional_parquet(project, artifacts.AVAILABILITY) is None
    assert artifacts.read_json(project, artifacts.MODEL_POINTER) is None
