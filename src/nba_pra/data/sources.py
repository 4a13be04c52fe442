"""Produce the raw tables in ``data/`` from the configured source (``data.source``, group ``conf/data/``).

* ``synthetic`` -- the seeded simulated league (``nba-pra data generate``), the offline default;
* ``files``     -- box scores imported from CSV/parquet (``nba-pra data import PATH``), see :mod:`.files`;
* ``nba_api``   -- stats.nba.com game logs + schedule, cached per season (``nba-pra data fetch``), see
  :mod:`.nbaapi`.

Every source writes the same raw tables (:mod:`nba_pra.data.schema`) and ``data.dvc`` with them (``dvc add
data``) in one all-or-nothing step (:mod:`nba_pra.data.publish`); ``dvc repro`` then reruns the stages whose
inputs changed (all of them on new data).
"""

from __future__ import annotations

import logging
from pathlib import Path

from nba_pra.config import Project
from nba_pra.errors import ConfigError

log = logging.getLogger(__name__)

SOURCES = ("synthetic", "files", "nba_api")


def generate(project: Project) -> dict[str, Path]:
    """Write the configured source's raw tables into ``data/`` and ``data.dvc`` (in a DVC repository); returns
    table name -> path."""
    source = project.settings.data.source
    if source == "files":
        from nba_pra.data.files import import_files

        return import_files(project).paths
    if source == "nba_api":
        from nba_pra.data.nbaapi import fetch_nba_api

        return fetch_nba_api(project).paths
    if source != "synthetic":
        raise ConfigError(f"unknown data source '{source}'; expected one of {', '.join(SOURCES)}")
    from nba_pra.data.publish import publish_raw_tables
    from nba_pra.data.store import RAW_TABLES
    from nba_pra.data.synthetic import simulate_league

    synthetic = project.settings.data.synthetic
    if synthetic is None:
        raise ConfigError("data.synthetic is missing: compose conf/ with data=synthetic")
    league = simulate_league(synthetic)
    paths = publish_raw_tables(project.root, project.path("data"),
                               {table: getattr(league, table) for table in RAW_TABLES})
    log.info("synthetic league written to %s (%d box-score rows)", project.path("data"), len(league.box_scores))
    return paths
