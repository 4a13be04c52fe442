"""The engine on real box scores (one season): contract holds, and the features carry signal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from features_support import real_box_scores, slate_from_history

from nba_pra.features.engine import build_features, validate_feature_frame
from nba_pra.features.registry import feature_names
from nba_pra.features.settings import FeatureSettings
from settings_support import conf


@pytest.fixture(scope="module")
def real_frame(shared_data: Path) -> pd.DataFrame:
    box = real_box_scores(shared_data, seasons=("2023-24",))
    history, slate = slate_from_history(box, pd.Timestamp("2024-01-15"))
    return build_features(history, slate, conf(FeatureSettings))


def test_real_season_builds_a_valid_frame_with_every_feature(real_frame: pd.DataFrame) -> None:
    validate_feature_frame(real_frame, conf(FeatureSettings))
    slate = real_frame.loc[real_frame["is_slate"]]
    assert len(slate) > 0 and (slate["game_date"] == pd.Timestamp("2024-01-15")).all()
    # every feature is populated somewhere (optional columns exist in the real data), except the pre-game
    # availability family: without a report source it is explicitly unknown (NaN, pre_known 0), never 0
    pregame = [n for n in feature_names(conf(FeatureSettings)) if n.startswith("pre_")]
    assert real_frame[[n for n in feature_names(conf(FeatureSettings)) if n not in pregame]].notna().any().all()
    assert (real_frame["pre_known"] == 0).all() and real_frame[pregame[1:]].isna().all().all()


def test_recent_form_predicts_pra_on_real_games(real_frame: pd.DataFrame) -> None:
    played = real_frame.loc[real_frame["played"] & real_frame["eligible"]]
    corr = np.corrcoef(played["roll_pra_ewm_h7"], played["target_pra"])[0, 1]
    assert corr > 0.7  # season-long form explains most of a player's PRA level


def test_slate_rows_of_real_players_see_their_history(real_frame: pd.DataFrame) -> None:
    slate = real_frame.loc[real_frame["is_slate"]]
    assert (slate["n_prior_games"] > 0).mean() > 0.8
    assert slate["roll_pra_mean_g10"].notna().mean() > 0.8
