"""The synthetic league's ground truth is for evaluation only: the feature stage never opens it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import PROJECT_ROOT, make_small_project
from nba_pra.cli import main
from nba_pra.data import schema


def test_features_are_identical_without_the_ground_truth_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_small_project(tmp_path / "project")
    monkeypatch.chdir(root)
    assert main(["data", "generate", "-q"]) == 0
    assert main(["features", "-q"]) == 0
    with_truth = pd.read_parquet(root / "artifacts" / "features.parquet")
    (root / "data" / schema.GROUND_TRUTH_FILE).unlink()
    assert main(["features", "-q"]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(root / "artifacts" / "features.parquet"), with_truth)


def test_no_feature_code_mentions_the_ground_truth_table() -> None:
    sources = [*(PROJECT_ROOT / "src" / "nba_pra" / "features").glob("*.py"),
               PROJECT_ROOT / "src" / "nba_pra" / "stages" / "features.py"]
    for path in sources:
        text = path.read_text()
        assert "GROUND_TRUTH" not in text and "ground_truth" not in text, path
