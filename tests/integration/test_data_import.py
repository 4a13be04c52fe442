"""`nba-pra data import` end to end in a project copy: tables written, slate built, failures change nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import PROJECT_ROOT, SHARED_DATA, copy_project
from nba_pra.cli import main
from nba_pra.config import load_project
from nba_pra.data.sources import generate
from nba_pra.errors import ConfigError

REAL_BOX_SCORES = SHARED_DATA / "box_scores_2012-13_to_2023-24.parquet"


def games_file(path: Path, dates: list[str]) -> Path:
    """BOS and NYK alternating home, two players each, one game per date; NYK's second player DNPs in game 2."""
    rows = []
    for i, day in enumerate(dates):
        home_team, away_team = ("BOS", "NYK") if i % 2 == 0 else ("NYK", "BOS")
        for team, opp in ((home_team, away_team), (away_team, home_team)):
            for k in (1, 2):
                pid = (100 if team == "BOS" else 200) + k
                dnp = i == 1 and pid == 202
                rows.append({"game_id": f"002230000{i + 1}", "game_date": day, "season": "2023-24", "player_id": pid,
                             "player_name": f"{team} {k}", "team": team, "opponent": opp, "home": team == home_team,
                             "starter": k == 1, "start_position": "G" if k == 1 else "", "minutes": None if dnp else
                             f"{30 - k}:30", "pts": None if dnp else 10 * k, "reb": None if dnp else 3,
                             "ast": None if dnp else 2, "dnp": dnp})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def test_import_writes_the_raw_tables_with_the_last_date_as_the_hidden_slate(project: Path, tmp_path: Path,
                                                                                capsys) -> None:
    source = games_file(tmp_path / "box.csv", ["2024-01-02", "2024-01-04", "2024-01-06"])
    assert main(["data", "import", str(source), "-q"]) == 0
    assert "next slate: 2024-01-06 (1 games)" in capsys.readouterr().out
    data = project / "data"
    box = pd.read_parquet(data / "box_scores.parquet")
    assert box["game_id"].tolist() == ["0022300001"] * 4 + ["0022300002"] * 4
    dnp = box.loc[(box["game_id"] == "0022300002") & (box["player_id"] == 202)].iloc[0]
    assert (bool(dnp["played"]), dnp["minutes"], pd.isna(dnp["pts"])) == (False, 0.0, True)
    assert box.loc[box["player_id"] == 101, "minutes"].tolist() == [29.5, 29.5]
    schedule = pd.read_parquet(data / "schedule.parquet")
    assert schedule["status"].tolist() == ["final", "final", "scheduled"]
    assert schedule.iloc[2][["home_team", "away_team"]].tolist() == ["BOS", "NYK"]
    rosters = pd.read_parquet(data / "rosters.parquet")
    assert dict(zip(rosters["player_id"], rosters["position"], strict=True)) == {101: "G", 102: "F", 201: "G", 202: "F"}
    assert pd.read_parquet(data / "lines.parquet").empty
    assert not (data / "ground_truth.parquet").exists()


def test_an_upcoming_schedule_file_makes_its_first_date_the_slate(project: Path, tmp_path: Path) -> None:
    source = games_file(tmp_path / "box.csv", ["2024-01-02", "2024-01-04"])
    upcoming = tmp_path / "upcoming.csv"
    pd.DataFrame({"game_date": ["2024-01-08", "2024-01-10"], "home_team": ["NYK", "BOS"],
                  "away_team": ["BOS", "NYK"]}).to_csv(upcoming, index=False)
    assert main(["data", "import", str(source), "--schedule", str(upcoming), "-q"]) == 0
    box = pd.read_parquet(project / "data" / "box_scores.parquet")
    schedule = pd.read_parquet(project / "data" / "schedule.parquet")
    assert len(box) == 8  # both games are history
    assert schedule["status"].tolist() == ["final", "final", "scheduled", "scheduled"]


def test_a_slate_date_replays_history_up_to_that_date(project: Path, tmp_path: Path, capsys) -> None:
    source = games_file(tmp_path / "box.csv", ["2024-01-02", "2024-01-04", "2024-01-06"])
    assert main(["data", "import", str(source), "--slate-date", "2024-01-04", "--format", "csv"]) == 0
    assert "next slate: 2024-01-04" in capsys.readouterr().out
    assert len(pd.read_parquet(project / "data" / "box_scores.parquet")) == 4


def test_a_failed_import_leaves_data_untouched(project: Path, tmp_path: Path, capsys) -> None:
    good = games_file(tmp_path / "box.csv", ["2024-01-02", "2024-01-04", "2024-01-06"])
    assert main(["data", "import", str(good), "-q"]) == 0
    data = project / "data"
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    bad = pd.read_csv(good, dtype={"game_id": str})
    bad.loc[5, "minutes"] = "99:00"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    assert main(["data", "import", str(tmp_path / "bad.csv")]) == 3
    err = capsys.readouterr().err
    assert "rule 'minutes_range'" in err and "row 6 (" in err
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_the_files_source_imports_its_configured_path_through_generate(project: Path, tmp_path: Path) -> None:
    source = games_file(tmp_path / "box.csv", ["2024-01-02", "2024-01-04"])
    paths = generate(load_project(project, ["data=files", f"data.files.path={source}"]))
    assert sorted(paths) == ["box_scores", "lines", "rosters", "schedule"]
    with pytest.raises(ConfigError, match="no box-score file"):
        generate(load_project(project, ["data=files"]))


