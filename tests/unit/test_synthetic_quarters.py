"""The synthetic league quarter by quarter: the final box scores (and data.dvc) unchanged, quarters adding up to
them, and a game state that tells the story (foul trouble early, blowouts late)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from nba_pra.data.store import RAW_TABLES, write_table
from nba_pra.data.synthetic import League, simulate_league
from nba_pra.data.synthetic.quarters import QUARTER_COLUMNS, simulate_quarters, validate_quarters
from nba_pra.errors import ConfigError
from synthetic_support import PROJECT_ROOT, default_league_settings, small_league_settings

BASE = default_league_settings()


small = small_league_settings


@pytest.fixture(scope="module")
def league() -> League:
    return simulate_league(small())


@pytest.fixture(scope="module")
def quarters(league: League) -> pd.DataFrame:
    return simulate_quarters(league, small())


def _per_game(quarters: pd.DataFrame) -> pd.DataFrame:
    return quarters.groupby(["game_id", "player_id"], as_index=False).agg(
        seconds=("seconds", "sum"), pts=("pts", "sum"), reb=("reb", "sum"), ast=("ast", "sum"), pf=("pf", "sum"))


def _dvc_dir_md5(folder: Path) -> str:
    """DVC's hash of a tracked folder: md5 of the sorted JSON list of its files' md5 and relative path."""
    entries = sorted(({"md5": hashlib.md5((folder / name).read_bytes()).hexdigest(), "relpath": name}
                      for name in RAW_TABLES.values()), key=lambda e: e["relpath"])
    return hashlib.md5(json.dumps(entries, sort_keys=True).encode()).hexdigest()


def test_the_default_league_still_writes_the_files_data_dvc_records(tmp_path: Path) -> None:
    """The game state behind the quarters draws nothing: the six raw tables hash to data.dvc's md5 as before."""
    league = simulate_league(BASE)
    for table, name in RAW_TABLES.items():
        write_table(getattr(league, table), tmp_path / name)
    recorded = yaml.safe_load((PROJECT_ROOT / "data.dvc").read_text())["outs"][0]["md5"]
    assert f"{_dvc_dir_md5(tmp_path)}.dir" == recorded


def test_the_game_states_are_not_a_raw_table(league: League) -> None:
    assert "game_states" not in RAW_TABLES
    assert league.game_states[["game_id", "player_id"]].equals(
        league.box_scores[["game_id", "player_id"]].reset_index(drop=True))


def test_quarters_add_up_to_every_played_box_score_line(league: League, quarters: pd.DataFrame) -> None:
    assert tuple(quarters.columns) == QUARTER_COLUMNS
    box = league.box_scores.loc[league.box_scores["played"]]
    merged = box.merge(_per_game(quarters), on=["game_id", "player_id"], suffixes=("", "_q"), validate="1:1")
    assert len(merged) == len(box)
    assert (np.rint(merged["minutes"] * 60) == merged["seconds"]).all()
    for col in ("pts", "reb", "ast", "pf"):
        assert (merged[col] == merged[f"{col}_q"]).all(), col


def test_no_period_is_longer_than_its_clock_and_every_player_has_every_period(quarters: pd.DataFrame) -> None:
    assert quarters["seconds"].between(0, 12 * 60).all()
    assert (quarters.groupby(["game_id", "player_id"]).size() == 4).all()


def test_quarters_are_deterministic_and_follow_the_seed(league: League, quarters: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(simulate_quarters(league, small()), quarters)
    other = simulate_quarters(league, dataclasses.replace(small(), seed=small().seed + 1))
    assert not other["seconds"].equals(quarters["seconds"])


def test_a_longer_league_leaves_earlier_quarters_unchanged(quarters: pd.DataFrame) -> None:
    longer = small(current_season_days_played=40)
    more = simulate_quarters(simulate_league(longer), longer)
    before = more.loc[more["game_date"] <= quarters["game_date"].max()].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, quarters)


def test_the_margin_path_ends_at_the_final_margin_and_teams_see_opposite_margins(
        league: League, quarters: pd.DataFrame) -> None:
    final = quarters.loc[quarters["period"] == 4].merge(league.game_states, on=["game_id", "player_id"])
    assert np.allclose(final["margin"], np.rint(final["team_margin"]), atol=1.0)
    per_team = quarters.groupby(["game_id", "team", "period"])["margin"].agg(["min", "max"])
    assert (per_team["min"] == per_team["max"]).all()
    home_away = quarters.groupby(["game_id", "period"])["margin"].agg(["min", "max"])
    assert np.allclose(home_away["min"], -home_away["max"])


def test_fouled_out_players_play_no_minute_after_their_sixth_foul(quarters: pd.DataFrame) -> None:
    q = quarters.assign(fouls=quarters.groupby(["game_id", "player_id"])["pf"].cumsum())
    out_by = q.groupby(["game_id", "player_id"])["fouls"].shift(1).fillna(0) >= 6
    assert (q.loc[out_by, "seconds"] == 0).all()
    fouled_out = q["fouls"] >= 6
    assert q.loc[fouled_out, "out"].all() and not q.loc[fouled_out, "on_court"].any()


def test_foul_trouble_shows_in_early_fouls_and_blowouts_in_late_starter_minutes(
        league: League, quarters: pd.DataFrame) -> None:
    q = quarters.merge(league.game_states, on=["game_id", "player_id"]).merge(
        league.box_scores[["game_id", "player_id", "starter"]], on=["game_id", "player_id"])
    first = q.loc[q["period"] == 1]
    assert first.loc[first["foul_trouble"], "pf"].mean() > 2 * first.loc[~first["foul_trouble"], "pf"].mean()
    last = q.loc[(q["period"] == 4) & q["starter"]]
    assert last.loc[last["blowout"], "seconds"].mean() < 0.8 * last.loc[~last["blowout"], "seconds"].mean()


def test_quarter_settings_that_do_not_fit_the_periods_are_refused() -> None:
    bad = dataclasses.replace(BASE.quarters, starter_profile=(0.5, 0.5))
    with pytest.raises(ConfigError, match="starter_profile"):
        validate_quarters(dataclasses.replace(BASE, quarters=bad))
    bad = dataclasses.replace(BASE.quarters, foul_trouble_period=(0.5, 0.2))
    with pytest.raises(ConfigError, match="foul_trouble_period"):
        validate_quarters(dataclasses.replace(BASE, quarters=bad))
