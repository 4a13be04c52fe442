"""The official injury report source against a real local HTTP server serving the two real PDFs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from availability_server import ReportServer
from nba_pra.availability import official
from nba_pra.availability.asof import availability_table
from nba_pra.availability.settings import AvailabilitySettings, AvailabilitySource, OfficialReportSettings
from nba_pra.availability.sources import SourceInputs, collect_snapshots
from nba_pra.config import load_project
from nba_pra.errors import AvailabilityError
from nba_pra.http_session import RetrySettings
from odds_server import closed_port
from settings_support import conf

EASTERN = "America/New_York"
NAMES = ("Injury-Report_2025-03-08_12PM.pdf", "Injury-Report_2025-03-08_05PM.pdf")
FAST_RETRY = conf(RetrySettings, total=2, backoff_factor=0.0, backoff_jitter=0.0, backoff_max=0.0)


def _et(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=EASTERN).tz_convert("UTC")


@pytest.fixture(scope="module")
def pdfs(shared_data: Path) -> dict[str, bytes]:
    folder = shared_data / "availability" / "official_pdf_samples"
    return {name: (folder / name).read_bytes() for name in NAMES}


def _settings(server: ReportServer) -> OfficialReportSettings:
    return conf(OfficialReportSettings, url_pattern=server.url_pattern, retry=FAST_RETRY, read_timeout_s=5.0,
                min_interval_s=0.0)


def test_the_fetcher_takes_the_latest_report_published_by_the_cutoff_and_caches_it(
    pdfs: dict[str, bytes], tmp_path: Path
) -> None:
    with ReportServer(pdfs) as server:
        settings = _settings(server)
        got = official.fetch_reports([_et("2025-03-08 19:00")], settings, tmp_path, now=_et("2025-03-08 23:00"),
                                     timezone=EASTERN)
        # 6 PM (published 18:30) does not exist yet, 5 PM does: newest first, stop at the first found
        assert [p.name for p in got] == [NAMES[1]]
        assert server.requests == ["Injury-Report_2025-03-08_06PM.pdf", NAMES[1]]
        assert (tmp_path / NAMES[1]).read_bytes() == pdfs[NAMES[1]]
        again = official.fetch_reports([_et("2025-03-08 19:00")], settings, tmp_path, now=_et("2025-03-08 23:00"),
                                       timezone=EASTERN)
        assert again == got and server.requests.count(NAMES[1]) == 1  # the cache answers, no refetch
        # at 13:00 the 12:30 report is the newest that can exist: later hours are never requested
        early = official.fetch_reports([_et("2025-03-08 19:00")], settings, tmp_path / "early",
                                       now=_et("2025-03-08 13:00"), timezone=EASTERN)
        assert [p.name for p in early] == [NAMES[0]]
        assert not any(r.endswith(("01PM.pdf", "02PM.pdf")) for r in server.requests)


def test_a_transient_server_error_is_retried(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    with ReportServer(pdfs) as server:
        server.fail(NAMES[1], 503)
        got = official.fetch_reports([_et("2025-03-08 18:00")], _settings(server), tmp_path,
                                     now=_et("2025-03-08 23:00"), timezone=EASTERN)
        assert [p.name for p in got] == [NAMES[1]] and server.requests.count(NAMES[1]) == 2


@pytest.mark.parametrize(
    ("fault", "message"), [(500, "HTTP 500"), (200, "not a PDF")]
)
def test_server_failures_raise_an_availability_error(
    pdfs: dict[str, bytes], tmp_path: Path, fault: int, message: str
) -> None:
    files = {**pdfs, NAMES[1]: b"<html>maintenance</html>"} if fault == 200 else pdfs
    with ReportServer(files) as server:
        if fault != 200:
            server.fail(NAMES[1], fault, fault, fault)
        with pytest.raises(AvailabilityError, match=message):
            official.fetch_reports([_et("2025-03-08 18:00")], _settings(server), tmp_path,
                                   now=_et("2025-03-08 23:00"), timezone=EASTERN)
    assert not (tmp_path / NAMES[1]).exists()


def test_an_unreachable_server_raises_an_availability_error(tmp_path: Path) -> None:
    pattern = f"http://127.0.0.1:{closed_port()}/Injury-Report_{{published:%Y-%m-%d_%I%p}}.pdf"
    settings = conf(OfficialReportSettings, url_pattern=pattern, retry=FAST_RETRY, connect_timeout_s=1.0,
                    min_interval_s=0.0)
    with pytest.raises(AvailabilityError, match="request failed"):
        official.fetch_reports([_et("2025-03-08 18:00")], settings, tmp_path, now=_et("2025-03-08 23:00"),
                               timezone=EASTERN)


def _schedule() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_id": ["G1"],
            "game_date": pd.to_datetime(["2025-03-08"]),
            "season": ["2024-25"],
            "home_team": ["HOU"],
            "away_team": ["NOP"],
            "commence_time": [_et("2025-03-08 19:00")],
            "status": ["scheduled"],
        }
    )


def test_the_official_source_fetches_parses_and_resolves_the_slate_report(
    pdfs: dict[str, bytes], tmp_path: Path
) -> None:
    project = load_project()
    archive = tmp_path / "archive" / project.settings.availability.official.archive_dir
    archive.mkdir(parents=True)
    (archive / NAMES[0]).write_bytes(pdfs[NAMES[0]])  # the noon run archived the noon report
    with ReportServer(pdfs) as server:
        settings = conf(AvailabilitySettings, source=AvailabilitySource.OFFICIAL, official=_settings(server),
                                        status_map=project.settings.availability.status_map,
                                        cutoff_minutes=30.0)
        settings = dataclasses.replace(
            settings, official=dataclasses.replace(settings.official, team_names={"LA Clippers": "LAC"})
        )
        inputs = SourceInputs(tmp_path, tmp_path / "cache", tmp_path / "archive", _schedule(),
                              project.settings.odds.teams, now=_et("2025-03-08 23:00"))
        snapshots = collect_snapshots(settings, inputs)
        assert NAMES[0] not in server.requests
    # tip 19:00 -> cut-off 18:30: the 5 PM report is fetched into the archive and is the one read (the noon report
    # stays archived, but the game sees the newest report by its cut-off)
    assert sorted(snapshots["published_at"].unique()) == [_et("2025-03-08 17:30")]
    assert sorted(p.name for p in archive.glob("*.pdf")) == sorted(NAMES)
    games = pd.DataFrame({"game_id": ["G1", "G1"], "game_date": pd.to_datetime(["2025-03-08"] * 2),
                          "team": ["HOU", "NOP"], "commence_time": [_et("2025-03-08 19:00")] * 2})
    candidates = pd.DataFrame({"game_id": ["G1"] * 3, "team": ["NOP", "NOP", "HOU"], "player_id": [1, 2, 3],
                               "player_name": ["Dejounte Murray", "Herbert Jones", "Fred VanVleet"]})
    table, report = availability_table(snapshots, games, candidates, settings, project.settings.odds.matching)
    players = table.dropna(subset=["player_id"]).set_index("player_id")["status_code"]
    assert players.to_dict() == {1: 4.0, 2: 4.0, 3: 4.0}
    assert table.loc[table["player_id"].isna(), "report_published_at"].eq(_et("2025-03-08 17:30")).all()
    assert report.matching is not None and report.matching.n_unmatched > 0  # two-way players not in the roster


def test_an_unknown_team_name_in_a_report_is_an_error(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    rows = official.parse_injury_report(pdfs[NAMES[0]])
    names = official.team_codes({"HOU": "Houston Rockets"}, {})
    with pytest.raises(AvailabilityError, match="team name"):
        official.report_snapshots(rows, names, {})
