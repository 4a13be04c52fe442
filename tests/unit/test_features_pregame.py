"""Pre-game availability features: own status, starters, teammates / opponents out and what they vacate,
returns from absence; unknown stays NaN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.features.engine import build_features
from nba_pra.features.registry import count_by_family, feature_names
from nba_pra.features.settings import FeatureSettings
from pregame_support import availability_rows
from settings_support import conf

SETTINGS = conf(FeatureSettings, min_games=1, missing_minutes_window=10, pregame_starter_window=2,
                pregame_top_teammates=1)
DAYS = ("2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04")
#: player -> (team, minutes, pts, starter)
PLAYERS = {1: ("AAA", 30.0, 20.0, True), 2: ("AAA", 20.0, 10.0, True), 3: ("AAA", 10.0, 4.0, False),
           5: ("BBB", 32.0, 25.0, True), 6: ("BBB", 18.0, 8.0, False)}


def _box() -> pd.DataFrame:
    rows = []
    for day, date in enumerate(DAYS):
        for pid, (team, minutes, pts, starter) in PLAYERS.items():
            # player 3 starts on the last day (a role change); player 2 sits out day 3 (index 2)
            played = not (pid == 2 and day == 2)
            rows.append(
                {
                    "game_id": f"G{day}", "game_date": pd.Timestamp(date), "season": "2023-24", "player_id": pid,
                    "player_name": f"P{pid}", "team": team, "opponent": "BBB" if team == "AAA" else "AAA",
                    "home": team == "AAA", "starter": starter or (pid == 3 and day == 3), "position": "G",
                    "played": played, "minutes": minutes if played else 0.0, "pts": pts if played else np.nan,
                    "reb": 2.0 if played else np.nan, "ast": 1.0 if played else np.nan,
                }
            )
    return pd.DataFrame(rows)


def _slate() -> pd.DataFrame:
    cols = ["game_id", "game_date", "season", "player_id", "player_name", "team", "opponent", "home", "position"]
    return _box()[cols].iloc[:0].assign(commence_time=pd.Series(dtype="datetime64[ns, UTC]"))


def _availability() -> pd.DataFrame:
    teams = [("G2", DAYS[2], "AAA"), ("G2", DAYS[2], "BBB"), ("G3", DAYS[3], "AAA")]
    players = [
        ("G2", "AAA", 2, 4.0, 0.0),  # out
        ("G2", "AAA", 1, 0.0, 1.0),
        ("G2", "AAA", 9, 4.0, 0.0),  # injured, never in a box score: no form, contributes nothing
        ("G2", "BBB", 6, 2.0, 0.0),  # questionable
        ("G2", "BBB", 5, 0.0, 1.0),
        ("G3", "AAA", 3, 0.0, 1.0),  # projected to start for the first time
        ("G3", "AAA", 1, 0.0, 1.0),
    ]
    return availability_rows(teams, players)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return build_features(_box(), _slate(), SETTINGS, availability=_availability()).set_index(
        ["game_id", "player_id"]
    )


def test_team_games_without_a_visible_report_are_unknown_not_zero(frame: pd.DataFrame) -> None:
    early = frame.loc[["G0", "G1"]]
    assert (early["pre_known"] == 0).all()
    pre = [c for c in feature_names(SETTINGS) if c.startswith("pre_") and c != "pre_known"]
    assert early[pre].isna().all().all()
    assert np.isnan(frame.loc[("G3", 5), "pre_status"])  # BBB published nothing for G3


def test_own_status_and_projected_starter(frame: pd.DataFrame) -> None:
    assert frame.loc[("G2", 2), "pre_status"] == 4.0 and frame.loc[("G2", 6), "pre_status"] == 2.0
    assert frame.loc[("G2", 3), "pre_status"] == 0.0  # covered team, not listed: available
    assert frame.loc[("G2", 1), "pre_starter"] == 1.0 and frame.loc[("G2", 3), "pre_starter"] == 0.0
    # player 3 started none of his last 2 games and is projected to start: +1 role change
    assert frame.loc[("G3", 3), "pre_starter_vs_g2"] == 1.0 and frame.loc[("G3", 1), "pre_starter_vs_g2"] == 0.0


def test_teammates_and_opponents_out_vacate_their_recent_minutes_and_pra(frame: pd.DataFrame) -> None:
    # player 2's form before day 3: 20 minutes, PRA 10 + 2 + 1 = 13
    assert frame.loc[("G2", 1), "pre_team_out_minutes"] == 20.0
    assert frame.loc[("G2", 1), "pre_team_out_pra"] == 13.0
    assert frame.loc[("G2", 2), "pre_team_out_minutes"] == 0.0  # himself excluded
    assert frame.loc[("G2", 5), "pre_opp_out_minutes"] == 20.0 and frame.loc[("G2", 5), "pre_team_out_minutes"] == 0.0
    assert frame.loc[("G2", 1), "pre_team_out_rotation"] == 1.0
    assert frame.loc[("G2", 5), "pre_team_questionable_minutes"] == 18.0
    assert np.isnan(frame.loc[("G2", 1), "pre_team_out_usage"])  # no fga/fta/tov in these box scores


def test_a_top_teammate_out_and_returning_players(frame: pd.DataFrame) -> None:
    # top-1 of AAA by PRA form is player 1 (23): his teammates see no top teammate out, he is not out himself
    assert frame.loc[("G2", 3), "pre_team_top_out"] == 0.0
    # G3: player 2 was out for AAA's previous game (G2) and is not listed now -> returning
    assert frame.loc[("G3", 2), "pre_returning"] == 1.0 and frame.loc[("G3", 1), "pre_returning"] == 0.0
    assert frame.loc[("G3", 1), "pre_team_returning_minutes"] == 20.0
    assert np.isnan(frame.loc[("G2", 1), "pre_returning"])  # G1 was not covered


def test_without_availability_every_pregame_feature_is_unknown() -> None:
    out = build_features(_box(), _slate(), SETTINGS)
    assert (out["pre_known"] == 0).all()
    assert out[[c for c in out.columns if c.startswith("pre_") and c != "pre_known"]].isna().all().all()


def test_the_family_can_be_switched_off() -> None:
    off = conf(FeatureSettings, pregame_availability=False)
    assert count_by_family(off)["pregame_availability"] == 0
    assert not any(n.startswith("pre_") for n in feature_names(off))
    assert count_by_family(conf(FeatureSettings))["pregame_availability"] > 0
