"""The real daily stages with ``odds=theoddsapi`` against a local Odds API v4 server, in process.

A small synthetic league is generated, its features built, a light model trained and the slate predicted; the
local server then offers PRA lines for every slate player at three bookmakers (DraftKings, FanDuel, BetMGM),
built from the project's own schedule, rosters and predictions. The bet stage must take the best price per side,
and every fault of The Odds API must degrade to "predictions kept, no bets, one warning naming the fault"
(exit 0), or exit 5 with ``--strict``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import copy_trained_project
from nba_pra.artifacts import read_bets_file as read_bets
from nba_pra.cli import main
from nba_pra.config import load_project
from nba_pra.data import schema
from nba_pra.features.slate import build_slate
from nba_pra.vocab import PRA_MARKET
from odds_server import Fault, OddsApiServer, closed_port

FAKE_KEY = "pipeline-fake-key-9f8e7d6c5b4a"
PRA = PRA_MARKET
#: (key, title, over price, under price); the book at position i % 3 gets the best over price of player i
BOOKS = (("draftkings", "DraftKings"), ("fanduel", "FanDuel"), ("betmgm", "BetMGM"))
BEST_OVER, OTHER_OVER, UNDER = -120, -130, 130
#: lines at mean - 1.5 sd make the raw P(over) ~ 0.9 and the recalibrated one >= 0.6: enough edge (even at the
#: worse books' -130) and confidence to pass the default filters
LINE_SDS_BELOW_MEAN = 1.5
#: fast, bounded client behaviour for fault runs (2 attempts, tiny backoff, half-second timeouts)
FAST_CLIENT = (
    "odds.theoddsapi.retry.total=1",
    "odds.theoddsapi.retry.backoff_factor=0.01",
    "odds.theoddsapi.retry.backoff_jitter=0.0",
    "odds.theoddsapi.retry.backoff_max=0.05",
    "odds.theoddsapi.connect_timeout_s=0.5",
    "odds.theoddsapi.read_timeout_s=0.5",
    "odds.theoddsapi.quota_floor=0",
    "odds.theoddsapi.env_file=no-such.env",
)


def iso(ts: pd.Timestamp) -> str:
    return pd.Timestamp(ts).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def slate_payload(root: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], pd.DataFrame]:
    """v4 events and per-event odds for the project's next slate, and the offers as a table.

    Every predicted slate player gets one PRA line (mean - 1.5 sd, on a half point) at all three books; the over
    price is -120 at book ``i % 3`` and -160 at the two others, the under is +130 everywhere. One extra event
    that is not on the slate is listed too (it must be ignored).
    """
    teams = load_project(root, overrides=["odds=theoddsapi"]).settings.odds.teams
    slate = build_slate(
        pd.read_parquet(root / "data" / schema.SCHEDULE_FILE), pd.read_parquet(root / "data" / schema.ROSTERS_FILE)
    )
    predictions = pd.read_parquet(root / "artifacts" / "predictions.parquet")
    games = slate.loc[slate["home"], ["game_id", "team", "opponent", "commence_time"]].drop_duplicates("game_id")
    events = [
        {"id": f"ev-{g.game_id}", "sport_key": "basketball_nba", "sport_title": "NBA",
         "commence_time": iso(g.commence_time), "home_team": teams[g.team], "away_team": teams[g.opponent]}
        for g in games.itertuples()
    ]
    offers = slate.merge(predictions[["game_id", "player_id", "mean", "std"]], on=["game_id", "player_id"])
    offers = offers.sort_values(["game_id", "player_id"]).reset_index(drop=True)
    offers["line"] = np.floor(offers["mean"] - LINE_SDS_BELOW_MEAN * offers["std"]).clip(lower=0) + 0.5
    offers["best_book"] = [BOOKS[i % len(BOOKS)][1] for i in range(len(offers))]
    odds = {}
    for event, game in zip(events, games.itertuples(), strict=True):
        in_game = offers[offers["game_id"] == game.game_id]
        bookmakers = []
        for key, title in BOOKS:
            outcomes = []
            for row in in_game.itertuples():
                over = BEST_OVER if row.best_book == title else OTHER_OVER
                outcomes += [
                    {"name": "Over", "description": row.player_name, "price": over, "point": row.line},
                    {"name": "Under", "description": row.player_name, "price": UNDER, "point": row.line},
                ]
            bookmakers.append({"key": key, "title": title, "last_update": event["commence_time"],
                               "markets": [{"key": PRA, "last_update": event["commence_time"], "outcomes": outcomes}]})
        odds[event["id"]] = {**event, "bookmakers": bookmakers}
    first = pd.Timestamp(games["commence_time"].min())
    events.append({"id": "ev-elsewhere", "sport_key": "basketball_nba", "sport_title": "NBA",
                   "commence_time": iso(first), "home_team": "Nowhere Nomads", "away_team": "Elsewhere Echoes"})
    return events, odds, offers


#: this test is about line shopping, not risk limits: the small league's one-game slate would hit the per-game cap
#: after two bets and most of its players' predictions are too uncertain for max_cv, so both are opened up
OPEN_LIMITS = (
    "betting.max_cv=100.0",
    "betting.max_stake_fraction=0.01",
    "betting.max_player_fraction=1.0",
    "betting.max_game_fraction=1.0",
    "betting.max_day_fraction=1.0",
)


def api_overrides(base_url: str) -> list[str]:
    return ["odds=theoddsapi", f"odds.theoddsapi.base_url={base_url}", *FAST_CLIENT, *OPEN_LIMITS]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, trained_template: Path) -> Iterator[Path]:
    """A small project with data, features, a champion model and predictions of the next slate (a copy of the
    shared trained project)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ODDS_API_KEY", FAKE_KEY)
        mp.delenv("ODDS_API_FREE_KEY", raising=False)
        root = copy_trained_project(trained_template, tmp_path_factory.mktemp("odds_pipeline") / "project")
        mp.chdir(root)
        yield root


