"""Settings of the walk-forward backtest and its sweeps (``conf/backtest/``)."""

from __future__ import annotations

import enum

from nba_pra.schema import Count, FoldCount, OpenUnit, Positive, settings


class Executor(enum.StrEnum):
    """Where the walk-forward's retrain blocks are fitted."""

    LOCAL = "local"
    RAY = "ray"


@settings
class BacktestModelSettings:
    """Lighter training for backtests: each key replaces the project's value (null keeps the project's)."""

    n_folds: FoldCount | None
    mean_rounds: Count | None
    variance_rounds: Count | None
    threads: Count | None


@settings
class RaySettings:
    """The Ray cluster of ``executor: ray`` (``conf/backtest/default.yaml`` documents each key)."""

    address: str | None
    num_cpus: Count | None


@settings
class BacktestLedgerSettings:
    """The backtest's own ledger, never the real one."""

    url: str
    table_prefix: str
    db_schema: str | None


@settings
class BootstrapSettings:
    n_resamples: Count
    confidence: OpenUnit
    min_days: Count


@settings
class BacktestSettings:
    start: str | None
    end: str | None
    retrain_every_days: Count
    model: BacktestModelSettings
    executor: Executor
    ray: RaySettings
    initial_bankroll: Positive
    ledger: BacktestLedgerSettings
    bootstrap: BootstrapSettings
    cache_dir: str
    cache_keep_days: Count
    experiment: str
    sort_metric: str
    sort_descending: bool
