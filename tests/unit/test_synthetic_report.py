"""The synthetic league's pre-game report: only pre-game knowledge, its own random stream, real signal."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from test_synthetic_league import small

from nba_pra.availability.settings import SyntheticReportSettings
from nba_pra.availability.synthetic import synthetic_snapshots
from nba_pra.data import schema
from nba_pra.data.synthetic import League, simulate_league
from settings_support import conf


@pytest.fixture(scope="module")
def league() -> League:
    return simulate_league(small())


def _joined(league: League) -> pd.DataFrame:
    return league.injury_report.merge(
        league.box_scores[["game_id", "player_id", "played"]], on=["game_id", "player_id"], how="left"
    )


def test_the_report_has_its_schema_and_covers_every_game_including_the_slate(league: League) -> None:
    report = league.injury_report
    assert tuple(report.columns) == schema.INJURY_REPORT_COLUMNS
    assert set(report["status"]) <= {"out", "questionable", "probable", "available"}
    assert set(report["game_id"]) == set(league.schedule["game_id"].loc[league.schedule["game_date"]
                                                                          <= league.schedule["game_date"].max()]) \
        & set(league.ground_truth["game_id"])
    starters = report.loc[report["starter"]].groupby(["game_id", "team"]).size()
    assert (starters == small().minutes.starters).all()


def test_players_out_never_play_and_projected_starters_start_unless_hurt_before_tipoff(league: League) -> None:
    joined = _joined(league)
    out = joined.loc[joined["status"] == "out"]
    assert not out["played"].fillna(False).astype(bool).any()
    listed_out = out["played"].notna().mean()
    assert 0.0 < listed_out < 0.5  # most injured players are inactive, not DNP rows in the box score
    both = league.injury_report.loc[league.injury_report["starter"]].merge(
        league.box_scores[["game_id", "player_id", "starter"]], on=["game_id", "player_id"],
        suffixes=("_projected", "_actual"),
    )
    assert both["starter_actual"].mean() > 0.97  # only a pre-game injury (drawn after the report) changes the five


def test_questionable_is_noise_the_player_mostly_plays(league: League) -> None:
    joined = _joined(league)
    questionable = joined.loc[joined["status"] == "questionable", "played"].dropna().astype(bool)
    assert len(questionable) > 20 and questionable.mean() > 0.7


def test_adding_the_report_left_every_other_table_unchanged() -> None:
    """The report draws from its own stream: a league with no questionable noise differs only in it."""
    base = simulate_league(small())
    quiet = simulate_league(
        small(injuries=dataclasses.replace(small().injuries, questionable_probability=0.0))
    )
    for name in ("box_scores", "schedule", "rosters", "lines", "ground_truth"):
        pd.testing.assert_frame_equal(getattr(base, name), getattr(quiet, name))
    assert (quiet.injury_report["status"] != "questionable").all()


def test_synthetic_snapshots_are_published_lead_minutes_before_tipoff(league: League) -> None:
    snaps = synthetic_snapshots(league.injury_report, league.schedule, conf(SyntheticReportSettings, lead_minutes=90.0))
    tips = league.schedule.set_index("game_id")["commence_time"]
    first = league.injury_report["game_id"].iloc[0]
    row = snaps.loc[snaps["player_id"] == league.injury_report["player_id"].iloc[0]].iloc[0]
    assert row["published_at"] == tips[first] - pd.Timedelta(minutes=90)
    assert set(snaps["kind"]) == {"report", "lineup"} and len(snaps) == 2 * len(league.injury_report)
