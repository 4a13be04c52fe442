"""The season schedule generator: full seasons, home/away balance, rest patterns, the end-game repair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.data.settings import ScheduleSettings
from nba_pra.data.synthetic.schedule import _unschedule_last_game_without, season_label, simulate_schedule
from settings_support import conf


def _team_days(games: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(
        [
            games[["day", "home"]].set_axis(["day", "team"], axis=1),
            games[["day", "away"]].set_axis(["day", "team"], axis=1),
        ]
    ).sort_values(["team", "day"])


@pytest.mark.parametrize("season", range(6))
def test_every_team_plays_82_games_41_or_so_at_home_and_never_twice_a_day(season: int) -> None:
    games = simulate_schedule(20240, season, 30, 82, conf(ScheduleSettings))
    long = _team_days(games)
    assert (long.groupby("team").size() == 82).all()
    assert games["home"].value_counts().between(39, 43).all()
    assert not long.duplicated().any()
    assert (games["home"] != games["away"]).all()


def test_back_to_backs_are_about_as_common_as_in_the_nba() -> None:
    long = _team_days(simulate_schedule(7, 0, 30, 82, conf(ScheduleSettings)))
    gaps = long.groupby("team")["day"].diff()
    per_team = (gaps == 1).sum() / 30
    # the NBA had 13-20 back-to-backs per team per season in 2012-24
    assert 11 <= per_team <= 21
    assert (long.groupby("team")["day"].diff(2).dropna() >= 3).all()


def test_tip_offs_are_evening_slots() -> None:
    games = simulate_schedule(1, 0, 30, 82, conf(ScheduleSettings))
    assert set(games["tip_hour"]) <= set(conf(ScheduleSettings).tipoff_hours_eastern)


def test_the_end_game_repair_gives_back_the_latest_game_without_the_stuck_team() -> None:
    # team 0 is the only one with games left; the latest game without it is 2 v 3 on day 5
    days = [np.array([4, 4]), np.array([5, 5])]
    homes = [np.array([1, 2]), np.array([0, 2])]
    aways = [np.array([3, 0]), np.array([1, 3])]
    remaining = np.array([2, 0, 0, 0])
    home_games = np.array([1, 1, 2, 0])
    _unschedule_last_game_without(0, days, homes, aways, remaining, home_games)
    assert remaining.tolist() == [2, 0, 1, 1]
    assert home_games.tolist() == [1, 1, 1, 0]
    assert homes[1].tolist() == [0] and aways[1].tolist() == [1] and days[1].tolist() == [5]


def test_season_labels_use_two_digit_end_years() -> None:
    assert season_label(2023) == "2023-24" and season_label(1999) == "1999-00"
