"""Lineup sources: projected / confirmed starters and "may not play" lists, as snapshots of kind "lineup".

:class:`LineupProvider` is the interface (one method: every snapshot it knows); :class:`RotowireFileProvider`
reads snapshots recorded in Rotowire's format (one row per listed player per hourly snapshot: ``snapshot_time``
(ISO with offset), ``game_date``, ``team`` (Rotowire code), ``row_type`` (starter / may_not_play / unknown),
``play_likelihood`` ("Very Likely To Play" ... "Very Unlikely To Play"), ``player_name``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Protocol

import pandas as pd

from nba_pra.availability.asof import LINEUP, SNAPSHOT_COLUMNS, map_status, normalize_snapshots
from nba_pra.availability.settings import LineupFileSettings
from nba_pra.errors import AvailabilityError

ROTOWIRE_COLUMNS: Final = ("snapshot_time", "game_date", "team", "row_type", "play_likelihood", "player_name")
_UNKNOWN_ROW: Final = "unknown"


class LineupProvider(Protocol):
    """Anything that can list lineup snapshots (:data:`nba_pra.availability.asof.SNAPSHOT_COLUMNS`)."""

    def lineups(self) -> pd.DataFrame: ...


def read_table(path: Path) -> pd.DataFrame:
    """A parquet or CSV file, or :class:`AvailabilityError` naming it."""
    if not path.is_file():
        raise AvailabilityError(f"lineup file {path} not found")
    try:
        return pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise AvailabilityError(f"lineup file {path} is unreadable ({type(exc).__name__})") from None


def rotowire_snapshots(raw: pd.DataFrame, settings: LineupFileSettings, status_map: dict) -> pd.DataFrame:
    """Rotowire rows -> lineup snapshots: status from the play likelihood, starter 1 on starter rows, 0 on
    "may not play" rows, NaN where the row type is unknown."""
    missing = [c for c in ROTOWIRE_COLUMNS if c not in raw.columns]
    if missing:
        raise AvailabilityError(f"lineup file lacks column(s) {', '.join(missing)}")
    row_type = raw["row_type"].astype(str)
    starter = row_type.isin(settings.starter_row_types).astype(float).where(row_type != _UNKNOWN_ROW)
    frame = pd.DataFrame(
        {
            "kind": LINEUP,
            "published_at": pd.to_datetime(raw["snapshot_time"].astype(str), utc=True, format="ISO8601"),
            "game_date": pd.to_datetime(raw["game_date"]),
            "team": raw["team"].astype(str).map(lambda t: settings.team_codes.get(t, t)),
            "player_name": raw["player_name"].astype(object),
            "player_id": pd.NA,
            "status": map_status(raw["play_likelihood"], status_map),
            "starter": starter,
        }
    )
    return normalize_snapshots(frame[list(SNAPSHOT_COLUMNS)])


class RotowireFileProvider:
    """Lineup snapshots from a recorded Rotowire-format file (parquet or CSV)."""

    def __init__(self, path: Path, settings: LineupFileSettings, status_map: dict) -> None:
        self.path = path
        self.settings = settings
        self.status_map = status_map

    def lineups(self) -> pd.DataFrame:
        return rotowire_snapshots(read_table(self.path), self.settings, self.status_map)
