"""Ledger export (CSV / parquet) and import of the original nba-pra CSV ledger (and of our own exports).

Export
------
:func:`export_ledger` writes :meth:`LedgerStore.bets` -- every stored bet joined with its settlement, one
row per bet, all columns of the ``bets`` and ``settlements`` tables plus ``status`` (open | settled) -- to CSV
(floats at full precision: this is money) or parquet. An export is itself importable: it round-trips bet ids,
results and profits.

Import format (the original system's CSV ledger)
------------------------------------------------
The original nba-pra appended one row per bet to a CSV. Its headers varied between versions, so a header is
matched after normalising it (lower case, every run of non-alphanumerics -> ``_``: "Bet Amount" ->
``bet_amount``) against these names; when several headers map to one field, the first name listed wins and the
others are ignored.

Fields (``header aliases``: rule); required unless marked optional:

* date (``date, game_date, bet_date``): a date, ISO ``2024-01-15`` or US ``1/15/2024``;
* player (``player, player_name, name``): non-empty text;
* line (``line, prop_line, pra_line, point``): a finite number >= 0;
* side (``side, bet, pick, direction, over_under, recommendation``): over | under | o | u (first word, any
  case);
* odds (``odds, price, american_odds, odds_american``) and/or decimal_odds (``decimal_odds, decimal_price,
  odds_decimal``), at least one: American odds (<= -100 or >= +100); an ``odds`` value in (1, 100) can only be
  decimal odds and is read as such;
* stake (``stake, amount, bet_amount, wager, bet_size, units, risk``): a number > 0, in ledger units (exactly 0
  for a paper bet);
* result (``result, outcome, bet_result, status``), optional: win/w/won/hit, loss/l/lost/lose/miss,
  push/p/tie, void/dnp/cancelled/canceled/refund/no action; pending/open/empty = not settled yet;
* profit (``profit, pnl, profit_loss, net, net_profit, p_l``), optional: units;
* bookmaker (``bookmaker, book, sportsbook``), optional: default ``legacy``;
* market (``market, prop, prop_type, stat``), optional: pra / points / rebounds / assists / an Odds API market
  key; default PRA;
* optional passthrough: game_id, player_id, bet_id, team, opponent, actual (``actual, actual_pra``), edge,
  confidence, p_win (``p_win, probability, win_prob, win_probability``), mean (``mean, predicted_pra,
  prediction, projection``) and the closing-line columns of an export (close_line, close_price, close_decimal,
  close_consensus_line, close_books, close_fair, close_push, clv_price, clv_prob, clv_line, clv_note).
* state (``state``), optional: staked | paper (an export's); empty or absent = staked, since every bet of the
  original system carried a real stake. pricing and gate_reason (an export's) pass through.
* phase (``phase``), optional: pregame | live (an export's); empty or absent = pregame. A live bet carries its
  game state (``live_period``, ``live_clock_s``, ``live_minutes``, ``live_pra``, ``live_pf``, ``live_margin``:
  numbers; period and clock required).

Validation: every rule above is checked for every row; a failing file raises :class:`DataValidationError`
naming the rule and the first offending CSV line numbers, and nothing is written. A recorded ``profit`` must
agree in sign with the result (win > 0, loss < 0, push / void = 0); a missing profit of a settled bet is
``stake * (decimal_odds - 1)`` for a win, ``-stake`` for a loss, 0 otherwise. Rows that repeat another row's
bet exactly are dropped (counted); two rows of one bet that disagree are an error.

Identity of imported rows (deterministic, so a re-import adds nothing)
-----------------------------------------------------------------------
* ``bet_id``: the file's own 40-hex ``bet_id`` when present (our exports); otherwise
  ``sha1("legacy|<date>|<normalised player name>|<market>|<side>|<line>|<bookmaker>")``. The player's *name*,
  not the resolved id, is hashed, so a later change of the player directory never changes an id.
* ``player_id``: the file's column when present; else the id of the only player in ``players`` (rosters / box
  scores) with the same normalised name; else a surrogate ``-int(sha1(name)[:12], 16)`` -- negative, so it
  never collides with a real (positive) player id.
* ``game_id``: the file's column when present; else ``legacy-<YYYYMMDD>-<name-with-dashes>``. Such games
  are in no box score, so the ledger stage never re-settles an imported bet: the original ledger's result
  stands.

Bets and their settlements are written in ONE transaction, insert-or-ignore on ``bet_id``: an existing bet is
never changed, an existing settlement is never overwritten, and an open bet of an earlier import that the file
now shows settled gets its settlement.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError

from nba_pra.data.validation import MAX_PLAYER_ID
from nba_pra.errors import DataValidationError, LedgerError
from nba_pra.io import atomic_write
from nba_pra.ledger.settlement import MARKET_STATS
from nba_pra.ledger.store import _ID_CHUNK, LedgerStore, _chunks, _records
from nba_pra.ledger.tables import (
    CLV_NUMBERS,
    LIVE_STATE_COLUMNS,
    OPTIONAL_BET_COLUMNS,
    PHASE_LIVE,
    PHASE_PREGAME,
    REQUIRED_BET_COLUMNS,
    STATE_PAPER,
    STATE_STAKED,
)
from nba_pra.odds.matching import normalize_name
from nba_pra.odds.prices import AMERICAN_UNIT, american_to_decimal, decimal_to_american
from nba_pra.settle import profits
from nba_pra.vocab import PRA_MARKET, Outcome, Side


class ExportFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


LEGACY_BOOKMAKER: Final = "legacy"
LEGACY_PREFIX: Final = "legacy"
#: header aliases per field, in priority order (see the module docstring)
COLUMN_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "date": ("date", "game_date", "bet_date"),
    "player": ("player", "player_name", "name"),
    "line": ("line", "prop_line", "pra_line", "point"),
    "side": ("side", "bet", "pick", "direction", "over_under", "recommendation"),
    "odds": ("odds", "price", "american_odds", "odds_american"),
    "decimal_odds": ("decimal_odds", "decimal_price", "odds_decimal"),
    "stake": ("stake", "amount", "bet_amount", "wager", "bet_size", "units", "risk"),
    "result": ("result", "outcome", "bet_result", "status"),
    "profit": ("profit", "pnl", "profit_loss", "net", "net_profit", "p_l"),
    "bookmaker": ("bookmaker", "book", "sportsbook"),
    "market": ("market", "prop", "prop_type", "stat"),
    "game_id": ("game_id",),
    "player_id": ("player_id",),
    "bet_id": ("bet_id",),
    "team": ("team",),
    "opponent": ("opponent",),
    "actual": ("actual", "actual_pra"),
    "edge": ("edge",),
    "confidence": ("confidence",),
    "p_win": ("p_win", "probability", "win_prob", "win_probability"),
    "mean": ("mean", "predicted_pra", "prediction", "projection"),
    "close_line": ("close_line",),
    "close_price": ("close_price",),
    "close_decimal": ("close_decimal",),
    "clv_price": ("clv_price",),
    "clv_prob": ("clv_prob",),
    **{name: (name,) for name in ("close_consensus_line", "close_books", "close_fair", "close_push", "clv_line",
                                  "clv_note")},
    "state": ("state",),
    "pricing": ("pricing",),
    "gate_reason": ("gate_reason",),
    "phase": ("phase",),
    **{name: (name,) for name in LIVE_STATE_COLUMNS},
}
REQUIRED_FIELDS: Final = ("date", "player", "line", "side", "stake")
RESULT_WORDS: Final[dict[str, str | None]] = {
    **dict.fromkeys(("win", "w", "won", "hit"), Outcome.WIN.value),
    **dict.fromkeys(("loss", "l", "lost", "lose", "miss"), Outcome.LOSS.value),
    **dict.fromkeys(("push", "p", "tie"), Outcome.PUSH.value),
    **dict.fromkeys(("void", "dnp", "cancelled", "canceled", "refund", "no action", "noaction"), Outcome.VOID.value),
    **dict.fromkeys(("", "pending", "open", "nan", "none"), None),
}
SIDE_WORDS: Final = {"over": Side.OVER.value, "o": Side.OVER.value, "under": Side.UNDER.value, "u": Side.UNDER.value}
MARKET_WORDS: Final[dict[str, str]] = {
    **{key: key for key in MARKET_STATS},
    **dict.fromkeys(
        ("pra", "points+rebounds+assists", "pts+reb+ast", "p+r+a", "pointsreboundsassists"), PRA_MARKET
    ),
    **dict.fromkeys(("points", "pts"), "player_points"),
    **dict.fromkeys(("rebounds", "reb"), "player_rebounds"),
    **dict.fromkeys(("assists", "ast"), "player_assists"),
}
#: American odds have |a| >= 100, so an odds value in (1, 100) can only be decimal odds
_HEX_ID: Final = re.compile(r"^[0-9a-f]{40}$")
_HEADER: Final = re.compile(r"[^a-z0-9]+")
#: |profit| below this counts as zero (push / void) -- CSV rounding, not a tunable
_ZERO_PROFIT: Final = 1e-9
#: hex digits of the surrogate player id (48 bits: fits BIGINT with room to spare)
_SURROGATE_HEX: Final = 12
_GAME_NAME_CHARS: Final = 48
#: offending CSV lines quoted in a validation error
_SHOW_ROWS: Final = 5
#: a CSV's first data row is line 2 (line 1 is the header)
_FIRST_DATA_LINE: Final = 2
#: the numeric CLV columns of a settlement (``clv_note`` passes through as text)
_SETTLEMENT_EXTRAS: Final = CLV_NUMBERS


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, exact duplicates dropped, bets and settlements added, surrogate ids."""

    rows: int
    duplicates_dropped: int
    bets_added: int
    settlements_added: int
    already_present: int
    surrogate_player_ids: int


