"""The simulated league: schema, determinism, the slate boundary, DNPs, lines and ground truth."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from nba_pra.data import schema
from nba_pra.data.settings import ScheduleSettings
from nba_pra.data.synthetic import League, simulate_league
from nba_pra.errors import ConfigError
from settings_support import conf
from synthetic_support import default_league_settings, small_league_settings

BASE = default_league_settings()


small = small_league_settings


@pytest.fixture(scope="module")
def league() -> League:
    return simulate_league(small())


def slate_date(league: League) -> pd.Timestamp:
    return league.schedule.loc[league.schedule["status"] == schema.STATUS_SCHEDULED, "game_date"].min()


def test_same_settings_give_identical_frames(league: League) -> None:
    again = simulate_league(small())
    for field in dataclasses.fields(League):
        pd.testing.assert_frame_equal(getattr(league, field.name), getattr(again, field.name))


def test_a_different_seed_gives_a_different_league(league: League) -> None:
    other = simulate_league(small(seed=BASE.seed + 1))
    assert not league.box_scores["pts"].equals(other.box_scores["pts"])


def test_every_table_has_the_schema_columns_in_order(league: League) -> None:
    expected = {
        "box_scores": schema.BOX_SCORE_COLUMNS,
        "schedule": schema.SCHEDULE_COLUMNS,
        "rosters": schema.ROSTER_COLUMNS,
        "lines": schema.LINE_COLUMNS,
        "ground_truth": schema.GROUND_TRUTH_COLUMNS,
    }
    for name, columns in expected.items():
        frame = getattr(league, name)
        assert tuple(frame.columns[: len(columns)]) == columns, name
    extra = set(league.box_scores.columns) - set(schema.BOX_SCORE_COLUMNS)
    assert extra <= set(schema.BOX_SCORE_OPTIONAL_COLUMNS)


def test_column_dtypes_follow_the_contract(league: League) -> None:
    box, sched, lines = league.box_scores, league.schedule, league.lines
    assert box["game_date"].dtype == np.dtype("datetime64[ns]")
    assert sched["commence_time"].dtype == pd.DatetimeTZDtype("ns", "UTC")
    for frame in (box, lines, league.rosters, league.ground_truth):
        assert frame["player_id"].dtype == np.dtype("int64")
    for col in ("home", "starter", "played"):
        assert box[col].dtype == np.dtype("bool")
    for col in ("minutes", "pts", "reb", "ast", "fga", "plus_minus"):
        assert box[col].dtype == np.dtype("float64")
    for frame, cols in ((box, ("game_id", "season", "team", "position")), (sched, ("game_id", "status"))):
        for col in cols:
            assert pd.api.types.is_string_dtype(frame[col]), col
    assert lines["over_price"].dtype == np.dtype("int64") and lines["close_line"].dtype == np.dtype("float64")
    assert (box["game_date"] == box["game_date"].dt.normalize()).all()


def test_seasons_are_labelled_like_the_nba(league: League) -> None:
    assert sorted(league.schedule["season"].unique()) == ["2021-22", "2022-23", "2023-24"]
    assert league.schedule["game_id"].str.fullmatch(r"002\d{7}").all()


def test_box_scores_stop_strictly_before_the_slate(league: League) -> None:
    slate = slate_date(league)
    assert league.box_scores["game_date"].max() < slate
    final = league.schedule[league.schedule["status"] == schema.STATUS_FINAL]
    assert final["game_date"].max() < slate
    assert set(league.box_scores["game_id"]) == set(final["game_id"])


def test_the_slate_is_the_first_game_day_after_the_days_played(league: League) -> None:
    current = league.schedule[league.schedule["season"] == "2023-24"]
    opening = current["game_date"].min()
    slate = slate_date(league)
    assert slate >= opening + pd.Timedelta(days=25)
    assert not (
        (current["game_date"] >= opening + pd.Timedelta(days=25)) & (current["game_date"] < slate)
    ).any()


def test_dnp_rows_have_zero_minutes_and_no_stats(league: League) -> None:
    box = league.box_scores
    dnp = box[~box["played"]]
    assert len(dnp) > 0
    assert (dnp["minutes"] == 0).all()
    assert dnp[["pts", "reb", "ast", "fga", "plus_minus"]].isna().all().all()
    played = box[box["played"]]
    assert (played["minutes"] > 0).all() and played[["pts", "reb", "ast"]].notna().all().all()


def test_every_team_game_has_five_starters_who_played(league: League) -> None:
    per_team_game = league.box_scores.groupby(["game_id", "team"])["starter"].sum()
    assert (per_team_game == BASE.minutes.starters).all()
    assert league.box_scores.loc[league.box_scores["starter"], "played"].all()


def test_most_starting_fives_are_two_guards_two_forwards_and_a_centre(league: League) -> None:
    starters = league.box_scores[league.box_scores["starter"]]
    shape = starters.groupby(["game_id", "team"])["position"].agg(lambda p: "".join(sorted(p)))
    # a team without a healthy centre (or third forward) fills the slot with its best remaining player
    assert (shape == "CFFGG").mean() > 0.8


def test_made_shots_never_exceed_attempts_and_points_add_up(league: League) -> None:
    p = league.box_scores[league.box_scores["played"]]
    assert (p["fgm"] <= p["fga"]).all() and (p["fg3m"] <= p["fg3a"]).all() and (p["ftm"] <= p["fta"]).all()
    assert (p["pts"] == 2 * (p["fgm"] - p["fg3m"]) + 3 * p["fg3m"] + p["ftm"]).all()


def test_lines_cover_history_and_the_slate_with_closing_lines_only_for_played_games(league: League) -> None:
    lines = league.lines
    slate = slate_date(league)
    on_slate = lines["game_date"] == slate
    assert on_slate.any() and (~on_slate).any()
    assert lines.loc[on_slate, ["close_line", "close_over_price", "close_under_price"]].isna().all().all()
    assert lines.loc[~on_slate, ["close_line", "close_over_price", "close_under_price"]].notna().all().all()
    assert set(lines["bookmaker"]) == set(BASE.bookmakers)


def _implied(american: pd.Series) -> pd.Series:
    return np.where(american < 0, -american / (-american + 100.0), 100.0 / (american + 100.0))


def test_lines_are_hooked_half_points_with_two_prices_and_the_configured_margin(league: League) -> None:
    lines = league.lines
    # like the real PRA books (no whole-number line in 2023-24): n + 0.5 only, so no push
    assert (lines["line"] % 1 == 0.5).all()
    assert ((lines["over_price"].abs() >= 100) & (lines["under_price"].abs() >= 100)).all()
    overround = _implied(lines["over_price"]) + _implied(lines["under_price"]) - 1.0
    lo, hi = BASE.sportsbook.overround_range
    # American prices are rounded to whole numbers, which moves the margin by up to a quarter of a point at
    # long odds
    assert overround.min() > lo - 0.005 and overround.max() < hi + 0.005
    assert lo < overround.mean() < hi


def test_whole_number_lines_appear_when_configured() -> None:
    lines = simulate_league(
        small(n_seasons=1, sportsbook=dataclasses.replace(BASE.sportsbook, whole_number_lines=True))
    ).lines
    assert ((lines["line"] * 2) % 1 == 0).all()
    assert (lines["line"] % 1 == 0).any() and (lines["line"] % 1 == 0.5).any()


def test_the_books_draw_from_their_own_stream_so_box_scores_never_depend_on_them(league: League) -> None:
    other_books = dataclasses.replace(
        BASE.sportsbook, public_weight=0.0, rate_error_sd=0.3, coverage=0.5, min_expected_minutes=30.0,
        soft=dataclasses.replace(BASE.sportsbook.soft, stale_share=1.0),
    )
    other = simulate_league(small(sportsbook=other_books))
    pd.testing.assert_frame_equal(other.box_scores, league.box_scores)
    books = ["soft_stale", "soft_stale_shift"]
    pd.testing.assert_frame_equal(other.ground_truth.drop(columns=books),
                                  league.ground_truth.drop(columns=books))
    assert not other.lines.equals(league.lines)


def test_only_props_the_soft_book_posts_can_be_stale_and_about_its_stale_share_are(league: League) -> None:
    soft = BASE.sportsbook.soft
    stale = league.ground_truth.loc[league.ground_truth["soft_stale"], ["game_id", "player_id"]]
    posted = league.lines.loc[league.lines["bookmaker"] == soft.bookmaker, ["game_id", "player_id"]]
    assert len(stale) > 0 and len(stale.merge(posted)) == len(stale)
    # binomial over a few thousand soft-book props: within 5 points of the configured share
    assert abs(len(stale) / len(posted) - soft.stale_share) < 0.05
    assert (league.ground_truth.loc[~league.ground_truth["soft_stale"], "soft_stale_shift"] == 0).all()


def test_props_go_to_players_expected_to_play_enough_minutes(league: League) -> None:
    played = league.box_scores.loc[league.box_scores["played"]]
    with_prop = played.merge(league.lines[["game_id", "player_id"]].drop_duplicates())
    # the books pick by today's expected minutes; realised minutes scatter around them
    assert with_prop["minutes"].median() > BASE.sportsbook.min_expected_minutes
    assert with_prop["minutes"].median() > played["minutes"].median()


def test_closing_lines_are_closer_to_the_truth_than_opening_lines(league: League) -> None:
    done = league.lines.dropna(subset=["close_line"]).merge(league.ground_truth, on=["game_id", "player_id"])
    open_err = (done["line"] - done["true_mean"]).abs().mean()
    close_err = (done["close_line"] - done["true_mean"]).abs().mean()
    assert close_err < open_err


def test_ground_truth_covers_every_box_score_row_and_the_slate(league: League) -> None:
    truth = league.ground_truth
    keys = truth[["game_id", "player_id"]]
    assert not keys.duplicated().any()
    box_keys = league.box_scores[["game_id", "player_id"]]
    assert len(box_keys.merge(keys)) == len(box_keys)
    slate_games = league.schedule.loc[league.schedule["game_date"] == slate_date(league), "game_id"]
    assert truth["game_id"].isin(slate_games).any()
    assert truth["p_play"].between(0, 1).all()


def test_true_pra_is_over_dispersed_for_everyone_who_can_play(league: League) -> None:
    able = league.ground_truth[league.ground_truth["p_play"] > 0]
    assert (able["true_var"] > able["true_mean"]).all()
    assert league.ground_truth.loc[league.ground_truth["p_play"] == 0, "true_mean"].isna().all()


def test_the_true_mean_matches_the_average_simulated_pra(league: League) -> None:
    box = league.box_scores[league.box_scores["played"]].merge(
        league.ground_truth, on=["game_id", "player_id"]
    )
    pra = box["pts"] + box["reb"] + box["ast"]
    # over ~10k player-games the average residual of an unbiased mean is within a few tenths of a point
    assert abs((pra - box["true_mean"]).mean()) < 0.5
    assert 0.8 < ((pra - box["true_mean"]) ** 2).mean() / box["true_var"].mean() < 1.2


def test_advancing_the_days_played_leaves_every_earlier_game_unchanged(league: League) -> None:
    later = simulate_league(small(current_season_days_played=40))
    cut = slate_date(league)
    before = later.box_scores[later.box_scores["game_date"] < cut].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, league.box_scores)
    assert later.box_scores["game_date"].max() >= cut
    slate_truth = league.ground_truth.merge(
        later.ground_truth, on=["game_id", "player_id"], suffixes=("", "_later")
    )
    assert len(slate_truth) == len(league.ground_truth)
    assert np.allclose(slate_truth["true_mean"], slate_truth["true_mean_later"], equal_nan=True)
    old_lines = league.lines.drop(columns=["close_line", "close_over_price", "close_under_price"])
    new_lines = later.lines[later.lines["game_date"] <= cut].drop(
        columns=["close_line", "close_over_price", "close_under_price"]
    )
    pd.testing.assert_frame_equal(old_lines, new_lines.reset_index(drop=True))


def test_the_roster_lists_the_slate_teams_with_injured_players_out(league: League) -> None:
    slate = league.schedule[league.schedule["game_date"] == slate_date(league)]
    teams = set(slate["home_team"]) | set(slate["away_team"])
    assert set(league.rosters["team"]) == teams
    assert set(league.rosters["status"]) <= {"active", "out"}
    assert not league.rosters["player_id"].duplicated().any()


def test_every_team_plays_its_full_schedule_half_at_home() -> None:
    sched = simulate_league(small(n_seasons=1, current_season_days_played=0)).schedule
    home = sched["home_team"].value_counts()
    games = home.add(sched["away_team"].value_counts(), fill_value=0)
    assert (games == 24).all()
    assert home.between(11, 13).all()


def test_nobody_plays_three_days_in_a_row() -> None:
    sched = simulate_league(small(n_seasons=1, current_season_days_played=0)).schedule
    long = pd.concat(
        [
            sched[["game_date", "home_team"]].set_axis(["d", "t"], axis=1),
            sched[["game_date", "away_team"]].set_axis(["d", "t"], axis=1),
        ]
    ).sort_values(["t", "d"])
    gap2 = long["d"] - long.groupby("t")["d"].shift(2)
    assert (gap2.dropna() > pd.Timedelta(days=2)).all()
    gap1 = long["d"] - long.groupby("t")["d"].shift(1)
    assert (gap1 == pd.Timedelta(days=1)).any()  # back-to-backs exist


def test_opening_night_as_the_slate_leaves_the_current_season_without_box_scores() -> None:
    lg = simulate_league(small(n_seasons=1, current_season_days_played=0))
    assert lg.box_scores.empty and list(lg.box_scores.columns[:15]) == list(schema.BOX_SCORE_COLUMNS)
    assert lg.box_scores["game_date"].dtype == np.dtype("datetime64[ns]")
    assert len(lg.lines) > 0 and lg.lines["close_line"].isna().all()


@pytest.mark.parametrize(
    "changes",
    [
        {"n_teams": 31},
        {"n_seasons": 0},
        {"bookmakers": ()},
        {"current_season_days_played": 500},
        {"team_codes": ("AAA",) * 30},
        {"roster_size": 10},
        {"minutes": dataclasses.replace(BASE.minutes, coach_dnp_by_rank=(0.0,))},
        {"minutes": dataclasses.replace(BASE.minutes, lineup_by_position=(3, 2, 1))},
        {"sportsbook": dataclasses.replace(BASE.sportsbook, soft=dataclasses.replace(BASE.sportsbook.soft,
                                                                                    bookmaker="nobody"))},
        {"sportsbook": None},
        {"n_teams": 3, "games_per_team": 3},
        {"games_per_team": 200, "schedule": conf(ScheduleSettings, season_length_days=1)},
    ],
)
def test_impossible_settings_fail_with_a_config_error(changes: dict[str, object]) -> None:
    # out-of-range values (n_seasons 0) are stopped by the settings schema, the rest by the simulation
    with pytest.raises((ConfigError, ValidationError)):
        simulate_league(small(**changes))
