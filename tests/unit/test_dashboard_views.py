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


def _render(template: str, view, **extra) -> str:
    from nba_pra.dashboard import pages

    return pages._env.get_template(template).render(view=view.model_dump(mode="json"), active=template, **extra)


def test_the_models_page_shows_when_a_version_was_registered_in_a_readable_utc_time() -> None:
    details = VersionDetails(version="7", run_id="r1", experiment_id="e1", run_name="train",
                             created="2025-01-02T10:00:00+00:00", metrics={})
    read = ModelsRead(tracking_uri="sqlite:///x.db", latest_training=None, aliases=[AliasRead("champion", details)])
    html = _render("models.html", views.models_view(read, composed()))
    # the page printed the raw ISO string "2025-01-02T10:00:00+00:00"
    assert "registered 2025-01-02 10:00 UTC" in html and "T10:00:00" not in html


def test_a_rejected_props_reason_explains_its_rule_value_and_threshold_in_a_tooltip() -> None:
    import pandas as pd

    from nba_pra.dashboard.readers import SlateRead

    settings = composed()  # max_cv 0.35
    game = {"game_id": "g1", "game_date": pd.Timestamp("2025-01-02"), "player_id": 1, "player_name": "P1",
            "team": "BOS", "opponent": "NYK", "mean": 20.0, "std": 8.2}
    # decisions written before reason_detail existed: explained from the configured threshold
    candidate = {**game, "market": "pra", "book_player_name": "P1", "line": 19.5, "p_over": 0.6, "p_under": 0.4,
                 "p_push": 0.0, "side": "over", "bookmaker": "a", "price": -110.0, "edge": 0.05, "stake": 0.0,
                 "bankroll": 1.0, "decision": "pass", "reason": "max_cv", "cv": 0.41, "bet_id": "b1"}
    read = SlateRead(pd.DataFrame([game]), pd.DataFrame([candidate]), pd.Series(dtype=float), "p", "c")
    view = views.slate_view(read, settings)
    assert view.rows[0].reason_detail == "max_cv: CV 0.41 > 0.35"
    html = _render("slate.html", view, params={"descending": "true"})
    cell = html[html.index('data-col="reason"'):]
    cell = cell[: cell.index("</td>")]
    # the cell showed the bare code "max_cv"
    assert ('title="max_cv: the prediction is too uncertain: sd / mean above betting.max_cv (CV 0.41 &gt; 0.35)"'
            in cell) and cell.endswith(">max_cv</span>")


def test_the_models_page_shows_the_latest_comparison_with_its_verdict_and_intervals() -> None:
    details = VersionDetails(version="7", run_id="r1", experiment_id="e1", run_name="train",
                             created="2025-01-02T10:00:00+00:00", metrics={})
    verdict = "version 7 beats version 5 on CRPS by 0.021 [0.008, 0.034] on 12,400 paired out-of-fold rows (60 dates)"
    comparison = {"verdict": verdict, "source": "oof", "version_a": "5", "version_b": "7",
                  "started": "2025-01-03T08:00:00+00:00", "run_id": "c1", "experiment_id": "e2",
                  "run_url": "http://ui/#/experiments/e2/runs/c1",
                  "scores": [{"score": "crps", "label": "CRPS", "a": 4.5, "b": 4.479, "diff": -0.021, "lo": -0.034,
                              "hi": -0.008, "rows": 12400}]}
    read = ModelsRead(tracking_uri="sqlite:///x.db", latest_training=None, aliases=[AliasRead("champion", details)],
                      comparison=comparison)
    view = views.models_view(read, composed())
    assert view.comparison is not None and view.comparison.verdict == verdict
    html = _render("models.html", view)
    assert verdict in html and "[-0.034, -0.008]" in html and "-0.021" in html
    assert 'href="http://ui/#/experiments/e2/runs/c1"' in html
    without = _render("models.html", views.models_view(dataclasses.replace(read, comparison=None), composed()))
    assert 'id="comparison"' not in without


def test_the_live_view_keeps_a_readable_source_when_the_other_cannot_be_read() -> None:
    import pandas as pd

    from nba_pra.dashboard.readers import LiveSourceRead

    bet = {"bet_id": "x" * 40, "game_id": "G1", "game_date": pd.Timestamp("2025-01-02"), "player_id": 1,
           "player_name": "A", "team": "BOS", "bookmaker": "b", "side": "over", "line": 20.5, "price": 100.0,
           "decimal_price": 2.0, "stake": 0.0, "state": "paper", "edge": 0.05, "p_win": 0.55, "live_period": 1,
           "live_clock_s": 0.0, "live_minutes": 8.0, "live_pra": 7.0, "live_pf": 1.0, "live_margin": 3.0,
           "status": "open", "result": None, "actual_pra": None, "profit": None, "phase": "live",
           "clv_prob": None, "clv_price": None, "clv_line": None}
    reads = [LiveSourceRead("ledger", "postgresql://u:pw-Sentinel@db/x", None, "cannot open the ledger: refused"),
             LiveSourceRead("replay", "sqlite:///r.db", pd.DataFrame([bet]))]
    view = views.live_view(reads, composed())
    assert view.available and view.total == 1 and view.bets[0].source == "replay" and view.bets[0].synthetic
    ledger, replay = view.sources
    assert (ledger.available, ledger.message, ledger.url) == (False, "cannot open the ledger: refused",
                                                              "postgresql://u:***@db/x")
    assert replay.summary is not None and replay.summary.bets == 0 and replay.summary.paper is not None
    assert replay.summary.paper.bets == 1  # a paper live bet counts as paper, not as staked
