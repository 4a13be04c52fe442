"""The SQL ledger (SQLAlchemy 2; SQLite by default, PostgreSQL by URL): the only IO of the ledger package.

* ``record_bets`` inserts bets whose ``bet_id`` is not yet stored, all in ONE transaction: a crash leaves the
  whole batch or none of it, and re-running a day adds nothing. Bets are append-only: a stored bet never changes.
* ``settle`` writes one settlement per finished bet (upsert, same transaction as the bankroll snapshot). Re-settling
  identical results writes nothing; a corrected box score or a newly known closing line rewrites that settlement.
* Reading (``bets``, ``bankroll``, ``summary``) joins bets with their settlements.
* ``record_predictions`` / ``score_predictions`` keep every model version's slate predictions and, once the games
  are played, their per-row scores (``model_scores``: the live A/B record of champion and shadow).
* Opening a database of an older schema version migrates it in place, in one transaction (see ``_MIGRATIONS``).
* Processes opening one ledger at once never race: creating or migrating the schema happens under the database's
  own lock (PostgreSQL: an advisory lock held for the transaction; SQLite: ``BEGIN IMMEDIATE``, the write lock,
  taken before the tables are looked at), and so does every write, so the second process waits and then finds
  the tables the first created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, Self, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.schema import CreateSchema

from nba_pra.betting.settings import PricingSettings
from nba_pra.credentials import expand_env
from nba_pra.data.schema import require_columns
from nba_pra.errors import LedgerError
from nba_pra.ledger.clv import closing_line_value, own_closes
from nba_pra.ledger.model_scores import score_predictions
from nba_pra.ledger.settings import LedgerSettings
from nba_pra.ledger.settlement import settle_bets
from nba_pra.ledger.summary import summarize
from nba_pra.ledger.tables import (
    BET_COLUMNS_ADDED,
    CLV_NUMBERS,
    LEDGER_SCHEMA_VERSION,
    LIVE_STATE_COLUMNS,
    MODEL_PREDICTION_COLUMNS,
    MODEL_SCORE_KEYS,
    MODEL_SCORE_NUMBERS,
    OPTIONAL_BET_COLUMNS,
    PHASE_LIVE,
    PHASE_PREGAME,
    REQUIRED_BET_COLUMNS,
    SETTLEMENT_COLUMNS,
    SETTLEMENT_COLUMNS_ADDED,
    STATE_PAPER,
    STATE_STAKED,
    LedgerTables,
    build_tables,
)
from nba_pra.redaction import redact_url

#: ids per ``IN (...)`` query (well under every backend's bound-parameter limit)
_ID_CHUNK: Final = 500
_VERSION_KEY: Final = "schema_version"
_DECISION_BET: Final = "bet"
_COMPARE_TOLERANCE: Final = 1e-9
#: execution option naming the statement that opens a SQLite transaction (see :func:`_sqlite_transactions`)
_SQLITE_BEGIN: Final = "nba_pra_sqlite_begin"
#: takes SQLite's write lock at once: a deferred BEGIN that reads, then writes while another process writes,
#: fails with "database is locked" instead of waiting for the lock
_BEGIN_WRITE: Final = "BEGIN IMMEDIATE"
#: names the PostgreSQL advisory lock of one ledger (schema and prefix), hashed to a lock key by the server
_PG_LOCK_NAME: Final = "nba-pra ledger {schema}.{prefix}"


def resolve_url(url: str, root: Path) -> str:
    """``url`` with its ``${oc.env:...}`` references expanded (:func:`~nba_pra.credentials.expand_env`) and a
    relative SQLite file path made absolute under ``root``; any other URL unchanged."""
    url = expand_env(url, root)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        # SQLAlchemy raises a bare ValueError for a port that is not a number; neither may quote the password
        raise LedgerError(f"ledger URL {redact_url(url)!r} is not a valid SQLAlchemy URL "
                          f"({type(exc).__name__}: {redact_url(str(exc))})") from None
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return url
    if Path(db).is_absolute():
        return url
    return parsed.set(database=str((Path(root) / db).resolve())).render_as_string(hide_password=False)


def open_ledger(settings: LedgerSettings, root: Path) -> LedgerStore:
    """The ledger configured by ``settings`` (``conf/ledger/``), a relative SQLite path resolved under ``root``."""
    return LedgerStore(
        resolve_url(settings.url, root), schema=settings.db_schema, table_prefix=settings.table_prefix
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain-Python row dicts (NaN -> None, numpy scalars -> Python) that every DB driver accepts."""
    obj = frame.astype(object)
    obj = obj.where(frame.notna(), None)
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in cast(list[dict[str, Any]], obj.to_dict("records"))
    ]


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class LedgerStore:
    """Bets, settlements and bankroll snapshots in the database at ``url``.

    ``schema`` (PostgreSQL) and ``table_prefix`` select where the tables live; both are created when missing.
    """

    def __init__(self, url: str, *, schema: str | None = None, table_prefix: str = "") -> None:
        self.url = url
        self.tables: LedgerTables = build_tables(schema, table_prefix)
        self._schema = schema
        self._lock_name = _PG_LOCK_NAME.format(schema=schema or "", prefix=table_prefix)
        try:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url)
            # writes (and the schema check) hold the write lock from BEGIN on; reads keep a deferred BEGIN
            self.writer: Engine = self.engine
            if parsed.get_backend_name() == "sqlite":
                _sqlite_transactions(self.engine)
                self.writer = self.engine.execution_options(**{_SQLITE_BEGIN: _BEGIN_WRITE})
            self._create()
        except (SQLAlchemyError, ArgumentError, OSError, ValueError) as exc:
            raise LedgerError(f"cannot open the ledger at {redact_url(url)}: {_first_line(exc)}") from exc

    # --- lifecycle ----------------------------------------------------------------------------------------------

    def _create(self) -> None:
        with self.writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                # released at commit: the next process to open this ledger waits here, then sees the tables
                conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(self._lock_name))))
            if self._schema is not None and conn.dialect.name != "sqlite":
                conn.execute(CreateSchema(self._schema, if_not_exists=True))
            self.tables.metadata.create_all(conn)
            stored = conn.execute(
                select(self.tables.meta.c.value).where(self.tables.meta.c.key == _VERSION_KEY)
            ).scalar_one_or_none()
            if stored is None:
                conn.execute(
                    insert(self.tables.meta).values(key=_VERSION_KEY, value=str(LEDGER_SCHEMA_VERSION))
                )
            elif stored != str(LEDGER_SCHEMA_VERSION):
                old = int(stored) if stored.isdigit() else None
                if old is None or old > LEDGER_SCHEMA_VERSION:
                    raise LedgerError(
                        f"the ledger at {redact_url(self.url)} has schema version {stored}, this code needs "
                        f"{LEDGER_SCHEMA_VERSION}; export it with the newer version and import it into a new ledger"
                    )
                # same transaction as the version bump: a failed migration leaves the old database untouched
                # (PostgreSQL and SQLite both run ALTER TABLE inside a transaction)
                for version in range(old + 1, LEDGER_SCHEMA_VERSION + 1):
                    _MIGRATIONS[version](conn, self.tables)
                conn.execute(
                    update(self.tables.meta)
                    .where(self.tables.meta.c.key == _VERSION_KEY)
                    .values(value=str(LEDGER_SCHEMA_VERSION))
                )

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    @contextmanager
    def _transaction(self, action: str) -> Iterator[Connection]:
        try:
            with self.writer.begin() as conn:
                yield conn
        except LedgerError:
            raise
        except SQLAlchemyError as exc:
            raise LedgerError(
                f"could not {action} in the ledger at {redact_url(self.url)} (nothing was written): "
                f"{_first_line(exc)}"
            ) from exc

    # --- writing ------------------------------------------------------------------------------------------------

    def record_bets(self, bets: pd.DataFrame) -> int:
        """Insert the bets whose ``bet_id`` is not stored yet, in one transaction; return how many were added.

        ``bets`` may be the engine's whole candidates frame: only rows with ``decision == 'bet'`` are recorded
        when that column exists. Two rows with one ``bet_id`` in the same batch are an error (one bet per prop).
        A bet without a ``phase`` is ``pregame``; a ``live`` bet must carry its game state (:data:`LIVE_STATE_COLUMNS`).
        """
        if "decision" in bets.columns:
            bets = bets[bets["decision"] == _DECISION_BET]
        require_columns(bets, REQUIRED_BET_COLUMNS, "bets")
        # bets sized before the evidence gate existed (no state) all carried real stakes
        state = bets["state"] if "state" in bets.columns else pd.Series(np.nan, index=bets.index, dtype=object)
        bets = bets.assign(state=state.fillna(STATE_STAKED))
        _check_states(bets)
        phase = bets["phase"] if "phase" in bets.columns else pd.Series(np.nan, index=bets.index, dtype=object)
        bets = bets.assign(phase=phase.fillna(PHASE_PREGAME))
        _check_phases(bets)
        dupes = bets["bet_id"][bets["bet_id"].duplicated()]
        if len(dupes):
            raise LedgerError(f"{len(dupes)} bet_id(s) appear twice in one batch, e.g. {dupes.iloc[0]}")
        if bets.empty:
            return 0
        columns = [*REQUIRED_BET_COLUMNS, *(c for c in OPTIONAL_BET_COLUMNS if c in bets.columns)]
        frame = bets.loc[:, columns].copy()
        frame["game_date"] = pd.to_datetime(frame["game_date"]).dt.date
        if "decided_at" in frame.columns:
            frame["decided_at"] = pd.to_datetime(frame["decided_at"], utc=True)
        frame["recorded_at"] = pd.Timestamp.now(tz="UTC")
        table = self.tables.bets
        with self._transaction("record bets") as conn:
            ids = frame["bet_id"].astype(str).tolist()
            existing: set[str] = set()
            for chunk in _chunks(ids, _ID_CHUNK):
                existing.update(
                    conn.execute(select(table.c.bet_id).where(table.c.bet_id.in_(chunk))).scalars()
                )
            new = frame[~frame["bet_id"].isin(existing)]
            if not new.empty:
                conn.execute(insert(table), _records(new))
        return len(new)

    def settle(self, box_scores: pd.DataFrame, closing_lines: pd.DataFrame | None = None, *,
               pricing: PricingSettings) -> int:
        """Settle every stored bet whose game is in ``box_scores``; return settlements written (new or changed).

        CLV (:func:`nba_pra.ledger.clv.closing_line_value`, de-vig, consensus and solver of ``pricing``) comes
        from ``closing_lines`` (every book's ``close_*``) for the props it closes, else from the ``close_*`` values
        stored with the bet; a CLV already stored is kept when no closing data is known now.
        """
        bets = self._read_bets()
        if bets.empty:
            return 0
        results = settle_bets(bets, box_scores)
        if results.empty:
            return 0
        finished = bets.set_index("bet_id").loc[results["bet_id"]].reset_index()
        clv = _settled_clv(finished, closing_lines, pricing)
        writes = _changed_settlements(results, clv, self._read_settlements())
        if writes.empty:
            return 0
        writes["settled_at"] = pd.Timestamp.now(tz="UTC")
        self._write_settlements(writes)
        return len(writes)

    def _write_settlements(self, writes: pd.DataFrame) -> None:
        """Replace the settlements of ``writes``' bets and snapshot the bankroll, in one transaction."""
        table = self.tables.settlements
        with self._transaction("settle bets") as conn:
            ids = writes["bet_id"].tolist()
            for chunk in _chunks(ids, _ID_CHUNK):
                conn.execute(delete(table).where(table.c.bet_id.in_(chunk)))
            conn.execute(insert(table), _records(writes))
            totals = conn.execute(select(func.count(), func.coalesce(func.sum(table.c.profit), 0.0))).one()
            conn.execute(
                insert(self.tables.snapshots).values(
                    taken_at=pd.Timestamp.now(tz="UTC").to_pydatetime(),
                    settled=int(totals[0]),
                    profit=float(totals[1]),
                )
            )

    def record_predictions(self, predictions: pd.DataFrame, *, role: str) -> int:
        """Insert the slate predictions (keys, ``game_date``, ``model_version``, ``mean``, ``var``,
        ``dist_family``; ``model_uri`` when present) not stored yet, in one transaction; return how many were
        added. Re-running a day adds nothing; a version's stored prediction never changes."""
        if predictions.empty:
            return 0
        require_columns(predictions, MODEL_PREDICTION_COLUMNS, "predictions")
        columns = [*MODEL_PREDICTION_COLUMNS, *(["model_uri"] if "model_uri" in predictions.columns else [])]
        frame = predictions.loc[:, columns].copy()
        frame["game_id"] = frame["game_id"].astype(str)
        frame["model_version"] = frame["model_version"].astype(str)
        frame["game_date"] = pd.to_datetime(frame["game_date"]).dt.date
        frame = frame.drop_duplicates(list(MODEL_SCORE_KEYS), keep="last")
        frame = frame.assign(role=role, recorded_at=pd.Timestamp.now(tz="UTC"))
        table = self.tables.model_scores
        with self._transaction("record predictions") as conn:
            stored = pd.DataFrame(
                conn.execute(select(*(table.c[k] for k in MODEL_SCORE_KEYS)).where(
                    table.c.game_date.in_(sorted(set(frame["game_date"]))))).all(),
                columns=list(MODEL_SCORE_KEYS))
            new = frame.merge(stored.astype({"player_id": "int64"}) if len(stored) else stored,
                              on=list(MODEL_SCORE_KEYS), how="left", indicator=True)
            new = new.loc[new["_merge"].eq("left_only")].drop(columns="_merge")
            if not new.empty:
                conn.execute(insert(table), _records(new))
        return len(new)

    def score_predictions(self, box_scores: pd.DataFrame, lines: pd.DataFrame | None = None) -> int:
        """Score every stored, unscored prediction whose game is in ``box_scores``
        (:func:`nba_pra.ledger.model_scores.score_predictions`); return how many were scored now."""
        table = self.tables.model_scores
        open_rows = self._read(select(table).where(table.c.result.is_(None)))
        if open_rows.empty:
            return 0
        scored = score_predictions(open_rows, box_scores, lines)
        if scored.empty:
            return 0
        scored = scored.assign(scored_at=pd.Timestamp.now(tz="UTC"))
        values = [*MODEL_SCORE_NUMBERS, "result", "scored_at"]
        # one executemany: bound names differ from the column names (SQLAlchemy reserves those for SET)
        statement = update(table).where(*(table.c[k] == bindparam(f"key_{k}") for k in MODEL_SCORE_KEYS)).values(
            {c: bindparam(f"value_{c}") for c in values})
        params = [{**{f"key_{k}": row[k] for k in MODEL_SCORE_KEYS}, **{f"value_{c}": row[c] for c in values}}
                  for row in _records(scored)]
        with self._transaction("score predictions") as conn:
            conn.execute(statement, params)
        return len(scored)

    def model_scores(self) -> pd.DataFrame:
        """Every stored slate prediction with its scores (NaN while its game is unplayed, or void)."""
        table = self.tables.model_scores
        frame = self._read(select(table).order_by(table.c.game_date, table.c.game_id, table.c.player_id,
                                                  table.c.model_version))
        frame["game_date"] = pd.to_datetime(frame["game_date"])
        return frame

    # --- reading ------------------------------------------------------------------------------------------------

    def _read(self, statement: Any) -> pd.DataFrame:
        try:
            with self.engine.connect() as conn:
                return pd.read_sql(statement, conn)
        except SQLAlchemyError as exc:
            raise LedgerError(
                f"could not read the ledger at {redact_url(self.url)}: {exc.__class__.__name__}"
            ) from exc

    def _read_bets(self) -> pd.DataFrame:
        frame = self._read(
            select(self.tables.bets).order_by(self.tables.bets.c.game_date, self.tables.bets.c.bet_id)
        )
        frame["game_date"] = pd.to_datetime(frame["game_date"])
        return frame

    def _read_settlements(self) -> pd.DataFrame:
        cols = [c for c in SETTLEMENT_COLUMNS if c != "settled_at"]
        return self._read(select(*(self.tables.settlements.c[c] for c in cols)))

    def bets(self) -> pd.DataFrame:
        """Every stored bet with its settlement columns (NaN/None while open) and ``status`` open|settled."""
        bets = self._read_bets()
        settlements = self._read(select(self.tables.settlements))
        out = bets.merge(settlements, on="bet_id", how="left", suffixes=("", "_settled"))
        # the closing line known at settlement supersedes the one known when the bet was recorded
        out["close_line"] = out.pop("close_line_settled").combine_first(out["close_line"])
        out["status"] = np.where(out["result"].notna(), "settled", "open")
        return out

    def snapshots(self) -> pd.DataFrame:
        """Bankroll snapshots (one per settlement run that changed something): settled count and total profit."""
        return self._read(select(self.tables.snapshots).order_by(self.tables.snapshots.c.id))

    def bankroll(self, initial: float) -> float:
        """``initial`` plus the profit of every settled bet (open stakes are not deducted), in units."""
        table = self.tables.settlements
        try:
            with self.engine.connect() as conn:
                profit = conn.execute(select(func.coalesce(func.sum(table.c.profit), 0.0))).scalar_one()
        except SQLAlchemyError as exc:
            raise LedgerError(
                f"could not read the ledger at {redact_url(self.url)}: {exc.__class__.__name__}"
            ) from exc
        return float(initial) + float(profit)

    def summary(self, initial_bankroll: float) -> dict[str, Any]:
        """Summary figures (:func:`nba_pra.ledger.summary.summarize`) of the whole ledger."""
        return summarize(self.bets(), initial_bankroll)