@pytest.fixture(scope="module")
def payload(project: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], pd.DataFrame]:
    return slate_payload(project)


@pytest.fixture(scope="module")
def server(payload) -> Iterator[OddsApiServer]:
    events, odds, _ = payload
    with OddsApiServer(api_key=FAKE_KEY, events=events, odds=odds) as srv:
        yield srv


@pytest.fixture
def clean_server(server: OddsApiServer, monkeypatch: pytest.MonkeyPatch, project: Path) -> Iterator[OddsApiServer]:
    """The module's server with no queued faults before and after a test, the fake key in the environment."""
    monkeypatch.setenv("ODDS_API_KEY", FAKE_KEY)
    monkeypatch.chdir(project)
    for queue in server._faults.values():
        queue.clear()
    yield server
    for queue in server._faults.values():
        queue.clear()


def bet_summary(root: Path) -> dict[str, Any]:
    return json.loads((root / "reports" / "bet_summary.json").read_text())


def test_bets_come_from_three_bookmakers_at_the_best_price_per_side(project, payload, clean_server) -> None:
    _, _, offers = payload
    assert main(["bet", "-q", "--refresh", *api_overrides(clean_server.base_url)]) == 0
    summary = bet_summary(project)
    assert summary["odds_provider"] == "theoddsapi" and summary["odds_warning"] is None
    assert clean_server.count("events") == 1 and clean_server.count("odds") == offers["game_id"].nunique()
    candidates = pd.read_parquet(project / "artifacts" / "candidates.parquet")
    assert set(candidates["bookmaker"]) == {title for _, title in BOOKS}
    assert len(candidates) == 3 * len(offers)  # every offer of every book became a candidate (all names matched)
    bets = pd.read_csv(project / "artifacts" / "bets.csv")
    assert summary["bets"] == len(bets) > 0
    assert set(bets["bookmaker"]) == {title for _, title in BOOKS}
    assert (bets["side"] == "over").all()
    expected = offers.set_index("player_id")["best_book"]
    assert (bets["bookmaker"].to_numpy() == expected.loc[bets["player_id"]].to_numpy()).all()
    assert (bets["price"] == BEST_OVER).all()
    assert bets.groupby(["game_id", "player_id"]).size().max() == 1  # one bet per prop, not one per book
    # the same props at the worse books were passed over for the price
    losers = candidates[candidates["bet_id"].isin(bets["bet_id"]) & (candidates["decision"] == "pass")]
    assert set(losers["reason"]) == {"not_best_price"}