# --- export ------------------------------------------------------------------------------------------


def export_format(path: Path, fmt: str | None) -> ExportFormat:
    """``fmt`` when given, else parquet for a ``.parquet``/``.pq`` path and CSV otherwise."""
    if fmt is not None:
        try:
            return ExportFormat(fmt.lower())
        except ValueError:
            raise LedgerError(f"unknown export format {fmt!r}; use csv or parquet") from None
    return ExportFormat.PARQUET if Path(path).suffix.lower() in (".parquet", ".pq") else ExportFormat.CSV


def export_ledger(store: LedgerStore, path: Path, fmt: str | None = None) -> int:
    """Write every bet of ``store`` with its settlement to ``path`` (atomically); return the bet count."""
    frame = store.bets()
    kind = export_format(path, fmt)
    try:
        if kind is ExportFormat.PARQUET:
            atomic_write(Path(path), lambda tmp: frame.to_parquet(tmp, index=False))
        else:
            # no float_format: stakes and profits keep every digit
            atomic_write(Path(path), lambda tmp: frame.to_csv(tmp, index=False))
    except OSError as exc:
        raise LedgerError(f"cannot write the ledger export to {path} ({exc.strerror or type(exc).__name__})") from None
    return len(frame)


# --- import: parsing (pure) ---------------------------------------------------------------------------


