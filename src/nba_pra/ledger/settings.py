"""Settings of the bet ledger (``conf/ledger/``)."""

from __future__ import annotations

import enum

from nba_pra.schema import NonNegative, NonNegInt, OpenUnit, Positive, Unit, settings


class ClvPeriod(enum.StrEnum):
    """Rows of the CLV-over-time table: pandas period aliases."""

    DAY = "D"
    WEEK = "W"
    MONTH = "M"


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
    clv_confidence: OpenUnit
    clv_period: ClvPeriod
