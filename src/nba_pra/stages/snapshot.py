"""``nba-pra odds snapshot``: every book's current lines of the slate, appended with the capture time.

Not a DVC stage (its output is raw data that accumulates, like box scores): schedule it before tip-off; the
ledger stage reads the last capture before each game's tip as that game's close (:mod:`nba_pra.odds.snapshots`).
The provider is asked afresh (``refresh``), never served from its cache: a snapshot is what the books show now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.data.store import read_raw_table
from nba_pra.features.slate import build_slate
from nba_pra.odds.provider import make_provider
from nba_pra.odds.quota import save_provider_quota
from nba_pra.odds.snapshots import snapshot_frame, write_snapshot
from nba_pra.stages._runner import run_stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """What one capture recorded."""

    path: Path
    captured_at: pd.Timestamp
    lines: int
    books: int
    games: int
    before_tip: int  # games of the capture that had not started yet (only those captures can be closes)


def run(project: Project) -> Snapshot:
    s = project.settings
    data_dir = project.path("data")
    slate = build_slate(read_raw_table(data_dir, schema.SCHEDULE_FILE), read_raw_table(data_dir, schema.ROSTERS_FILE))
    provider = make_provider(s.odds, data_dir=data_dir, cache_dir=project.path("cache"))
    lines = provider.fetch_lines(slate, refresh=True)  # an odds failure is the command's error (exit 5)
    captured_at = pd.Timestamp.now(tz="UTC")
    frame = snapshot_frame(lines, slate, captured_at)
    path = write_snapshot(artifacts.ODDS_SNAPSHOTS.path(project), frame, captured_at)
    save_provider_quota(provider, artifacts.ODDS_QUOTA.path(project))
    tips = frame.drop_duplicates("game_id")["commence_time"]
    out = Snapshot(path=path, captured_at=captured_at, lines=len(frame), books=frame["bookmaker"].nunique(),
                   games=frame["game_id"].nunique(), before_tip=int((tips > captured_at).sum()))
    log.info("odds snapshot: %d lines, %d books, %d games at %s -> %s", out.lines, out.books, out.games,
             captured_at.isoformat(), path)
    return out


if __name__ == "__main__":
    run_stage(run)
