"""The dashboard on a small synthetic project built once: JSON API and pages (TestClient), then a real browser.

The project runs two days of the daily loop in process (day 1: train the champion, bet, record; day 2: the
league advances, the day-1 bets settle, a second training becomes the challenger, new bets stay open), with
looser betting filters so the ledger has enough bets to show. Expected numbers are read straight from the
artifacts, the ledger database (sqlite3) and MLflow, never from the dashboard's own code.
"""

from __future__ import annotations

import json
import math
import socket
import sqlite3
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

with warnings.catch_warnings():
    # starlette now prefers the httpx2 package; httpx (what uv.lock holds) still works
    warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
    from fastapi.testclient import TestClient

from conftest import GENEROUS_MARKET, PROJECT_ROOT, copy_project, make_small_project, set_config_value
from nba_pra.cli import main
from nba_pra.config import load_project
from nba_pra.dashboard.app import create_app
from settings_support import pricing_settings

#: looser than the defaults (CV 0.35, confidence 0.6, 10 % of bankroll per game) so the small league yields a
#: ledger worth showing
_BETTING = {"betting.max_cv": 2.0, "betting.min_confidence": 0.2, "betting.max_game_fraction": 0.5,
            "betting.max_day_fraction": 0.8,
            # pages of staked and settled bets need bets: the old generous market, and a gate that is open
            "betting.evidence.required": False, **GENEROUS_MARKET}
_SCREENSHOTS = PROJECT_ROOT / "screenshots"
_CHROMIUM, _CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
_WINDOW = (1500, 1100)
_ONE_PAGE = 1000


def _client(app) -> TestClient:
    """A test client that names a loopback host (the app refuses TestClient's default ``testserver``)."""
    return TestClient(app, base_url="http://127.0.0.1:8050")


