"""In-play lines from The Odds API through the pre-game provider, against the local v4 server: fresh responses at
every poll, kept apart from the pre-game cache, one quota floor for the night."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from nba_pra.live.odds_live import LIVE_CACHE, LiveOddsPoller
from nba_pra.odds.errors import OddsQuotaError
from nba_pra.odds.theoddsapi import TheOddsApiProvider
from odds_server import OddsApiServer
from odds_support import FAKE_KEY, make_slate, odds_settings, v4_events, v4_odds

FIRST, SECOND = pd.Timestamp("2024-01-16T01:30:00Z"), pd.Timestamp("2024-01-16T01:45:00Z")


@pytest.fixture(autouse=True)
def _key_in_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ODDS_API_KEY", FAKE_KEY)
    monkeypatch.delenv("ODDS_API_FREE_KEY", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def server() -> Iterator[OddsApiServer]:
    with OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds()) as srv:
        yield srv


def settings_for(base_url: str, **api: object):
    return odds_settings("theoddsapi", base_url=base_url, env_file="no-such.env", **{"quota_floor": 0, **api})


def test_every_poll_fetches_fresh_in_play_odds_into_its_own_folder(server: OddsApiServer, tmp_path: Path) -> None:
    settings = settings_for(server.base_url)
    pregame = TheOddsApiProvider(settings, cache_dir=tmp_path).fetch_lines(make_slate())
    cached = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.json"))
    n_odds = server.count("odds")

    poller = LiveOddsPoller(settings, cache_dir=tmp_path)
    first = poller.poll(make_slate(), FIRST)
    second = poller.poll(make_slate(), SECOND)

    assert server.count("odds") == 3 * n_odds  # nothing served from a cache
    pd.testing.assert_frame_equal(first, pregame)  # same shapes, same matching, same lines table
    assert not second.empty and poller.polls == 2
    # the pre-game responses are untouched; each poll has its own folder
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.json") if LIVE_CACHE not in p.parts) == cached
    polls = sorted(p.name for p in (tmp_path / LIVE_CACHE).iterdir())
    assert polls == [FIRST.strftime("%Y%m%dT%H%M%SZ"), SECOND.strftime("%Y%m%dT%H%M%SZ")]


def test_the_quota_floor_counts_every_poll_of_the_night(tmp_path: Path) -> None:
    with OddsApiServer(api_key=FAKE_KEY, events=v4_events(), odds=v4_odds(), remaining=20) as srv:
        poller = LiveOddsPoller(settings_for(srv.base_url, quota_floor=5), cache_dir=tmp_path)
        poller.poll(make_slate(), FIRST)  # two events x 4 credits: 20 -> 12
        with pytest.raises(OddsQuotaError, match="quota floor"):
            poller.poll(make_slate(), SECOND)  # 12 - 4 = 8 (first event), 8 - 4 < 5 stops the second
        assert srv.count("odds") == 3
