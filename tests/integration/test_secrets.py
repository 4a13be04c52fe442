"""Secrets never land on disk or on the console: the odds key after real runs with faults, and a database password
given in any URL form (``u:pw@``, ``?password=``, an environment-substituted value) in errors, logs and MLflow.

The key is only in the environment (``ODDS_API_KEY``) -- never in a file the scan covers. The runs include a
successful fetch (cached responses written), a retried 5xx (urllib3 logs the request URL on retry), a timeout,
a rejected key and a strict failure, all at DEBUG level into the rotating log file; then the ledger stage and the
MLflow run of the training are on disk too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_odds_pipeline import api_overrides, slate_payload

from conftest import TEMPLATE_ODDS_KEY, copy_trained_project
from nba_pra.cli import main
from nba_pra.config import load_project
from nba_pra.tracking.client import Tracker
from odds_server import Fault, OddsApiServer, closed_port

FAKE_KEY = "secret-scan-key-a1b2c3d4e5f60718"
#: a DB password in the URL forms the ledger and tracking settings accept (``u:pw@`` is in the unit tests)
DB_SECRET = "db-secret-5e6f7a8b9c"
ENV_SECRET = "env-secret-0a1b2c3d4e"


def files_containing(root: Path, needle: bytes) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes())


def test_no_project_file_contains_the_api_key_after_runs_with_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trained_template: Path
) -> None:
    monkeypatch.setenv("ODDS_API_KEY", FAKE_KEY)
    monkeypatch.delenv("ODDS_API_FREE_KEY", raising=False)
    # data, features, the champion's training and the slate's predictions ran with TEMPLATE_ODDS_KEY set
    root = copy_trained_project(trained_template, tmp_path / "project")
    monkeypatch.chdir(root)
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

    # MLflow params: settings holding URLs (the backtest's ledger) and a sweep's verbatim overrides
    url = f"postgresql+psycopg://u@h/x?password={DB_SECRET}"
    project = load_project(root, [f"backtest.ledger.url='{url}'"])
    tracker = Tracker(project.settings.tracking, root)
    with tracker.start_run("secrets") as run:
        tracker.log_params({"backtest.ledger.url": project.settings.backtest.ledger.url,
                            "overrides": f"ledger.url={url}"})
    assert tracker.client.get_run(run.info.run_id).data.params == {
        "backtest.ledger.url": "postgresql+psycopg://u@h/x?password=***",
        "overrides": "ledger.url=postgresql+psycopg://u@h/x?password=***",
    }

    # the places the key could leak into exist and are not empty, so the scan below means something
    log_file = root / "logs" / "nba-pra.log"
    assert b"apiKey=***" in log_file.read_bytes()  # URLs were logged -- scrubbed
    assert any((root / "cache" / "odds").rglob("*.json"))
    assert (root / "mlflow.db").stat().st_size > 0
    assert any((root / "artifacts").iterdir()) and any((root / "reports").iterdir())
    assert (root / "params.yaml").is_file()
    for needle in (FAKE_KEY, TEMPLATE_ODDS_KEY, b"wrong-key-the-server-rejects".decode(), DB_SECRET):
        assert files_containing(root, needle.encode()) == [], needle



def test_a_database_password_in_any_url_form_reaches_neither_the_console_nor_a_file(
    tmp_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NBA_PRA_TEST_DB_PASSWORD", ENV_SECRET)
    port = closed_port()  # the connection fails: the error quotes the URL, the debug log the driver's traceback
    for url in (
        f"postgresql+psycopg://u@127.0.0.1:{port}/x?password={DB_SECRET}",
        f"postgresql+psycopg://u@127.0.0.1:{port}/x?sslmode=disable&PWD={DB_SECRET}",
        f"postgresql+psycopg://u@127.0.0.1:{port}/x?password=${{oc.env:NBA_PRA_TEST_DB_PASSWORD}}",
    ):
        assert main(["ledger", "-v", "export", "bets.csv", f"ledger.url='{url}'"]) == 6
        err = capsys.readouterr().err  # -v: the traceback is on the console too
        assert err.strip().splitlines()[-1].startswith("error: cannot open the ledger at postgresql+psycopg://u")
        assert "***" in err and DB_SECRET not in err and ENV_SECRET not in err
    # unquoted, the override does not even compose: Hydra's message echoes it
    assert main(["ledger", "export", "bets.csv", f"ledger.url=postgresql+psycopg://u@h/x?password={DB_SECRET}"]) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()
    assert any(line.startswith("error: cannot compose conf/") and "password=***" in line for line in last)
    assert DB_SECRET not in err

    log_file = tmp_project / "logs" / "nba-pra.log"
    assert b"Traceback" in log_file.read_bytes() and b"password=***" in log_file.read_bytes()
    for secret in (DB_SECRET, ENV_SECRET):
        assert files_containing(tmp_project, secret.encode()) == [], secret
