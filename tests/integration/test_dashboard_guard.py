"""The dashboard's request guard on a project without outputs: trusted Host, bounded query strings, HEAD.

Each test reproduces a reported hole (#23 item 11): a DNS-rebinding page read the dashboard (any Host was served),
a 100 KB query string came back as a 1.8 MB page, and ``HEAD /`` answered 405.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from fastapi.testclient import TestClient

from conftest import copy_project
from nba_pra.config import load_project
from nba_pra.dashboard.app import create_app
from nba_pra.dashboard.guard import trusted_hosts

#: the GET routes of the app, pages and API (the plot route answers 404 on a project without models)
_GET_PATHS = ("/", "/ledger", "/models", "/health", "/api/slate", "/api/ledger", "/api/models", "/api/health",
              "/openapi.json", "/static/style.css")
_LOOPBACK = "http://127.0.0.1:8050"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("guard") / "empty")


@pytest.fixture(scope="module")
def client(root: Path) -> TestClient:
    return TestClient(create_app(load_project(root)), base_url=_LOOPBACK)


# --- Host ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:8050", "localhost:8050", "LOCALHOST", "[::1]:8050", "127.0.0.1"])
def test_loopback_host_names_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/health", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["attacker.example:8050", "attacker.example", "127.0.0.1.attacker.example",
                                  "192.168.1.5:8050", ""])
def test_a_rebinding_page_with_a_foreign_host_name_is_refused_before_any_route_runs(
    client: TestClient, host: str
) -> None:
    response = client.get("/api/ledger", headers={"host": host})
    assert response.status_code == 400
    assert "ledger" not in response.text  # nothing of the view leaks in the refusal


def test_a_dashboard_bound_to_a_lan_address_accepts_that_address_and_still_refuses_other_names(root: Path) -> None:
    app = TestClient(create_app(load_project(root), "192.168.1.5"), base_url=_LOOPBACK)
    assert app.get("/api/health", headers={"host": "192.168.1.5:8050"}).status_code == 200
    assert app.get("/api/health", headers={"host": "attacker.example"}).status_code == 400


def test_trusted_hosts_configured_as_a_star_turn_the_host_check_off(root: Path) -> None:
    app = TestClient(create_app(load_project(root, ["dashboard.trusted_hosts=[*]"])), base_url=_LOOPBACK)
    assert app.get("/api/health", headers={"host": "dashboard.internal.example"}).status_code == 200


@pytest.mark.parametrize(
    ("bind", "expected_extra"),
    [("127.0.0.1", ()), ("localhost", ()), ("::1", ()), ("0.0.0.0", ()), ("::", ()),
     ("192.168.1.5", ("192.168.1.5",)), ("fd00::5", ("[fd00::5]",)), ("Box.Lan", ("box.lan",))],
)
def test_the_bind_address_is_trusted_only_when_it_is_a_specific_non_loopback_one(
    bind: str, expected_extra: tuple[str, ...]
) -> None:
    configured = ("127.0.0.1", "localhost", "[::1]")
    assert trusted_hosts(configured, bind) == (*configured, *expected_extra)


# --- query strings ------------------------------------------------------------------------------------------------


def test_a_60_kb_query_string_is_refused_with_414_and_a_short_body(client: TestClient) -> None:
    huge = "x" * 60_000  # the report's 100 KB is over httpx's own 64 KiB URL cap; 60 KB made a ~1 MB page
    for path in ("/", "/api/slate"):
        response = client.get(path, params={"player": huge})
        assert response.status_code == 414, path
        assert len(response.content) < 1_000, path


def test_a_query_at_the_configured_limit_is_served_and_one_byte_over_is_not(root: Path) -> None:
    app = TestClient(create_app(load_project(root, ["dashboard.max_query_chars=40"])), base_url=_LOOPBACK)
    at_limit = "player=" + "y" * 33  # 7 + 33 = 40 bytes
    assert app.get(f"/?{at_limit}").status_code == 200
    assert app.get(f"/?{at_limit}y").status_code == 414


def test_unknown_query_parameters_are_never_echoed_into_the_page(client: TestClient) -> None:
    html = client.get("/", params={"zz_unknown": "marker-Sentinel-55", "team": "BOS"}).text
    assert "marker-Sentinel-55" not in html and "zz_unknown" not in html


# --- HEAD ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _GET_PATHS)
def test_head_answers_every_get_route_with_its_status_and_headers_but_no_body(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200 and head.status_code == 200, path
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_head_does_not_open_write_methods(client: TestClient) -> None:
    assert client.post("/").status_code == 405 and client.delete("/api/slate").status_code == 405
