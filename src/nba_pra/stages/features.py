"""Stage ``features``: raw tables in ``data/`` -> ``artifacts/features.parquet`` (history + next slate)."""

from __future__ import annotations

import logging

import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.data.freshness import check_freshness
from nba_pra.data.store import read_raw_table
from nba_pra.features.engine import build_features, validate_feature_frame
from nba_pra.features.registry import feature_names
from nba_pra.features.slate import build_slate
from nba_pra.progress import progress_bar
from nba_pra.stages._runner import run_stage

log = logging.getLogger(__name__)



def run(project: Project) -> dict:
    data_dir = project.path("data")
    box_scores = read_raw_table(data_dir, schema.BOX_SCORES_FILE)
    schedule = read_raw_table(data_dir, schema.SCHEDULE_FILE)
    rosters = read_raw_table(data_dir, schema.ROSTERS_FILE)
    slate = build_slate(schedule, rosters)
    fresh = project.settings.data.freshness
    stale = check_freshness(box_scores["game_date"].max(), slate["game_date"].min(), fresh.max_lag_days, fresh.strict)
    if stale:
        log.warning("%s", stale)
    availability = _read_availability(project)
    with progress_bar("feature families") as update:
        features = build_features(
            box_scores, slate, project.settings.features, progress=update, availability=availability
        )
    validate_feature_frame(features, project.settings.features)
    artifacts.write_frame(project, artifacts.FEATURES, features)
    history = features[~features["is_slate"]]
    slate_rows = features[features["is_slate"]]
    reasons = features.loc[~features["eligible"], "ineligible_reason"].fillna("unknown").value_counts()
    summary = {
        "rows": len(features),
        "history_rows": len(history),
        "slate_rows": len(slate_rows),
        "slate_date": str(slate_rows["game_date"].min().date()) if len(slate_rows) else None,
        "n_features": len(feature_names(project.settings.features)),
        "ineligible_rows": int((~features["eligible"]).sum()),
        "ineligible_by_reason": {str(k): int(v) for k, v in reasons.items()},
    }
    artifacts.write_record(project, artifacts.FEATURES_SUMMARY, summary)
    log.info(
        "features: %d rows (%d slate) x %d features; %d ineligible",
        summary["rows"], summary["slate_rows"], summary["n_features"], summary["ineligible_rows"],
    )
    return summary


def _read_availability(project: Project) -> pd.DataFrame | None:
    """The availability stage's table, or None (pre-game features unknown) when it has not run."""
    table = artifacts.read_optional_parquet(project, artifacts.AVAILABILITY)
    if table is None:
        log.warning("no %s: pre-game availability features are unknown (run `dvc repro` or the availability "
                    "stage first)", artifacts.AVAILABILITY.path(project))
    return table


if __name__ == "__main__":
    run_stage(run)
