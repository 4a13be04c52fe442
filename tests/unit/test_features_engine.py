"""The feature engine on a hand-made league: the contract of the frame and values derived by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from features_support import hand_box_scores, hand_slate

from nba_pra.errors import DataValidationError
from nba_pra.features.engine import KEY_COLUMNS, build_features, validate_feature_frame
from nba_pra.features.registry import feature_names
from nba_pra.features.settings import FeatureSettings
from settings_support import conf

SETTINGS = conf(FeatureSettings, min_games=3)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return build_features(hand_box_scores(), hand_slate(), SETTINGS)


def row(frame: pd.DataFrame, game_id: str, player_id: int) -> pd.Series:
    match = frame.loc[(frame["game_id"] == game_id) & (frame["player_id"] == player_id)]
    assert len(match) == 1
    return match.iloc[0]


def test_frame_has_key_columns_then_registered_features_in_order(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == [*KEY_COLUMNS, *feature_names(SETTINGS)]
    validate_feature_frame(frame, SETTINGS)


def test_frame_has_one_row_per_box_score_row_and_slate_row_sorted_by_date_game_player(
    frame: pd.DataFrame,
) -> None:
    assert len(frame) == 12 + 4
    assert list(frame["game_id"]) == ["G1"] * 4 + ["G2"] * 4 + ["G3"] * 4 + ["G4"] * 4
    assert list(frame["player_id"]) == [1, 2, 3, 4] * 4
    assert frame["is_slate"].tolist() == [False] * 12 + [True] * 4


def test_slate_rows_are_unplayed_with_no_target_and_no_minutes(frame: pd.DataFrame) -> None:
    slate = frame.loc[frame["is_slate"]]
    assert not slate["played"].any()
    assert slate["target_pra"].isna().all() and slate["minutes"].isna().all()


def test_target_is_points_plus_rebounds_plus_assists_and_nan_on_a_dnp(frame: pd.DataFrame) -> None:
    assert row(frame, "G1", 1)["target_pra"] == 15.0
    assert row(frame, "G3", 2)["target_pra"] == 22.0
    dnp = row(frame, "G3", 1)
    assert not dnp["played"] and math.isnan(dnp["target_pra"]) and dnp["minutes"] == 0.0


def test_prior_games_count_only_games_played_before_the_date(frame: pd.DataFrame) -> None:
    assert row(frame, "G1", 1)["n_prior_games"] == 0
    assert row(frame, "G3", 1)["n_prior_games"] == 2
    assert row(frame, "G4", 1)["n_prior_games"] == 2  # the DNP on G3 is not a game played
    assert row(frame, "G4", 2)["n_prior_games"] == 3


def test_players_below_min_games_are_marked_with_a_reason_not_dropped(frame: pd.DataFrame) -> None:
    p1, p2 = row(frame, "G4", 1), row(frame, "G4", 2)
    assert not p1["eligible"] and p1["ineligible_reason"] == "fewer than 3 prior games played"
    assert p2["eligible"] and p2["ineligible_reason"] is None


def test_first_game_of_a_player_has_no_rolling_history(frame: pd.DataFrame) -> None:
    first = row(frame, "G1", 3)
    rolling = [c for c in feature_names(SETTINGS) if c.startswith("roll_")]
    assert first[rolling].isna().all()


def test_rolling_features_of_the_slate_use_the_two_games_before_the_dnp(frame: pd.DataFrame) -> None:
    p1 = row(frame, "G4", 1)
    assert p1["roll_pra_mean_g3"] == pytest.approx((15 + 30) / 2)
    assert p1["roll_pts_mean_g3"] == pytest.approx(15.0)
    assert p1["roll_minutes_mean_g5"] == pytest.approx(33.0)
    assert p1["roll_pra_last"] == 30.0
    assert p1["roll_pra_std_g5"] == pytest.approx(math.sqrt(((15 - 22.5) ** 2 + (30 - 22.5) ** 2) / 1))
    assert p1["roll_pra_per36_g3"] == pytest.approx(45 / 66 * 36)
    assert p1["roll_pra_season_mean"] == pytest.approx(22.5)
    decay = 0.5 ** (1 / 3)  # EWMA with halflife 3 games: the older game weighs 0.5^(1/3)
    assert p1["roll_pra_ewm_h3"] == pytest.approx((30 + 15 * decay) / (1 + decay))
    assert math.isnan(p1["roll_pra_slope_g5"])  # a trend needs three games


def test_trend_volatility_and_extremes_over_three_games(frame: pd.DataFrame) -> None:
    p2 = row(frame, "G4", 2)  # PRA 19, 10, 22
    assert p2["roll_pra_slope_g5"] == pytest.approx(1.5)  # sum((x-1)(y-17)) / sum((x-1)^2) = 3 / 2
    assert p2["roll_pra_std_g5"] == pytest.approx(math.sqrt(39.0))
    assert p2["roll_pra_max_g10"] == 22.0 and p2["roll_pra_min_g10"] == 10.0


def test_opponent_defence_counts_what_the_opponent_allowed_in_earlier_games(frame: pd.DataFrame) -> None:
    p1, p3 = row(frame, "G4", 1), row(frame, "G4", 3)
    assert p1["mu_opp_allowed_pra_g5"] == pytest.approx((34 + 40 + 22) / 3)
    assert p1["mu_opp_allowed_pts_g5"] == pytest.approx((18 + 24 + 12) / 3)
    assert p3["mu_opp_allowed_pra_g5"] == pytest.approx((38 + 12 + 52) / 3)
    assert p1["mu_opp_allowed_pos_pra_per36_g5"] == pytest.approx(
        45 / 66 * 36
    )  # guards vs BBB: only player 1
    assert p3["mu_opp_allowed_pos_pra_per36_g5"] == pytest.approx(67 / 95 * 36)


def test_opponent_form_and_game_totals(frame: pd.DataFrame) -> None:
    p1 = row(frame, "G4", 1)
    assert p1["mu_opp_margin_g5"] == pytest.approx((3 - 15 + 18) / 3)
    assert p1["mu_opp_win_pct_g5"] == pytest.approx(2 / 3)
    assert p1["mu_team_margin_g20"] == pytest.approx(-2.0)
    assert p1["mu_opp_game_total_pts_g20"] == pytest.approx((39 + 33 + 42) / 3)
    assert p1["mu_vs_opp_pra_mean_g3"] == pytest.approx(22.5)
    assert p1["mu_vs_opp_pra_diff_g3"] == pytest.approx(0.0)


def test_features_needing_absent_optional_columns_are_nan(frame: pd.DataFrame) -> None:
    p2 = row(frame, "G4", 2)
    assert (
        math.isnan(p2["mu_opp_pace_g5"])
        and math.isnan(p2["adv_usage_g5"])
        and math.isnan(p2["adv_ts_pct_g10"])
    )
    assert p2["adv_pra_share_g5"] == pytest.approx((19 + 10 + 22) / (34 + 40 + 22))


def test_schedule_context_rest_back_to_back_and_three_in_four(frame: pd.DataFrame) -> None:
    g1, g2, g3, g4 = (row(frame, g, 1) for g in ("G1", "G2", "G3", "G4"))
    assert (g1["ctx_rest_days_team"], g1["ctx_b2b_team"], g1["ctx_game_number"]) == (7.0, 0.0, 1.0)
    assert (g2["ctx_rest_days_team"], g2["ctx_b2b_team"], g2["ctx_dense_team"]) == (1.0, 1.0, 0.0)
    assert (g3["ctx_rest_days_team"], g3["ctx_b2b_team"], g3["ctx_dense_team"]) == (2.0, 0.0, 1.0)
    assert (g4["ctx_rest_days_team"], g4["ctx_b2b_team"], g4["ctx_dense_team"]) == (1.0, 1.0, 1.0)
    assert (g4["ctx_games_last7d_team"], g4["ctx_game_number"], g4["ctx_days_into_season"]) == (3.0, 4.0, 4.0)
    assert (g4["ctx_home"], g2["ctx_home"], g4["ctx_rest_diff"]) == (1.0, 0.0, 0.0)
    assert (g4["ctx_player_days_since_played"], g4["ctx_player_season_games"]) == (3.0, 2.0)
    assert g4["ctx_player_games_with_team"] == 3.0


def test_availability_after_a_dnp(frame: pd.DataFrame) -> None:
    p1, p2 = row(frame, "G4", 1), row(frame, "G4", 2)
    assert (p1["av_dnp_g5"], p1["av_dnp_streak"], p1["av_games_since_return"], p1["av_first_game_back"]) == (
        1.0,
        1.0,
        0.0,
        1.0,
    )
    assert (p2["av_dnp_streak"], p2["av_games_since_return"], p2["av_first_game_back"]) == (0.0, 3.0, 0.0)
    assert p1["av_days_since_listed"] == 1.0 and p1["av_dnp_season"] == 1.0
    decay = 0.5 ** (1 / 15)
    assert p1["av_minutes_last_ratio"] == pytest.approx(36 / ((36 + 30 * decay) / (1 + decay)))


def test_teammates_out_weigh_each_absent_player_by_his_form_before_that_game(frame: pd.DataFrame) -> None:
    p1, p3 = row(frame, "G4", 1), row(frame, "G4", 3)
    assert p1["av_team_missing_minutes_last"] == pytest.approx(33.0)  # player 1 (33-minute form) sat on G3
    assert p1["av_team_rotation_out_last"] == 1.0
    assert p1["av_team_missing_pra_last"] == pytest.approx(22.5)
    assert p1["av_opp_missing_minutes_last"] == 0.0
    assert p1["av_opp_missing_minutes_g3"] == pytest.approx(
        (0 + 30 + 0) / 3
    )  # player 4 (30-min form) sat on G2
    assert p3["av_opp_missing_minutes_last"] == pytest.approx(33.0)


def test_position_percentile_and_z_score_use_forms_before_the_date(frame: pd.DataFrame) -> None:
    p1, p2, p3 = row(frame, "G4", 1), row(frame, "G4", 2), row(frame, "G4", 3)
    assert (p1["pos_pct_pra_g5"], p3["pos_pct_pra_g5"], p2["pos_pct_pra_g5"]) == (1.0, 0.5, 1.0)
    # guards' PRA forms recorded after each of their games: p1 15, 22.5; p3 23, 17.5, 67/3
    forms = np.array([15, 23, 22.5, 17.5, 67 / 3])
    assert p1["pos_z_pra_g5"] == pytest.approx((22.5 - forms.mean()) / forms.std(ddof=1))
    assert p1["pos_ratio_pra_g5"] == pytest.approx(22.5 / forms.mean())


def test_validation_rejects_a_frame_missing_a_feature(frame: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="registered feature"):
        validate_feature_frame(frame.drop(columns=["roll_pra_mean_g3"]), SETTINGS)


def test_validation_rejects_a_frame_missing_a_key_column(frame: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="eligible"):
        validate_feature_frame(frame.drop(columns=["eligible"]), SETTINGS)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("roll_pra_mean_g3", "x", "must be float"),
        ("eligible", 1, "must be bool"),
        ("n_prior_games", 1.5, "must be integer"),
        ("player_id", 1.5, "must be integer"),
        ("game_date", "2024-01-01", "must be datetime64"),
        ("team", 3, "must hold strings"),
    ],
)
def test_validation_rejects_wrong_dtypes(
    frame: pd.DataFrame, column: str, value: object, message: str
) -> None:
    broken = frame.copy()
    broken[column] = pd.Series([value] * len(frame), dtype=object if isinstance(value, str) else None)
    with pytest.raises(DataValidationError, match=message):
        validate_feature_frame(broken, SETTINGS)


def test_validation_rejects_unsorted_duplicated_or_played_slate_rows(frame: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="sorted"):
        validate_feature_frame(frame.iloc[::-1].reset_index(drop=True), SETTINGS)
    with pytest.raises(DataValidationError, match="duplicate"):
        validate_feature_frame(pd.concat([frame, frame.tail(1)], ignore_index=True), SETTINGS)
    played_slate = frame.copy()
    played_slate.loc[played_slate["is_slate"], "played"] = True
    with pytest.raises(DataValidationError, match="slate rows"):
        validate_feature_frame(played_slate, SETTINGS)


def test_a_slate_game_already_in_the_box_scores_is_rejected() -> None:
    box = hand_box_scores()
    slate = hand_slate().assign(game_id="G3", game_date=pd.Timestamp("2024-01-04"))
    with pytest.raises(DataValidationError, match="twice"):
        build_features(box, slate, SETTINGS)


def test_box_scores_missing_a_required_column_are_rejected() -> None:
    with pytest.raises(DataValidationError, match="box_scores is missing required column"):
        build_features(hand_box_scores().drop(columns=["played"]), hand_slate(), SETTINGS)


def test_an_empty_slate_gives_history_rows_only() -> None:
    features = build_features(hand_box_scores(), hand_slate().iloc[:0], SETTINGS)
    assert len(features) == 12 and not features["is_slate"].any()
    validate_feature_frame(features, SETTINGS)


def test_season_labels_that_do_not_sort_chronologically_are_rejected() -> None:
    box = hand_box_scores()
    box.loc[box["game_id"] == "G3", "season"] = "2022-23"  # a later game labelled with an earlier season
    with pytest.raises(DataValidationError, match="chronological"):
        build_features(box, hand_slate(), SETTINGS)
