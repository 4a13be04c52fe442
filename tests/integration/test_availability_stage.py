"""The availability stage on a small synthetic project: the default source feeds the features; a failing
source degrades to "unknown" features with one warning (or fails with strict)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_small_project
from nba_pra import artifacts
from nba_pra.config import load_project
from nba_pra.data import schema
from nba_pra.data.sources import generate
from nba_pra.errors import AvailabilityError
from nba_pra.stages import availability, features
from odds_server import closed_port

NOW = pd.Timestamp("2030-01-01", tz="UTC")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_small_project(tmp_path_factory.mktemp("avail") / "project")
    generate(load_project(root))
    return root


def _run(root: Path, *overrides: str) -> tuple[dict, pd.DataFrame]:
    project = load_project(root, overrides=list(overrides))
    summary = availability.run(project, now=NOW)
    features.run(project)
    return summary, pd.read_parquet(artifacts.FEATURES.path(project))


def test_the_synthetic_report_reaches_history_and_slate_features(root: Path) -> None:
    summary, frame = _run(root)
    assert summary["status"] == "ok" and summary["team_games_covered"] > 0 and summary["late_rows"] == 0
    assert (frame["pre_known"] == 1).all()
    slate = frame.loc[frame["is_slate"]]
    assert len(slate) and slate["pre_starter"].notna().all() and slate["pre_team_out_minutes"].notna().all()
    written = json.loads(artifacts.AVAILABILITY_SUMMARY.path(load_project(root)).read_text())
    assert written["source"] == "synthetic"


def test_the_stage_output_is_byte_identical_on_a_rerun(root: Path) -> None:
    project = load_project(root)
    availability.run(project, now=NOW)
    first = artifacts.AVAILABILITY.path(project).read_bytes()
    availability.run(project, now=NOW + pd.Timedelta(hours=1))
    assert artifacts.AVAILABILITY.path(project).read_bytes() == first


def test_a_source_that_is_down_leaves_features_unknown_with_one_warning(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/Injury-Report_{{published:%Y-%m-%d_%I%p}}.pdf"
    with caplog.at_level(logging.WARNING):
        summary, frame = _run(root, "availability=official", f"availability.official.url_pattern='{url}'",
                              "availability.official.retry.total=0", "availability.official.connect_timeout_s=1")
    warnings = [r for r in caplog.records if "pre-game availability unknown" in r.getMessage()]
    assert len(warnings) == 1 and "request failed" in warnings[0].getMessage()
    assert summary["status"].startswith("source failed") and summary["team_games_covered"] == 0
    assert (frame["pre_known"] == 0).all()
    pre = [c for c in frame.columns if c.startswith("pre_") and c != "pre_known"]
    assert frame[pre].isna().all().all() and frame["is_slate"].any()


def test_strict_turns_a_source_failure_into_an_error(root: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x_{{published:%H}}.pdf"
    project = load_project(root, overrides=["availability=official", f"availability.official.url_pattern='{url}'",
                                            "availability.official.retry.total=0", "availability.strict=true"])
    with pytest.raises(AvailabilityError):
        availability.run(project, now=NOW)


def test_a_missing_synthetic_report_degrades_and_names_the_fix(
    root: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    report = root / "data" / schema.INJURY_REPORT_FILE
    kept = tmp_path / "kept.parquet"
    report.rename(kept)
    try:
        with caplog.at_level(logging.WARNING):
            summary = availability.run(load_project(root), now=NOW)
    finally:
        kept.rename(report)
    assert summary["team_games_covered"] == 0 and "nba-pra data generate" in caplog.text


def test_source_none_covers_nothing_and_features_without_the_stage_warn(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    summary, frame = _run(root, "availability=none")
    assert summary["status"] == "ok" and summary["team_games_covered"] == 0 and (frame["pre_known"] == 0).all()
    artifacts.AVAILABILITY.path(load_project(root)).unlink()
    with caplog.at_level(logging.WARNING):
        features.run(load_project(root))
    assert "pre-game availability features are unknown" in caplog.text
