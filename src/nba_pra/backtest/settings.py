"""Settings of the walk-forward backtest and its sweeps (``conf/backtest/``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BacktestModelSettings:
    """Lighter training for backtests: each key replaces the project's value (null keeps the project's).

    A backtest retrains every ``retrain_every_days``, so the daily model's 19 folds x 150 rounds would cost
    minutes per retrain on two cores.
    """

    n_folds: int | None = 3
    mean_rounds: int | None = 100
    variance_rounds: int | None = 50


@dataclass(frozen=True)
class BacktestLedgerSettings:
    """Where the backtest's bets go: never the real ledger. ``table_prefix`` is followed by the run's key."""

    #: SQLAlchemy URL; a relative sqlite path resolves against the project root
    url: str = "sqlite:///artifacts/backtest/ledger.db"
    table_prefix: str = "bt_"
    db_schema: str | None = None


@dataclass(frozen=True)
class BootstrapSettings:
    #: bootstrap resamples of the settled bets for the intervals
    n_resamples: int = 2000
    #: two-sided coverage of the percentile intervals
    confidence: float = 0.95


@dataclass(frozen=True)
class BacktestSettings:
    #: first game date (YYYY-MM-DD); null = the first game day of the data's last season
    start: str | None = None
    #: last game date; null = the last completed game day
    end: str | None = None
    #: calendar days between retrains; each model is trained on the window before its first day
    retrain_every_days: int = 7
    model: BacktestModelSettings = field(default_factory=BacktestModelSettings)
    #: bankroll (units) on the first day; stakes are sized on the bankroll after the previous days' results
    initial_bankroll: float = 1000.0
    ledger: BacktestLedgerSettings = field(default_factory=BacktestLedgerSettings)
    bootstrap: BootstrapSettings = field(default_factory=BootstrapSettings)
    #: cached walk-forward predictions (one parquet per model/feature/data key), relative to the project root
    cache_dir: str = "artifacts/backtest/cache"
    #: MLflow experiment of backtest runs (sweep parents and their points)
    experiment: str = "nba-pra-backtest"
    #: metric the sweep's summary table is sorted by, and the direction
    sort_metric: str = "roi"
    sort_descending: bool = True
