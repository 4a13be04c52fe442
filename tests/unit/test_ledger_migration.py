"""Older ledgers are migrated in place, in one transaction: version 1 (no state / pricing / gate_reason),
version 2 (settlements without the CLV of moved lines), version 3 (no model_scores table) and version 4 (no phase /
live game state) all reach the current version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Connection, create_engine, inspect, text
from test_ledger_store import BETS, BOX, PREDICTIONS, bet

from nba_pra.errors import LedgerError
from nba_pra.ledger.store import LedgerStore
from nba_pra.ledger.tables import LEDGER_SCHEMA_VERSION
from settings_support import pricing_settings

NEW_COLUMNS = ("state", "pricing", "gate_reason")
CLV_COLUMNS = ("close_consensus_line", "close_books", "close_fair", "close_push", "clv_line", "clv_note")
LIVE_COLUMNS = ("phase", "live_period", "live_clock_s", "live_minutes", "live_pra", "live_pf", "live_margin")
CURRENT = "5"


def drop_live_columns(conn: Connection) -> None:
    """What a version-4 ledger lacks: the bets' phase and live game state."""
    for column in LIVE_COLUMNS:
        conn.execute(text(f"ALTER TABLE bets DROP COLUMN {column}"))


def make_version_1(url: str, *, keep: tuple[str, ...] = ()) -> None:
    """A ledger holding BETS as version 1 wrote it: the version-2 columns (except ``keep``) dropped, meta = 1."""
    with LedgerStore(url) as store:
        store.record_bets(BETS)
    engine = create_engine(url)
    with engine.begin() as conn:
        for column in NEW_COLUMNS:
            if column not in keep:
                conn.execute(text(f"ALTER TABLE bets DROP COLUMN {column}"))
        for column in CLV_COLUMNS:
            conn.execute(text(f"ALTER TABLE settlements DROP COLUMN {column}"))
        conn.execute(text("DROP TABLE model_scores"))
        drop_live_columns(conn)
        conn.execute(text("UPDATE ledger_meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()


def columns_and_version(url: str) -> tuple[set[str], str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        names = {c["name"] for c in inspect(conn).get_columns("bets")}
        version = conn.execute(text("SELECT value FROM ledger_meta WHERE key = 'schema_version'")).scalar_one()
    engine.dispose()
    return names, version


def test_the_schema_version_is_5() -> None:
    assert LEDGER_SCHEMA_VERSION == 5


def test_a_version_4_ledger_gains_the_live_columns_and_its_bets_are_pre_game(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    with LedgerStore(url) as store:
        store.record_bets(BETS)
        store.settle(BOX, pricing=pricing_settings())
    engine = create_engine(url)
    with engine.begin() as conn:
        drop_live_columns(conn)
        conn.execute(text("UPDATE ledger_meta SET value = '4' WHERE key = 'schema_version'"))
    engine.dispose()
    assert not set(LIVE_COLUMNS) & columns_and_version(url)[0]
    with LedgerStore(url) as store:
        stored = store.bets().set_index("bet_id")
        assert stored["phase"].eq("pregame").all() and stored["live_period"].isna().all()
        assert stored.loc[["a", "c"], "result"].tolist() == ["win", "loss"]  # settlements kept
        live = pd.DataFrame([bet("L", 1, "under", 33.5, -110, 1.0, phase="live", live_period=2, live_clock_s=0.0,
                                 live_minutes=17.5, live_pra=15.0, live_pf=2.0, live_margin=-4.0)])
        assert store.record_bets(live) == 1
    names, version = columns_and_version(url)
    assert set(LIVE_COLUMNS) <= names and version == CURRENT


def test_a_version_3_ledger_gains_the_model_scores_table_and_keeps_its_bets(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    with LedgerStore(url) as store:
        store.record_bets(BETS)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE model_scores"))
        drop_live_columns(conn)
        conn.execute(text("UPDATE ledger_meta SET value = '3' WHERE key = 'schema_version'"))
    engine.dispose()
    with LedgerStore(url) as store:
        assert sorted(store.bets()["bet_id"]) == ["a", "b", "c", "d", "e"]
        assert store.model_scores().empty
        assert store.record_predictions(PREDICTIONS, role="champion") == len(PREDICTIONS)
    engine = create_engine(url)
    with engine.connect() as conn:
        assert "model_scores" in inspect(conn).get_table_names()
    engine.dispose()
    assert columns_and_version(url)[1] == CURRENT


def test_a_version_2_ledger_gains_the_settlements_clv_columns_and_keeps_its_settled_bets(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    with LedgerStore(url) as store:
        store.record_bets(BETS)
        store.settle(BOX, pricing=pricing_settings())
    engine = create_engine(url)
    with engine.begin() as conn:
        for column in CLV_COLUMNS:
            conn.execute(text(f"ALTER TABLE settlements DROP COLUMN {column}"))
        drop_live_columns(conn)
        conn.execute(text("UPDATE ledger_meta SET value = '2' WHERE key = 'schema_version'"))
    engine.dispose()
    with LedgerStore(url) as store:
        stored = store.bets().set_index("bet_id")
        assert stored.loc[["a", "c"], "result"].tolist() == ["win", "loss"]
        assert stored["clv_line"].isna().all()
    engine = create_engine(url)
    with engine.connect() as conn:
        names = {c["name"] for c in inspect(conn).get_columns("settlements")}
    engine.dispose()
    assert set(CLV_COLUMNS) <= names and columns_and_version(url)[1] == CURRENT


def test_a_version_1_ledger_gains_the_columns_and_its_bets_count_as_staked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    make_version_1(url)
    assert not set(NEW_COLUMNS) & columns_and_version(url)[0]
    with LedgerStore(url) as store:
        stored = store.bets()
        assert sorted(stored["bet_id"]) == ["a", "b", "c", "d", "e"]
        assert stored["state"].eq("staked").all()
        assert stored["pricing"].isna().all() and stored["gate_reason"].isna().all()
        # the migrated ledger takes paper bets like a new one
        paper = pd.DataFrame([bet("p", 9, "over", 20.5, -110, 0.0, state="paper", pricing="market_aware",
                                  gate_reason="no_evidence: none yet")])
        assert store.record_bets(paper) == 1
    names, version = columns_and_version(url)
    assert set(NEW_COLUMNS) <= names and version == CURRENT
    with LedgerStore(url) as again:  # reopening a migrated ledger migrates nothing
        assert again.bets().set_index("bet_id").loc["p", "state"] == "paper"


def test_a_migration_that_fails_half_way_leaves_the_version_1_ledger_untouched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    # gate_reason already there: the third ALTER TABLE fails after the first two succeeded
    make_version_1(url, keep=("gate_reason",))
    with pytest.raises(LedgerError, match="cannot open the ledger"):
        LedgerStore(url)
    names, version = columns_and_version(url)
    assert version == "1"
    assert "state" not in names and "pricing" not in names


def test_bets_without_a_state_are_staked_and_a_paper_bet_with_a_stake_is_refused(tmp_path: Path) -> None:
    with LedgerStore(f"sqlite:///{tmp_path}/ledger.db") as store:
        mixed = pd.DataFrame([bet("a", 1, "over", 20.5, -110, 2.0, state=None),
                              bet("b", 2, "over", 20.5, -110, 0.0, state="paper")])
        assert store.record_bets(mixed) == 2
        assert store.bets().set_index("bet_id")["state"].to_dict() == {"a": "staked", "b": "paper"}
        with pytest.raises(LedgerError, match="paper bet"):
            store.record_bets(pd.DataFrame([bet("c", 3, "over", 20.5, -110, 1.0, state="paper")]))
        with pytest.raises(LedgerError, match="staked or paper"):
            store.record_bets(pd.DataFrame([bet("d", 4, "over", 20.5, -110, 1.0, state="maybe")]))
        assert len(store.bets()) == 2
