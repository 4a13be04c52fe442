"""``nba-pra status`` on a project built by the small pipeline: every item, on one screen (<= 25 x 100)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from conftest import copy_trained_project
from nba_pra.artifacts import ODDS_QUOTA
from nba_pra.cli import main
from nba_pra.config import load_project
from nba_pra.odds.http import Quota
from nba_pra.odds.quota import read_quota, save_provider_quota, write_quota
from nba_pra.reporting import status
from nba_pra.reporting.pipeline_run import read_pipeline_run, record_pipeline_run

SCREEN_LINES, SCREEN_WIDTH = 25, 100


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, trained_template: Path):
    # data, features, the champion and the slate's predictions (the shared trained project), then bet and ledger
    root = copy_trained_project(trained_template, tmp_path_factory.mktemp("status") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        for verb in (["bet", "-q"], ["ledger", "-q"]):
            assert main(verb) == 0, verb
        yield load_project(root)


def _screen(project) -> tuple[list[str], dict]:
    buffer = io.StringIO()
    shown = status.show(project, console=Console(file=buffer, width=SCREEN_WIDTH))
    return buffer.getvalue().rstrip("\n").splitlines(), shown


def _row(lines: list[str], label: str) -> str:
    [line] = [line for line in lines if line.strip().startswith(label)]
    return line


def test_status_fits_one_screen_and_shows_every_item(project) -> None:
    logs = project.path("logs")
    started = pd.Timestamp("2025-01-02 15:00:00", tz="UTC")
    record_pipeline_run(logs, started, started + pd.Timedelta(seconds=83.2), 0)
    write_quota(ODDS_QUOTA.path(project), "theoddsapi", Quota(remaining=480, used=20, last=3),
                seen_at=pd.Timestamp("2025-01-02 15:01:30", tz="UTC"))
    lines, shown = _screen(project)
    assert len(lines) <= SCREEN_LINES
    assert max(len(line) for line in lines) <= SCREEN_WIDTH

    box = pd.read_parquet(project.path("data", "box_scores.parquet"), columns=["game_date"])
    assert f"{len(box):,} player-games through {box['game_date'].max().date()}" in _row(lines, "data")
    train = json.loads(project.path("reports", "train_metrics.json").read_text())
    champion = _row(lines, "champion")
    assert "version 1" in champion
    assert f"crps {train['crps']:.3f}" in champion and f"mae {train['mae']:.3f}" in champion
    assert "none" in _row(lines, "challenger")
    assert "2025-01-02 15:00 UTC, ok in 83 s" in _row(lines, "pipeline")
    assert "train-" in _row(lines, "mlflow run")
    assert "480 requests left, 20 used (seen 2025-01-02 15:01 UTC)" in _row(lines, "odds quota")
    ledger = json.loads(project.path("reports", "ledger_metrics.json").read_text())
    assert f"{ledger['bankroll']:.2f} units" in _row(lines, "bankroll")
    assert f"{ledger['bets']} total" in _row(lines, "bets")
    assert "ROI" in _row(lines, "ROI / CLV") and "CLV" in _row(lines, "ROI / CLV")
    assert shown["errors"] == {}


def test_a_failed_pipeline_run_is_a_health_warning(project) -> None:
    started = pd.Timestamp("2025-01-03 15:00:00", tz="UTC")
    record_pipeline_run(project.path("logs"), started, started + pd.Timedelta(seconds=12), 8)
    lines, shown = _screen(project)
    assert "FAILED (exit 8) in 12 s" in _row(lines, "pipeline")
    assert "the last pipeline run failed (exit code 8)" in _row(lines, "health")
    assert shown["warnings"][0] == "the last pipeline run failed (exit code 8)"


def test_many_warnings_are_cut_to_keep_one_screen(project) -> None:
    collected = status.collect(project)
    collected["warnings"] = [f"ledger health: warning number {i} " + "x" * 150 for i in range(9)]
    buffer = io.StringIO()
    Console(file=buffer, width=SCREEN_WIDTH).print(status.render(collected, project))
    lines = buffer.getvalue().rstrip("\n").splitlines()
    assert len(lines) <= SCREEN_LINES
    assert f"... and {9 - status.MAX_WARNINGS} more" in buffer.getvalue()


def test_a_broken_ledger_url_is_reported_in_place_not_raised(project) -> None:
    broken = load_project(project.root, ["ledger.url=postgresql+psycopg://nobody@127.0.0.1:9/none"])
    lines, shown = _screen(broken)
    assert "ledger" in shown["errors"]
    assert "unavailable:" in _row(lines, "ledger")


def test_the_status_verb_prints_the_screen(project, capsys) -> None:
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "nba-pra status" in out and "odds quota" in out


def test_a_pipeline_run_record_round_trips_with_its_duration(tmp_path: Path) -> None:
    start = pd.Timestamp("2025-01-02 10:00:00")  # naive: taken as UTC
    run = record_pipeline_run(tmp_path, start, start + pd.Timedelta(minutes=1, seconds=30), 0)
    assert (run.duration_s, run.ok, run.started) == (90.0, True, "2025-01-02T10:00:00+00:00")
    assert read_pipeline_run(tmp_path) == run
    (tmp_path / "pipeline_run.json").write_text("{not json")
    assert read_pipeline_run(tmp_path) is None


class _ClientWithQuota:
    def __init__(self, quota: Quota) -> None:
        self.quota = quota


class _Provider:
    name = "theoddsapi"

    def __init__(self, quota: Quota) -> None:
        self.client = _ClientWithQuota(quota)


def test_the_quota_a_provider_saw_is_saved_and_a_provider_without_one_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / ODDS_QUOTA.name
    assert save_provider_quota(_Provider(Quota()), path) is None and not path.exists()
    assert save_provider_quota(object(), path) is None
    saved = save_provider_quota(_Provider(Quota(remaining=7, used=493, last=1)), path)
    assert saved is not None
    assert (saved.provider, saved.remaining, saved.used, saved.last) == ("theoddsapi", 7, 493, 1)
    assert read_quota(path) == saved
    path.write_text("[]")
    assert read_quota(path) is None


def test_the_banner_pricing_evidence_and_paper_ledger_are_shown(project) -> None:
    from test_reporting_evidence import EVIDENCE

    summary_path = project.path("reports", "bet_summary.json")
    evidence_path = project.path("reports", "evidence.json")
    original = summary_path.read_text()
    try:
        summary_path.write_text(json.dumps({**json.loads(original), "pricing": "market_aware", "staked": 2,
                                            "paper": 4}))
        lines, shown = _screen(project)
        assert lines[0].strip() == (
            "nba-pra status: SYNTHETIC DATA AND MARKET: a simulated league and simulated books, not real bets"
        )
        assert "market_aware; today 2 staked, 4 paper" in _row(lines, "pricing")
        assert "no walk-forward evidence yet: every bet is paper" in _row(lines, "evidence")
        assert "1-unit ROI" in _row(lines, "paper") and "CLV" in _row(lines, "CLV (all)")
        assert shown["evidence"] is None

        evidence_path.write_text(json.dumps(EVIDENCE))
        lines, shown = _screen(project)
        assert "-0.00240 [-0.00510, +0.00030]" in _row(lines, "evidence")
        assert any("fastline: 140 bets, ROI -1.2% [-5.0%, +2.6%], p 0.74 vs 0.025 -> paper" in line for line in lines)
        assert any("bookb: 210 bets, ROI +4.1% [+0.4%, +8.0%], p 0.0095 vs 0.013 -> staked" in line for line in lines)
        assert len(lines) <= SCREEN_LINES
    finally:
        summary_path.write_text(original)
        evidence_path.unlink(missing_ok=True)


def test_many_books_and_warnings_still_fit_one_screen(project) -> None:
    from test_reporting_evidence import EVIDENCE, NO_CLOSES

    collected = status.collect(project)
    books = {f"book{i}": {"bets": 100, "roi": 0.0, "roi_lo": -0.1, "roi_hi": 0.1, "p_value": 0.5, **NO_CLOSES,
                          "staked": False}
             for i in range(8)}
    evidence = {**EVIDENCE, "methods": {"market_aware": {**EVIDENCE["methods"]["market_aware"], "books": books}}}
    collected["evidence"] = status.evidence_summary(evidence, "market_aware")
    collected["warnings"] = [f"ledger health: warning number {i}" for i in range(9)]
    buffer = io.StringIO()
    console = Console(file=buffer, width=SCREEN_WIDTH)
    console.print(status.render(collected, project))
    lines = buffer.getvalue().rstrip("\n").splitlines()
    assert len(lines) <= SCREEN_LINES, "\n".join(lines)
    assert "... and 6 more books" in buffer.getvalue()


def test_data_in_the_status_screen_prints_as_written_not_as_markup(project) -> None:
    collected = status.collect(project)
    # a book or run name from real data, and a driver error quoting SQL, are data: "[/x]" crashed rich
    collected["warnings"] = ["ledger health: book Kyle [/x] Book trails its predicted win rate"]
    collected["errors"]["models"] = "OperationalError: [/SQL: SELECT 1] failed"
    buffer = io.StringIO()
    Console(file=buffer, width=SCREEN_WIDTH).print(status.render(collected, project))
    screen = buffer.getvalue()
    assert "! ledger health: book Kyle [/x] Book trails" in screen
    assert "unavailable: OperationalError: [/SQL: SELECT 1] failed" in screen


def test_the_max_drawdown_is_printed_in_units_not_as_a_percentage() -> None:
    from nba_pra.ledger.summary import summarize

    # bankroll 100 -> 130 (day 1) -> 77.31 (day 2: -52.69) -> 80.31: the drawdown is 52.69 units
    bets = pd.DataFrame({
        "bet_id": ["a", "b", "c"], "game_date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
        "stake": [10.0, 52.69, 3.0], "result": ["win", "loss", "win"], "profit": [30.0, -52.69, 3.0],
        "clv_price": [None] * 3, "clv_prob": [None] * 3,
    })
    [bankroll] = [value for label, value in status._ledger_rows(summarize(bets, 100.0)) if label == "bankroll"]
    # it printed "max drawdown 5269.0%" (a percentage format applied to units)
    assert bankroll == "80.31 units (profit -19.69, max drawdown 52.69 units; staked bets only)"
