"""Settings of the walk-forward backtest and its sweeps (``conf/backtest/``)."""

from __future__ import annotations

from typing import Annotated

from nba_pra.schema import Count, Field, Positive, settings


@settings
class BacktestModelSettings:
    """Lighter training for backtests: each key replaces the project's value (null keeps the project's).

    A backtest retrains every ``retrain_every_days``, so the daily model's 19 folds x 150 rounds would cost
    minutes per retrain on two cores.
    """

    n_folds: Annotated[int, Field(ge=2)] | None
    mean_rounds: Count | None
    variance_rounds: Count | None


@settings
class BacktestLedgerSettings:
    """Where the backtest's bets go: never the real ledger. ``table_prefix`` is followed by the run's key."""

    url: str
    table_prefix: str
    db_schema: str | None


@settings
class BootstrapSettings:
    n_resamples: Count
    confidence: Annotated[float, Field(gt=0, lt=1)]


@settings
class BacktestSettings:
    start: str | None
    end: str | None
    retrain_every_days: Count
    model: BacktestModelSettings
    initial_bankroll: Positive
    ledger: BacktestLedgerSettings
    bootstrap: BootstrapSettings
    cache_dir: str
    experiment: str
    sort_metric: str
    sort_descending: bool