def read_ledger_file(path: Path) -> pd.DataFrame:
    """The raw table of a ledger file (CSV, or parquet by suffix), every value as read (CSV: text)."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(f"ledger file {path} does not exist")
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataValidationError(
            f"ledger file {path} is not a readable CSV ({exc.__class__.__name__})"
        ) from None


def canonical_columns(raw: pd.DataFrame) -> pd.DataFrame:
    """``raw`` reduced to the fields of :data:`COLUMN_ALIASES` (first matching header wins), by field name."""
    by_header: dict[str, str] = {}
    for column in raw.columns:
        by_header.setdefault(_HEADER.sub("_", str(column).strip().lower()).strip("_"), column)
    picked: dict[str, Any] = {}
    for name, aliases in COLUMN_ALIASES.items():
        source = next((by_header[a] for a in aliases if a in by_header), None)
        if source is not None and source not in picked.values():
            picked[name] = source
    missing = [f for f in REQUIRED_FIELDS if f not in picked]
    if "odds" not in picked and "decimal_odds" not in picked:
        missing.append("odds (or decimal_odds)")
    if missing:
        raise DataValidationError(
            f"the ledger file has no column for {', '.join(missing)} "
            f"(headers: {', '.join(map(str, raw.columns))})"
        )
    return pd.DataFrame({name: raw[source] for name, source in picked.items()}).reset_index(drop=True)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("").str.strip()


def _numbers(values: pd.Series) -> pd.Series:
    """Numbers of a column (float64); empty or unparsable cells are NaN ("+120" reads as 120)."""
    return pd.to_numeric(_text(values).astype(object), errors="coerce").astype("float64")


def _problem(problems: list[str], bad: pd.Series, rule: str) -> None:
    if bad.any():
        lines = (np.flatnonzero(bad.to_numpy()) + _FIRST_DATA_LINE)[:_SHOW_ROWS]
        more = ", ..." if bad.sum() > _SHOW_ROWS else ""
        problems.append(f"{rule} (CSV line(s) {', '.join(map(str, lines))}{more})")


def _prices(c: pd.DataFrame, problems: list[str]) -> tuple[pd.Series, pd.Series]:
    """(American price, decimal price) per row from the ``odds`` and/or ``decimal_odds`` fields."""
    odds = _numbers(c["odds"]) if "odds" in c else pd.Series(np.nan, index=c.index)
    dec = _numbers(c["decimal_odds"]) if "decimal_odds" in c else pd.Series(np.nan, index=c.index)
    # an "odds" value that cannot be American (1 < x < 100) is decimal odds
    looks_decimal = odds.gt(1.0) & odds.abs().lt(AMERICAN_UNIT)
    dec = dec.where(dec.notna(), odds.where(looks_decimal))
    american = odds.where(odds.abs().ge(AMERICAN_UNIT))
    bad = (american.isna() & ~dec.gt(1.0)) | (dec.notna() & ~dec.gt(1.0))
    _problem(problems, bad, "odds must be American (<= -100 or >= +100) or decimal (> 1)")
    ok = ~bad
    american = american.copy()
    dec = dec.copy()
    need_dec = ok & dec.isna()
    if need_dec.any():
        dec[need_dec] = american_to_decimal(american[need_dec].to_numpy())
    need_am = ok & american.isna()
    if need_am.any():
        american[need_am] = np.round(decimal_to_american(dec[need_am].to_numpy()))
    return american.astype(float), dec.astype(float)


def _profits(
    c: pd.DataFrame, result: pd.Series, stake: pd.Series, dec: pd.Series, problems: list[str]
) -> pd.Series:
    """Recorded profit (sign-checked against the result), else the one the result implies; NaN if open."""
    expected = pd.Series(profits(result.to_numpy(), stake.to_numpy(float), dec.to_numpy(float)), index=c.index)
    if "profit" not in c:
        return expected.where(result.notna())
    given = _numbers(c["profit"])
    _problem(problems, _text(c["profit"]).ne("") & given.isna() & result.notna(), "profit must be a number")
    zero = given.abs().le(_ZERO_PROFIT)
    wrong = given.notna() & (
        (result.eq(Outcome.WIN.value) & ~given.gt(0))
        | (result.eq(Outcome.LOSS.value) & ~given.lt(0))
        | (result.isin([Outcome.PUSH.value, Outcome.VOID.value]) & ~zero)
    )
    _problem(problems, wrong, "profit must be > 0 for a win, < 0 for a loss and 0 for a push or void")
    return given.fillna(expected).where(result.notna())


def _player_directory(players: pd.DataFrame | None) -> dict[str, int]:
    """Normalised name -> player id, for names that belong to exactly one id."""
    if players is None or players.empty:
        return {}
    table = players.loc[:, ["player_id", "player_name"]].dropna().drop_duplicates()
    table = table.assign(key=table["player_name"].map(normalize_name))
    ids = table.drop_duplicates(["key", "player_id"]).groupby("key")["player_id"]
    unique = ids.nunique() == 1
    return {cast(str, key): int(pid) for key, pid in ids.first()[unique].items()}


def _sha1(text: pd.Series) -> pd.Series:
    return pd.Series([hashlib.sha1(t.encode()).hexdigest() for t in text], index=text.index, dtype=object)


@dataclass(frozen=True)
class _Fields:
    """A raw ledger's validated columns (each problem recorded in ``problems`` instead of raised at once)."""

    date: pd.Series
    player: pd.Series
    line: pd.Series
    side: pd.Series
    state: pd.Series
    stake: pd.Series
    american: pd.Series
    dec: pd.Series
    result: pd.Series
    profit: pd.Series
    market: pd.Series
    bookmaker: pd.Series | str


