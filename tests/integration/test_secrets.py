"""The Odds API key never lands on disk: after real runs with a fake key, no file of the project contains it.

The key is only in the environment (``ODDS_API_KEY``) -- never in a file the scan covers. The runs include a
successful fetch (cached responses written), a retried 5xx (urllib3 logs the request URL on retry), a timeout,
a rejected key and a strict failure, all at DEBUG level into the rotating log file; then the ledger stage and the
MLflow run of the training are on disk too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from odds_server import Fault, OddsApiServer
from test_odds_pipeline import api_overrides, slate_payload, trained_project

from nba_pra.cli import main

FAKE_KEY = "secret-scan-key-a1b2c3d4e5f60718"


def files_containing(root: Path, needle: bytes) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes())


def test_no_project_file_contains_the_api_key_after_runs_with_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODDS_API_KEY", FAKE_KEY)
    monkeypatch.delenv("ODDS_API_FREE_KEY", raising=False)
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    trained_project(root)
    events, odds, _ = slate_payload(root)
    with OddsApiServer(api_key=FAKE_KEY, events=events, odds=odds) as server:
        overrides = api_overrides(server.base_url)
        assert main(["bet", "-v", *overrides]) == 0  # success: responses cached
        server.fail("odds", Fault(status=503), Fault(status=503))
        assert main(["bet", "-v", "--refresh", *overrides]) == 0
        server.fail("events", Fault(delay_s=1.5), Fault(delay_s=1.5))
        assert main(["bet", "-v", "--refresh", *overrides]) == 0
        server.fail("events", Fault(status=429, headers={"Retry-After": "0"}), Fault(status=429))
        assert main(["bet", "-v", "--refresh", "--strict", *overrides]) == 5
        assert main(["bet", "-v", *overrides]) == 0  # from the cache again: bets for the ledger
        assert server.count("odds") >= 3
    assert main(["ledger", "-v", *overrides]) == 0
    monkeypatch.setenv("ODDS_API_KEY", "wrong-key-the-server-rejects")
    assert main(["bet", "-v", "--refresh", *overrides]) == 0  # 401: a message about a key, not the key

    # the places the key could leak into exist and are not empty, so the scan below means something
    log_file = root / "logs" / "nba-pra.log"
    assert b"apiKey=***" in log_file.read_bytes()  # URLs were logged -- scrubbed
    assert any((root / "cache" / "odds").rglob("*.json"))
    assert (root / "mlflow.db").stat().st_size > 0
    assert any((root / "artifacts").iterdir()) and any((root / "reports").iterdir())
    assert (root / "params.yaml").is_file()
    for needle in (FAKE_KEY, b"wrong-key-the-server-rejects".decode()):
        assert files_containing(root, needle.encode()) == [], needle
