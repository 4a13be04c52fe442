"""One registry drives names, order and documentation of the features."""

from __future__ import annotations

import pytest

from nba_pra.errors import ConfigError
from nba_pra.features.registry import build_registry, count_by_family, describe, feature_names
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FAMILIES, window_tag
from settings_support import conf


def test_default_registry_has_at_least_100_unique_features_in_every_family() -> None:
    names = feature_names(conf(FeatureSettings))
    assert len(names) >= 100
    assert len(set(names)) == len(names)
    counts = count_by_family(conf(FeatureSettings))
    assert list(counts) == list(FAMILIES)
    assert all(n > 0 for n in counts.values()) and sum(counts.values()) == len(names)


def test_every_feature_is_documented_with_a_definition_and_window() -> None:
    table = describe(conf(FeatureSettings))
    assert list(table.columns) == ["name", "family", "definition", "window"]
    assert (table["definition"].str.len() > 10).all() and (table["window"].str.len() > 0).all()
    assert table["name"].tolist() == feature_names(conf(FeatureSettings))


def test_families_come_in_registry_order() -> None:
    families = [d.family for d in build_registry(conf(FeatureSettings))]
    assert families == sorted(families, key=FAMILIES.index)


def test_names_follow_the_configured_windows() -> None:
    names = feature_names(conf(FeatureSettings, rolling_windows=(4, 8), ewm_halflives=(2.5,)))
    assert "roll_pra_mean_g4" in names and "roll_pra_mean_g8" in names and "roll_pra_mean_g10" not in names
    assert "roll_pra_ewm_h2p5" in names and window_tag(7.0) == "7"


def test_settings_that_collide_feature_names_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="duplicate feature names"):
        build_registry(conf(FeatureSettings, rolling_windows=(3, 3)))
