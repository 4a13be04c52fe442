"""The shadow predictor only observes: off, absent, the champion itself, or unloadable, it predicts nothing and
never raises (the champion's slate and its bets go on)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nba_pra.errors import TrackingError
from nba_pra.model.settings import DistributionFamily
from nba_pra.stages.predict import shadow_predictions
from nba_pra.tracking.client import ResolvedVersion

SLATE = pd.DataFrame({"game_id": ["G1"], "player_id": [1]})


class _Registry:
    """A registry holding one alias; loading its model fails like an unreadable artifact store."""

    def __init__(self, version: str | None) -> None:
        self.version = version

    def try_resolve(self, alias: str) -> ResolvedVersion | None:
        if self.version is None:
            return None
        return ResolvedVersion(name="nba-pra", version=self.version, alias=alias, run_id="r",
                               model_uri=f"models:/nba-pra@{alias}")

    def load_ensemble(self, alias: str, cache_dir: Path):
        raise TrackingError(f"cannot load models:/nba-pra@{alias}")


@pytest.mark.parametrize(("alias", "version"), [(None, "2"), ("challenger", None), ("challenger", "1")])
def test_no_shadow_when_off_absent_or_the_champion_itself(alias, version, tmp_path: Path) -> None:
    out = shadow_predictions(_Registry(version), alias, "1", SLATE, DistributionFamily.NEGBIN, tmp_path)  # type: ignore[arg-type]
    assert out.empty


def test_a_shadow_model_that_cannot_load_is_a_warning_not_a_failed_predict(caplog, tmp_path: Path) -> None:
    out = shadow_predictions(_Registry("2"), "challenger", "1", SLATE, DistributionFamily.NEGBIN, tmp_path)  # type: ignore[arg-type]
    assert out.empty
    assert "no shadow predictions today" in caplog.text
