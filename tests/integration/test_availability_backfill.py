"""``nba-pra availability backfill`` against a real local HTTP server serving the two real official PDFs: the
archive and its index, resuming after failures, remembered 404s, the rate limit (measured at the server), and
one-sentence errors for bad dates."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from availability_server import ReportServer
from nba_pra.cli import main

NAMES = ("Injury-Report_2025-03-08_12PM.pdf", "Injury-Report_2025-03-08_05PM.pdf")
HOURS = ("11AM", "12PM", "04PM", "05PM")
DAY = "2025-03-08"
INTERVAL_S = 0.25


@pytest.fixture(scope="module")
def pdfs(shared_data: Path) -> dict[str, bytes]:
    folder = shared_data / "availability" / "official_pdf_samples"
    return {name: (folder / name).read_bytes() for name in NAMES}


def _backfill(server: ReportServer, *extra: str, start: str = DAY, end: str = DAY) -> int:
    return main([
        "availability", "backfill", "--from", start, "--to", end,
        f"availability.official.url_pattern='{server.url_pattern}'",
        "availability.official.schedule_hours_et=[11,12,16,17]",
        f"availability.official.min_interval_s={INTERVAL_S}",
        "availability.official.retry.total=2", "availability.official.retry.backoff_factor=0",
        "availability.official.retry.backoff_jitter=0", *extra,
    ])


def _archive(root: Path) -> Path:
    return root / "archive" / "availability" / "official"


def _index(root: Path) -> list[dict]:
    return [json.loads(line) for line in (_archive(root) / "index.jsonl").read_text().splitlines()]


def test_backfill_archives_each_report_with_its_times_and_digest_at_a_polite_pace(
    tmp_project: Path, pdfs: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    started = pd.Timestamp.now(tz="UTC")
    with ReportServer(pdfs) as server:
        assert _backfill(server) == 0
        finished = pd.Timestamp.now(tz="UTC")
        first_requests, first_times = list(server.requests), list(server.times)
        server.requests.clear()
        # a second run asks for nothing: archived reports and remembered 403s are known
        assert _backfill(server) == 0
        assert server.requests == []
    assert first_requests == [f"Injury-Report_{DAY}_{h}.pdf" for h in HOURS]  # oldest first
    # the rate limit, measured on arrival at the server (a little slack for scheduling on a busy machine)
    assert min(b - a for a, b in itertools.pairwise(first_times)) >= INTERVAL_S - 0.03
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"backfill {DAY}..{DAY}: 4 report hours, 2 archived, 2 not published, 0 already known, 0 failed (4 requests)",
        f"backfill {DAY}..{DAY}: 4 report hours, 0 archived, 0 not published, 4 already known, 0 failed (0 requests)",
    ]
    folder = _archive(tmp_project)
    assert {p.name: p.read_bytes() for p in folder.glob("*.pdf")} == pdfs
    index = _index(tmp_project)
    # 2025-03-08 is still standard time (EST = UTC-5): the HH file is published at HH:30 ET
    assert [(e["file"], e["published_at"], e["status"], e["http_status"]) for e in index] == [
        (f"Injury-Report_{DAY}_11AM.pdf", "2025-03-08T16:30:00+00:00", "not_published", 403),
        (NAMES[0], "2025-03-08T17:30:00+00:00", "ok", 200),
        (f"Injury-Report_{DAY}_04PM.pdf", "2025-03-08T21:30:00+00:00", "not_published", 403),
        (NAMES[1], "2025-03-08T22:30:00+00:00", "ok", 200),
    ]
    ok = {e["file"]: e for e in index if e["status"] == "ok"}
    for name, content in pdfs.items():
        assert (ok[name]["sha256"], ok[name]["bytes"]) == (hashlib.sha256(content).hexdigest(), len(content))
        assert ok[name]["url"] == f"{server.root_url}/referee/injury/{name}"
    assert all(started <= pd.Timestamp(e["fetched_at"]) <= finished for e in index)
    assert [(e["sha256"], e["bytes"]) for e in index if e["status"] != "ok"] == [(None, 0), (None, 0)]


def test_a_url_failing_after_its_retries_is_reported_and_fetched_by_the_next_run(
    tmp_project: Path, pdfs: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    with ReportServer(pdfs) as server:
        server.fail(NAMES[0], 500, 500, 500)  # the first request and both retries
        assert _backfill(server) == 3
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err == (
            f"error: backfill finished with 1 failed report hour(s) (last: {NAMES[0]}: injury report server "
            f"answered HTTP 500 for {NAMES[0]}); what was fetched is archived: run the same command again to resume"
        )
        assert server.requests.count(NAMES[0]) == 3 and NAMES[1] in server.requests  # the run went on
        assert not (_archive(tmp_project) / NAMES[0]).exists()
        server.requests.clear()
        assert _backfill(server) == 0  # the server recovered: only the failed hour is asked again
        assert server.requests == [NAMES[0]]
    assert sorted(p.name for p in _archive(tmp_project).glob("*.pdf")) == sorted(NAMES)


def test_a_server_that_keeps_failing_stops_the_run_which_resumes_where_it_stopped(
    tmp_project: Path, pdfs: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    with ReportServer(pdfs) as server:
        for hour in ("12PM", "04PM"):  # the first request and both retries of each
            server.fail(f"Injury-Report_{DAY}_{hour}.pdf", 503, 503, 503)
        code = _backfill(server, "availability.official.backfill.max_consecutive_failures=2")
        assert code == 3 and "backfill stopped after 2 failed report hour(s)" in capsys.readouterr().err
        assert server.requests == [f"Injury-Report_{DAY}_11AM.pdf"] + [NAMES[0]] * 3 + [
            f"Injury-Report_{DAY}_04PM.pdf"] * 3  # 5 PM never asked: the run stopped
        server.requests.clear()
        assert _backfill(server) == 0  # the faults are used up: the server answers again
        # the 11 AM report is remembered as missing; the rest is asked once each
        assert server.requests == [NAMES[0], f"Injury-Report_{DAY}_04PM.pdf", NAMES[1]]
    assert [e["status"] for e in _index(tmp_project)] == ["not_published", "ok", "not_published", "ok"]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("2025-03-09", "2025-03-08"), "error: --from 2025-03-09 is after --to 2025-03-08: the range must run forward"),
        (("2025-3-8x", "2025-03-08"),
         "error: --from '2025-3-8x' is not a date: expected YYYY-MM-DD, e.g. 2025-03-08"),
        (("2023-01-01", "2025-03-08"),
         "error: --from 2023-01-01 --to 2025-03-08 spans 798 days, more than "
         "availability.official.backfill.max_days = 400: split it into shorter runs"),
        (("2025-03-08", "2999-01-01"), "error: --to 2999-01-01 is in the future"),
    ],
)
def test_bad_dates_fail_with_one_sentence_and_no_request(
    tmp_project: Path, dates: tuple[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReportServer({}) as server:
        assert _backfill(server, start=dates[0], end=dates[1]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(message)
    assert server.requests == [] and not _archive(tmp_project).exists()


def test_backfill_without_dates_says_what_it_needs(tmp_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["availability", "backfill", "--from", DAY]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: `nba-pra availability backfill` needs both --from YYYY-MM-DD and --to YYYY-MM-DD")
