"""Copy a whole ledger into another database (a single machine's SQLite file onto a team's PostgreSQL).

Every table of :func:`nba_pra.ledger.tables.build_tables` goes over as it is (bets, settlements, the model
scores), not through ``ledger export``/``import``, which carry bets and settlements only. Rows the destination
lacks (by primary key: bet ids, settlement bet ids, model-score keys) are inserted in ONE transaction, so a
second copy adds nothing and a destination row is never changed; the bankroll snapshots go only into a ledger
that has none (their ids are a sequence, not an identity).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import DateTime

from nba_pra.errors import LedgerError
from nba_pra.ledger.store import LedgerStore
from nba_pra.redaction import redact_url


def copy_ledger(source: LedgerStore, destination: LedgerStore) -> dict[str, tuple[int, int]]:
    """Copy ``source`` into ``destination`` (both opened, so at this code's schema version); returns
    table -> (rows copied, rows already there)."""
    if destination.url == source.url and destination.tables.bets.fullname == source.tables.bets.fullname:
        raise LedgerError(f"the source and the destination are the same ledger ({redact_url(source.url)})")
    mine, theirs = source.tables, destination.tables
    # bets before settlements: a settlement refers to its bet
    pairs = [(mine.bets, theirs.bets), (mine.settlements, theirs.settlements), (mine.model_scores, theirs.model_scores)]
    rows = {table.name: _rows(source, table) for table, _ in pairs}
    snapshots = _rows(source, mine.snapshots)
    copied: dict[str, tuple[int, int]] = {}
    try:
        with destination.writer.begin() as conn:
            for table, target in pairs:
                keys = [c.name for c in target.primary_key.columns]
                stored = {tuple(row) for row in conn.execute(select(*(target.c[k] for k in keys))).all()}
                new = [row for row in rows[table.name] if tuple(row[k] for k in keys) not in stored]
                if new:
                    conn.execute(insert(target), new)
                copied[target.name] = (len(new), len(rows[table.name]) - len(new))
            held = conn.execute(select(func.count()).select_from(theirs.snapshots)).scalar_one()
            if snapshots and not held:
                conn.execute(insert(theirs.snapshots), snapshots)
                if conn.dialect.name == "postgresql":  # the next snapshot's id follows the copied ones
                    conn.execute(select(func.setval(func.pg_get_serial_sequence(theirs.snapshots.fullname, "id"),
                                                    select(func.max(theirs.snapshots.c.id)).scalar_subquery())))
            copied[theirs.snapshots.name] = (0, len(snapshots)) if held else (len(snapshots), 0)
    except SQLAlchemyError as exc:
        raise LedgerError(f"could not copy the ledger into {redact_url(destination.url)} (nothing was written): "
                          f"{_first_line(exc)}") from exc
    return copied


def _rows(store: LedgerStore, table: Table) -> list[dict[str, Any]]:
    """Every row of ``table`` as plain values. SQLite gives back the UTC times it stored without their zone; it is
    put back, since another database would read a zoneless time in its own session zone."""
    aware = [c.name for c in table.columns if isinstance(c.type, DateTime) and c.type.timezone]
    try:
        with store.engine.connect() as conn:
            found = [dict(row) for row in conn.execute(select(table)).mappings()]
    except SQLAlchemyError as exc:
        raise LedgerError(f"could not read the ledger at {redact_url(store.url)}: {_first_line(exc)}") from exc
    for row in found:
        for name in aware:
            moment = row[name]
            if isinstance(moment, dt.datetime) and moment.tzinfo is None:
                row[name] = moment.replace(tzinfo=dt.UTC)
    return found


def _first_line(exc: BaseException) -> str:
    """``Type: first line`` of a driver error (SQLAlchemy appends the whole statement on further lines)."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
