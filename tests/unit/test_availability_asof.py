"""The cut-off join: latest snapshot before the cut-off, names resolved with the odds matcher, unknown != 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nba_pra.availability.asof import (
    LINEUP,
    REPORT,
    STATUS_LEVELS,
    availability_table,
    map_status,
    normalize_snapshots,
    team_candidates,
    tip_times,
)
from nba_pra.availability.lineups import RotowireFileProvider, rotowire_snapshots
from nba_pra.availability.settings import AvailabilitySettings, LineupFileSettings
from nba_pra.config import load_project
from nba_pra.errors import AvailabilityError, DataValidationError
from nba_pra.odds.settings import MatchingSettings
from settings_support import conf

TIP = pd.Timestamp("2025-03-08 19:30", tz="America/New_York").tz_convert("UTC")
SETTINGS = conf(AvailabilitySettings, cutoff_minutes=30.0)
MATCHING = conf(MatchingSettings, aliases={"Herb Jones": "Herbert Jones"})


def _games() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_id": ["G1", "G1"],
            "game_date": pd.to_datetime(["2025-03-08"] * 2),
            "team": ["NOP", "HOU"],
            "commence_time": [TIP, TIP],
        }
    )


def _candidates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_id": ["G1"] * 4,
            "team": ["NOP", "NOP", "NOP", "HOU"],
            "player_id": [1, 2, 3, 4],
            "player_name": ["Herbert Jones", "Keion Brooks", "Dejounte Murray", "Fred VanVleet"],
        }
    )


def _snap(kind: str, published: str, team: str, name: str, status: str | None, starter: float = np.nan) -> dict:
    return {
        "kind": kind,
        "published_at": pd.Timestamp(published, tz="America/New_York"),
        "game_date": pd.Timestamp("2025-03-08"),
        "team": team,
        "player_name": name,
        "player_id": pd.NA,
        "status": status,
        "starter": starter,
    }


def _table(rows: list[dict]) -> tuple[pd.DataFrame, object]:
    return availability_table(pd.DataFrame(rows), _games(), _candidates(), SETTINGS, MATCHING)


def test_only_the_latest_report_before_the_cutoff_is_visible() -> None:
    table, report = _table(
        [
            _snap(REPORT, "2025-03-08 12:30", "NOP", "Jones, Herb", "questionable"),
            _snap(REPORT, "2025-03-08 17:30", "NOP", "Jones, Herb", "out"),
            _snap(REPORT, "2025-03-08 19:15", "NOP", "Jones, Herb", "available"),  # after 19:00: invisible
        ]
    )
    jones = table.loc[table["player_id"] == 1].iloc[0]
    assert jones["status_code"] == STATUS_LEVELS.index("out")
    team = table.loc[table["player_id"].isna() & (table["team"] == "NOP")].iloc[0]
    assert team["report_known"] and not team["lineup_known"]
    assert team["report_published_at"] == pd.Timestamp("2025-03-08 17:30", tz="America/New_York")
    assert report.n_late_rows == 1
    # HOU published nothing: no team row, so its features will be unknown (never "nobody out")
    assert not (table["team"] == "HOU").any()


def test_names_in_last_first_form_with_suffixes_and_nicknames_resolve_with_the_odds_matcher() -> None:
    table, report = _table(
        [
            _snap(REPORT, "2025-03-08 17:30", "NOP", "Jones, Herb", "out"),
            _snap(REPORT, "2025-03-08 17:30", "NOP", "Brooks Jr., Keion", "out"),
            _snap(REPORT, "2025-03-08 17:30", "NOP", "Murray, Dejounte", "doubtful"),
            _snap(REPORT, "2025-03-08 17:30", "NOP", "Nobody, Some", "out"),
        ]
    )
    listed = table.dropna(subset=["player_id"]).set_index("player_id")["status_code"]
    assert listed.to_dict() == {1: 4.0, 2: 4.0, 3: 3.0}
    summary = report.as_dict()
    assert summary["names"] == 4 and summary["names_matched"] == 3 and summary["unmatched_sample"] == ["Nobody, Some"]


def test_a_lineup_gives_starters_and_fills_status_where_no_report_is_visible() -> None:
    table, _ = _table(
        [
            _snap(LINEUP, "2025-03-08 18:00", "HOU", "Fred VanVleet", "questionable", 1.0),
            _snap(LINEUP, "2025-03-08 18:00", "NOP", "Herbert Jones", "available", 1.0),
            _snap(LINEUP, "2025-03-08 18:00", "NOP", "Herbert Jones", "out", 0.0),  # listed twice: worst status
            _snap(REPORT, "2025-03-08 17:30", "NOP", "Murray, Dejounte", "out"),
        ]
    )
    players = table.dropna(subset=["player_id"]).set_index("player_id")
    assert players.loc[4, "status_code"] == 2.0 and players.loc[4, "starter"] == 1.0
    # NOP has a report: Jones is not on it, so he is available whatever the lineup's likelihood says
    assert players.loc[1, "status_code"] == 0.0 and players.loc[1, "starter"] == 1.0
    assert players.loc[3, "status_code"] == 4.0 and players.loc[3, "starter"] == 0.0


def test_tip_times_fall_back_to_the_assumed_local_tip_on_weekdays_and_weekends() -> None:
    games = pd.DataFrame(
        {"game_date": pd.to_datetime(["2021-04-06", "2021-04-10", "2021-04-07"]),
         "commence_time": [pd.NaT, pd.NaT, pd.Timestamp("2021-04-07 23:00", tz="UTC")]}
    )
    tips = tip_times(games, SETTINGS)
    assert tips.tolist() == [
        pd.Timestamp("2021-04-06 23:00", tz="UTC"),  # 19:00 EDT on a Tuesday
        pd.Timestamp("2021-04-10 16:00", tz="UTC"),  # 12:00 EDT on a Saturday
        pd.Timestamp("2021-04-07 23:00", tz="UTC"),
    ]


def test_bad_snapshots_are_rejected() -> None:
    good = _snap(REPORT, "2025-03-08 17:30", "NOP", "Jones, Herb", "out")
    with pytest.raises(DataValidationError, match="status"):
        normalize_snapshots(pd.DataFrame([{**good, "status": "gone fishing"}]))
    with pytest.raises(DataValidationError, match="kind"):
        normalize_snapshots(pd.DataFrame([{**good, "kind": "rumour"}]))
    with pytest.raises(DataValidationError, match="column"):
        normalize_snapshots(pd.DataFrame([good]).drop(columns=["starter"]))


def test_printed_statuses_and_likelihoods_map_to_the_five_levels() -> None:
    status_map = load_project().settings.availability.status_map
    printed = pd.Series(["Out", "Very Unlikely To Play", "Toss Up To Play", "Available", None, "weird"])
    mapped = map_status(printed, status_map)
    assert mapped[:4].tolist() == ["out", "out", "questionable", "available"] and mapped[4:].isna().all()


def test_candidates_are_the_teams_players_listed_so_far_that_season() -> None:
    listed = pd.DataFrame(
        {
            "game_date": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-01"]),
            "season": ["2024-25"] * 3,
            "team": ["NOP", "NOP", "HOU"],
            "player_id": [1, 2, 4],
            "player_name": ["A", "B", "D"],
        }
    )
    games = pd.DataFrame(
        {"game_id": ["G0", "G1"], "game_date": pd.to_datetime(["2025-01-03", "2025-01-06"]),
         "season": ["2024-25"] * 2, "team": ["NOP", "NOP"]}
    )
    out = team_candidates(listed, games)
    assert out.groupby("game_id")["player_id"].apply(sorted).to_dict() == {"G0": [1], "G1": [1, 2]}


def test_rotowire_rows_become_lineup_snapshots_with_nba_tricodes() -> None:
    raw = pd.DataFrame(
        {
            "snapshot_time": ["2021-03-20T16:00:00-04:00"] * 3,
            "game_date": ["2021-03-20"] * 3,
            "team": ["GS", "GS", "GS"],
            "row_type": ["starter", "may_not_play", "unknown"],
            "play_likelihood": ["Very Likely To Play", "Very Unlikely To Play", "Toss Up To Play"],
            "player_name": ["Stephen Curry", "Klay Thompson", "Someone"],
        }
    )
    settings = conf(LineupFileSettings, team_codes={"GS": "GSW"})
    snaps = rotowire_snapshots(raw, settings, load_project().settings.availability.status_map)
    assert snaps["team"].unique().tolist() == ["GSW"] and snaps["kind"].unique().tolist() == [LINEUP]
    assert snaps["status"].tolist() == ["available", "out", "questionable"]
    assert snaps["starter"].tolist()[:2] == [1.0, 0.0] and np.isnan(snaps["starter"].iloc[2])
    assert snaps["published_at"].iloc[0] == pd.Timestamp("2021-03-20 20:00", tz="UTC")
    with pytest.raises(AvailabilityError, match="lacks"):
        rotowire_snapshots(raw.drop(columns=["row_type"]), settings, {})


def test_the_rotowire_file_provider_reads_the_real_snapshots(shared_data: Path, tmp_path: Path) -> None:
    settings = load_project().settings.availability
    path = shared_data / "availability" / "rotowire_lineups_2020-21_2023-24.parquet"
    snaps = RotowireFileProvider(path, settings.lineups, settings.status_map).lineups()
    assert len(snaps) == 79_067 and snaps["status"].notna().all()
    assert set(snaps["team"]) <= set(settings.lineups.team_codes.values()) | set(load_project().settings.odds.teams)
    with pytest.raises(AvailabilityError, match="not found"):
        RotowireFileProvider(tmp_path / "nope.parquet", settings.lineups, settings.status_map).lineups()
    (tmp_path / "bad.parquet").write_text("garbage")
    with pytest.raises(AvailabilityError, match="unreadable"):
        RotowireFileProvider(tmp_path / "bad.parquet", settings.lineups, settings.status_map).lineups()
