"""Stage ``availability``: the configured source's reports / lineups -> ``artifacts/availability.parquet``.

Runs before ``features`` on every ``dvc repro`` (``always_changed``: a report may appear during the slate day
although no tracked input changed); when its output is unchanged DVC reruns nothing downstream. A failing
source degrades to "everything unknown" (an empty table, one warning, predictions still made) unless
``availability.strict`` is set.
"""

from __future__ import annotations

import logging
from typing import cast

import pandas as pd

from nba_pra import artifacts
from nba_pra.availability.asof import empty_availability
from nba_pra.availability.sources import SourceInputs, collect_snapshots, visible_availability
from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.data.store import read_raw_table
from nba_pra.errors import AvailabilityError
from nba_pra.stages._runner import run_stage

log = logging.getLogger(__name__)


def run(project: Project, *, now: pd.Timestamp | None = None) -> dict:
    s = project.settings
    data_dir = project.path("data")
    schedule = read_raw_table(data_dir, schema.SCHEDULE_FILE)
    inputs = SourceInputs(
        data_dir=data_dir,
        cache_dir=project.path("cache"),
        archive_dir=project.path("archive"),
        schedule=schedule,
        odds_teams=s.odds.teams,
        now=now if now is not None else pd.Timestamp.now(tz="UTC"),
    )
    status = "ok"
    try:
        snapshots = collect_snapshots(s.availability, inputs)
    except AvailabilityError as exc:
        if s.availability.strict:
            raise
        log.warning(
            "pre-game availability unknown (features marked unknown, predictions still made): %s", exc
        )
        snapshots, status = None, f"source failed: {exc}"
    if snapshots is None or snapshots.empty:
        table, summary = empty_availability(), {}
    else:
        table, report = visible_availability(
            snapshots, schedule, read_raw_table(data_dir, schema.BOX_SCORES_FILE),
            read_raw_table(data_dir, schema.ROSTERS_FILE), s.availability, s.odds.matching,
        )
        summary = report.as_dict()
    artifacts.write_frame(project, artifacts.AVAILABILITY, table)
    teams = table.loc[table["player_id"].isna()]
    summary = {
        "source": str(s.availability.source),
        "status": status,
        "cutoff_minutes": s.availability.cutoff_minutes,
        "team_games_covered": len(teams),
        "team_games_with_report": int(teams["report_known"].sum()),
        "team_games_with_lineup": int(teams["lineup_known"].sum()),
        "players_listed": int(table["player_id"].notna().sum()),
        **summary,
    }
    artifacts.write_record(project, artifacts.AVAILABILITY_SUMMARY, summary)
    if summary.get("names_unmatched"):
        log.warning(
            "availability: %d listed name(s) match no player (e.g. %s)",
            summary["names_unmatched"], ", ".join(cast(list[str], summary["unmatched_sample"])[:5]),
        )
    log.info(
        "availability (%s): %d team-games covered, %d players listed",
        summary["source"], summary["team_games_covered"], summary["players_listed"],
    )
    return summary


if __name__ == "__main__":
    run_stage(run)
