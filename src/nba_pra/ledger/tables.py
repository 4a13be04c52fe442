"""SQLAlchemy Core tables of the ledger: append-only ``bets``, upserted ``settlements``, ``bankroll_snapshots``.

Tables are built per store (``build_tables``) so a schema or a table-name prefix can be chosen at runtime
(tests use a throwaway schema on PostgreSQL). ``LEDGER_SCHEMA_VERSION`` is stored in ``meta``; an older database
is migrated in place by the store (:data:`BET_COLUMNS_ADDED` says what each version added), a newer one is refused
instead of misread.

Versions: 1 = the first ledger; 2 = bets carry ``state`` (staked | paper), ``pricing`` (the pricing method) and
``gate_reason`` (why the evidence gate kept a bet on paper). A paper bet has stake 0, so its profit is always 0;
3 = settlements carry the CLV of moved lines (:mod:`nba_pra.ledger.clv`): ``close_consensus_line``,
``close_books``, ``close_fair``, ``close_push``, ``clv_line`` and ``clv_note``;
4 = ``model_scores``: every slate prediction of the champion and of the shadow version (``tracking.shadow_alias``)
per model version, scored once its game is played (:mod:`nba_pra.ledger.model_scores`): the live A/B record;
5 = bets carry ``phase`` (pregame | live: decided before tip-off or during the game, :mod:`nba_pra.live`) and, for a
live bet, the game state it was decided at (:data:`LIVE_STATE_COLUMNS`: period, seconds left on its clock, his
minutes, PRA so far, personal fouls and his team's score margin; NULL on a pre-game bet). A live bet is settled,
summarised and CLV-checked like any other (against its own stored close only: a pre-game closing line does not
close a line posted during the game).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
)

from nba_pra.betting.gate import BetState
from nba_pra.vocab import BetPhase

LEDGER_SCHEMA_VERSION: Final = 5
BET_ID_LENGTH: Final = 40  # hex sha1
#: ``state`` of a bet with real money on it / of a bet the evidence gate kept at stake 0
STATE_STAKED: Final = BetState.STAKED.value
STATE_PAPER: Final = BetState.PAPER.value
#: ``phase`` of a bet decided before tip-off / during the game
PHASE_PREGAME: Final = BetPhase.PREGAME.value
PHASE_LIVE: Final = BetPhase.LIVE.value
#: the game state a live bet was decided at (ledger names of :data:`nba_pra.live.state.STATE_COLUMNS`' numbers)
LIVE_STATE_COLUMNS: Final = ("live_period", "live_clock_s", "live_minutes", "live_pra", "live_pf", "live_margin")
#: bets columns each schema version added (version -> names); the store adds them to an older database
BET_COLUMNS_ADDED: Final[dict[int, tuple[str, ...]]] = {
    2: ("state", "pricing", "gate_reason"),
    5: ("phase", *LIVE_STATE_COLUMNS),
}
#: numeric CLV columns of a settlement (:mod:`nba_pra.ledger.clv`); ``clv_note`` is the one text column
CLV_NUMBERS: Final = ("close_line", "close_price", "close_decimal", "close_consensus_line", "close_books",
                      "close_fair", "close_push", "clv_price", "clv_prob", "clv_line")
#: settlements columns each schema version added (version -> names)
SETTLEMENT_COLUMNS_ADDED: Final[dict[int, tuple[str, ...]]] = {
    3: ("close_consensus_line", "close_books", "close_fair", "close_push", "clv_line", "clv_note"),
}

#: bet columns a caller must provide (the engine's candidates frame has all of them)
REQUIRED_BET_COLUMNS: Final = (
    "bet_id",
    "game_id",
    "game_date",
    "player_id",
    "market",
    "bookmaker",
    "side",
    "line",
    "price",
    "decimal_price",
    "stake",
)
#: bet columns stored when present
OPTIONAL_BET_COLUMNS: Final = (
    "season",
    "player_name",
    "team",
    "opponent",
    "p_over",
    "p_under",
    "p_push",
    "p_win",
    "p_loss",
    "edge",
    "confidence",
    "kelly_full",
    "mean",
    "std",
    "dist_family",
    "model_version",
    "model_uri",
    "bankroll",
    "close_line",
    "close_over_price",
    "close_under_price",
    "decided_at",
    "state",
    "pricing",
    "gate_reason",
    "phase",
    *LIVE_STATE_COLUMNS,
)
SETTLEMENT_COLUMNS: Final = (
    "bet_id",
    "result",
    "actual_pra",
    "profit",
    *CLV_NUMBERS,
    "clv_note",
    "settled_at",
)


#: the predictor that made a stored prediction: the predict alias's version (bets are priced with it) or the shadow
ROLE_CHAMPION: Final = "champion"
ROLE_SHADOW: Final = "shadow"
#: one model version's prediction of one player-game
MODEL_SCORE_KEYS: Final = ("game_id", "player_id", "model_version")
#: prediction columns a caller provides to ``record_predictions``
MODEL_PREDICTION_COLUMNS: Final = ("game_id", "player_id", "game_date", "model_version", "mean", "var",
                                   "dist_family")
#: per-row scores written when the game is played (lower is better; :mod:`nba_pra.evaluation.paired`)
MODEL_SCORE_NUMBERS: Final = ("actual_pra", "line", "crps", "log_score", "mae", "brier_over", "log_loss_over")


@dataclass(frozen=True)
class LedgerTables:
    metadata: MetaData
    meta: Table
    bets: Table
    settlements: Table
    snapshots: Table
    model_scores: Table


def build_tables(schema: str | None = None, prefix: str = "") -> LedgerTables:
    """The ledger's tables in ``schema`` (None = default) with names prefixed by ``prefix``."""
    md = MetaData(schema=schema)
    meta = Table(
        f"{prefix}ledger_meta",
        md,
        Column("key", String(64), primary_key=True),
        Column("value", String(256), nullable=False),
    )
    bets = Table(
        f"{prefix}bets",
        md,
        Column("bet_id", String(BET_ID_LENGTH), primary_key=True),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("decided_at", DateTime(timezone=True)),
        Column("game_id", String(64), nullable=False, index=True),
        Column("game_date", Date, nullable=False, index=True),
        Column("season", String(16)),
        Column("player_id", BigInteger, nullable=False),
        Column("player_name", String(128)),
        Column("team", String(8)),
        Column("opponent", String(8)),
        Column("market", String(64), nullable=False),
        Column("bookmaker", String(64), nullable=False),
        Column("side", String(8), nullable=False),
        Column("line", Float, nullable=False),
        Column("price", Float, nullable=False),  # American odds of the side taken
        Column("decimal_price", Float, nullable=False),
        Column("stake", Float, nullable=False),  # units
        *(
            Column(c, Float)
            for c in (
                "p_over",
                "p_under",
                "p_push",
                "p_win",
                "p_loss",
                "edge",
                "confidence",
                "kelly_full",
                "mean",
                "std",
                "bankroll",
                "close_line",
                "close_over_price",
                "close_under_price",
            )
        ),
        Column("dist_family", String(16)),
        Column("model_version", String(64)),
        Column("model_uri", String(256)),
        # nullable: added by version 2 (a migrated version-1 bet is ``staked``: it had a real stake)
        Column("state", String(8)),  # staked | paper
        Column("pricing", String(16)),  # model | recalibrated | market | market_aware
        Column("gate_reason", String(512)),  # "" when staked; the evidence figures when paper
        # nullable: added by version 5 (a migrated bet is ``pregame``: live bets did not exist before)
        Column("phase", String(8)),  # pregame | live
        Column("live_period", Integer),  # 1..4, overtime beyond
        *(Column(c, Float) for c in LIVE_STATE_COLUMNS if c != "live_period"),
    )
    settlements = Table(
        f"{prefix}settlements",
        md,
        Column("bet_id", String(BET_ID_LENGTH), ForeignKey(bets.c.bet_id), primary_key=True),
        Column("result", String(8), nullable=False),  # win | loss | push | void
        Column("actual_pra", Float),
        Column("profit", Float, nullable=False),  # units
        *(Column(c, Float) for c in CLV_NUMBERS),
        Column("clv_note", String(128)),  # why the probability CLV is missing ("" when known)
        Column("settled_at", DateTime(timezone=True), nullable=False),
    )
    snapshots = Table(
        f"{prefix}bankroll_snapshots",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("taken_at", DateTime(timezone=True), nullable=False),
        Column("settled", Integer, nullable=False),
        Column("profit", Float, nullable=False),
    )
    model_scores = Table(
        f"{prefix}model_scores",
        md,
        Column("game_id", String(64), primary_key=True),
        Column("player_id", BigInteger, primary_key=True),
        Column("model_version", String(64), primary_key=True),
        Column("game_date", Date, nullable=False, index=True),
        Column("role", String(16), nullable=False),  # champion | shadow
        Column("model_uri", String(256)),
        Column("dist_family", String(16), nullable=False),
        Column("mean", Float, nullable=False),
        Column("var", Float, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        # NULL until the game is played; line / P(over) scores NULL without a book line (or on a push)
        *(Column(c, Float) for c in MODEL_SCORE_NUMBERS),
        Column("result", String(8)),  # scored | void (did not play)
        Column("scored_at", DateTime(timezone=True)),
    )
    return LedgerTables(md, meta, bets, settlements, snapshots, model_scores)
