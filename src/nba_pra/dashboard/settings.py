"""Settings of the web dashboard (``conf/dashboard/``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.ledger.settings import LedgerSettings


@dataclass(frozen=True)
class DashboardSettings:
    #: interface to listen on; the loopback default keeps the (unauthenticated) dashboard off the network
    host: str = "127.0.0.1"
    port: int = 8050
    #: ``Host`` names requests may carry (the bind address is added when it is a specific non-loopback one);
    #: refusing others stops DNS-rebinding pages from reading the dashboard. ``["*"]`` turns the check off
    trusted_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    #: longest query string (bytes, percent-encoded) served; longer ones get 414 (pages echo the query into links)
    max_query_chars: int = 2048
    #: base URL of `mlflow ui`; the models page links each version and run into it
    mlflow_ui_url: str = "http://127.0.0.1:5000"
    #: table rows per page (slate, ledger bets)
    page_size: int = 50
    #: column the slate is sorted by (descending) when the request names none
    slate_sort: str = "edge"
    #: lower edges of the ledger page's edge buckets (``conf/`` interpolates the ledger's own)
    edge_buckets: tuple[float, ...] = field(default=LedgerSettings.edge_buckets)
    #: resamples and coverage of the per-bucket ROI intervals (the Wilson win-rate intervals use the same coverage)
    bootstrap: BootstrapSettings = field(default_factory=BootstrapSettings)
    #: run metrics shown per model version (missing ones are shown as n/a)
    model_metrics: tuple[str, ...] = ("crps", "mae", "log_score", "brier_over", "ece_over", "pit_ks", "var_ratio")
    #: PNG artifacts under ``plots/`` of a version's training run (also the whitelist the plot endpoint serves)
    model_plots: tuple[str, ...] = ("pit_histogram.png", "reliability_over.png", "variance_calibration.png")
    #: uvicorn's log level
    log_level: str = "warning"