def _dates(c: pd.DataFrame, problems: list[str]) -> pd.Series:
    """Bet dates as naive, normalised timestamps (any parseable format; time zones dropped)."""
    date_text = _text(c["date"])
    date = pd.to_datetime(date_text.astype(object).mask(date_text.eq("")), errors="coerce", format="mixed")
    if getattr(date.dt, "tz", None) is not None:
        date = date.dt.tz_convert(None)
    date = date.dt.normalize()
    _problem(problems, date.isna(), "date must be a date such as 2024-01-15")
    return date


def _results(c: pd.DataFrame, problems: list[str]) -> pd.Series:
    """Canonical results (win/loss/push/void) from their accepted spellings; None where the bet is open."""
    if "result" not in c:
        return pd.Series(None, index=c.index, dtype=object)
    words = _text(c["result"]).str.lower()
    known = words.isin(list(RESULT_WORDS))
    words_ok = ", ".join(w for w in RESULT_WORDS if w)
    _problem(problems, ~known, f"result must be one of {words_ok} or empty")
    return words.map(RESULT_WORDS).astype(object)


def _markets(c: pd.DataFrame, problems: list[str]) -> pd.Series:
    """Odds API market keys from their accepted spellings (PRA when the file has no market column)."""
    if "market" not in c:
        return pd.Series(PRA_MARKET, index=c.index)
    market_text = _text(c["market"]).str.lower().str.replace(" ", "", regex=False)
    market = market_text.replace("", "pra").map(MARKET_WORDS)
    _problem(problems, market.isna(), "market must be pra, points, rebounds, assists or an Odds API market key")
    return market


