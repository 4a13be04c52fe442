"""The synthetic banner follows ``data.source`` and ``odds.provider`` of the composed config."""

from __future__ import annotations

from pathlib import Path

import pytest

from nba_pra.config import load_project
from nba_pra.provenance import banner, banner_text, data_is_synthetic, market_is_synthetic


def test_the_default_config_is_synthetic_in_data_and_market(project_root: Path) -> None:
    settings = load_project(project_root).settings
    assert data_is_synthetic(settings) and market_is_synthetic(settings)
    assert banner(settings).startswith("SYNTHETIC DATA AND MARKET")


def test_real_data_with_a_real_market_has_no_banner(project_root: Path) -> None:
    settings = load_project(project_root, ["data.source=files", "odds=historical"]).settings
    assert not data_is_synthetic(settings) and not market_is_synthetic(settings)
    assert banner(settings) == ""


@pytest.mark.parametrize(
    ("data", "market", "start"),
    [(True, False, "SYNTHETIC DATA:"), (False, True, "SYNTHETIC MARKET:"), (True, True, "SYNTHETIC DATA AND")],
)
def test_each_synthetic_part_is_named(data: bool, market: bool, start: str) -> None:
    assert banner_text(data, market).startswith(start)
