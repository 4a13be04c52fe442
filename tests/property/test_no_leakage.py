"""As-of discipline, proved on random small leagues.

1. Perturbing any box-score value dated on or after day D leaves every feature of every game dated on or
   before D unchanged (rows dated exactly D must not see D, not even another game of that day).
2. The slate's features equal those of the same games appended as history with their results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nba_pra.data.schema import BOX_SCORE_COLUMNS, BOX_SCORE_OPTIONAL_COLUMNS
from nba_pra.features.engine import build_features
from nba_pra.features.registry import feature_names
from nba_pra.features.settings import FeatureSettings
from settings_support import conf

#: small windows so that a 30-day league exercises full windows, reference days and streaks
SETTINGS = conf(FeatureSettings,
    min_games=2,
    rolling_windows=(2, 4),
    ewm_halflives=(2.0,),
    volatility_windows=(3,),
    trend_windows=(3,),
    extreme_window=3,
    matchup_windows=(2, 4),
    vs_opponent_games=2,
    advanced_windows=(3,),
    availability_windows=(3,),
    position_windows=(3,),
    position_reference_days=3,
    missing_minutes_window=3,
    missing_minutes_games=2,
    rotation_minutes=10.0,
    density_days=4,
    dense_games=2,
    dense_days=2,
)
COMPARED = ["game_id", "player_id", "n_prior_games", "eligible", *feature_names(SETTINGS)]
PERTURBABLE = ("pts", "reb", "ast", "minutes", "fga", "fta", "tov", "oreb", "ast_and_pts", "played")


def tiny_league(seed: int, n_teams: int, n_days: int, with_optional: bool) -> pd.DataFrame:
    """A random league of ``n_teams`` teams with 6 players each over ``n_days`` days (two seasons).

    Some days have a team playing twice (two games on one date must not see each other); about 15 % of
    rows are DNPs with NaN stats.
    """
    rng = np.random.default_rng(seed)
    teams = [f"T{i}" for i in range(n_teams)]
    players = {t: [100 * i + j for j in range(6)] for i, t in enumerate(teams)}
    positions = {p: rng.choice(["G", "F", "C"]) for t in teams for p in players[t]}
    start = pd.Timestamp("2023-10-20")
    rows = []
    game_no = 0
    for day in range(n_days):
        date = start + pd.Timedelta(days=int(day + (day >= n_days // 2) * 150))  # a long break: season 2
        season = "2023-24" if day < n_days // 2 else "2024-25"
        order = list(rng.permutation(teams))
        if rng.random() < 0.3:  # a team plays a second game the same day
            order.append(order[0])
            order.insert(len(order) - 1, order[1])
        for a, b in zip(order[0::2], order[1::2], strict=False):
            if a == b or rng.random() < 0.25:
                continue
            game_no += 1
            for team, opp, home in ((a, b, True), (b, a, False)):
                for k, pid in enumerate(players[team]):
                    played = rng.random() > 0.15
                    stats = (
                        rng.poisson([12, 5, 3, 25, 9, 3, 2, 1]).astype(float)
                        if played
                        else np.full(8, np.nan)
                    )
                    rows.append(
                        {
                            "game_id": f"G{game_no:04d}",
                            "game_date": date,
                            "season": season,
                            "player_id": pid,
                            "player_name": f"P{pid}",
                            "team": team,
                            "opponent": opp,
                            "home": home,
                            "starter": k < 5,
                            "position": positions[pid],
                            "played": played,
                            "minutes": stats[3] if played else 0.0,
                            "pts": stats[0],
                            "reb": stats[1],
                            "ast": stats[2],
                            "fga": stats[4],
                            "fta": stats[5],
                            "tov": stats[6],
                            "oreb": stats[7],
                        }
                    )
    frame = pd.DataFrame(rows)
    for c in BOX_SCORE_OPTIONAL_COLUMNS:
        if c not in frame:
            frame[c] = rng.poisson(2, len(frame)).astype(float)
        frame.loc[~frame["played"], c] = np.nan
    if not with_optional:
        frame = frame[list(BOX_SCORE_COLUMNS)]
    return frame


def _empty_slate(box: pd.DataFrame) -> pd.DataFrame:
    cols = [
        "game_id",
        "game_date",
        "season",
        "player_id",
        "player_name",
        "team",
        "opponent",
        "home",
        "position",
    ]
    return box[cols].iloc[:0].assign(commence_time=pd.Series(dtype="datetime64[ns, UTC]"))


def _perturb(box: pd.DataFrame, day: pd.Timestamp, column: str, seed: int) -> pd.DataFrame:
    """Change ``column`` on a random half of the rows dated on or after ``day`` (at least one row)."""
    rng = np.random.default_rng(seed)
    out = box.copy()
    late = np.flatnonzero(out["game_date"].to_numpy() >= np.datetime64(day))
    chosen = late[rng.random(len(late)) < 0.5]
    if len(chosen) == 0:
        chosen = late[:1]
    if column == "played":
        flip = out.index[chosen]
        now_played = ~out.loc[flip, "played"]
        out.loc[flip, "played"] = now_played
        for c in ("pts", "reb", "ast", *[c for c in BOX_SCORE_OPTIONAL_COLUMNS if c in out]):
            out.loc[flip, c] = np.where(now_played, rng.integers(0, 30, len(flip)).astype(float), np.nan)
        out.loc[flip, "minutes"] = np.where(now_played, rng.uniform(1, 40, len(flip)), 0.0)
        return out
    targets = ("ast", "pts") if column == "ast_and_pts" else (column,)
    for c in targets:
        if c in out:
            out.loc[out.index[chosen], c] = out[c].iloc[chosen] + rng.integers(1, 25, len(chosen))
    return out


def _features_up_to(features: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return features.loc[features["game_date"] <= day, COMPARED].reset_index(drop=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_teams=st.integers(2, 5),
    day_fraction=st.floats(0.0, 1.0),
    column=st.sampled_from(PERTURBABLE),
    perturb_seed=st.integers(0, 10_000),
    with_optional=st.booleans(),
)
def test_perturbing_results_on_or_after_a_day_never_changes_features_up_to_that_day(
    seed: int, n_teams: int, day_fraction: float, column: str, perturb_seed: int, with_optional: bool
) -> None:
    box = tiny_league(seed, n_teams, n_days=24, with_optional=with_optional)
    days = np.sort(box["game_date"].unique())
    day = pd.Timestamp(days[min(int(day_fraction * len(days)), len(days) - 1)])
    slate = _empty_slate(box)
    before = build_features(box, slate, SETTINGS)
    after = build_features(_perturb(box, day, column, perturb_seed), slate, SETTINGS)
    pd.testing.assert_frame_equal(_features_up_to(before, day), _features_up_to(after, day), check_exact=True)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_teams=st.integers(2, 5),
    day_fraction=st.floats(0.0, 1.0),
    with_optional=st.booleans(),
)
def test_slate_features_equal_the_features_of_the_same_games_appended_as_history(
    seed: int, n_teams: int, day_fraction: float, with_optional: bool
) -> None:
    box = tiny_league(seed, n_teams, n_days=24, with_optional=with_optional)
    days = np.sort(box["game_date"].unique())
    day = pd.Timestamp(days[min(int(day_fraction * len(days)), len(days) - 1)])
    history = box.loc[box["game_date"] < day]
    today = box.loc[box["game_date"] == day]
    slate = today[
        ["game_id", "game_date", "season", "player_id", "player_name", "team", "opponent", "home", "position"]
    ].assign(commence_time=pd.Timestamp(day).tz_localize("UTC"))
    served = build_features(history, slate, SETTINGS)
    appended = build_features(box.loc[box["game_date"] <= day], _empty_slate(box), SETTINGS)
    served_slate = served.loc[served["is_slate"], COMPARED].reset_index(drop=True)
    appended_day = appended.loc[appended["game_date"] == day, COMPARED].reset_index(drop=True)
    assert len(served_slate) == len(today) > 0
    pd.testing.assert_frame_equal(served_slate, appended_day, check_exact=True)
    # and the history rows are the same whichever way the day's games arrive
    pd.testing.assert_frame_equal(
        served.loc[~served["is_slate"], COMPARED].reset_index(drop=True),
        appended.loc[appended["game_date"] < day, COMPARED].reset_index(drop=True),
        check_exact=True,
    )


@pytest.mark.parametrize("column", PERTURBABLE)
def test_changing_one_days_results_leaves_that_days_features_alone(column: str) -> None:
    box = tiny_league(7, 4, n_days=20, with_optional=True)
    days = np.sort(box["game_date"].unique())
    day = pd.Timestamp(days[len(days) // 2])
    only_today = box.loc[box["game_date"] <= day]
    slate = _empty_slate(box)
    before = build_features(only_today, slate, SETTINGS)
    after = build_features(_perturb(only_today, day, column, 3), slate, SETTINGS)
    pd.testing.assert_frame_equal(_features_up_to(before, day), _features_up_to(after, day), check_exact=True)
    # sanity: the perturbation does reach the features of later games when there are any
    later = build_features(_perturb(box, day, column, 3), slate, SETTINGS)
    full = build_features(box, slate, SETTINGS)
    assert not full[COMPARED].equals(later[COMPARED])