def _fields(c: pd.DataFrame, problems: list[str]) -> _Fields:
    """Every required field of a raw ledger, validated."""
    date = _dates(c, problems)
    player = _text(c["player"])
    _problem(problems, player.eq(""), "player must not be empty")
    line = _numbers(c["line"])
    _problem(problems, ~(np.isfinite(line) & line.ge(0)), "line must be a finite number >= 0")
    side = _text(c["side"]).str.lower().str.split().str[0].map(SIDE_WORDS)
    _problem(problems, side.isna(), "side must be over or under")
    state = _text(c["state"]).str.lower().replace("", STATE_STAKED) if "state" in c else pd.Series(
        STATE_STAKED, index=c.index
    )
    _problem(problems, ~state.isin([STATE_STAKED, STATE_PAPER]), "state must be staked, paper or empty")
    paper = state.eq(STATE_PAPER)
    stake = _numbers(c["stake"])
    _problem(problems, ~paper & ~(np.isfinite(stake) & stake.gt(0)), "stake must be a number > 0")
    _problem(problems, paper & ~stake.eq(0), "a paper bet's stake must be 0")
    american, dec = _prices(c, problems)
    result = _results(c, problems)
    profit = _profits(c, result, stake, dec, problems)
    market = _markets(c, problems)
    bookmaker = _text(c["bookmaker"]).replace("", LEGACY_BOOKMAKER) if "bookmaker" in c else LEGACY_BOOKMAKER
    return _Fields(date, player, line, side, state, stake, american, dec, result, profit, market, bookmaker)


def _bet_columns(f: _Fields) -> pd.DataFrame:
    """The columns every bet has, from the validated fields."""
    return pd.DataFrame(
        {
            "game_date": f.date,
            "player_name": f.player,
            "market": f.market,
            "bookmaker": f.bookmaker,
            "side": f.side,
            "line": f.line.astype(float),
            "price": f.american,
            "decimal_price": f.dec,
            "stake": f.stake.astype(float),
            "result": f.result,
            "profit": f.profit.astype(float),
        }
    )


def _bet_ids(c: pd.DataFrame, frame: pd.DataFrame, date: pd.Series, name_key: pd.Series) -> pd.Series:
    """The file's own 40-hex ``bet_id``, else the sha1 of what identifies the bet (so a re-import adds nothing)."""
    day = date.dt.strftime("%Y-%m-%d")
    given_ids = _text(c["bet_id"]).str.lower() if "bet_id" in c else pd.Series("", index=c.index)
    identity = (
        f"{LEGACY_PREFIX}|" + day + "|" + name_key + "|" + frame["market"] + "|" + frame["side"] + "|"
        + frame["line"].map(lambda v: repr(float(v))) + "|" + frame["bookmaker"]
    )
    return given_ids.where(given_ids.str.match(_HEX_ID), _sha1(identity))


