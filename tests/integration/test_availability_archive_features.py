"""Training sees ``pre_*`` wherever the archive covers a game and "unknown" elsewhere: real box-score-shaped data for
two real teams, the two real official PDFs of 2025-03-08 in the archive, then the availability and feature
stages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nba_pra import artifacts
from nba_pra.availability.archive import ReportArchive
from nba_pra.cli import main
from nba_pra.config import load_project
from nba_pra.stages import availability, features

NAMES = ("Injury-Report_2025-03-08_12PM.pdf", "Injury-Report_2025-03-08_05PM.pdf")
#: players as the 2025-03-08 reports print them: VanVleet (HOU), Murray and Jones (NOP) are listed out
ROSTERS = {
    "HOU": [(1, "Fred VanVleet"), *[(10 + i, f"Rocket Player{i}") for i in range(7)]],
    "NOP": [(2, "Dejounte Murray"), (3, "Herbert Jones"), *[(20 + i, f"Pelican Player{i}") for i in range(6)]],
}
OUT = {1, 2, 3}
#: (game id, date, home, away); 03-06 and 03-10 have no archived report, 03-08 has two
GAMES = [("0022400901", "2025-03-02", "HOU", "NOP"), ("0022400902", "2025-03-04", "NOP", "HOU"),
         ("0022400903", "2025-03-06", "HOU", "NOP"), ("0022400904", "2025-03-08", "HOU", "NOP"),
         ("0022400905", "2025-03-10", "NOP", "HOU")]
COVERED, UNCOVERED = "0022400904", "0022400903"


def _box_scores() -> pd.DataFrame:
    rows = []
    for game_id, day, home, away in GAMES:
        for team, opp in ((home, away), (away, home)):
            for pid, name in ROSTERS[team]:
                if pid in OUT and day >= "2025-03-08":
                    continue  # out from 03-08 on, as the report says
                rows.append({"game_id": game_id, "game_date": day, "season": "2024-25", "player_id": pid,
                             "player_name": name, "team": team, "opponent": opp, "home": team == home,
                             "minutes": 30.0 if pid < 10 else 20.0, "pts": 15, "reb": 5, "ast": 3})
    return pd.DataFrame(rows)


@pytest.fixture
def archived(tmp_project: Path, shared_data: Path) -> Path:
    """The project with the box scores imported and the two real PDFs in its archive."""
    box = tmp_project / "box.parquet"
    _box_scores().to_parquet(box, index=False)
    assert main(["data", "import", str(box)]) == 0
    project = load_project(tmp_project)
    folder = tmp_project / "archive" / project.settings.availability.official.archive_dir
    archive = ReportArchive(folder)
    for name in NAMES:
        content = (shared_data / "availability" / "official_pdf_samples" / name).read_bytes()
        archive.store(f"https://example.invalid/{name}", name, content, published_at=pd.Timestamp("2025-03-08",
                      tz="UTC"), fetched_at=pd.Timestamp("2025-03-09", tz="UTC"), http_status=200)
    return tmp_project


def test_a_game_the_archive_covers_gets_known_pre_features_and_one_it_does_not_stays_unknown(
    archived: Path,
) -> None:
    project = load_project(archived, overrides=["availability=files", "availability.lineups.path=''"])
    summary = availability.run(project, now=pd.Timestamp("2025-03-10 12:00", tz="UTC"))
    assert summary["status"] == "ok" and summary["team_games_with_report"] == 2  # HOU and NOP on 03-08 only
    features.run(project)
    frame = pd.read_parquet(artifacts.FEATURES.path(project))
    covered = frame.loc[frame["game_id"] == COVERED]
    uncovered = frame.loc[frame["game_id"] == UNCOVERED]
    assert len(covered) and len(uncovered)
    assert (covered["pre_known"] == 1).all() and (uncovered["pre_known"] == 0).all()
    # VanVleet (30-minute form) is out for HOU; Murray and Jones (30 each) for NOP: teammates see those minutes
    hou = covered.loc[covered["team"] == "HOU", "pre_team_out_minutes"]
    nop = covered.loc[covered["team"] == "NOP", "pre_team_out_minutes"]
    assert (hou == 30.0).all() and (nop == 60.0).all()
    assert (covered.loc[covered["team"] == "HOU", "pre_opp_out_minutes"] == 60.0).all()
    pre = [c for c in frame.columns if c.startswith("pre_") and c != "pre_known"]
    assert uncovered[pre].isna().all().all()
    # nothing for the slate day either (no report archived for 03-10)
    assert (frame.loc[frame["game_date"] == pd.Timestamp("2025-03-10"), "pre_known"] == 0).all()
