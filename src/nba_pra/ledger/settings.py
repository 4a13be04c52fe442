"""Settings of the bet ledger (``conf/ledger/``)."""

from __future__ import annotations

from nba_pra.schema import NonNegative, NonNegInt, Positive, Unit, settings


@settings
class LedgerSettings:
    url: str
    initial_bankroll: Positive
    db_schema: str | None
    table_prefix: str
    edge_buckets: tuple[NonNegative, ...]
    probability_buckets: tuple[Unit, ...]
    health_window_days: NonNegInt
    health_min_bets: NonNegInt
    health_calibration_gap: NonNegative
