"""The real 2023-24 PRA lines join to the real box scores exactly: names to player ids, UTC dates to US dates.

Checked against the raw file and the box scores independently of the join code: every matched line's game is the
one whose teams and US-Eastern date the raw row names, and its player played (or sat) for one of those teams.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from nba_pra.config import load_project
from nba_pra.market_eval.inputs import load_inputs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real(shared_data: Path, project_root: Path):
    project = load_project(project_root, [
        f"market.box_scores={shared_data / 'box_scores_2012-13_to_2023-24.parquet'}",
        f"market.lines={shared_data / 'pra_lines_2023-24.csv'}", "market.season=2023-24"])
    return project, load_inputs(project), pd.read_csv(shared_data / "pra_lines_2023-24.csv")


def test_at_least_97_percent_of_names_match_and_every_unmatched_name_is_listed(real) -> None:
    _, inputs, raw = real
    report = inputs.match
    assert report.n_matched / report.n_names >= 0.97
    assert report.n_unmatched == report.n_names - report.n_matched
    assert set(report.unmatched["player_name"]) <= set(raw["player_name"])
    # a name listed as unmatched has no matched line in that game
    matched = inputs.lines[["game_id", "player_name"]].drop_duplicates()
    assert matched.merge(report.unmatched, on=["game_id", "player_name"]).empty


def test_every_matched_line_is_the_game_its_teams_and_eastern_date_name(real, project_root: Path) -> None:
    _, inputs, raw = real
    teams = yaml.safe_load((project_root / "conf" / "odds" / "teams" / "nba.yaml").read_text())
    names = {v: k for k, v in teams.items()}
    raw = raw.assign(eastern_date=pd.to_datetime(raw["timestamp"], utc=True).dt.tz_convert("America/New_York")
                     .dt.tz_localize(None).dt.normalize(),
                     home=raw["home_team"].map(names), away=raw["away_team"].map(names))
    box = inputs.box_scores
    games = box.loc[box["home"], ["game_id", "game_date", "team", "opponent"]].drop_duplicates("game_id")
    joined = inputs.lines.merge(games.rename(columns={"game_date": "box_date"}), on="game_id")
    assert len(joined) == len(inputs.lines)
    assert (joined["game_date"] == joined["box_date"]).all()
    keys = ["player_name", "bookmaker", "line", "over_price", "under_price", "home", "away"]
    back = joined.rename(columns={"team": "home", "opponent": "away"}).merge(
        raw[[*keys, "eastern_date", "event_date"]], on=keys)
    back["same_day"] = back["eastern_date"] == back["game_date"]
    assert back.groupby(["game_id", "player_name", "bookmaker"])["same_day"].any().all()
    # the UTC trap is real in this file: late games carry the next UTC day as event_date
    late = back["event_date"].astype("datetime64[ns]") == back["game_date"] + pd.Timedelta(days=1)
    assert late.sum() > 1000
    player_games = box[["game_id", "player_id", "team"]]
    with_team = inputs.lines.merge(player_games, on=["game_id", "player_id"], how="left")
    assert with_team["team"].notna().all()