def test_an_unknown_source_is_a_config_error(project: Path) -> None:
    with pytest.raises(ConfigError, match="unknown data source 'ftp'"):
        generate(load_project(project, ["data.source=ftp"]))


@pytest.mark.skipif(not REAL_BOX_SCORES.is_file(), reason=f"real box scores not available at {REAL_BOX_SCORES}")
def test_one_real_season_imports_with_every_team_and_the_last_regular_season_day_as_slate(
    project: Path, tmp_path: Path, capsys
) -> None:
    season = pd.read_parquet(REAL_BOX_SCORES, filters=[("season", "==", "2023-24")])
    season.to_parquet(tmp_path / "2023-24.parquet")
    assert main(["data", "import", str(tmp_path / "2023-24.parquet"), "--slate-date", "2024-04-14", "-q"]) == 0
    assert "next slate: 2024-04-14 (15 games)" in capsys.readouterr().out  # all 30 teams close the season
    schedule = pd.read_parquet(project / "data" / "schedule.parquet")
    final = schedule.loc[schedule["status"] == "final"]
    # 30 teams x 81 regular-season games before the last day / 2 + the NBA Cup final (Dec 9, 2023)
    assert len(final) == 30 * 81 // 2 + 1
    box = pd.read_parquet(project / "data" / "box_scores.parquet")
    assert box["team"].nunique() == 30 and box["game_date"].max() == pd.Timestamp("2024-04-12")
    rosters = pd.read_parquet(project / "data" / "rosters.parquet")
    assert rosters["team"].nunique() == 30


REAL_LINES = SHARED_DATA / "pra_lines_2023-24.csv"


@pytest.mark.skipif(not REAL_LINES.is_file(), reason=f"real lines not available at {REAL_LINES}")
def test_real_odds_api_lines_are_joined_to_the_imported_games_and_players(project: Path, tmp_path: Path) -> None:
    season = pd.read_parquet(REAL_BOX_SCORES, filters=[("season", "==", "2023-24")])
    season.to_parquet(tmp_path / "2023-24.parquet")
    assert main(["data", "import", str(tmp_path / "2023-24.parquet"), "--slate-date", "2024-01-15",
                 "--lines", str(REAL_LINES), "-q"]) == 0
    lines = pd.read_parquet(project / "data" / "lines.parquet")
    raw = pd.read_csv(REAL_LINES)
    eastern = pd.to_datetime(raw["timestamp"], utc=True).dt.tz_convert("America/New_York").dt.date.astype(str)
    # every book's row of a game up to the slate date, its latest snapshot only, with the names that match
    assert lines["game_date"].max() == pd.Timestamp("2024-01-15")
    on_slate = lines.loc[lines["game_date"] == pd.Timestamp("2024-01-15")]
    raw_on_slate = raw.loc[eastern == "2024-01-15"]
    assert on_slate["player_name"].nunique() >= 0.97 * raw_on_slate["player_name"].nunique()
    seen = pd.concat([season[["game_id", "player_id"]]]).astype({"game_id": str})
    assert len(lines.merge(seen.drop_duplicates(), on=["game_id", "player_id"])) == len(lines)


def test_import_in_a_dvc_repository_updates_data_dvc(project: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    shutil.copytree(PROJECT_ROOT / ".dvc", project / ".dvc", ignore=shutil.ignore_patterns("tmp", "cache"))
    assert subprocess.run(["git", "init", "-q"], cwd=project).returncode == 0
    source = games_file(tmp_path / "games.csv", ["2024-01-02", "2024-01-04", "2024-01-06"])
    assert main(["data", "import", str(source), "-q"]) == 0
    pointer = yaml.safe_load((project / "data.dvc").read_text())
    assert pointer["outs"][0]["path"] == "data"
    status = subprocess.run([sys.executable, "-m", "dvc", "status", "data.dvc"], cwd=project, capture_output=True,
                            text=True)
    assert status.returncode == 0 and "up to date" in status.stdout, status.stdout + status.stderr
    # a second import of other games changes the pointer
    before = pointer["outs"][0]["md5"]
    source = games_file(tmp_path / "games2.csv", ["2024-01-02", "2024-01-04", "2024-01-08"])
    assert main(["data", "import", str(source), "-q"]) == 0
    assert yaml.safe_load((project / "data.dvc").read_text())["outs"][0]["md5"] != before


def test_import_outside_a_dvc_repository_warns_and_keeps_the_data(project: Path, tmp_path: Path, caplog) -> None:
    source = games_file(tmp_path / "games.csv", ["2024-01-02", "2024-01-04", "2024-01-06"])
    assert main(["data", "import", str(source)]) == 0
    assert (project / "data" / "box_scores.parquet").is_file() and not (project / "data.dvc").exists()
    assert "not a DVC repository" in caplog.text
