"""Settings of the web dashboard (``conf/dashboard/``)."""

from __future__ import annotations

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.schema import Count, NonNegative, Port, settings


@settings
class DashboardSettings:
    host: str
    port: Port
    trusted_hosts: tuple[str, ...]
    max_query_chars: Count
    mlflow_ui_url: str
    page_size: Count
    slate_sort: str
    edge_buckets: tuple[NonNegative, ...]
    bootstrap: BootstrapSettings
    model_metrics: tuple[str, ...]
    model_plots: tuple[str, ...]
    log_level: str
