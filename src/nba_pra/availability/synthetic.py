"""The synthetic league's pre-game report as availability snapshots.

``nba-pra data generate`` writes ``data/injury_report.parquet`` from the simulator's pre-game state only (see
:mod:`nba_pra.data.synthetic.report`). Each game's rows become one report snapshot (statuses) and one lineup
snapshot (projected starters), both published ``lead_minutes`` before the game's commence time, so they go
through the same cut-off join as real reports. Ids are known: no name matching is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nba_pra.availability.asof import LINEUP, REPORT, SNAPSHOT_COLUMNS, normalize_snapshots
from nba_pra.availability.settings import SyntheticReportSettings
from nba_pra.data import schema
from nba_pra.errors import AvailabilityError


def read_report(data_dir: Path) -> pd.DataFrame:
    path = data_dir / schema.INJURY_REPORT_FILE
    if not path.is_file():
        raise AvailabilityError(
            f"the synthetic league's pre-game report {path} is missing; regenerate the league with "
            "`nba-pra data generate`"
        )
    report = pd.read_parquet(path)
    schema.require_columns(report, schema.INJURY_REPORT_COLUMNS, "injury_report")
    return report


def synthetic_snapshots(
    report: pd.DataFrame, schedule: pd.DataFrame, settings: SyntheticReportSettings
) -> pd.DataFrame:
    """Report + lineup snapshots of every game in ``report`` (games missing from the schedule are dropped)."""
    games = schedule[["game_id", "game_date", "commence_time"]].astype({"game_id": str})
    rows = report.astype({"game_id": str}).merge(games, on="game_id", how="inner")
    published = pd.to_datetime(rows["commence_time"], utc=True) - pd.Timedelta(minutes=settings.lead_minutes)
    base = {
        "published_at": published,
        "game_date": rows["game_date"],
        "team": rows["team"],
        "player_name": rows["player_name"],
        "player_id": rows["player_id"],
    }
    statuses = pd.DataFrame({"kind": REPORT, **base, "status": rows["status"], "starter": np.nan})
    lineups = pd.DataFrame(
        {"kind": LINEUP, **base, "status": pd.NA, "starter": rows["starter"].astype(float)}
    )
    frame = pd.concat([statuses, lineups], ignore_index=True)
    return normalize_snapshots(frame[list(SNAPSHOT_COLUMNS)])
