"""LedgerStore on SQLite: idempotent, transactional recording; settlement, CLV, bankroll and summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from nba_pra.errors import LedgerError
from nba_pra.ledger.clv import ClvNote
from nba_pra.ledger.settings import LedgerSettings
from nba_pra.ledger.store import LedgerStore, open_ledger, resolve_url
from settings_support import conf, pricing_settings

PRA = "player_points_rebounds_assists"
DAY = pd.Timestamp("2024-01-05")
PRICING = pricing_settings()


def bet(
    bet_id: str,
    player_id: int,
    side: str,
    line: float,
    price: float,
    stake: float,
    *,
    game_id: str = "G1",
    book: str = "book_a",
    **extra: object,
) -> dict[str, object]:
    decimal = 1 + price / 100 if price > 0 else 1 + 100 / abs(price)
    row: dict[str, object] = {
        "bet_id": bet_id,
        "game_id": game_id,
        "game_date": DAY,
        "player_id": player_id,
        "market": PRA,
        "bookmaker": book,
        "side": side,
        "line": line,
        "price": price,
        "decimal_price": decimal,
        "stake": stake,
        "model_version": "3",
        "close_line": np.nan,
        "close_over_price": np.nan,
        "close_under_price": np.nan,
        "decision": "bet",
    }
    row.update(extra)
    return row


BETS = pd.DataFrame(
    [
        bet("a", 1, "over", 29.5, -110, 11.0),  # PRA 30: win +10
        bet("b", 1, "under", 30.0, +100, 5.0, book="book_b", game_id="G1x"),  # other game, stays open
        bet("c", 3, "over", 24.5, +150, 4.0),  # PRA 24: loss -4
        bet("d", 3, "under", 24.0, -120, 6.0, game_id="G1"),  # PRA 24 == line: push 0
        bet("e", 2, "over", 20.5, -110, 3.0),  # DNP: void 0
    ]
)
BOX = pd.DataFrame(
    [
        ("G1", 1, True, 20.0, 5.0, 5.0),
        ("G1", 2, False, np.nan, np.nan, np.nan),
        ("G1", 3, True, 10.0, 10.0, 4.0),
    ],
    columns=["game_id", "player_id", "played", "pts", "reb", "ast"],
)


#: slate predictions of two versions (1: the champion's, 2: the shadow's) for BOX's game G1 and the open game G1x
PREDICTIONS = pd.DataFrame(
    [(g, p, DAY, v, m, 2.0 * m, "negbin") for v, shift in (("1", 0.0), ("2", 3.0))
     for g, p, m in (("G1", 1, 28.0 + shift), ("G1", 2, 15.0 + shift), ("G1", 3, 20.0 + shift),
                     ("G1x", 1, 25.0 + shift))],
    columns=["game_id", "player_id", "game_date", "model_version", "mean", "var", "dist_family"],
)


@pytest.fixture
def store(tmp_path: Path) -> LedgerStore:
    with LedgerStore(f"sqlite:///{tmp_path}/ledger.db") as s:
        yield s


def test_recording_the_same_bets_twice_adds_nothing_the_second_time(store: LedgerStore) -> None:
    assert store.record_bets(BETS) == 5
    assert store.record_bets(BETS) == 0
    assert store.record_bets(BETS.iloc[:2]) == 0
    assert len(store.bets()) == 5


def test_only_bet_decisions_of_a_candidates_frame_are_recorded(store: LedgerStore) -> None:
    frame = BETS.assign(decision=["bet", "pass", "bet", "pass", "pass"])
    assert store.record_bets(frame) == 2
    assert sorted(store.bets()["bet_id"]) == ["a", "c"]


def test_a_new_bet_among_known_ones_is_the_only_row_added(store: LedgerStore) -> None:
    store.record_bets(BETS.iloc[:3])
    assert store.record_bets(BETS) == 2


def test_a_failure_mid_batch_rolls_back_the_whole_batch(store: LedgerStore) -> None:
    many = pd.DataFrame([bet(f"x{i}", i, "over", 20.5, -110, 1.0) for i in range(200)])
    many.loc[150, "stake"] = np.nan  # violates NOT NULL after 150 good rows
    with pytest.raises(LedgerError, match="nothing was written"):
        store.record_bets(many)
    assert store.bets().empty
    assert store.record_bets(many.drop(index=150)) == 199


def test_two_rows_with_one_bet_id_in_a_batch_are_refused(store: LedgerStore) -> None:
    with pytest.raises(LedgerError, match="appear twice"):
        store.record_bets(pd.concat([BETS.iloc[:1], BETS.iloc[:1]]))


def test_settlement_covers_win_loss_push_and_void_and_leaves_other_games_open(store: LedgerStore) -> None:
    store.record_bets(BETS)
    assert store.settle(BOX, pricing=PRICING) == 4
    out = store.bets().set_index("bet_id")
    assert out.loc[["a", "c", "d", "e"], "result"].tolist() == ["win", "loss", "push", "void"]
    assert out.loc[["a", "c", "d", "e"], "profit"].tolist() == [pytest.approx(10.0), -4.0, 0.0, 0.0]
    assert out.loc["b", "status"] == "open" and pd.isna(out.loc["b", "result"])
    assert store.bankroll(1000.0) == pytest.approx(1006.0)


def test_resettling_is_idempotent_and_a_corrected_box_score_resettles(store: LedgerStore) -> None:
    store.record_bets(BETS)
    store.settle(BOX, pricing=PRICING)
    assert store.settle(BOX, pricing=PRICING) == 0
    corrected = BOX.copy()
    corrected.loc[0, "pts"] = 19.0  # PRA 29 < 29.5: bet a now loses
    assert store.settle(corrected, pricing=PRICING) == 1
    assert store.bets().set_index("bet_id").loc["a", ["result", "profit"]].tolist() == ["loss", -11.0]
    assert len(store.snapshots()) == 2  # one per settlement run that changed something


def test_closing_line_value_is_hand_derived_and_survives_a_later_settle_without_closes(
    store: LedgerStore,
) -> None:
    store.record_bets(BETS.iloc[[2]])  # bet c: over 24.5 at +150 (d = 2.5)
    closing = pd.DataFrame(
        [
            {
                "game_id": "G1",
                "game_date": DAY,
                "player_id": 3,
                "player_name": "x",
                "bookmaker": "book_a",
                "line": 24.5,
                "over_price": +150,
                "under_price": -180,
                "close_line": 24.5,
                "close_over_price": +120,
                "close_under_price": -150,
            }
        ]
    )
    assert store.settle(BOX, closing, pricing=PRICING) == 1
    row = store.bets().iloc[0]
    # close over +120 -> d 2.2: price CLV = 2.5 / 2.2 - 1 = 0.13636...
    assert row["clv_price"] == pytest.approx(2.5 / 2.2 - 1)
    # fair close P(over) = (1/2.2) / (1/2.2 + 1/(1 + 100/150)) = 0.454545 / 1.054545 = 0.431034
    q_over, q_under = 1 / 2.2, 1 / (1 + 100 / 150)
    assert row["clv_prob"] == pytest.approx(q_over / (q_over + q_under) - 1 / 2.5)
    assert row["close_line"] == 24.5
    assert store.settle(BOX, pricing=PRICING) == 0
    assert store.bets().iloc[0]["clv_price"] == pytest.approx(2.5 / 2.2 - 1)


def test_a_moved_closing_line_records_the_close_but_no_clv(store: LedgerStore) -> None:
    store.record_bets(BETS.iloc[[2]])
    closing = pd.DataFrame(
        [
            {
                "game_id": "G1",
                "game_date": DAY,
                "player_id": 3,
                "player_name": "x",
                "bookmaker": "book_a",
                "line": 24.5,
                "over_price": +150,
                "under_price": -180,
                "close_line": 26.5,
                "close_over_price": -110,
                "close_under_price": -110,
            }
        ]
    )
    store.settle(BOX, closing, pricing=PRICING)
    row = store.bets().iloc[0]
    assert row["close_line"] == 26.5 and row["close_consensus_line"] == 26.5
    # bet c carries no predicted distribution: the move is measured in points, not carried to 24.5
    assert pd.isna(row["clv_price"]) and pd.isna(row["clv_prob"])
    assert row["clv_line"] == pytest.approx(2.0) and row["clv_note"] == ClvNote.NO_DISTRIBUTION.value


def test_a_moved_closing_line_of_a_bet_with_its_distribution_gets_a_probability_clv(store: LedgerStore) -> None:
    """Before: a moved line had no CLV at all. Now the close is carried to the bet's 24.5 through the
    market-implied distribution: closing -110/-110 at 26.5 (q* = 0.5) puts P(over 24.5) above 0.5, so the over at
    +150 (break-even 0.4) beat the close by more than 0.1."""
    store.record_bets(BETS.iloc[[2]].assign(dist_family="negbin", mean=25.0, std=7.0))
    closing = pd.DataFrame([{"game_id": "G1", "player_id": 3, "bookmaker": "book_a", "close_line": 26.5,
                             "close_over_price": -110, "close_under_price": -110}])
    assert store.settle(BOX, closing, pricing=PRICING) == 1
    row = store.bets().iloc[0]
    assert 0.5 < row["close_fair"] < 0.75 and row["clv_prob"] == pytest.approx(row["close_fair"] - 0.4)
    assert row["clv_line"] == pytest.approx(2.0) and row["clv_note"] == ""
    assert pd.isna(row["clv_price"])  # the book's line moved: no price to compare


def test_opening_lines_without_a_close_give_no_clv(store: LedgerStore) -> None:
    store.record_bets(BETS.iloc[[2]])
    opening = pd.DataFrame(
        [
            {
                "game_id": "G1",
                "game_date": DAY,
                "player_id": 3,
                "player_name": "x",
                "bookmaker": "book_a",
                "line": 24.5,
                "over_price": -200,
                "under_price": +160,
                "close_line": np.nan,
                "close_over_price": np.nan,
                "close_under_price": np.nan,
            }
        ]
    )
    store.settle(BOX, opening, pricing=PRICING)
    row = store.bets().iloc[0]
    assert pd.isna(row["close_line"]) and pd.isna(row["clv_price"])


def test_summary_figures_are_hand_derived(store: LedgerStore) -> None:
    store.record_bets(BETS)
    store.settle(BOX, pricing=PRICING)
    s = store.summary(1000.0)
    assert (s["bets"], s["open"], s["settled"]) == (5, 1, 4)
    assert (s["wins"], s["losses"], s["pushes"], s["voids"]) == (1, 1, 1, 1)
    assert s["win_rate"] == pytest.approx(0.5)
    assert s["staked"] == pytest.approx(11.0 + 4.0 + 6.0)  # the void never ran
    assert s["profit"] == pytest.approx(6.0) and s["units"] == pytest.approx(6.0)
    assert s["roi"] == pytest.approx(6.0 / 21.0)
    assert s["bankroll"] == pytest.approx(1006.0)
    assert s["open_exposure"] == pytest.approx(5.0)
    assert s["avg_clv"] is None


def test_an_empty_ledger_summarises_to_zeros_and_nulls(store: LedgerStore) -> None:
    s = store.summary(500.0)
    assert (s["bets"], s["settled"], s["profit"], s["bankroll"]) == (0, 0, 0.0, 500.0)
    assert s["win_rate"] is None and s["roi"] is None
    assert store.settle(BOX, pricing=PRICING) == 0


def test_the_ledger_persists_across_store_instances(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/sub/dir/ledger.db"
    with LedgerStore(url) as first:
        first.record_bets(BETS)
    with LedgerStore(url) as second:
        assert second.record_bets(BETS) == 0
        assert len(second.bets()) == 5


def test_a_ledger_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    LedgerStore(url).dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_meta SET value = '999' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(LedgerError, match="schema version 999"):
        LedgerStore(url)


def test_table_prefix_keeps_two_ledgers_apart_in_one_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    with LedgerStore(url, table_prefix="sweep_") as a, LedgerStore(url) as b:
        a.record_bets(BETS)
        assert b.bets().empty and len(a.bets()) == 5


def test_an_unreachable_database_is_a_ledger_error() -> None:
    with pytest.raises(LedgerError, match="cannot open the ledger"):
        LedgerStore("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")


def test_relative_sqlite_paths_resolve_under_the_project_root(tmp_path: Path) -> None:
    assert resolve_url("sqlite:///ledger.db", tmp_path) == f"sqlite:///{tmp_path.resolve()}/ledger.db"
    assert (
        resolve_url("sqlite:///data/x/ledger.db", tmp_path)
        == f"sqlite:///{tmp_path.resolve()}/data/x/ledger.db"
    )
    assert resolve_url("sqlite:////abs/ledger.db", tmp_path) == "sqlite:////abs/ledger.db"
    assert resolve_url("sqlite://", tmp_path) == "sqlite://"
    assert resolve_url("sqlite:///:memory:", tmp_path) == "sqlite:///:memory:"
    pg = "postgresql+psycopg://u:p@127.0.0.1:5432/db"
    assert resolve_url(pg, tmp_path) == pg
    with pytest.raises(LedgerError, match="not a valid"):
        resolve_url("not a url", tmp_path)


def test_open_ledger_uses_the_configured_url_under_the_project_root(tmp_path: Path) -> None:
    settings = conf(LedgerSettings, url="sqlite:///state/ledger.db", table_prefix="p_")
    with open_ledger(settings, tmp_path) as store:
        store.record_bets(BETS)
    assert (tmp_path / "state" / "ledger.db").is_file()
    with LedgerStore(f"sqlite:///{tmp_path}/state/ledger.db", table_prefix="p_") as again:
        assert len(again.bets()) == 5


def test_the_engines_candidates_frame_records_directly_and_only_its_bets(store: LedgerStore) -> None:
    from nba_pra.betting.engine import evaluate_candidates
    from settings_support import betting_settings, model_pricing

    preds = pd.DataFrame(
        [
            {
                "game_id": "G1",
                "game_date": DAY,
                "season": "2023-24",
                "player_id": 1,
                "player_name": "A",
                "team": "AAA",
                "opponent": "BBB",
                "home": True,
                "position": "G",
                "n_prior_games": 20,
                "eligible": True,
                "mean": 30.0,
                "var": 36.0,
                "std": 6.0,
                "cv": 0.2,
                "median": 30.0,
                "dist_family": "gamma",
                "dist_param_a": 25.0,
                "dist_param_b": 1.2,
                "model_version": "3",
                "model_uri": "m",
            }
        ]
    )
    lines = pd.DataFrame(
        [
            {
                "game_id": "G1",
                "game_date": DAY,
                "player_id": 1,
                "player_name": "a",
                "bookmaker": b,
                "line": 24.5,
                "over_price": p,
                "under_price": -110,
                "close_line": np.nan,
                "close_over_price": np.nan,
                "close_under_price": np.nan,
            }
            for b, p in (("x", -120), ("y", -105), ("z", -130))
        ]
    )
    as_of = pd.Timestamp("2024-01-05 15:00", tz="UTC")
    candidates = evaluate_candidates(preds, lines, betting_settings(), 1000.0, as_of=as_of, **model_pricing())
    assert store.record_bets(candidates) == 1
    assert store.record_bets(candidates) == 0
    assert store.record_bets(candidates[candidates["decision"] == "pass"]) == 0
    row = store.bets().iloc[0]
    assert row["bookmaker"] == "y" and row["side"] == "over" and row["stake"] == pytest.approx(50.0)
    assert pd.Timestamp(row["decided_at"]).tz_localize(None) == as_of.tz_localize(None)


def test_slate_predictions_are_recorded_once_per_version_and_scored_when_the_game_is_played(
        store: LedgerStore) -> None:
    from scipy import stats

    version = PREDICTIONS["model_version"]
    champion, shadow = PREDICTIONS[version == "1"], PREDICTIONS[version == "2"]
    assert store.record_predictions(champion, role="champion") == 4
    assert store.record_predictions(shadow, role="shadow") == 4
    assert store.record_predictions(PREDICTIONS, role="shadow") == 0  # rerunning a day adds nothing
    lines = pd.DataFrame({"game_id": ["G1", "G1"], "player_id": [1, 1], "bookmaker": ["a", "b"],
                          "line": [28.5, 29.5]})
    assert store.score_predictions(BOX, lines) == 6  # G1 only: G1x is not played yet
    assert store.score_predictions(BOX, lines) == 0
    rows = store.model_scores().set_index(["game_id", "player_id", "model_version"])
    assert pd.isna(rows.loc[("G1x", 1, "1"), "result"]) and np.isnan(rows.loc[("G1x", 1, "1"), "crps"])
    assert rows.loc[("G1", 2, "2"), "result"] == "void" and np.isnan(rows.loc[("G1", 2, "2"), "crps"])
    assert rows.loc[("G1", 1, "1"), "actual_pra"] == 30.0 and rows.loc[("G1", 3, "2"), "actual_pra"] == 24.0
    assert rows.loc[("G1", 3, "2"), "mae"] == pytest.approx(1.0)  # |24 - 23|
    assert rows.loc[("G1", 1, "2"), "role"] == "shadow" and rows.loc[("G1", 1, "1"), "role"] == "champion"
    # P(over | no push) at 29 (the median line) for NegBin(mean 28, var 56): n = mu^2 / (var - mu), p = mu / var;
    # PRA 30 went over
    n, p = 28.0**2 / 28.0, 0.5
    p_over = stats.nbinom.sf(29, n, p) / (1 - stats.nbinom.pmf(29, n, p))
    assert rows.loc[("G1", 1, "1"), "line"] == 29.0
    assert rows.loc[("G1", 1, "1"), "brier_over"] == pytest.approx((1 - p_over) ** 2)
    assert np.isnan(rows.loc[("G1", 3, "1"), "brier_over"])  # no book line for player 3


#: the game state of a live bet (end of the first half: 17.5 minutes, 15 PRA, 2 fouls, down 4)
LIVE_STATE = {"phase": "live", "live_period": 2, "live_clock_s": 0.0, "live_minutes": 17.5, "live_pra": 15.0,
              "live_pf": 2.0, "live_margin": -4.0}


def test_a_live_bet_is_stored_with_its_game_state_and_settled_like_a_pre_game_bet(store: LedgerStore) -> None:
    # player 1 ends with PRA 30 (BOX): the pre-game over 29.5 wins 10; the live under 33.5 at +100 wins 2
    live = pd.DataFrame([bet("L", 1, "under", 33.5, +100, 2.0, **LIVE_STATE)])
    assert store.record_bets(pd.concat([BETS.iloc[[0]], live])) == 2
    assert store.record_bets(live) == 0  # one live bet per id, as before tip-off
    assert store.settle(BOX, pricing=PRICING) == 2
    out = store.bets().set_index("bet_id")
    assert out.loc["a", "phase"] == "pregame" and pd.isna(out.loc["a", "live_period"])
    assert out.loc["L", ["phase", "live_period", "live_minutes", "live_pra", "live_pf", "live_margin"]].tolist() == [
        "live", 2, 17.5, 15.0, 2.0, -4.0]
    assert out.loc["L", ["result", "profit"]].tolist() == ["win", 2.0]
    assert store.bankroll(1000.0) == pytest.approx(1012.0)
    assert store.summary(1000.0)["bets"] == 2


def test_a_live_bet_without_its_game_state_or_with_an_unknown_phase_is_refused(store: LedgerStore) -> None:
    with pytest.raises(LedgerError, match="no game state"):
        store.record_bets(pd.DataFrame([bet("L", 1, "under", 33.5, +100, 2.0, phase="live")]))
    with pytest.raises(LedgerError, match="no game state"):
        store.record_bets(pd.DataFrame([bet("L", 1, "under", 33.5, +100, 2.0, **{**LIVE_STATE, "live_period": None})]))
    with pytest.raises(LedgerError, match="phase must be"):
        store.record_bets(pd.DataFrame([bet("L", 1, "under", 33.5, +100, 2.0, phase="halftime")]))
    assert store.bets().empty


def test_a_pre_game_closing_line_does_not_close_a_live_bet(store: LedgerStore) -> None:
    live = bet("L", 3, "over", 24.5, +150, 4.0, **LIVE_STATE)
    store.record_bets(pd.DataFrame([BETS.iloc[2].to_dict(), live]))  # bet c (pre-game) and a live twin
    closing = pd.DataFrame([{"game_id": "G1", "game_date": DAY, "player_id": 3, "player_name": "x",
                             "bookmaker": "book_a", "line": 24.5, "over_price": +150, "under_price": -180,
                             "close_line": 24.5, "close_over_price": +120, "close_under_price": -150}])
    assert store.settle(BOX, closing, pricing=PRICING) == 2
    out = store.bets().set_index("bet_id")
    assert out.loc["c", "clv_price"] == pytest.approx(2.5 / 2.2 - 1)  # the pre-game bet is closed ...
    assert pd.isna(out.loc["L", "clv_price"]) and pd.isna(out.loc["L", "close_line"])  # ... the live one is not
    assert out.loc["L", ["result", "profit"]].tolist() == ["loss", -4.0]


def test_a_ledger_of_live_bets_only_settles_with_a_closing_table(store: LedgerStore) -> None:
    store.record_bets(pd.DataFrame([bet("L", 3, "over", 24.5, +150, 4.0, **LIVE_STATE)]))
    closing = pd.DataFrame([{"game_id": "G1", "game_date": DAY, "player_id": 3, "player_name": "x",
                             "bookmaker": "book_a", "line": 24.5, "over_price": +150, "under_price": -180,
                             "close_line": 24.5, "close_over_price": +120, "close_under_price": -150}])
    assert store.settle(BOX, closing, pricing=PRICING) == 1
    assert store.bets().loc[0, "result"] == "loss"
