"""Every feature definition's kind has a function in its family's table (dispatch by table, not by string ifs)."""

from __future__ import annotations

import pytest

from nba_pra.features.registry import FAMILY_MODULES, build_registry
from nba_pra.features.settings import FeatureSettings
from settings_support import conf


@pytest.mark.parametrize("family", list(FAMILY_MODULES))
def test_each_family_table_has_exactly_the_kinds_its_definitions_use(family: str) -> None:
    used = {d.kind for d in build_registry(conf(FeatureSettings)) if d.family == family}
    assert used == set(FAMILY_MODULES[family].KINDS)
