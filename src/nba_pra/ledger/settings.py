"""Settings of the bet ledger (``conf/ledger/``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LedgerSettings:
    #: SQLAlchemy URL; a relative sqlite path is resolved against the project root
    url: str = "sqlite:///ledger.db"
    #: bankroll in units before the first bet; the current bankroll is this plus settled profit
    initial_bankroll: float = 1000.0
    #: database schema holding the ledger tables (PostgreSQL); null = the connection's default
    db_schema: str | None = None
    #: prefix of every ledger table name (lets several ledgers share one database)
    table_prefix: str = ""
    #: lower edges of the edge buckets of the summary (a last bucket runs to +inf; edges below the first form
    #: their own bucket)
    edge_buckets: tuple[float, ...] = field(default=(0.03, 0.05, 0.10, 0.20))
    #: lower edges of the predicted-win-probability buckets (calibration table and plot)
    probability_buckets: tuple[float, ...] = field(default=(0.5, 0.55, 0.6, 0.65, 0.7, 0.8))
    #: health checks look at bets of games in the last this many days
    health_window_days: int = 30
    #: a bucket needs this many decided (win/loss) bets before a health check uses it
    health_min_bets: int = 20
    #: warn when the realised win rate trails the mean predicted P(win) by more than this (probability points)
    health_calibration_gap: float = 0.05