def _pregame_closes(pregame: pd.DataFrame, closing_lines: pd.DataFrame | None) -> pd.DataFrame:
    """The closes pre-game bets are checked against: a prop the closing table closes is closed by it alone (every
    book); the others by the close stored with the bet."""
    closes = own_closes(pregame)
    if closing_lines is not None and not closing_lines.empty:
        fresh = closing_lines.loc[closing_lines["close_line"].notna()]
        props = [c for c in ("game_id", "player_id", "market") if c in fresh.columns]
        closes = closes.loc[:, [c for c in closes.columns if c in fresh.columns]]  # a table of one market
        covered = closes.loc[:, props].merge(fresh.loc[:, props].drop_duplicates(), on=props, how="left",
                                             indicator=True)["_merge"].eq("both").to_numpy()
        closes = pd.concat([fresh, closes.loc[~covered]], ignore_index=True)
    return closes


def _settled_clv(finished: pd.DataFrame, closing_lines: pd.DataFrame | None,
                 pricing: PricingSettings) -> pd.DataFrame:
    """The closing line value of the finished bets (``bet_id`` + CLV columns), pre-game and live apart."""
    # a line posted during the game is closed by nothing known before tip-off: a live bet is checked against
    # its own stored close only (none from a live book), apart from the pre-game bets on its prop
    live = finished["phase"].eq(PHASE_LIVE).to_numpy()
    pregame = finished.loc[~live]
    parts = [closing_line_value(pregame, _pregame_closes(pregame, closing_lines), pricing)]
    if live.any():
        in_play = finished.loc[live]
        parts.append(closing_line_value(in_play, own_closes(in_play), pricing))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _changed_settlements(results: pd.DataFrame, clv: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The settlements to write (every settlement column but ``settled_at``): new ones, and stored ones whose
    result, figures or CLV changed; a stored CLV is kept when no closing line is known for the bet now."""
    new = results.loc[:, ["bet_id", "result", "actual_pra", "profit"]].merge(clv, on="bet_id", how="left")
    merged = new.merge(current, on="bet_id", how="left", suffixes=("", "_old"), indicator=True)
    # keep a stored CLV when this call knows no closing line for the bet
    unknown = merged["close_consensus_line"].isna() & merged["close_line"].isna()
    for col in CLV_NUMBERS:
        merged[col] = merged[col].astype(float).where(~unknown, merged[f"{col}_old"].astype(float))
    merged["clv_note"] = merged["clv_note"].where(~unknown | merged["clv_note_old"].isna(),
                                                  merged["clv_note_old"])
    changed = merged["_merge"] == "left_only"
    for col in ("result", "actual_pra", "profit", *CLV_NUMBERS, "clv_note"):
        changed |= ~_same(merged[col], merged[f"{col}_old"])
    return merged.loc[changed, [c for c in SETTLEMENT_COLUMNS if c != "settled_at"]].copy()


def _check_states(bets: pd.DataFrame) -> None:
    """A bet is staked or paper, and a paper bet stakes nothing (its profit must stay 0 whatever happens)."""
    state = bets["state"]
    unknown = state[~state.isin([STATE_STAKED, STATE_PAPER])]
    if len(unknown):
        raise LedgerError(f"bet state must be {STATE_STAKED} or {STATE_PAPER}, got {unknown.iloc[0]!r}")
    staked_paper = bets.loc[state.eq(STATE_PAPER) & bets["stake"].astype(float).ne(0.0), "bet_id"]
    if len(staked_paper):
        raise LedgerError(f"{len(staked_paper)} paper bet(s) carry a stake, e.g. {staked_paper.iloc[0]}")


def _check_phases(bets: pd.DataFrame) -> None:
    """A bet is pre-game or live, and a live bet says when in the game it was made (period and clock at least)."""
    phase = bets["phase"]
    unknown = phase[~phase.isin([PHASE_PREGAME, PHASE_LIVE])]
    if len(unknown):
        raise LedgerError(f"bet phase must be {PHASE_PREGAME} or {PHASE_LIVE}, got {unknown.iloc[0]!r}")
    live = bets.loc[phase.eq(PHASE_LIVE)]
    if live.empty:
        return
    needed = list(LIVE_STATE_COLUMNS[:2])
    missing = [c for c in needed if c not in live.columns]
    stateless = live["bet_id"] if missing else live.loc[live[needed].isna().any(axis=1), "bet_id"]
    if len(stateless):
        raise LedgerError(f"{len(stateless)} live bet(s) carry no game state ({', '.join(needed)}), "
                          f"e.g. {stateless.iloc[0]}")


def _add_columns(conn: Connection, table: Table, names: Sequence[str]) -> None:
    """ALTER TABLE ... ADD COLUMN for each of ``names`` (types as :func:`build_tables`)."""
    prep = conn.dialect.identifier_preparer
    for name in names:
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(text(f"ALTER TABLE {prep.format_table(table)} ADD COLUMN {prep.format_column(column)} {kind}"))


def _add_bet_columns(conn: Connection, tables: LedgerTables, version: int) -> None:
    """ALTER TABLE ... ADD COLUMN for each bets column that ``version`` added."""
    _add_columns(conn, tables.bets, BET_COLUMNS_ADDED[version])


def _to_version_2(conn: Connection, tables: LedgerTables) -> None:
    """Version 1 -> 2: add ``state``, ``pricing``, ``gate_reason``; every existing bet had a real stake."""
    _add_bet_columns(conn, tables, 2)
    conn.execute(update(tables.bets).values(state=STATE_STAKED))


def _to_version_3(conn: Connection, tables: LedgerTables) -> None:
    """Version 2 -> 3: settlements gain the CLV of moved lines (NULL until a bet is settled again)."""
    _add_columns(conn, tables.settlements, SETTLEMENT_COLUMNS_ADDED[3])


def _to_version_4(conn: Connection, tables: LedgerTables) -> None:
    """Version 3 -> 4: the ``model_scores`` table (empty: the live record starts with the next slate)."""
    tables.model_scores.create(conn, checkfirst=True)


def _to_version_5(conn: Connection, tables: LedgerTables) -> None:
    """Version 4 -> 5: bets gain ``phase`` and the live game state; every existing bet was made before tip-off."""
    _add_bet_columns(conn, tables, 5)
    conn.execute(update(tables.bets).values(phase=PHASE_PREGAME))


#: target version -> the step that brings a database from the version before it (run in order, one transaction)
_MIGRATIONS: Final[dict[int, Callable[[Connection, LedgerTables], None]]] = {
    2: _to_version_2, 3: _to_version_3, 4: _to_version_4, 5: _to_version_5,
}


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Elementwise equality treating NaN == NaN and numbers within a tiny tolerance as equal."""
    both_missing = a.isna() & b.isna()
    try:
        close = np.isclose(a.astype(float), b.astype(float), rtol=0.0, atol=_COMPARE_TOLERANCE)
        return pd.Series(close, index=a.index) | both_missing
    except (TypeError, ValueError):
        return (a == b) | both_missing


def _first_line(exc: BaseException) -> str:
    """``Type: first line`` of a driver error: SQLAlchemy appends the whole statement (a CREATE TABLE dump) and
    a link on further lines, which belong in the log file (the CLI logs the chain at DEBUG), not in the error."""
    lines = str(exc).strip().splitlines()
    return f"{exc.__class__.__name__}: {lines[0]}" if lines else exc.__class__.__name__


def _sqlite_transactions(engine: Engine) -> None:
    """Make pysqlite start a real transaction at BEGIN (its default defers it), so reads inside a write see a
    consistent snapshot and every write is all-or-nothing (SQLAlchemy's documented recipe)."""

    @event.listens_for(engine, "connect")
    def _no_implicit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get(_SQLITE_BEGIN, "BEGIN"))
