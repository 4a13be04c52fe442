"""The Odds API provider against a real local HTTP server speaking v4 (no mocks of requests)."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from nba_pra.errors import OddsAuthError, OddsError, OddsQuotaError
from nba_pra.http_session import RetrySettings
from nba_pra.odds.errors import (
    OddsConnectionError,
    OddsEmptySlateError,
    OddsHttpError,
    OddsNoLinesError,
    OddsPayloadError,
    OddsRateLimitError,
    OddsTimeoutError,
)
from nba_pra.odds.market import best_prices
from nba_pra.odds.provider import fetch_lines_or_warn, make_provider
from nba_pra.odds.settings import OddsSettings
from nba_pra.odds.theoddsapi import TheOddsApiProvider
from odds_server import Fault, OddsApiServer, closed_port
from odds_support import FAKE_KEY, PRA, make_slate, odds_settings, v4_events, v4_odds
from settings_support import conf

#: where the provider caches responses under its cache folder (conf/odds: theoddsapi.cache_dir)
ODDS_CACHE = odds_settings("theoddsapi").theoddsapi.cache_dir
FAST_RETRY = conf(RetrySettings,
    total=2, backoff_factor=0.01, backoff_jitter=0.01, backoff_max=0.05, retry_after_max_s=5,
    status_forcelist=(429, 500, 502, 503, 504),
)


@pytest.fixture(autouse=True)
def _key_in_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ODDS_API_KEY", FAKE_KEY)
    monkeypatch.delenv("ODDS_API_FREE_KEY", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env of the developer is read


@pytest.fixture
def server() -> Iterator[OddsApiServer]:
    with OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds()) as srv:
        yield srv


def settings_for(base_url: str, **api: object) -> OddsSettings:
    defaults = {"base_url": base_url, "retry": FAST_RETRY, "connect_timeout_s": 1.0, "read_timeout_s": 2.0,
                "env_file": "no-such.env", "quota_floor": 0}
    return odds_settings("theoddsapi", **{**defaults, **api})


def provider_for(base_url: str, data_dir: Path, **api: object) -> TheOddsApiProvider:
    provider = make_provider(settings_for(base_url, **api), data_dir=data_dir, cache_dir=data_dir)
    assert isinstance(provider, TheOddsApiProvider)
    return provider


def assert_no_key_anywhere(caplog: pytest.LogCaptureFixture, data_dir: Path, *messages: str) -> None:
    assert FAKE_KEY not in caplog.text
    for message in messages:
        assert FAKE_KEY not in message
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert FAKE_KEY not in path.read_text(encoding="utf-8", errors="replace"), path


# --- happy path ---------------------------------------------------------------------------------------------


def test_three_bookmakers_give_lines_and_the_best_price_per_side(
    server: OddsApiServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = provider_for(server.base_url, tmp_path)

    lines = provider.fetch_lines(make_slate())

    pra = lines.loc[lines["market"] == PRA]
    assert set(pra["bookmaker"]) == {"DraftKings", "FanDuel", "BetMGM"}
    assert set(pra["game_id"]) == {"G1", "G2"}
    assert not lines["is_derived"].any()
    # reference market kept apart, under its own name
    assert set(lines.loc[lines["market"] != PRA, "market"]) == {"player_points"}
    # "Nikola Jokic" (book) -> player 5 ("Nikola Jokić"); "LeBron James Jr." -> 6
    assert set(pra.loc[pra["game_id"] == "G2", "player_id"]) == {5, 6}

    best = best_prices(lines, market=PRA).set_index(["player_id", "line"])
    tatum = best.loc[(1, 45.5)]
    assert (tatum["best_over_price"], tatum["best_over_bookmaker"]) == (-105, "FanDuel")
    assert (tatum["best_under_price"], tatum["best_under_bookmaker"]) == (-105, "DraftKings")
    assert tatum["n_books"] == 2 and tatum["is_main_line"]
    assert not best.loc[(1, 46.5), "is_main_line"]
    brown = best.loc[(2, 35.5)]
    assert (brown["best_over_price"], brown["best_over_bookmaker"]) == (100, "FanDuel")
    assert (brown["best_under_price"], brown["best_under_bookmaker"]) == (100, "BetMGM")
    jokic = best.loc[(5, 52.5)]
    assert (jokic["best_over_price"], jokic["best_over_bookmaker"]) == (-105, "BetMGM")
    assert (jokic["best_under_price"], jokic["best_under_bookmaker"]) == (-110, "DraftKings")  # -110 > -112 > -115

    # the unknown name is reported, not silently dropped
    assert provider.last_report is not None
    assert list(provider.last_report.unmatched["player_name"]) == ["Mystery Man"]
    assert "Mystery Man" in caplog.text
    # the key was really sent (so its absence below means something) and is nowhere in logs or the cache
    assert all(r.query["apiKey"] == [FAKE_KEY] for r in server.requests)
    assert "apiKey=***" in caplog.text
    assert_no_key_anywhere(caplog, tmp_path)


def test_requests_carry_the_configured_markets_regions_and_american_format(
    server: OddsApiServer, tmp_path: Path
) -> None:
    provider_for(server.base_url, tmp_path).fetch_lines(make_slate())

    odds_requests = [r for r in server.requests if r.route == "odds"]
    assert {r.path.split("/")[-2] for r in odds_requests} == {"ev-bos", "ev-den"}  # ev-mia is not on the slate
    query = odds_requests[0].query
    assert query["markets"] == [f"{PRA},player_points,player_rebounds,player_assists"]
    assert query["regions"] == ["us"] and query["oddsFormat"] == ["american"]


def test_responses_are_cached_in_the_cache_folder_and_never_in_the_dvc_tracked_data(
    server: OddsApiServer, tmp_path: Path
) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    data.mkdir()
    provider = make_provider(settings_for(server.base_url), data_dir=data, cache_dir=cache)
    assert not provider.fetch_lines(make_slate()).empty
    assert (cache / ODDS_CACHE / "2024-01-15" / "ev-bos.json").is_file()
    assert list(data.rglob("*")) == []  # data.dvc stays valid after a live run


def test_bookmakers_replace_regions_in_the_request(server: OddsApiServer, tmp_path: Path) -> None:
    provider_for(server.base_url, tmp_path, bookmakers=("draftkings", "fanduel")).fetch_lines(make_slate())

    query = next(r.query for r in server.requests if r.route == "odds")
    assert query["bookmakers"] == ["draftkings,fanduel"] and "regions" not in query


def test_a_rerun_is_served_from_the_cache_and_spends_no_quota(server: OddsApiServer, tmp_path: Path) -> None:
    first = provider_for(server.base_url, tmp_path).fetch_lines(make_slate())
    used = server.used
    n_requests = len(server.requests)

    again = provider_for(server.base_url, tmp_path).fetch_lines(make_slate())

    assert len(server.requests) == n_requests and server.used == used
    pd.testing.assert_frame_equal(first, again)
    assert (tmp_path / ODDS_CACHE / "2024-01-15" / "ev-bos.json").is_file()


def test_refresh_refetches_every_response(server: OddsApiServer, tmp_path: Path) -> None:
    provider_for(server.base_url, tmp_path).fetch_lines(make_slate())
    n_odds = server.count("odds")

    provider_for(server.base_url, tmp_path).fetch_lines(make_slate(), refresh=True)

    assert server.count("odds") == 2 * n_odds


def test_the_quota_headers_are_parsed_and_logged(
    server: OddsApiServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nba_pra")
    provider = provider_for(server.base_url, tmp_path)
    provider.fetch_lines(make_slate())

    # two events x 4 markets x 1 region = 8 credits of 500
    assert (provider.client.quota.remaining, provider.client.quota.used, provider.client.quota.last) == (492, 8, 4)
    assert "remaining=492 used=8 last=4" in caplog.text


def test_requests_stop_before_the_quota_floor(tmp_path: Path) -> None:
    with OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds(), remaining=10) as srv:
        provider = provider_for(srv.base_url, tmp_path, quota_floor=5)
        with pytest.raises(OddsQuotaError, match=r"quota floor: 6 credit\(s\) left, the next request costs up to 4"):
            provider.fetch_lines(make_slate())
        assert srv.count("odds") == 1  # 10 -> 6 after the first event; 6 - 4 < 5 stops the second


def test_the_key_can_come_from_a_dotenv_file(
    server: OddsApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ODDS_API_KEY")
    env = tmp_path / "secrets.env"
    env.write_text(f"ODDS_API_FREE_KEY={FAKE_KEY}\n")

    lines = provider_for(server.base_url, tmp_path / "data", env_file=str(env)).fetch_lines(make_slate())

    assert not lines.empty


def test_a_missing_key_is_a_clear_auth_error(
    server: OddsApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ODDS_API_KEY")
    with pytest.raises(OddsAuthError, match="no The Odds API key is configured: set ODDS_API_KEY or ODDS_API_FREE_KEY"):
        provider_for(server.base_url, tmp_path).fetch_lines(make_slate())
    assert server.requests == []


# --- faults ---------------------------------------------------------------------------------------------------

FAULTS = [
    pytest.param(
        "events", [Fault(status=401, body={"message": "API key is not valid", "error_code": "INVALID_KEY"})],
        OddsAuthError, r"rejected the API key \(HTTP 401", id="401-bad-key"),
    pytest.param(
        "odds",
        [Fault(status=401, body={"message": "Usage quota has been reached", "error_code": "OUT_OF_USAGE_CREDITS"})],
        OddsQuotaError, r"quota is used up \(HTTP 401", id="401-out-of-credits"),
    pytest.param("odds", [Fault(status=403, body={"message": "Forbidden"})], OddsAuthError,
                 r"refused access \(HTTP 403", id="403"),
    pytest.param("odds", [Fault(status=422, body={"message": "Invalid markets"})], OddsHttpError,
                 r"rejected the parameters of the odds of event ev-\w+ \(HTTP 422: Invalid markets\)", id="422"),
    pytest.param("odds", [Fault(status=429, headers={"Retry-After": "0"})] * 3, OddsRateLimitError,
                 r"kept rate-limiting the odds of event ev-\w+ \(HTTP 429\) after 3 attempt", id="429-exhausted"),
    pytest.param("events", [Fault(status=503)] * 3, OddsHttpError,
                 r"failed on the events list of 2024-01-15 with HTTP 503 after 3 attempt", id="503-exhausted"),
    pytest.param("odds", [Fault(status=500)] * 3, OddsHttpError, r"HTTP 500 after 3 attempt", id="500-exhausted"),
    pytest.param("odds", [Fault(raw=b'{"id": "ev-bos", "bookmakers": [{"key": "draftk')], OddsPayloadError,
                 r"answered the odds of event ev-\w+ with truncated or invalid JSON", id="truncated-json"),
    pytest.param("odds", [Fault(body={"id": "ev-bos", "books": []})], OddsPayloadError,
                 r"odds for event ev-\w+ that does not have the v4 shape \(no 'bookmakers' list\)", id="schema-odds"),
    pytest.param("odds", [Fault(body={"id": "ev-bos", "bookmakers": [{"key": "dk", "title": "DK", "markets": [
        {"key": PRA, "outcomes": [{"name": "Over", "description": "Jayson Tatum", "price": "-110"}]}]}]})],
        OddsPayloadError, r"an outcome lacks a name, description, numeric price or point", id="schema-outcome"),
    pytest.param("events", [Fault(body={"events": []})], OddsPayloadError,
                 r"an events list that does not have the v4 shape \(expected a JSON list\)", id="schema-events"),
]


@pytest.mark.parametrize(("route", "faults", "error", "message"), FAULTS)
def test_each_fault_raises_an_odds_error_naming_the_cause_without_the_key(
    route: str, faults: list[Fault], error: type[OddsError], message: str,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds()) as srv:
        srv.fail(route, *faults)
        with pytest.raises(error, match=message) as info:
            provider_for(srv.base_url, tmp_path).fetch_lines(make_slate())
    text = str(info.value)
    assert text.count(".") <= 3 and "\n" not in text  # one sentence (dots only inside host/event names)
    # no chained requests exception (its text holds the URL with the key) is shown in a traceback
    assert info.value.__cause__ is None and (info.value.__context__ is None or info.value.__suppress_context__)
    assert_no_key_anywhere(caplog, tmp_path, text)
    # a broken response is never cached
    assert not list((tmp_path / ODDS_CACHE).rglob("ev-*.json")) or route == "events"


def test_429_with_retry_after_is_retried_after_the_wait_and_then_succeeds(
    server: OddsApiServer, tmp_path: Path
) -> None:
    server.fail("odds", Fault(status=429, headers={"Retry-After": "1"}))
    start = time.monotonic()

    lines = provider_for(server.base_url, tmp_path).fetch_lines(make_slate())

    assert time.monotonic() - start >= 1.0  # the backoff alone is ~0.02 s: the wait is the server's Retry-After
    assert not lines.empty
    assert server.count("odds") == 3  # 429 + retry for the first event, then the second event


def test_a_5xx_then_success_is_retried_transparently(server: OddsApiServer, tmp_path: Path) -> None:
    server.fail("events", Fault(status=502), Fault(status=503))

    lines = provider_for(server.base_url, tmp_path).fetch_lines(make_slate())

    assert not lines.empty and server.count("events") == 3


def test_a_server_slower_than_the_read_timeout_is_a_timeout_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds()) as srv:
        srv.fail("events", *[Fault(delay_s=1.0)] * 2)
        retry = dataclasses.replace(FAST_RETRY, total=1)
        with pytest.raises(OddsTimeoutError,
                           match=r"did not answer the events list of 2024-01-15 within 0\.2 s") as info:
            provider_for(srv.base_url, tmp_path, read_timeout_s=0.2, retry=retry).fetch_lines(make_slate())
        assert srv.count("events") == 2  # first try + one retry
    assert_no_key_anywhere(caplog, tmp_path, str(info.value))


def test_a_closed_port_is_a_connection_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    base_url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(OddsConnectionError, match=r"could not connect to The Odds API at http://127.0.0.1:\d+") as info:
        provider_for(base_url, tmp_path).fetch_lines(make_slate())
    assert_no_key_anywhere(caplog, tmp_path, str(info.value))


def test_an_empty_slate_is_an_odds_error_and_sends_nothing(server: OddsApiServer, tmp_path: Path) -> None:
    with pytest.raises(OddsEmptySlateError, match="the slate has no games"):
        provider_for(server.base_url, tmp_path).fetch_lines(make_slate().iloc[0:0])
    assert server.requests == []


def test_a_slate_matching_no_event_names_the_team_table(tmp_path: Path) -> None:
    with (
        OddsApiServer(api_key=FAKE_KEY, events=v4_events()[2:], odds=v4_odds()) as srv,
        pytest.raises(OddsNoLinesError, match=r"none of The Odds API's 1 NBA event\(s\) matches the slate's 2 game"),
    ):
        provider_for(srv.base_url, tmp_path).fetch_lines(make_slate())


def test_a_fault_degrades_to_no_lines_and_one_warning_unless_strict(tmp_path: Path) -> None:
    with OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds()) as srv:
        provider = provider_for(srv.base_url, tmp_path)
        srv.fail("events", Fault(status=401))
        lines, warning = fetch_lines_or_warn(provider, make_slate(), strict=False, refresh=False)
        assert lines.empty and warning is not None
        assert warning.startswith("no odds from theoddsapi, so no bets are placed: The Odds API rejected the API key")
        srv.fail("events", Fault(status=401))
        with pytest.raises(OddsAuthError):
            fetch_lines_or_warn(provider, make_slate(), strict=True, refresh=False)


def test_a_corrupt_cached_response_is_an_error_naming_the_file_and_refresh_repairs_it(
    server: OddsApiServer, tmp_path: Path
) -> None:
    provider_for(server.base_url, tmp_path).fetch_lines(make_slate())
    cached = tmp_path / ODDS_CACHE / "2024-01-15" / "ev-bos.json"
    cached.write_text('{"bookmakers": [')

    with pytest.raises(OddsPayloadError, match=r"cached odds response .*ev-bos.json is unreadable"):
        provider_for(server.base_url, tmp_path).fetch_lines(make_slate())
    assert not provider_for(server.base_url, tmp_path).fetch_lines(make_slate(), refresh=True).empty
