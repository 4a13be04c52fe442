"""A process killed with SIGKILL in the middle of recording a batch leaves all or none of it, never a part."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nba_pra.ledger.store import LedgerStore

N_BETS = 5000

CHILD = textwrap.dedent(
    """
    import sys, time
    import numpy as np, pandas as pd
    from sqlalchemy import event
    from test_ledger_crash import batch
    from nba_pra.ledger.store import LedgerStore

    store = LedgerStore({url!r})

    @event.listens_for(store.engine, "after_cursor_execute")
    def _pause_inside_the_transaction(conn, cursor, statement, *args):
        # the INSERT has run but the transaction is not committed: signal the parent and wait to be killed
        if statement.lstrip().upper().startswith("INSERT INTO BETS"):
            print("inserted", flush=True)
            time.sleep(60)

    store.record_bets(batch())
    print("committed", flush=True)
    """
)


def batch() -> pd.DataFrame:
    n = N_BETS
    return pd.DataFrame(
        {
            "bet_id": [f"{i:040x}" for i in range(n)],
            "game_id": "G1",
            "game_date": pd.Timestamp("2024-01-05"),
            "player_id": np.arange(n, dtype="int64"),
            "market": "player_points_rebounds_assists",
            "bookmaker": "b",
            "side": "over",
            "line": 24.5,
            "price": -110.0,
            "decimal_price": 1 + 100 / 110,
            "stake": 1.0,
        }
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_mid_batch_leaves_nothing_and_a_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    LedgerStore(url).dispose()
    code = CHILD.format(url=url)
    # the child imports this module for the batch: put its folder on the child's import path
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent),
                                                                      os.environ.get("PYTHONPATH", "")]))}
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "inserted"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    # a hot rollback journal proves the kill hit an open write transaction with rows already written
    assert (tmp_path / "ledger.db-journal").stat().st_size > 0

    with LedgerStore(url) as store:
        assert store.bets().empty  # the uncommitted half is gone
        assert store.record_bets(batch()) == N_BETS
        assert store.record_bets(batch()) == 0
        assert store.bets()["bet_id"].is_unique and len(store.bets()) == N_BETS