def _play_the_slate(root: Path) -> None:
    """Advance the synthetic league until the games of the last predicted slate have been played."""
    slate = pd.read_parquet(root / "artifacts" / "predictions.parquet")["game_date"].min()
    days = load_project(root).settings.data.synthetic.current_season_days_played
    while pd.read_parquet(root / "data" / "box_scores.parquet")["game_date"].max() < slate:
        days += 1
        set_config_value(root, "data.synthetic.current_season_days_played", days)
        assert main(["data", "generate", "-q"]) == 0


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    """Three days: day 1 trains the champion; day 2 settles day 1, trains the challenger and compares the two;
    day 3 settles day 2 with the champion's predictions and leaves its own bets open."""
    root = make_small_project(tmp_path_factory.mktemp("dashboard") / "project")
    for key, value in _BETTING.items():
        set_config_value(root, key, value)
    days = (
        (["data", "generate"], ["features"], ["train"], ["predict"], ["bet"], ["ledger"]),
        (["features"], ["train", "tracking.auto_promote=false"], ["predict"], ["bet"], ["ledger"],
         ["compare", "champion", "challenger"]),
        (["features"], ["predict"], ["bet"], ["ledger"]),
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        for day, verbs in enumerate(days):
            if day:
                _play_the_slate(root)
            for verb in verbs:
                assert main([*verb, "-q"]) == 0, verb
        yield load_project(root)


@pytest.fixture(scope="module")
def client(project) -> TestClient:
    """The API on one page per table (paging has its own test)."""
    return _client(create_app(load_project(project.root, [f"dashboard.page_size={_ONE_PAGE}"])))


def _ledger_db(project) -> tuple[pd.DataFrame, pd.DataFrame]:
    with sqlite3.connect(project.root / "ledger.db") as conn:
        return pd.read_sql("select * from bets", conn), pd.read_sql("select * from settlements", conn)


def _candidates(project) -> pd.DataFrame:
    return pd.read_parquet(project.path("artifacts", "candidates.parquet"))


# --- slate ------------------------------------------------------------------------------------------------------


def test_the_slate_api_shows_every_predicted_player_with_the_best_book_and_the_decision(project, client) -> None:
    predictions = pd.read_parquet(project.path("artifacts", "predictions.parquet"))
    candidates = _candidates(project)
    slate = client.get("/api/slate", params={"page": 1}).json()
    assert slate["available"] and slate["slate_date"] == str(predictions["game_date"].min().date())
    assert slate["players"] == predictions["player_id"].nunique()
    assert slate["candidates"] == len(candidates)
    assert slate["bets"] == int((candidates["decision"] == "bet").sum()) > 0
    rows = pd.DataFrame(slate["rows"])
    props = candidates.drop_duplicates(["game_id", "player_id", "market"])
    assert len(rows) == slate["total"] == len(props) + len(set(predictions["player_id"]) - set(props["player_id"]))
    priced = rows[rows["decision"] != "no line"]
    total = priced["p_over"] + priced["p_under"] + priced["p_push"]
    assert (total.sub(1.0).abs() < 1e-9).all()
    # each prop's row is its bet, else the book with the largest edge
    expected = candidates.assign(is_bet=candidates["decision"] == "bet").sort_values(
        ["is_bet", "edge"], ascending=False).drop_duplicates(["game_id", "player_id", "market"])
    both = priced.merge(expected, on=["game_id", "player_id"], suffixes=("", "_expected"), validate="one_to_one")
    assert len(both) == len(priced)
    for shown, truth in (("best_book", "bookmaker"), ("line", "line_expected"), ("decision", "decision_expected"),
                         ("reason", "reason_expected")):
        assert both[shown].tolist() == both[truth].tolist(), shown
    assert both["edge"].to_numpy() == pytest.approx(both["edge_expected"].to_numpy())
    assert rows["edge"].dropna().is_monotonic_decreasing  # default sort: edge, descending
    bets, _ = _ledger_db(project)
    placed = both[both["decision"] == "bet"]
    recorded = bets.set_index("bet_id")["stake"]
    assert placed["stake_units"].to_numpy() == pytest.approx(recorded.loc[placed["bet_id"]].to_numpy())
    # paper bets (the evidence gate's) stake nothing; every other bet stakes something
    paper = placed["state"].eq("paper")
    assert (placed.loc[~paper, "stake_pct"] > 0).all() and (placed.loc[paper, "stake_pct"] == 0).all()


def test_the_slate_sorts_filters_and_pages_through_query_parameters(project, client) -> None:
    rows = client.get("/api/slate", params={"sort": "p_over", "descending": "false"}).json()["rows"]
    p_over = [r["p_over"] for r in rows if r["p_over"] is not None]
    assert p_over == sorted(p_over)
    assert all(r["p_over"] is None for r in rows[len(p_over):])  # missing values last
    team = rows[0]["team"]
    by_team = client.get("/api/slate", params={"team": team.lower()}).json()
    assert by_team["total"] > 0 and {r["team"] for r in by_team["rows"]} == {team}
    name = rows[0]["player_name"]
    by_player = client.get("/api/slate", params={"player": name.split()[-1].upper()}).json()
    assert name in {r["player_name"] for r in by_player["rows"]}
    assert all(name.split()[-1].lower() in r["player_name"].lower() for r in by_player["rows"])
    assert client.get("/api/slate", params={"player": "nobody-is-called-this"}).json()["rows"] == []
    paged = _client(create_app(load_project(project.root, ["dashboard.page_size=5"])))
    first, second = (paged.get("/api/slate", params={"page": p}).json() for p in (1, 2))
    assert len(first["rows"]) == 5 and first["pages"] == -(-first["total"] // 5)
    assert first["rows"][0] != second["rows"][0]
    assert paged.get("/api/slate", params={"page": 999}).json()["page"] == first["pages"]
    assert 'rel="next"' in paged.get("/").text and 'rel="prev"' in paged.get("/", params={"page": 2}).text
    ledger = paged.get("/api/ledger", params={"page": 2}).json()
    assert (len(ledger["bets"]), ledger["page"], ledger["pages"]) == (5, 2, -(-ledger["total"] // 5))
    assert f"page 1 of {ledger['pages']}" in paged.get("/ledger").text
    assert client.get("/api/slate", params={"sort": "not_a_column"}).status_code == 422


def test_the_slate_page_renders_the_rows_with_sort_links_and_the_filter_form(project, client) -> None:
    html = client.get("/", params={"team": _candidates(project)["team"].iloc[0]}).text
    assert 'id="slate-table"' in html and 'id="slate-filter"' in html
    assert 'data-sort="p_over"' in html and "sort=edge" in html
    best = _candidates(project).sort_values("edge", ascending=False).iloc[0]
    assert best["player_name"] in client.get("/").text


def test_the_slate_shows_each_bets_state_the_gate_reason_and_flags_suspect_edges(project, client) -> None:
    """Decisions as the evidence gate writes them: the largest-edge bet staked, the other bets on paper."""
    path = project.path("artifacts", "candidates.parquet")
    original = pd.read_parquet(path)
    reason = "no_evidence: fastline ROI -1.2% [-5.0%, +2.6%] on 140 bets (market_aware, 2024-10-22..2024-12-20)"
    gated = original.copy()
    is_bet = gated["decision"].eq("bet")
    top = gated.loc[is_bet, "edge"].idxmax()
    paper = is_bet & (gated.index != top)
    gated["pricing"] = "market_aware"
    gated["state"] = np.select([paper, is_bet], ["paper", "staked"], default="")
    gated["gate_reason"] = np.where(paper, reason, "")
    gated.loc[paper, "stake"] = 0.0
    gated["edge_suspect"] = gated["edge"].gt(0.10)
    try:
        gated.to_parquet(path)
        slate = client.get("/api/slate").json()
        assert (slate["staked"], slate["paper"], slate["bets"]) == (1, int(paper.sum()), int(is_bet.sum()))
        assert slate["pricing"] == "market_aware" and slate["suspect_edge"] == pytest.approx(0.10)
        assert slate["banner"].startswith("SYNTHETIC DATA AND MARKET")
        rows = pd.DataFrame(slate["rows"])
        bets = rows[rows["decision"] == "bet"].set_index(["game_id", "player_id"])
        top_key = (gated.loc[top, "game_id"], gated.loc[top, "player_id"])
        assert bets.loc[top_key, "state"] == "staked" and pd.isna(bets.loc[top_key, "gate_reason"])
        paper_rows = bets[bets["state"] == "paper"]
        assert len(paper_rows) == paper.sum() and paper_rows["gate_reason"].eq(reason).all()
        assert (paper_rows["stake_pct"] == 0).all()
        assert all(r["state"] is None and r["gate_reason"] is None for r in slate["rows"] if r["decision"] != "bet")
        suspect = rows[rows["edge"].gt(0.10)]
        priced = rows[rows["edge"].notna()]  # a player without a line has no edge to suspect
        assert priced["edge_suspect"].eq(priced["edge"].gt(0.10)).all()
        assert rows.loc[rows["edge"].isna(), "edge_suspect"].isna().all()
        html = client.get("/", params={"sort": "edge"}).text
        assert 'id="synthetic-banner"' in html
        assert 'id="slate-staked">1<' in html and f'id="slate-paper">{int(paper.sum())}<' in html
        assert 'data-col="state">PAPER<' in html and 'data-col="state">STAKED<' in html
        assert "no_evidence: fastline ROI -1.2% [-5.0%, +2.6%]" in html
        if len(suspect):
            assert html.count('data-suspect="true"') == min(len(suspect), project.settings.dashboard.page_size)
            assert 'id="suspect-note"' in html and "more likely model error than value" in html
    finally:
        original.to_parquet(path)


def test_every_page_and_view_carries_the_synthetic_banner_and_real_settings_drop_it(project, client) -> None:
    for page in ("/", "/ledger", "/models", "/health"):
        assert 'id="synthetic-banner"' in client.get(page).text, page
    for api in ("/api/slate", "/api/ledger", "/api/models", "/api/health"):
        view = client.get(api).json()
        assert view["synthetic_data"] and view["synthetic_market"] and view["banner"], api
    real = _client(create_app(load_project(project.root, ["data.source=files", "odds=historical"])))
    for page in ("/", "/ledger", "/health"):
        assert 'id="synthetic-banner"' not in real.get(page).text, page
    assert real.get("/api/slate").json()["banner"] == ""


def test_the_health_page_shows_the_evidence_or_says_plainly_there_is_none(project, client) -> None:
    health = client.get("/api/health").json()
    # this project stakes without evidence (betting.evidence.required=false): the page must not call its bets paper
    assert health["evidence"] is None and "the gate is off" in health["evidence_message"]
    assert "every bet that passes the filters is staked" in client.get("/health").text
    assert "every bet is paper" not in client.get("/health").text
    summary_path = project.path("reports", "bet_summary.json")
    evidence_path = project.path("reports", "evidence.json")
    original = summary_path.read_text()
    books = {"fastline": {"bets": 140, "roi": -0.012, "roi_lo": -0.05, "roi_hi": 0.026, "p_value": 0.74,
                          "clv_bets": 0, "clv": None, "clv_lo": None, "clv_hi": None, "staked": False},
             "simbook": {"bets": 210, "roi": 0.041, "roi_lo": 0.004, "roi_hi": 0.08, "p_value": 0.0095,
                         "clv_bets": 0, "clv": None, "clv_lo": None, "clv_hi": None, "staked": True},
             # too few days for an interval: the evidence writer stores NaN (gate.write_evidence, allow_nan)
             "thinbook": {"bets": 6, "roi": 0.148, "roi_lo": math.nan, "roi_hi": math.nan, "p_value": math.nan,
                          "clv_bets": 6, "clv": 0.1086, "clv_lo": math.nan, "clv_hi": math.nan, "staked": False}}
    evidence = {"source": "market", "synthetic": True, "written_at": "2025-01-02T10:00:00+00:00",
                "window_start": "2024-10-22", "window_end": "2024-12-20", "min_bets": 100, "min_roi_lo": 0.0,
                "stack": None, "methods": {"market_aware": {"props": 900, "logloss": 0.689, "market_logloss": 0.6914,
                                             "logloss_minus_market": -0.0024, "logloss_minus_market_lo": -0.0051,
                                             "logloss_minus_market_hi": 0.0003, "books": books}}}
    try:
        summary_path.write_text(json.dumps({**json.loads(original), "pricing": "market_aware", "staked": 1,
                                            "paper": 3}))
        evidence_path.write_text(json.dumps(evidence))
        health = client.get("/api/health").json()
        assert health["pricing"] == "market_aware" and health["today"] == {"staked": 1, "paper": 3}
        shown = health["evidence"]
        assert shown["available"] and shown["logloss_minus_market_hi"] == pytest.approx(0.0003)
        assert {b["bookmaker"]: b["staked"] for b in shown["books"]} == {"fastline": False, "simbook": True,
                                                                          "thinbook": False}
        # a figure that could not be measured is null in the JSON, as every missing value (NaN is not JSON)
        thin = next(b for b in shown["books"] if b["bookmaker"] == "thinbook")
        assert [thin[k] for k in ("roi_lo", "roi_hi", "p_value", "clv_lo", "clv_hi")] == [None] * 5
        assert thin["clv"] == pytest.approx(0.1086)
        html = client.get("/health").text
        assert 'id="evidence-table"' in html and "-0.00240" in html and "[-0.00510, +0.00030]" in html
        assert 'data-book="fastline"' in html and "PAPER" in html and "STAKED" in html
        thin_row = html[html.index('data-book="thinbook"'):].split("</tr>")[0]
        assert "+14.80%" in thin_row and "[n/a]" in thin_row
        assert "-1.20%" in html and "+2.60%" in html and ">0.0095 <small>vs 0.013</small><" in html
    finally:
        summary_path.write_text(original)
        evidence_path.unlink(missing_ok=True)


def test_the_ledger_page_splits_staked_and_paper_bets(tmp_path: Path) -> None:
    from nba_pra.ledger.store import LedgerStore

    root = copy_project(tmp_path / "ledgered")
    row = {"game_id": "G1", "game_date": pd.Timestamp("2025-01-02"), "market": "player_points_rebounds_assists",
           "bookmaker": "fastline", "side": "over", "line": 20.5, "price": +150.0, "decimal_price": 2.5,
           "pricing": "market_aware", "player_name": "[b]Bold[/b] Name"}
    bets = pd.DataFrame([
        {**row, "bet_id": "s" * 40, "player_id": 1, "stake": 10.0, "edge": 0.05, "state": "staked",
         "gate_reason": ""},
        {**row, "bet_id": "p" * 40, "player_id": 2, "stake": 0.0, "edge": 0.20, "state": "paper",
         "gate_reason": "no_evidence: none yet (run nba-pra backtest or nba-pra market)"},
    ])
    box = pd.DataFrame({"game_id": "G1", "player_id": [1, 2], "played": True, "pts": 20.0, "reb": 1.0, "ast": 0.0})
    with LedgerStore(f"sqlite:///{root / 'ledger.db'}") as store:  # both win at 2.5
        store.record_bets(bets)
        store.settle(box, pricing=pricing_settings())
    app = _client(create_app(load_project(root)))
    ledger = app.get("/api/ledger").json()
    s = ledger["summary"]
    assert (s["bets"], s["profit"], s["roi"]) == (1, pytest.approx(15.0), pytest.approx(1.5))
    assert (s["paper"]["bets"], s["paper"]["notional_roi"]) == (1, pytest.approx(1.5))  # 1 unit at 2.5
    assert s["all_bets"]["bets"] == 2
    shown = {b["bet_id"][0]: b for b in ledger["bets"]}
    assert (shown["s"]["state"], shown["p"]["state"], shown["p"]["profit"]) == ("staked", "paper", 0.0)
    assert (shown["s"]["edge_suspect"], shown["p"]["edge_suspect"]) == (False, True)
    assert len(ledger["bankroll_curve"]) == 2  # start + the staked bet
    html = app.get("/ledger").text
    assert 'id="summary-staked"' in html and 'id="paper-roi">+150.00%' in html
    assert 'data-col="state">PAPER<' in html and "no_evidence: none yet" in html
    assert html.count('data-suspect="true"') == 1 and "[b]Bold[/b] Name" in html


# --- live -------------------------------------------------------------------------------------------------------

_LIVE_ROW = {"game_id": "G1", "game_date": pd.Timestamp("2025-01-02"), "market": "player_points_rebounds_assists",
             "bookmaker": "fastline", "side": "under", "line": 33.5, "price": +100.0, "decimal_price": 2.0,
             "state": "staked", "edge": 0.06, "phase": "live", "live_clock_s": 0.0}


def test_the_live_page_lists_live_bets_with_their_game_state_results_and_synthetic_labels(tmp_path: Path) -> None:
    from nba_pra.ledger.store import LedgerStore

    root = copy_project(tmp_path / "live")
    # the project's ledger: a pre-game bet (not on the live page) and a live bet at half time, settled
    with LedgerStore(f"sqlite:///{root / 'ledger.db'}") as store:
        store.record_bets(pd.DataFrame([
            {**_LIVE_ROW, "bet_id": "g" * 40, "player_id": 1, "stake": 5.0, "phase": "pregame", "side": "over",
             "line": 29.5},
            {**_LIVE_ROW, "bet_id": "h" * 40, "player_id": 1, "stake": 2.0, "player_name": "Half Time",
             "live_period": 2, "live_minutes": 17.5, "live_pra": 15.0, "live_pf": 2.0, "live_margin": -4.0},
        ]))
        box = pd.DataFrame({"game_id": "G1", "player_id": [1], "played": True, "pts": 20.0, "reb": 6.0, "ast": 4.0})
        store.settle(box, pricing=pricing_settings())  # final PRA 30: the live under 33.5 at +100 wins 2
    # a replayed night's live bet at the end of Q3, open
    replay = load_project(root).settings.live.replay.ledger
    url = f"sqlite:///{root / replay.url.removeprefix('sqlite:///')}"
    with LedgerStore(url, table_prefix=replay.table_prefix) as store:
        store.record_bets(pd.DataFrame([{**_LIVE_ROW, "bet_id": "r" * 40, "player_id": 2, "stake": 1.5,
                                         "player_name": "Third Quarter", "live_period": 3, "live_minutes": 30.0,
                                         "live_pra": 25.0, "live_pf": 5.0, "live_margin": 14.0}]))
    app = _client(create_app(load_project(root)))
    view = app.get("/api/live").json()
    assert view["available"] and view["total"] == 2 and view["banner"]  # the default project is synthetic
    first, second = view["bets"]  # same date: the later game state first
    assert (first["bet_id"], first["source"], first["synthetic"], first["status"]) == ("r" * 40, "replay", True,
                                                                                      "open")
    assert (second["live_period"], second["live_minutes"], second["live_pra"], second["live_pf"],
            second["live_margin"]) == (2, 17.5, 15.0, 2.0, -4.0)
    assert (second["result"], second["profit"], second["actual_pra"]) == ("win", 2.0, 30.0)
    sources = {src["source"]: src for src in view["sources"]}
    assert sources["ledger"]["summary"]["bets"] == 1 and sources["ledger"]["summary"]["profit"] == 2.0
    assert sources["replay"]["synthetic"] and sources["replay"]["summary"]["open"] == 1
    html = app.get("/live").text
    assert 'id="nav-live"' in html and 'id="synthetic-banner"' in html and 'id="live-table"' in html
    assert html.count('data-synthetic="true"') == 4  # both sources and both rows: the default league is simulated
    assert 'data-col="live_margin">-4<' in html and 'data-col="live_margin">+14<' in html
    assert "Half Time" in html and 'data-col="result">win<' in html and 'data-col="result">open<' in html
    # the ledger page shows the live bet among the bets, marked as such
    ledger = {b["bet_id"][0]: b for b in app.get("/api/ledger").json()["bets"]}
    assert (ledger["g"]["phase"], ledger["h"]["phase"]) == ("pregame", "live")
    assert 'data-col="phase">live<' in app.get("/ledger").text
    # with real data and books, only the replayed night is labelled synthetic
    real = _client(create_app(load_project(root, ["data.source=files", "odds=historical"])))
    view = real.get("/api/live").json()
    assert [b["synthetic"] for b in view["bets"]] == [True, False]
    assert view["banner"].startswith("SYNTHETIC REPLAYS")
    assert real.get("/live").text.count('<b class="synthetic-label">SYNTHETIC</b>') == 1


def test_the_live_page_says_where_live_bets_come_from_and_creates_no_database(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "empty-live")
    app = _client(create_app(load_project(root)))
    view = app.get("/api/live").json()
    assert not view["available"] and view["bets"] == []
    assert "--replay" in view["message"] and "--record" in view["message"]
    assert app.get("/live").status_code == 200
    assert not (root / "ledger.db").exists() and not (root / "artifacts" / "live").exists()


# --- ledger -----------------------------------------------------------------------------------------------------


def test_the_ledger_api_matches_the_ledger_database_and_the_ledger_stage_metrics(project, client) -> None:
    bets, settlements = _ledger_db(project)
    metrics = json.loads(project.path("reports", "ledger_metrics.json").read_text())
    ledger = client.get("/api/ledger").json()
    assert ledger["available"] and ledger["total"] == len(bets)
    summary = ledger["summary"]
    # the summary's top level is the staked bets' (a paper bet has stake 0 and profit 0)
    staked = bets[bets["state"].ne("paper")]
    settled_staked = settlements[settlements["bet_id"].isin(staked["bet_id"])]
    assert summary["bets"] == len(staked) and summary["settled"] == len(settled_staked) > 0
    assert summary["open"] == len(staked) - len(settled_staked) > 0  # day-2 bets wait for their games
    assert summary["paper"]["bets"] == len(bets) - len(staked) and summary["all_bets"]["bets"] == len(bets)
    initial = project.settings.ledger.initial_bankroll
    assert summary["bankroll"] == pytest.approx(initial + settlements["profit"].sum())
    for key in ("bankroll", "profit", "roi", "win_rate", "wins", "losses", "max_drawdown"):
        assert summary[key] == pytest.approx(metrics[key]), key
    curve = ledger["bankroll_curve"]
    assert curve[0] == {"date": "start", "bets": 0, "bankroll": initial}
    # one point per game date: a slate's bets settle together
    settled_dates = staked.loc[staked["bet_id"].isin(settled_staked["bet_id"]), "game_date"]
    assert len(curve) == pd.to_datetime(settled_dates).dt.normalize().nunique() + 1
    assert sum(point["bets"] for point in curve) == len(settled_staked)
    assert curve[-1]["bankroll"] == pytest.approx(summary["bankroll"])
    buckets = {b["bucket"]: b for b in ledger["buckets"]}
    assert set(buckets) == set(metrics["by_edge"])
    for label, expected in metrics["by_edge"].items():
        got = buckets[label]
        assert (got["bets"], got["wins"], got["profit"]) == (
            expected["bets"], expected["wins"], pytest.approx(expected["profit"]))
        if got["bets"]:
            assert got["win_rate_lo"] <= got["win_rate"] <= got["win_rate_hi"]
            # an interval has both ends or none (a bucket with bets on too few days has none)
            assert (got["roi_lo"] is None) == (got["roi_hi"] is None)
            assert got["roi_lo"] is None or got["roi_lo"] <= got["roi_hi"]
    rows = pd.DataFrame(ledger["bets"])
    assert rows["game_date"].is_monotonic_decreasing
    joined = rows.merge(settlements, on="bet_id", how="inner", suffixes=("", "_db"))
    assert len(joined) == len(settlements)
    assert joined["result"].tolist() == joined["result_db"].tolist()
    assert joined["profit"].to_numpy() == pytest.approx(joined["profit_db"].to_numpy())
    assert {"clv_price", "clv_prob", "close_line", "clv_line"} <= set(rows.columns)
    # the CLV table agrees with the ledger stage's metrics (every settled bet, staked and paper)
    clv = {(c["section"], c["group"]): c for c in ledger["clv"]}
    overall = metrics["clv"]["overall"]
    assert (clv["all", "all bets"]["bets"], clv["all", "all bets"]["clv_bets"]) == (overall["bets"],
                                                                                   overall["clv_bets"])
    assert {g for s, g in clv if s == "book"} == {b for b, r in metrics["clv"]["by_book"].items() if r["bets"]}


def test_the_ledger_page_shows_summary_chart_buckets_and_bets(project, client) -> None:
    html = client.get("/ledger").text
    bankroll = project.settings.ledger.initial_bankroll + _ledger_db(project)[1]["profit"].sum()
    assert f'id="summary-bankroll">{bankroll:.2f}<' in html
    assert "<polyline points=" in html and 'id="bucket-table"' in html and 'id="bets-table"' in html
    assert "Wilson" in html and "bootstrap" in html
    assert 'id="clv-table"' in html and 'data-group="all bets"' in html and "beat the close" in html


# --- models -----------------------------------------------------------------------------------------------------


def test_the_models_api_shows_champion_and_challenger_with_registry_metrics(project, client) -> None:
    from mlflow import MlflowClient

    uri = f"sqlite:///{project.root / 'mlflow.db'}"
    registry = MlflowClient(tracking_uri=uri, registry_uri=uri)
    models = client.get("/api/models").json()
    assert models["available"]
    assert [v["alias"] for v in models["versions"]] == ["champion", "challenger"]
    for shown in models["versions"]:
        mv = registry.get_model_version_by_alias("nba-pra", shown["alias"])
        assert shown["version"] == str(mv.version) and shown["run_id"] == mv.run_id
        logged = registry.get_run(mv.run_id).data.metrics
        for name in project.settings.dashboard.model_metrics:
            assert shown["metrics"][name] == pytest.approx(logged[name]), name
        assert shown["registry_url"].endswith(f"/#/models/nba-pra/versions/{mv.version}")
        assert shown["run_url"].endswith(f"/runs/{mv.run_id}")
        assert shown["registry_url"].startswith(project.settings.dashboard.mlflow_ui_url)
    assert models["latest_training"]["version"] == "2"
    comparison = models["comparison"]
    assert (comparison["version_a"], comparison["version_b"], comparison["source"]) == ("1", "2", "oof")
    crps = next(r for r in comparison["scores"] if r["score"] == "crps")
    assert crps["lo"] <= crps["diff"] <= crps["hi"] and crps["diff"] == pytest.approx(crps["b"] - crps["a"])
    assert comparison["verdict"] == registry.get_model_version("nba-pra", "2").tags["compare_verdict_oof"]


def test_model_plots_are_served_from_the_run_and_other_paths_are_refused(client) -> None:
    plots = client.get("/api/models").json()["versions"][0]["plots"]
    assert len(plots) == 3
    for url in plots:
        response = client.get(url)
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    assert client.get("/api/models/1/plots/model.json").status_code == 404
    assert client.get("/api/models/1/plots/..%2F..%2FMLmodel").status_code == 404
    assert client.get("/api/models/99/plots/pit_histogram.png").status_code == 404
    html = client.get("/models").text
    assert 'id="metrics-table"' in html and plots[0] in html and 'class="mlflow-link"' in html


def test_a_missing_alias_is_shown_as_such_and_no_version_at_all_says_what_to_run(project) -> None:
    one = _client(create_app(load_project(project.root, ["tracking.challenger_alias=nobody"])))
    versions = one.get("/api/models").json()["versions"]
    assert versions[1] == {**versions[1], "alias": "nobody", "version": None, "plots": []}
    assert "no version holds @nobody" in one.get("/models").text
    none = _client(create_app(load_project(
        project.root, ["tracking.champion_alias=nobody", "tracking.challenger_alias=no_one"])))
    models = none.get("/api/models").json()
    assert not models["available"] and "nba-pra pipeline" in models["message"]


def test_predictions_without_bet_decisions_list_every_player_without_a_line(project, tmp_path: Path) -> None:
    import shutil

    root = copy_project(tmp_path / "predicted")
    (root / "artifacts").mkdir()
    shutil.copy2(project.path("artifacts", "predictions.parquet"), root / "artifacts" / "predictions.parquet")
    slate = _client(create_app(load_project(root))).get("/api/slate", params={"page": 1}).json()
    assert slate["available"] and "nba-pra bet" in slate["message"]
    assert slate["candidates"] == slate["bets"] == 0
    assert {r["decision"] for r in slate["rows"]} == {"no line"}


# --- health -----------------------------------------------------------------------------------------------------


def test_the_health_api_reports_freshness_quota_pipeline_and_warnings(project, client) -> None:
    from nba_pra.artifacts import ODDS_QUOTA
    from nba_pra.odds.http import Quota
    from nba_pra.odds.quota import write_quota
    from nba_pra.reporting.pipeline_run import record_pipeline_run

    box = pd.read_parquet(project.path("data", "box_scores.parquet"), columns=["game_date"])
    health = client.get("/api/health").json()
    assert health["data"]["through"] == str(box["game_date"].max().date())
    assert health["data"]["rows"] == len(box)
    assert health["data"]["lag_days"] >= 1 and not health["data"]["stale"]
    assert health["odds_quota"] is None and health["odds_provider"] == "synthetic"
    assert {a["name"]: a["exists"] for a in health["artifacts"]}["predictions"]
    started = pd.Timestamp("2025-01-02 15:00:00", tz="UTC")
    record_pipeline_run(project.path("logs"), started, started + pd.Timedelta(seconds=40), 8)
    write_quota(ODDS_QUOTA.path(project), "theoddsapi", Quota(remaining=480, used=20, last=3))
    try:
        health = client.get("/api/health").json()
        assert not health["ok"]
        assert "the last pipeline run failed (exit code 8)" in health["warnings"]
        assert (health["odds_quota"]["remaining"], health["odds_quota"]["used"]) == (480, 20)
        html = client.get("/health").text
        assert "480 left, 20 used" in html and "the last pipeline run failed" in html
    finally:
        project.path("logs", "pipeline_run.json").unlink()
        ODDS_QUOTA.path(project).unlink()


def test_stale_data_is_a_health_warning(project) -> None:
    strict = _client(create_app(load_project(project.root, ["data.freshness.max_lag_days=0"])))
    health = strict.get("/api/health").json()
    assert health["data"]["stale"] and "fetch or import recent box scores" in health["warnings"][0]


# --- the app as a whole -----------------------------------------------------------------------------------------


def test_only_get_routes_exist_and_the_openapi_schema_lists_the_api(client) -> None:
    from nba_pra.dashboard import api, pages

    routes = [*api.router.routes, *pages.router.routes]
    assert len(routes) == 11 and {m for route in routes for m in route.methods} == {"GET"}
    schema = client.get("/openapi.json").json()
    assert {"/api/slate", "/api/ledger", "/api/live", "/api/models", "/api/health",
            "/api/models/{version}/plots/{name}"} <= set(schema["paths"])
    assert all(set(ops) == {"get"} for ops in schema["paths"].values())
    assert "SlateRow" in schema["components"]["schemas"]
    for path in ("/api/slate", "/api/ledger", "/", "/ledger"):
        assert client.post(path).status_code == 405
        assert client.delete(path).status_code == 405
    assert client.get("/static/style.css").status_code == 200


def test_every_page_says_what_to_run_on_a_project_without_outputs_and_creates_no_database(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "empty")
    empty = _client(create_app(load_project(root)))
    for path in ("/", "/ledger", "/models", "/health"):
        response = empty.get(path)
        assert response.status_code == 200, path
        assert "nba-pra pipeline" in response.text, path
    assert not empty.get("/api/slate").json()["available"]
    assert not empty.get("/api/ledger").json()["available"]
    assert not empty.get("/api/models").json()["available"]
    assert empty.get("/api/models/1/plots/pit_histogram.png").status_code == 404
    health = empty.get("/api/health").json()
    assert not health["ok"] and {"data", "ledger", "models"} <= set(health["errors"])
    assert not (root / "ledger.db").exists() and not (root / "mlflow.db").exists()


def test_credentials_and_the_api_key_never_reach_a_page(project, tmp_path: Path, monkeypatch) -> None:
    password, api_key, smtp = "pw-Sentinel-731", "odds-key-Sentinel-482", "smtp-Sentinel-915"
    monkeypatch.setenv("ODDS_API_KEY", api_key)
    monkeypatch.setenv("NBA_PRA_SMTP_PASSWORD", smtp)
    url = f"postgresql+psycopg://bettor:{password}@127.0.0.1:9/ledger"
    broken = load_project(project.root, [f"ledger.url={url}"])
    # a provider error that quoted the key: the dashboard must still mask it
    summary_path = project.path("reports", "bet_summary.json")
    original = summary_path.read_text()
    summary_path.write_text(json.dumps({**json.loads(original), "odds_warning": f"401 for apiKey={api_key}"}))
    try:
        app = _client(create_app(broken))
        bodies = {path: app.get(path).text for path in
                  ("/", "/ledger", "/models", "/health", "/api/slate", "/api/ledger", "/api/models", "/api/health",
                   "/openapi.json")}
    finally:
        summary_path.write_text(original)
    for path, body in bodies.items():
        for secret in (password, api_key, smtp):
            assert secret not in body, (path, secret)
    assert "postgresql+psycopg://bettor:***@127.0.0.1:9/ledger" in bodies["/ledger"]
    assert "bettor:***@" in bodies["/api/health"]
    assert "apiKey=***" in bodies["/api/health"]
    assert "cannot open the ledger" in bodies["/api/ledger"]


def test_the_dashboard_verb_binds_to_loopback_by_default(project, monkeypatch, capsys, caplog) -> None:
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.chdir(project.root)
    assert main(["dashboard", "-q"]) == 0
    assert (calls[-1]["host"], calls[-1]["port"]) == ("127.0.0.1", 8050)
    assert "http://127.0.0.1:8050/" in capsys.readouterr().out
    assert main(["dashboard", "--port", "8123", "dashboard.log_level=error"]) == 0
    assert (calls[-1]["host"], calls[-1]["port"], calls[-1]["log_level"]) == ("127.0.0.1", 8123, "error")
    assert main(["dashboard", "--host", "0.0.0.0"]) == 0
    assert "no login" in caplog.text


# --- a real browser ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(project):
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(project), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    missing = [str(p) for p in (_CHROMIUM, _CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.skip(f"browser test needs Chromium and chromedriver: {', '.join(missing)} not found "
                    "(apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(_CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 f"--window-size={_WINDOW[0]},{_WINDOW[1]}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(_CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _shoot(driver, name: str) -> Path:
    """A full-page screenshot under screenshots/ (the window grows to the page's height first)."""
    driver.set_window_size(*_WINDOW)
    driver.execute_script("window.scrollTo(0, 0)")
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(_WINDOW[0], max(_WINDOW[1], int(height) + 140))  # + the browser's own chrome
    _SCREENSHOTS.mkdir(exist_ok=True)
    path = _SCREENSHOTS / f"dashboard_{name}.png"
    assert driver.save_screenshot(str(path))
    return path


@pytest.mark.slow
def test_a_browser_renders_every_page_with_the_real_numbers(project, server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.wait import WebDriverWait

    def text(css: str) -> str:
        return browser.find_element(By.CSS_SELECTOR, css).text.strip()

    # slate: counts and the top row against the artifacts
    predictions = pd.read_parquet(project.path("artifacts", "predictions.parquet"))
    candidates = _candidates(project)
    browser.get(server + "/")
    assert text("#slate-date") == str(predictions["game_date"].min().date())
    assert text("#slate-players") == str(predictions["player_id"].nunique())
    assert text("#slate-candidates") == str(len(candidates))
    assert text("#slate-bets") == str(int((candidates["decision"] == "bet").sum()))
    top = candidates.sort_values("edge", ascending=False).iloc[0]
    first = browser.find_element(By.CSS_SELECTOR, "#slate-table tbody tr")
    cell = {c.get_attribute("data-col"): c.text for c in first.find_elements(By.TAG_NAME, "td")}
    assert cell["player_name"] == top["player_name"] and cell["line"] == f"{top['line']:.1f}"
    # a suspect edge carries a mark after the number
    assert cell["p_over"] == f"{top['p_over']:.3f}" and cell["edge"].split()[0] == f"{top['edge']:.1%}"
    _shoot(browser, "slate")
    # sorting by a header link and filtering by team through the form
    def follow(element) -> None:
        """Click a link or button and wait until the next page replaced this one."""
        page = browser.find_element(By.TAG_NAME, "main")
        element.click()
        WebDriverWait(browser, 10).until(staleness_of(page))

    follow(browser.find_element(By.CSS_SELECTOR, 'a[data-sort="p_over"]'))
    shown = [c.text for c in browser.find_elements(By.CSS_SELECTOR, '#slate-table td[data-col="p_over"]')]
    values = [float(v) for v in shown if v != "–"]
    assert values == sorted(values, reverse=True)
    team = str(top["team"])
    select = browser.find_element(By.CSS_SELECTOR, '#slate-filter select[name="team"]')
    select.find_element(By.CSS_SELECTOR, f'option[value="{team}"]').click()
    follow(browser.find_element(By.CSS_SELECTOR, "#slate-filter button"))
    assert f"team={team}" in browser.current_url
    teams = {c.text for c in browser.find_elements(By.CSS_SELECTOR, '#slate-table td[data-col="team"]')}
    assert teams == {team}

    # ledger: summary and chart against the database
    bets, settlements = _ledger_db(project)
    bankroll = project.settings.ledger.initial_bankroll + settlements["profit"].sum()
    browser.get(server + "/ledger")
    assert text("#summary-bankroll") == f"{bankroll:.2f}"
    staked = bets[bets["state"].ne("paper")]
    settled_staked = settlements["bet_id"].isin(staked["bet_id"]).sum()
    assert text("#summary-bets") == str(len(staked))
    assert text("#summary-settled") == f"{settled_staked} / {len(staked) - settled_staked}"
    assert text("#bankroll-last") == f"{bankroll:.2f}"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#bets-table tbody tr")) == min(
        len(bets), project.settings.dashboard.page_size)
    _shoot(browser, "ledger")

    # live: no in-game bet in this project yet; each ledger says where its live bets come from
    browser.get(server + "/live")
    assert text("#page-title") == "Live" and browser.find_element(By.ID, "nav-live").get_attribute("class") == "active"
    assert "--record" in text("#missing-replay")
    assert "no live bets yet" in text("#notice")
    _shoot(browser, "live")

    # models: the champion's CRPS from MLflow, and the plots load
    from mlflow import MlflowClient

    uri = f"sqlite:///{project.root / 'mlflow.db'}"
    registry = MlflowClient(tracking_uri=uri, registry_uri=uri)
    champion = registry.get_model_version_by_alias("nba-pra", "champion")
    crps = registry.get_run(champion.run_id).data.metrics["crps"]
    browser.get(server + "/models")
    assert text('#metrics-table tr[data-metric="crps"] td[data-alias="champion"]') == f"{crps:.3f}"
    assert f"version {champion.version}" in text("#model-champion h2")
    images = browser.find_elements(By.CSS_SELECTOR, ".plots img")
    assert len(images) == 6
    # the latest comparison: its verdict and one row per score, CRPS's interval as the compare run logged it
    compare_experiment = registry.get_experiment_by_name(project.settings.tracking.compare.experiment)
    compared = registry.search_runs([compare_experiment.experiment_id], max_results=1)[0].data
    assert text("#comparison-verdict") == compared.tags["compare_verdict"]
    crps_row = text('#comparison-table tr[data-score="crps"]')
    assert f"[{compared.metrics['crps_lo']:+.3f}, {compared.metrics['crps_hi']:+.3f}]" in crps_row
    for image in images:
        browser.execute_script("arguments[0].scrollIntoView()", image)
    # lazy images start loading once scrolled into view; a busy machine may take more than a moment
    WebDriverWait(browser, 20).until(lambda b: all(
        b.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i) > 0 for i in images))
    _shoot(browser, "models")

    # health: data freshness against the box scores
    box = pd.read_parquet(project.path("data", "box_scores.parquet"), columns=["game_date"])
    browser.get(server + "/health")
    assert text("#data-through") == str(box["game_date"].max().date())
    assert text("#data-rows") == f"{len(box):,}"
    assert text("#health-status")
    _shoot(browser, "health")
