"""Produce the raw tables in ``data/`` from the configured source."""

from __future__ import annotations

import logging
from pathlib import Path

from nba_pra.config import Project
from nba_pra.errors import ConfigError

log = logging.getLogger(__name__)


def generate(project: Project) -> dict[str, Path]:
    """Write the configured source's raw tables into ``data/``; returns table name -> path."""
    source = project.settings.data.source
    if source != "synthetic":
        raise ConfigError(f"data source '{source}' cannot be generated; only 'synthetic' can")
    from nba_pra.data.store import write_raw_tables
    from nba_pra.data.synthetic import simulate_league

    league = simulate_league(project.settings.data.synthetic)
    paths = write_raw_tables(league, project.path("data"))
    log.info("synthetic league written to %s (%d box-score rows)", project.path("data"), len(league.box_scores))
    return paths
