"""Pick the configured availability source and collect its snapshots; build the games and name candidates the
as-of join needs from the raw tables.

Sources (``availability.source``): ``none`` (no snapshots), ``synthetic`` (the simulated league's pre-game
report), ``official`` (fetch the slate's official injury reports into the archive, then read the archived
report visible before each game's cut-off, history included; plus the lineup file when configured), ``files``
(archived PDFs and the lineup file only). Games no archived report covers stay unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import requests

from nba_pra.availability import official
from nba_pra.availability.asof import (
    GAME_COLUMNS,
    JoinReport,
    availability_table,
    empty_snapshots,
    team_candidates,
    tip_times,
)
from nba_pra.availability.lineups import RotowireFileProvider
from nba_pra.availability.settings import AvailabilitySettings, AvailabilitySource
from nba_pra.availability.synthetic import read_report, synthetic_snapshots
from nba_pra.data import schema
from nba_pra.odds.settings import MatchingSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceInputs:
    """What a source may need besides its settings."""

    data_dir: Path
    #: ``paths.cache``: re-derivable files (parsed report rows)
    cache_dir: Path
    #: ``paths.archive``: the archive of fetched reports (``archive.dvc``)
    archive_dir: Path
    schedule: pd.DataFrame
    #: tricode -> full name (``conf/odds/teams/``), to read team names printed in official reports
    odds_teams: Mapping[str, str]
    now: pd.Timestamp
    session: requests.Session | None = None


def collect_snapshots(settings: AvailabilitySettings, inputs: SourceInputs) -> pd.DataFrame:
    """Every snapshot the configured source knows (raises :class:`AvailabilityError` when it fails)."""
    source = settings.source
    if source is AvailabilitySource.NONE:
        return empty_snapshots()
    if source is AvailabilitySource.SYNTHETIC:
        return synthetic_snapshots(read_report(inputs.data_dir), inputs.schedule, settings.synthetic)
    archive = archive_folder(inputs.archive_dir, settings)
    if source is AvailabilitySource.OFFICIAL:
        official.fetch_reports(
            _slate_cutoffs(inputs.schedule, settings), settings.official, archive, now=inputs.now,
            timezone=settings.timezone, session=inputs.session,
        )
    names = official.team_codes(inputs.odds_teams, settings.official.team_names)
    cutoffs = _all_cutoffs(inputs.schedule, settings)
    parts = [official.archived_snapshots(
        archive, cutoffs, names, settings.official, status_map=settings.status_map, timezone=settings.timezone,
        parse_cache=inputs.cache_dir / settings.official.parse_cache,
    )]
    if settings.lineups.path:
        path = Path(settings.lineups.path)
        path = path if path.is_absolute() else inputs.data_dir / path
        parts.append(RotowireFileProvider(path, settings.lineups, settings.status_map).lineups())
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty_snapshots()


def archive_folder(archive_root: Path, settings: AvailabilitySettings) -> Path:
    """The official reports' archive folder: ``<paths.archive>/<archive_dir>`` (an absolute one as it is)."""
    return archive_root / settings.official.archive_dir


def _all_cutoffs(schedule: pd.DataFrame, settings: AvailabilitySettings) -> list[pd.Timestamp]:
    """Cut-offs of every game of the schedule (history and slate): the archive may cover any of them."""
    games = schedule_team_games(schedule)
    return sorted(set((tip_times(games, settings) - pd.Timedelta(minutes=settings.cutoff_minutes)).dropna()))


def _slate_cutoffs(schedule: pd.DataFrame, settings: AvailabilitySettings) -> list[pd.Timestamp]:
    """Cut-offs of the next slate's games (the earliest date with scheduled games)."""
    games = schedule_team_games(schedule)
    scheduled = games.loc[games["status"] == schema.STATUS_SCHEDULED]
    if scheduled.empty:
        return []
    slate = scheduled.loc[scheduled["game_date"] == scheduled["game_date"].min()]
    cutoffs = tip_times(slate, settings) - pd.Timedelta(minutes=settings.cutoff_minutes)
    return sorted(set(cutoffs))


def schedule_team_games(schedule: pd.DataFrame) -> pd.DataFrame:
    """One row per (game, team) of the schedule: game_id, game_date, season, team, commence_time, status."""
    base = schedule.assign(
        game_id=schedule["game_id"].astype(str),
        game_date=pd.to_datetime(schedule["game_date"]).astype("datetime64[ns]").dt.normalize(),
    )
    sides = [
        base.assign(team=base[side].astype(str))[[*GAME_COLUMNS, "season", "status"]]
        for side in ("home_team", "away_team")
    ]
    return pd.concat(sides, ignore_index=True).sort_values(["game_date", "game_id", "team"], kind="mergesort")


def name_candidates(box_scores: pd.DataFrame, rosters: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Players each (game, team) may list: the team's players of that season so far (box scores, DNPs
    included) plus its current roster for scheduled games (injured players are on it, not on the slate)."""
    listed = box_scores[["game_date", "season", "team", "player_id", "player_name"]].assign(
        game_date=pd.to_datetime(box_scores["game_date"]).astype("datetime64[ns]")
    )
    scheduled = games.loc[games["status"] == schema.STATUS_SCHEDULED]
    if len(scheduled) and len(rosters):
        first = scheduled.groupby("team", as_index=False).agg(
            game_date=("game_date", "min"), season=("season", "first")
        )
        roster = rosters[["player_id", "player_name", "team"]].astype({"team": str}).merge(first, on="team")
        listed = pd.concat([listed, roster[list(listed.columns)]], ignore_index=True)
    listed = listed.astype({"team": str, "season": str, "player_name": str})
    return team_candidates(listed, games.astype({"season": str}))


def visible_availability(
    snapshots: pd.DataFrame,
    schedule: pd.DataFrame,
    box_scores: pd.DataFrame,
    rosters: pd.DataFrame,
    settings: AvailabilitySettings,
    matching: MatchingSettings,
) -> tuple[pd.DataFrame, JoinReport]:
    """Snapshots -> the per-game table visible before each cut-off (names resolved against the season's
    players): what the ``availability`` stage writes and the feature engine reads."""
    games = schedule_team_games(schedule)
    candidates = name_candidates(box_scores, rosters, games)
    return availability_table(snapshots, games, candidates, settings, matching)