def test_a_rerun_reads_the_cached_responses_and_spends_no_quota(project, clean_server) -> None:
    before = (clean_server.count("events"), clean_server.count("odds"), clean_server.used)
    assert main(["bet", "-q", *api_overrides(clean_server.base_url)]) == 0
    assert (clean_server.count("events"), clean_server.count("odds"), clean_server.used) == before
    assert bet_summary(project)["bets"] > 0
    assert any((project / "cache" / "odds").rglob("*.json"))


def _retry_after(status: int) -> Fault:
    return Fault(status=status, headers={"Retry-After": "0"}, body={"message": "slow down"})


#: fault name -> (route, faults queued for one run, extra overrides, words the warning must contain)
FAULTS: dict[str, tuple[str, tuple[Fault, ...], tuple[str, ...], tuple[str, ...]]] = {
    "401 bad key": ("events", (), ("BAD_KEY",), ("HTTP 401", "API key")),
    "403 forbidden": ("events", (Fault(status=403, body={"message": "plan"}),), (), ("HTTP 403",)),
    "422 bad parameters": (
        "odds", (Fault(status=422, body={"message": "Invalid markets"}),), (), ("HTTP 422", "Invalid markets")
    ),
    "429 after retries": ("events", (_retry_after(429), _retry_after(429)), (), ("HTTP 429", "2 attempt")),
    "5xx after retries": ("odds", (Fault(status=503), Fault(status=503)), (), ("HTTP 503", "2 attempt")),
    "timeout": ("events", (Fault(delay_s=1.5), Fault(delay_s=1.5)), (), ("did not answer", "0.5 s")),
    "connection refused": ("events", (), ("CLOSED_PORT",), ("could not connect", "connection refused")),
    "truncated JSON": ("odds", (Fault(raw=b'{"id": "ev-1", "bookmakers": [{"key": "dra'),), (), ("truncated",)),
    "schema-breaking JSON": ("events", (Fault(body={"events": "not a list"}),), (), ("v4 shape",)),
    "empty slate": ("events", (Fault(body=[]),), (), ("0 NBA event", "matches the slate")),
}