def _player_ids(c: pd.DataFrame, name_key: pd.Series, players: pd.DataFrame | None,
                problems: list[str]) -> tuple[pd.Series, pd.Series]:
    """Player ids (the file's, checked; else the directory's; else a negative surrogate) and which are
    surrogates."""
    surrogate = pd.Series(False, index=c.index)
    if "player_id" in c:
        pid = _numbers(c["player_id"])
        # beyond 2**53 a float column no longer holds the id exactly, and int64 overflows silently (to -2**63)
        _problem(problems, pid.isna() | (pid != pid.round()) | (pid.abs() >= MAX_PLAYER_ID),
                 "player_id must be an integer below 2**53")
    else:
        pid = name_key.map(_player_directory(players))
        surrogate = pid.isna()
        pid = pid.fillna(-_sha1(name_key).str[:_SURROGATE_HEX].map(lambda h: int(h, 16)))
    return pid, surrogate


def _game_ids(c: pd.DataFrame, date: pd.Series, name_key: pd.Series) -> pd.Series:
    """The file's ``game_id``, else ``legacy-<YYYYMMDD>-<name-with-dashes>`` (a game in no box score)."""
    gid = _text(c["game_id"]) if "game_id" in c else pd.Series("", index=c.index)
    legacy_gid = (
        f"{LEGACY_PREFIX}-"
        + date.dt.strftime("%Y%m%d")
        + "-"
        + name_key.str.replace(" ", "-").str[:_GAME_NAME_CHARS]
    )
    return gid.where(gid.ne(""), legacy_gid)


def _passthrough_columns(c: pd.DataFrame) -> dict[str, pd.Series]:
    """The optional descriptive columns the file has: text ones (empty = missing), then numeric ones."""
    text = {name: _text(c[name]).astype(object).mask(_text(c[name]).eq(""))
            for name in ("team", "opponent", "pricing", "gate_reason") if name in c}
    numbers = {name: _numbers(c[name]) for name in ("edge", "confidence", "p_win", "mean") if name in c}
    return {**text, **numbers}


