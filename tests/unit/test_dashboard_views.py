"""The dashboard's views are pure: hand-built reads in, page models out (no project, no files, no registry)."""

from __future__ import annotations

import dataclasses

from nba_pra.dashboard import views
from nba_pra.dashboard.readers import AliasRead, LedgerRead, ModelsRead
from nba_pra.tracking.client import VersionDetails
from settings_support import composed


def test_a_ledger_that_could_not_be_read_is_a_notice_carrying_the_readers_sentence() -> None:
    view = views.ledger_view(LedgerRead(None, "cannot open the ledger: refused"), composed())
    assert not view.available and view.message == "cannot open the ledger: refused"
    assert view.bets == [] and view.summary is None


def test_the_models_view_links_each_versions_plots_and_keeps_missing_metrics_as_none() -> None:
    settings = composed()
    settings = dataclasses.replace(settings, dashboard=dataclasses.replace(
        settings.dashboard, model_metrics=("crps", "mae"), model_plots=("pit_histogram.png",)))
    reason = "challenger CRPS 3.969 is not below the champion's 3.962 (worse by 0.0072; lower is better)"
    details = VersionDetails(version="7", run_id="r1", experiment_id="e1", run_name="train", created="2025-01-02",
                             metrics={"crps": 3.5}, description="Trained on the window ending 2024-12-20",
                             tags={"promotion_decision": "kept champion", "promotion_reason": reason})
    read = ModelsRead(tracking_uri="postgresql://u:pw-Sentinel@db/ml", latest_training=None, aliases=[
        AliasRead("champion", details, "http://ui/#/models/nba-pra/versions/7", "http://ui/#/experiments/e1/runs/r1"),
        AliasRead("challenger"),
    ])
    view = views.models_view(read, settings)
    assert view.available and view.tracking_uri == "postgresql://u:***@db/ml"
    champion, challenger = view.versions
    assert champion.metrics == {"crps": 3.5, "mae": None}
    assert champion.plots == ["/api/models/7/plots/pit_histogram.png"]
    assert champion.run_url == "http://ui/#/experiments/e1/runs/r1"
    assert (champion.promotion_decision, champion.promotion_reason) == ("kept champion", reason)
    assert champion.description == "Trained on the window ending 2024-12-20"
    assert (challenger.alias, challenger.version) == ("challenger", None)


def test_no_version_behind_either_alias_says_what_to_run() -> None:
    read = ModelsRead(tracking_uri="sqlite:///x.db", latest_training=None,
                      aliases=[AliasRead("champion"), AliasRead("challenger")])
    view = views.models_view(read, composed())
    assert not view.available and "nba-pra pipeline" in (view.message or "")
