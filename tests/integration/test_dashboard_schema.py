"""Schemathesis against the dashboard's own ``/openapi.json``, in process (ASGI): no 5xx, and every response is
what the schema says (status code documented, body valid, content type declared).

Two projects: one without any output (every view's "run the pipeline" branch) and one with a small settled ledger
(the ledger view's summary, bankroll curve, buckets and intervals; one live bet for the live view). The examples per
operation are bounded so the file stays within about half a minute on the shared 2-core machine.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from conftest import copy_project
from nba_pra.config import load_project
from nba_pra.dashboard.app import create_app
from settings_support import pricing_settings

#: schemathesis's ASGI client names this host; the test trusts it the way an operator lists their own host names
_ASGI_HOST = "testserver"
_EXAMPLES = 30


def _ledgered(root: Path) -> Path:
    from nba_pra.ledger.store import LedgerStore

    row = {"game_id": "G1", "game_date": pd.Timestamp("2025-01-02"), "market": "player_points_rebounds_assists",
           "bookmaker": "fastline", "side": "over", "line": 20.5, "price": +150.0, "decimal_price": 2.5,
           "pricing": "market_aware", "player_name": "Some Name"}
    bets = pd.DataFrame([
        {**row, "bet_id": "s" * 40, "player_id": 1, "stake": 10.0, "edge": 0.05, "state": "staked", "gate_reason": ""},
        {**row, "bet_id": "l" * 40, "player_id": 3, "stake": 5.0, "edge": 0.12, "state": "staked", "gate_reason": ""},
        {**row, "bet_id": "p" * 40, "player_id": 2, "stake": 0.0, "edge": 0.20, "state": "paper",
         "gate_reason": "no_evidence: none yet"},
        {**row, "bet_id": "v" * 40, "player_id": 3, "stake": 2.0, "edge": 0.07, "state": "staked", "gate_reason": "",
         "phase": "live", "live_period": 2, "live_clock_s": 0.0, "live_minutes": 18.0, "live_pra": 4.0,
         "live_pf": 1.0, "live_margin": -6.0},
    ])
    box = pd.DataFrame({"game_id": "G1", "player_id": [1, 2, 3], "played": True, "pts": [20.0, 20.0, 5.0],
                        "reb": 1.0, "ast": 0.0})
    with LedgerStore(f"sqlite:///{root / 'ledger.db'}") as store:
        store.record_bets(bets)
        store.settle(box, pricing=pricing_settings())
    return root


#: every operation of the API; the first test keeps this list equal to the published schema's
_OPERATIONS = ("/api/slate", "/api/ledger", "/api/live", "/api/models", "/api/health",
               "/api/models/{version}/plots/{name}")


@pytest.fixture(scope="module", params=["empty", "ledgered"])
def dashboard_schema(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    root = copy_project(tmp_path_factory.mktemp(f"schema-{request.param}") / "project")
    if request.param == "ledgered":
        _ledgered(root)
    app = create_app(load_project(root, [f"dashboard.trusted_hosts=[{_ASGI_HOST}]"]))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_the_fuzzed_operations_are_every_operation_of_the_schema(dashboard_schema) -> None:
    assert set(dashboard_schema) == set(_OPERATIONS)


@pytest.mark.parametrize("path", _OPERATIONS)
def test_every_api_operation_answers_within_its_schema_and_never_with_a_server_error(
    dashboard_schema, path: str
) -> None:
    """Positive and negative examples (schemathesis's default checks: no 5xx, documented status, valid body and
    content type); the examples are counted so a strategy that generates nothing cannot pass silently (``-s``
    prints the counts)."""
    operation = dashboard_schema[path]["GET"]
    seen: list[int] = []

    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
           | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @settings(max_examples=_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def fuzz(case) -> None:
        response = case.call_and_validate()
        seen.append(response.status_code)

    fuzz()
    # an operation without parameters has one distinct request, which hypothesis runs once
    assert seen, path
    print(f"{path}: {len(seen)} examples, statuses {sorted(Counter(seen).items())}")
