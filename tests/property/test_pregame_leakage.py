"""As-of discipline of the pre-game availability features, on random small leagues.

1. A report or lineup published after a game's cut-off changes no feature of that game (nor of any other).
2. Perturbing box-score results dated on or after day D leaves every pre-game availability feature of games
   dated on or before D unchanged (the absent players' forms are as of strictly earlier games).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_no_leakage import PERTURBABLE, SETTINGS, _empty_slate, _perturb, tiny_league

from nba_pra.availability.asof import KINDS, STATUS_LEVELS, availability_table
from nba_pra.availability.settings import AvailabilitySettings
from nba_pra.features.engine import build_features
from nba_pra.features.registry import feature_names
from nba_pra.odds.settings import MatchingSettings
from pregame_support import random_availability
from settings_support import conf

PREGAME = [n for n in feature_names(SETTINGS) if n.startswith("pre_")]
COMPARED = ["game_id", "player_id", *feature_names(SETTINGS)]
CUTOFF = conf(AvailabilitySettings, cutoff_minutes=30.0)
TIP_HOUR_UTC = 23


def _games(box: pd.DataFrame) -> pd.DataFrame:
    games = box[["game_id", "game_date", "team"]].drop_duplicates(["game_id", "team"]).reset_index(drop=True)
    games["commence_time"] = (games["game_date"] + pd.Timedelta(hours=TIP_HOUR_UTC)).dt.tz_localize("UTC")
    return games


def _snapshots(box: pd.DataFrame, games: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Random report and lineup snapshots published before each game's cut-off (ids known)."""
    rng = np.random.default_rng(seed)
    rows = box[["game_id", "game_date", "team", "player_id", "player_name"]].merge(
        games[["game_id", "team", "commence_time"]], on=["game_id", "team"]
    )
    rows = rows.loc[rng.random(len(rows)) < 0.5]
    minutes_before = rng.integers(31, 600, len(rows))
    return pd.DataFrame(
        {
            "kind": rng.choice(KINDS, len(rows)),
            "published_at": rows["commence_time"] - pd.to_timedelta(minutes_before, unit="min"),
            "game_date": rows["game_date"],
            "team": rows["team"],
            "player_name": rows["player_name"],
            "player_id": rows["player_id"],
            "status": rng.choice(STATUS_LEVELS, len(rows)),
            "starter": rng.integers(0, 2, len(rows)).astype(float),
        }
    )


def _late(snapshots: pd.DataFrame, games: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Snapshots for random games published after their cut-off (up to hours after tip-off), with other
    statuses and an extra listed player."""
    rng = np.random.default_rng(seed)
    chosen = games.loc[rng.random(len(games)) < 0.5]
    if chosen.empty:
        chosen = games.iloc[:1]
    base = snapshots.merge(chosen[["game_id", "team"]].assign(game_date=chosen["game_date"]),
                           on=["game_date", "team"])
    extra = chosen.assign(player_id=12_345, player_name="P12345")[["game_date", "team", "player_id", "player_name",
                                                                   "commence_time"]]
    late = pd.concat([base.drop(columns=["game_id"]), extra], ignore_index=True)
    tip = pd.DatetimeIndex(late["game_date"].map(dict(zip(chosen["game_date"], chosen["commence_time"], strict=True))))
    minutes_from_tip = rng.integers(1 - int(CUTOFF.cutoff_minutes), 240, len(late))
    late = late.assign(
        kind=rng.choice(KINDS, len(late)),
        published_at=tip + pd.to_timedelta(minutes_from_tip, unit="min"),
        status=rng.choice(STATUS_LEVELS, len(late)),
        starter=rng.integers(0, 2, len(late)).astype(float),
    )
    return late[list(snapshots.columns)]


def _features(box: pd.DataFrame, snapshots: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    candidates = box[["game_id", "team", "player_id", "player_name"]].drop_duplicates()
    table, _ = availability_table(snapshots, games, candidates, CUTOFF, conf(MatchingSettings))
    return build_features(box, _empty_slate(box), SETTINGS, availability=table)[COMPARED]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_teams=st.integers(2, 4), late_seed=st.integers(0, 10_000))
def test_a_report_published_after_the_cutoff_changes_no_feature(seed: int, n_teams: int, late_seed: int) -> None:
    box = tiny_league(seed, n_teams, n_days=16, with_optional=True)
    games = _games(box)
    snapshots = _snapshots(box, games, seed)
    before = _features(box, snapshots, games)
    after = _features(box, pd.concat([snapshots, _late(snapshots, games, late_seed)], ignore_index=True), games)
    pd.testing.assert_frame_equal(before, after, check_exact=True)
    assert before["pre_known"].max() == 1.0  # the visible snapshots did reach the features


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_teams=st.integers(2, 5),
    day_fraction=st.floats(0.0, 1.0),
    column=st.sampled_from(PERTURBABLE),
    perturb_seed=st.integers(0, 10_000),
)
def test_perturbing_results_on_or_after_a_day_never_changes_pregame_features_up_to_it(
    seed: int, n_teams: int, day_fraction: float, column: str, perturb_seed: int
) -> None:
    box = tiny_league(seed, n_teams, n_days=20, with_optional=True)
    availability = random_availability(box, seed)
    days = np.sort(box["game_date"].unique())
    day = pd.Timestamp(days[min(int(day_fraction * len(days)), len(days) - 1)])
    slate = _empty_slate(box)
    before = build_features(box, slate, SETTINGS, availability=availability)
    after = build_features(_perturb(box, day, column, perturb_seed), slate, SETTINGS, availability=availability)
    cols = ["game_id", "player_id", *PREGAME]
    keep = before["game_date"] <= day
    pd.testing.assert_frame_equal(
        before.loc[keep, cols].reset_index(drop=True), after.loc[keep, cols].reset_index(drop=True), check_exact=True
    )


def test_the_same_late_report_published_before_the_cutoff_does_change_features() -> None:
    """The leakage test is not vacuous: moved before the cut-off, the late snapshots reach the features."""
    box = tiny_league(3, 3, n_days=16, with_optional=True)
    games = _games(box)
    snapshots = _snapshots(box, games, 3)
    late = _late(snapshots, games, 4)
    early = late.assign(published_at=late["published_at"] - pd.Timedelta(hours=6))
    before = _features(box, snapshots, games)
    moved = _features(box, pd.concat([snapshots, early], ignore_index=True), games)
    assert not before[PREGAME].equals(moved[PREGAME])