def _fault_run(name: str, server: OddsApiServer, monkeypatch: pytest.MonkeyPatch, *flags: str) -> int:
    route, faults, extra, _ = FAULTS[name]
    base_url = f"http://127.0.0.1:{closed_port()}" if "CLOSED_PORT" in extra else server.base_url
    if "BAD_KEY" in extra:
        monkeypatch.setenv("ODDS_API_KEY", "not-the-right-key")
    server.fail(route, *faults)
    # --refresh: the earlier successful run cached every response, a fault run must really ask the server
    return main(["bet", "-q", "--refresh", *flags, *api_overrides(base_url)])


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_odds_fault_keeps_predictions_places_no_bets_and_names_the_fault(
    name: str, project: Path, clean_server: OddsApiServer, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    predictions = project / "artifacts" / "predictions.parquet"
    predicted = pd.read_parquet(predictions)
    assert _fault_run(name, clean_server, monkeypatch) == 0
    summary = bet_summary(project)
    assert summary["bets"] == 0 and summary["candidates"] == 0
    assert summary["odds_provider"] == "theoddsapi"
    warning = summary["odds_warning"]
    assert warning and warning.startswith("no odds from theoddsapi")
    for words in FAULTS[name][3]:
        assert words in warning, (name, warning)
    assert FAKE_KEY not in warning
    assert read_bets(project / "artifacts" / "bets.csv").empty
    pd.testing.assert_frame_equal(pd.read_parquet(predictions), predicted)
    # the README promises one warning: not logged twice, and urllib3's "Retrying" lines stay in the log file
    said = capsys.readouterr().err.strip().splitlines()
    assert [line for line in said if "odds" in line.lower() or "retr" in line.lower()] == [f"WARNING {warning}"]

    for queue in clean_server._faults.values():
        queue.clear()
    assert _fault_run(name, clean_server, monkeypatch, "--strict") == 5
    err = capsys.readouterr().err
    # urllib3 may print a (scrubbed) retry warning first; the CLI's own message is the last line
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: ") and FAULTS[name][3][0] in last
    assert FAKE_KEY not in err


def test_snapshots_append_every_books_lines_and_the_last_capture_before_tip_closes_each_bet(
    project, payload, clean_server
) -> None:
    """Two captures against the local server: between them the lines of the first game move up a point and BetMGM
    pulls its props. Both captures stay on disk (appended); the close of a game is its last capture before tip-off,
    and a bet at the book that pulled the prop still gets a probability CLV from the two remaining books."""
    from nba_pra.artifacts import ODDS_SNAPSHOTS
    from nba_pra.ledger.clv import closing_line_value
    from nba_pra.odds.snapshots import closes_from_snapshots, read_snapshots

    events, odds, offers = payload
    assert main(["bet", "-q", "--refresh", *api_overrides(clean_server.base_url)]) == 0
    bets = read_bets(project / "artifacts" / "bets.csv")
    folder = ODDS_SNAPSHOTS.path(load_project(project))
    before_odds = clean_server.count("odds")
    assert main(["odds", "snapshot", "-q", *api_overrides(clean_server.base_url)]) == 0
    assert clean_server.count("odds") > before_odds  # a snapshot never reads the cache
    first_file = sorted(folder.glob("*/*.parquet"))
    assert len(first_file) == 1
    first_bytes = first_file[0].read_bytes()
    moved = events[0]["id"]
    original = json.loads(json.dumps(odds[moved]))
    try:
        event = odds[moved]
        event["bookmakers"] = [b for b in event["bookmakers"] if b["key"] != "betmgm"]
        for book in event["bookmakers"]:
            for outcome in book["markets"][0]["outcomes"]:
                outcome["point"] += 1.0
        assert main(["odds", "snapshot", "-q", *api_overrides(clean_server.base_url)]) == 0
    finally:
        odds[moved] = original
    files = sorted(folder.glob("*/*.parquet"))
    assert len(files) == 2 and files[0].read_bytes() == first_bytes  # appended, the first capture untouched
    shots = read_snapshots(folder)
    captures = sorted(shots["captured_at"].unique())
    assert len(captures) == 2 and set(shots["bookmaker"]) == {title for _, title in BOOKS}
    game = offers["game_id"].iloc[0]
    second = shots[(shots["captured_at"] == captures[1]) & (shots["game_id"] == game)]
    assert set(second["bookmaker"]) == {"DraftKings", "FanDuel"}

    # the close is the last capture strictly before tip-off: tip after both captures -> the second one
    late_tip = shots.assign(commence_time=captures[1] + pd.Timedelta(seconds=1))
    closes = closes_from_snapshots(late_tip)
    in_game = closes[closes["game_id"] == game]
    assert set(in_game["bookmaker"]) == {"DraftKings", "FanDuel"}
    first_lines = shots[(shots["captured_at"] == captures[0]) & (shots["game_id"] == game)]
    assert sorted(in_game["close_line"]) == sorted(first_lines.loc[first_lines["bookmaker"] != "BetMGM", "line"] + 1)
    # ... tip between them -> the first capture (a capture after tip-off is not a close)
    mid_tip = shots.assign(commence_time=captures[1])
    assert set(closes_from_snapshots(mid_tip).query("game_id == @game")["bookmaker"]) == {b for _, b in BOOKS}

    settings = load_project(project).settings
    clv = closing_line_value(bets, closes, settings.pricing).set_index("bet_id")
    assert clv["clv_prob"].notna().all()  # every bet, the pulled book's included
    pulled = bets.loc[(bets["game_id"] == game) & (bets["bookmaker"] == "BetMGM"), "bet_id"]
    assert len(pulled) and clv.loc[pulled, "close_line"].isna().all() and clv.loc[pulled, "clv_price"].isna().all()
    moved_bets = bets.loc[bets["game_id"] == game, "bet_id"]
    assert (clv.loc[moved_bets, "clv_line"] == 1.0).all()  # overs whose line closed a point higher
