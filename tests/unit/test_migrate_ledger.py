"""``copy_ledger`` between two SQLite ledgers: every row arrives unchanged, a second copy adds nothing, and a ledger
is not copied into itself. (Onto PostgreSQL, with model scores and snapshots: tests/integration/
test_team_migration.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nba_pra.errors import LedgerError
from nba_pra.ledger.store import LedgerStore
from nba_pra.ledger.transfer import import_ledger
from nba_pra.migration.ledger import copy_ledger

LEGACY = """Date,Player,Line,Bet,Odds,Bet Amount,Result,Profit
2024-01-15,Jayson Tatum,45.5,OVER,-110,10,W,9.09
1/16/2024,Nikola Jokic,52.5,under,+150,4,L,
2024-01-18,LeBron James,41.5,U,-105,3,pending,
"""


def test_every_bet_and_settlement_arrives_once(tmp_path: Path) -> None:
    (tmp_path / "legacy.csv").write_text(LEGACY)
    with LedgerStore(f"sqlite:///{tmp_path / 'old.db'}") as old, LedgerStore(f"sqlite:///{tmp_path / 'new.db'}") as new:
        import_ledger(old, tmp_path / "legacy.csv")
        assert copy_ledger(old, new) == {"bets": (3, 0), "settlements": (2, 0), "model_scores": (0, 0),
                                         "bankroll_snapshots": (0, 0)}
        pd.testing.assert_frame_equal(new.bets(), old.bets())
        assert new.bankroll(100.0) == pytest.approx(100.0 + 9.09 - 4.0)
        assert copy_ledger(old, new) == {"bets": (0, 3), "settlements": (0, 2), "model_scores": (0, 0),
                                         "bankroll_snapshots": (0, 0)}
        assert len(new.bets()) == 3
        with pytest.raises(LedgerError, match="the same ledger"):
            copy_ledger(old, old)