def _with_phase(c: pd.DataFrame, frame: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """``frame`` with each bet's phase (empty = pregame) and live game state; a live bet must carry its period
    and clock."""
    phase = _text(c["phase"]).str.lower() if "phase" in c else pd.Series("", index=c.index)
    phase = phase.mask(phase.eq(""), PHASE_PREGAME)
    _problem(problems, ~phase.isin([PHASE_PREGAME, PHASE_LIVE]), f"phase must be {PHASE_PREGAME} or {PHASE_LIVE}")
    live_state = {name: _numbers(c[name]) if name in c else np.nan for name in LIVE_STATE_COLUMNS}
    frame = frame.assign(phase=phase.astype(object), **live_state)
    _problem(problems, phase.eq(PHASE_LIVE) & frame[list(LIVE_STATE_COLUMNS[:2])].isna().any(axis=1),
             "a live bet needs its game state (live_period, live_clock_s)")
    return frame


def _settlement_columns(c: pd.DataFrame) -> dict[str, Any]:
    """The settlement figures the file carries besides result and profit (NaN / None where absent)."""
    return {
        "actual_pra": _numbers(c["actual"]) if "actual" in c else np.nan,
        **{name: _numbers(c[name]) if name in c else np.nan for name in _SETTLEMENT_EXTRAS},
        "clv_note": _text(c["clv_note"]).astype(object) if "clv_note" in c else None,
    }


def _bet_frame(c: pd.DataFrame, f: _Fields, players: pd.DataFrame | None,
               problems: list[str]) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The validated bets with their ids (given, else derived from what identifies a bet), optional columns and
    settlement figures; plus player ids and which of them are surrogates (no id in the file or the directory)."""
    name_key = f.player.map(normalize_name)
    frame = _bet_columns(f)
    frame["bet_id"] = _bet_ids(c, frame, f.date, name_key)
    pid, surrogate = _player_ids(c, name_key, players, problems)
    frame["game_id"] = _game_ids(c, f.date, name_key)
    frame["state"] = f.state.astype(object)
    frame = _with_phase(c, frame.assign(**_passthrough_columns(c)), problems)
    return frame.assign(**_settlement_columns(c)), pid, surrogate


def parse_ledger(
    raw: pd.DataFrame, players: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Validate a raw ledger table -> (bets frame for the ``bets`` table, settlements frame, counts).

    ``players`` (columns player_id, player_name) resolves names to ids when the file has no ``player_id``.
    Raises :class:`DataValidationError` listing every broken rule. ``counts`` has ``rows``,
    ``duplicates_dropped`` and ``surrogate_player_ids``.
    """
    c = canonical_columns(raw)
    problems: list[str] = []
    f = _fields(c, problems)
    if problems:
        raise DataValidationError("the ledger file breaks these rules: " + "; ".join(problems))
    frame, pid, surrogate = _bet_frame(c, f, players, problems)
    if problems:
        raise DataValidationError("the ledger file breaks these rules: " + "; ".join(problems))
    frame["player_id"] = pid.astype("int64")

    n_rows = len(frame)
    frame = frame.drop_duplicates()
    clash = frame["bet_id"].duplicated(keep=False)
    if clash.any():
        example = frame.loc[clash].iloc[0]
        raise DataValidationError(
            f"{int(clash.sum())} rows describe one bet differently (e.g. {example['player_name']} "
            f"{example['side']} {example['line']:g} on {example['game_date']:%Y-%m-%d}); keep one row per bet"
        )
    bet_cols = [*REQUIRED_BET_COLUMNS, *(col for col in OPTIONAL_BET_COLUMNS if col in frame.columns)]
    bets = frame.loc[:, bet_cols].reset_index(drop=True)
    settled = frame[frame["result"].notna()]
    settlements = settled.loc[:, ["bet_id", "result", "actual_pra", "profit", *_SETTLEMENT_EXTRAS, "clv_note"]]
    counts = {
        "rows": n_rows,
        "duplicates_dropped": n_rows - len(frame),
        "surrogate_player_ids": int(surrogate.loc[frame.index].sum()),
    }
    return bets, settlements.reset_index(drop=True), counts


# --- import: writing ---------------------------------------------------------------------------------


def import_ledger(store: LedgerStore, path: Path, players: pd.DataFrame | None = None) -> ImportReport:
    """Import the ledger file at ``path`` into ``store`` (see the module docstring); one transaction."""
    bets, settlements, counts = parse_ledger(read_ledger_file(path), players)
    bets = bets.assign(game_date=bets["game_date"].dt.date)
    now = pd.Timestamp.now(tz="UTC")
    t = store.tables
    try:
        with store.writer.begin() as conn:  # holds the write lock from BEGIN (see LedgerStore)
            ids = bets["bet_id"].tolist()
            stored_bets: set[str] = set()
            stored_settled: set[str] = set()
            for chunk in _chunks(ids, _ID_CHUNK):
                bets_q = select(t.bets.c.bet_id).where(t.bets.c.bet_id.in_(chunk))
                settled_q = select(t.settlements.c.bet_id).where(t.settlements.c.bet_id.in_(chunk))
                stored_bets.update(conn.execute(bets_q).scalars())
                stored_settled.update(conn.execute(settled_q).scalars())
            new_bets = bets[~bets["bet_id"].isin(stored_bets)].assign(recorded_at=now)
            new_settled = settlements[~settlements["bet_id"].isin(stored_settled)].assign(settled_at=now)
            if len(new_bets):
                conn.execute(insert(t.bets), _records(new_bets))
            if len(new_settled):
                conn.execute(insert(t.settlements), _records(new_settled))
    except SQLAlchemyError as exc:
        raise LedgerError(
            f"could not import {Path(path).name} into the ledger (nothing was written): "
            f"{exc.__class__.__name__}"
        ) from None
    return ImportReport(
        rows=counts["rows"],
        duplicates_dropped=counts["duplicates_dropped"],
        bets_added=len(new_bets),
        settlements_added=len(new_settled),
        already_present=int(bets["bet_id"].isin(stored_bets).sum()),
        surrogate_player_ids=counts["surrogate_player_ids"],
    )


def project_players(data_dir: Path) -> pd.DataFrame:
    """Player ids and names of the project's rosters and box scores (empty when neither file exists)."""
    from nba_pra.data import schema

    frames = [
        pd.read_parquet(path, columns=["player_id", "player_name"])
        for path in (Path(data_dir) / schema.ROSTERS_FILE, Path(data_dir) / schema.BOX_SCORES_FILE)
        if path.is_file()
    ]
    if not frames:
        return pd.DataFrame({"player_id": pd.Series(dtype="int64"), "player_name": pd.Series(dtype=object)})
    return pd.concat(frames, ignore_index=True).drop_duplicates()
