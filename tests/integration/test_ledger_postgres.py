"""The ledger against a real PostgreSQL server, in a throwaway schema dropped afterwards.

URL from ``NBA_PRA_TEST_POSTGRES_URL`` (default: the CI server ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
skipped with the reason when no server answers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from nba_pra.errors import LedgerError
from nba_pra.ledger.store import LedgerStore
from nba_pra.vocab import PRA_MARKET
from settings_support import pricing_settings

pytestmark = pytest.mark.postgres

URL = os.environ.get("NBA_PRA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PRA = PRA_MARKET
DAY = pd.Timestamp("2024-01-05")


@pytest.fixture
def schema() -> Iterator[str]:
    engine = create_engine(URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        pytest.skip(
            f"no PostgreSQL server at {URL} ({exc.__class__.__name__}); set NBA_PRA_TEST_POSTGRES_URL"
        )
    name = f"nba_pra_test_{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()


def bets(n: int, stake: float = 2.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bet_id": [f"{i:040x}" for i in range(n)],
            "game_id": "G1",
            "game_date": DAY,
            "player_id": np.arange(n, dtype="int64"),
            "market": PRA,
            "bookmaker": "book_a",
            "side": np.where(np.arange(n) % 2 == 0, "over", "under"),
            "line": 24.5,
            "price": -110.0,
            "decimal_price": 1 + 100 / 110,
            "stake": stake,
            "p_win": 0.6,
            "edge": 0.14,
            "model_version": "3",
        }
    )


def test_postgres_ledger_records_idempotently_settles_and_summarises(schema: str) -> None:
    with LedgerStore(URL, schema=schema) as store:
        frame = bets(10)
        assert store.record_bets(frame) == 10
        assert store.record_bets(frame) == 0
        box = pd.DataFrame(
            {
                "game_id": "G1",
                "player_id": np.arange(10),
                "played": np.arange(10) != 9,
                "pts": 20.0,
                "reb": 3.0,
                "ast": 2.0,
            }
        )  # PRA 25 > 24.5: overs win, unders lose
        assert store.settle(box, pricing=pricing_settings()) == 10
        assert store.settle(box, pricing=pricing_settings()) == 0
        s = store.summary(1000.0)
    # players 0,2,4,6,8 over (win 2 * 10/11 each); 1,3,5,7 under lose 2; 9 (under) void
    assert (s["wins"], s["losses"], s["voids"]) == (5, 4, 1)
    assert s["profit"] == pytest.approx(5 * 2 * 100 / 110 - 4 * 2)
    assert s["staked"] == pytest.approx(18.0)


def test_postgres_rolls_back_a_failed_batch_entirely(schema: str) -> None:
    with LedgerStore(URL, schema=schema) as store:
        frame = bets(300)
        frame.loc[250, "stake"] = np.nan
        with pytest.raises(LedgerError, match="nothing was written"):
            store.record_bets(frame)
        assert store.bets().empty
        assert store.record_bets(frame.drop(index=250)) == 299


def _as_version_1(schema: str, *, keep: tuple[str, ...] = ()) -> None:
    """Turn the ledger in ``schema`` into what version 1 wrote: no state / pricing / gate_reason (version 2), no
    settlement CLV columns (version 3), no model_scores table (version 4), no phase / live game state (version 5),
    meta = 1."""
    engine = create_engine(URL)
    with engine.begin() as conn:
        for column in ("state", "pricing", "gate_reason"):
            if column not in keep:
                conn.execute(text(f'ALTER TABLE "{schema}".bets DROP COLUMN {column}'))
        for column in ("close_consensus_line", "close_books", "close_fair", "close_push", "clv_line", "clv_note"):
            conn.execute(text(f'ALTER TABLE "{schema}".settlements DROP COLUMN {column}'))
        conn.execute(text(f'DROP TABLE "{schema}".model_scores'))
        for column in ("phase", "live_period", "live_clock_s", "live_minutes", "live_pra", "live_pf", "live_margin"):
            conn.execute(text(f'ALTER TABLE "{schema}".bets DROP COLUMN {column}'))
        conn.execute(text(f"UPDATE \"{schema}\".ledger_meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()


def _columns_and_version(schema: str) -> tuple[set[str], str]:
    engine = create_engine(URL)
    with engine.connect() as conn:
        names = set(
            conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_schema = :s "
                     "AND table_name = 'bets'"), {"s": schema}
            ).scalars()
        )
        version = conn.execute(
            text(f"SELECT value FROM \"{schema}\".ledger_meta WHERE key = 'schema_version'")
        ).scalar_one()
    engine.dispose()
    return names, version


def test_postgres_migrates_a_version_1_ledger_in_place(schema: str) -> None:
    with LedgerStore(URL, schema=schema) as store:
        store.record_bets(bets(3))
    _as_version_1(schema)
    with LedgerStore(URL, schema=schema) as store:
        stored = store.bets()
        assert len(stored) == 3 and stored["state"].eq("staked").all() and stored["phase"].eq("pregame").all()
        paper = bets(4, stake=0.0).iloc[3:].assign(state="paper", pricing="market", gate_reason="no_evidence")
        assert store.record_bets(paper) == 1
        # version 5's columns: a live bet keeps the game state it was decided at
        live = bets(5).iloc[4:].assign(phase="live", live_period=3, live_clock_s=0.0, live_minutes=26.0,
                                       live_pra=21.0, live_pf=4.0, live_margin=12.0)
        assert store.record_bets(live) == 1
        assert store.bets().set_index("phase").loc["live", "live_margin"] == 12.0
        # version 4's table: slate predictions recorded once, scored when played, read back by version
        predictions = pd.DataFrame({"game_id": "G1", "player_id": [0, 1], "game_date": DAY, "model_version": "2",
                                    "mean": [20.0, 25.0], "var": [40.0, 50.0], "dist_family": "negbin"})
        assert store.record_predictions(predictions, role="shadow") == 2
        assert store.record_predictions(predictions, role="shadow") == 0
        box = pd.DataFrame({"game_id": "G1", "player_id": [0, 1], "played": [True, False], "pts": [10.0, None],
                            "reb": [5.0, None], "ast": [3.0, None]})
        assert store.score_predictions(box) == 2
        scores = store.model_scores().set_index("player_id")
        assert scores.loc[0, "mae"] == pytest.approx(2.0) and scores.loc[1, "result"] == "void"
    names, version = _columns_and_version(schema)
    assert {"state", "pricing", "gate_reason", "phase", "live_period", "live_margin"} <= names and version == "5"


def test_postgres_rolls_back_a_migration_that_fails_half_way(schema: str) -> None:
    with LedgerStore(URL, schema=schema) as store:
        store.record_bets(bets(2))
    _as_version_1(schema, keep=("gate_reason",))  # the third ADD COLUMN fails
    with pytest.raises(LedgerError, match="cannot open the ledger"):
        LedgerStore(URL, schema=schema)
    names, version = _columns_and_version(schema)
    assert version == "1" and "state" not in names and "pricing" not in names
