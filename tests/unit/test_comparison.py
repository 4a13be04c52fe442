"""`nba-pra compare`'s verdict, table, metrics and live pairing: hand-built results in, sentences out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.errors import DataError
from nba_pra.evaluation.paired import PairedResult
from nba_pra.tracking.comparison import (
    SOURCE_LIVE,
    SOURCE_OOF,
    VersionComparison,
    comparison_metrics,
    format_table,
    live_pairs,
)


def _result(score: str, diff: float, lo: float, hi: float, rows: int = 12_400, dates: int = 60) -> PairedResult:
    return PairedResult(score, 4.5, 4.5 + diff, diff, lo, hi, rows, dates, -2.5, 0.012)


def test_the_verdict_names_the_winner_with_a_positive_improvement_and_its_interval() -> None:
    better = VersionComparison("5", "7", SOURCE_OOF, "crps", (_result("crps", -0.021, -0.034, -0.008),))
    assert better.verdict == ("version 7 beats version 5 on CRPS by 0.021 [0.008, 0.034] on 12,400 paired "
                              "out-of-fold rows (60 dates)")
    worse = VersionComparison("5", "7", SOURCE_OOF, "crps", (_result("crps", 0.021, 0.008, 0.034),))
    assert worse.verdict.startswith("version 5 beats version 7 on CRPS by 0.021 [0.008, 0.034]")


def test_an_interval_that_includes_zero_is_no_clear_difference_and_the_line_scores_follow() -> None:
    c = VersionComparison("1", "2", SOURCE_LIVE, "crps", (
        _result("crps", 0.004, -0.01, 0.018, rows=300, dates=2),
        _result("brier_over", -0.002, -0.02, 0.015, rows=80, dates=2)))
    assert c.verdict == ("no clear difference between version 1 and version 2 on CRPS: B - A = +0.004 "
                         "[-0.010, +0.018] (the interval includes 0) on 300 paired live (settled slate) rows "
                         "(2 dates); P(over) Brier at book lines B - A = -0.002 [-0.020, +0.015] on 80 rows")


def test_no_shared_rows_says_so_and_the_table_has_one_line_per_score() -> None:
    assert "share no out-of-fold rows" in VersionComparison("1", "2", SOURCE_OOF, "crps", ()).verdict
    c = VersionComparison("1", "2", SOURCE_OOF, "crps", (_result("crps", -0.021, -0.034, -0.008),
                                                         _result("mae", 0.1, 0.05, 0.15)))
    lines = format_table(c).splitlines()
    assert len(lines) == 3 and "A: v1" in lines[0] and "B: v2" in lines[0]
    assert lines[1].split()[:4] == ["CRPS", "4.500", "4.479", "-0.021"] and "[-0.034, -0.008]" in lines[1]
    assert lines[1].rstrip().endswith("12,400     60")


def test_the_logged_metrics_are_each_scores_figures_without_nans() -> None:
    r = PairedResult("crps", 4.5, 4.4, -0.1, -0.2, -0.05, 100, 3, float("nan"), float("nan"))
    metrics = comparison_metrics(VersionComparison("1", "2", SOURCE_OOF, "crps", (r,)))
    assert metrics == {"crps_a": 4.5, "crps_b": 4.4, "crps_diff": -0.1, "crps_lo": -0.2, "crps_hi": -0.05,
                       "crps_rows": 100.0, "crps_dates": 3.0}


def _live_rows() -> pd.DataFrame:
    day1, day2 = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-02")
    rows = []
    for date, versions in ((day1, (("1", "champion"), ("2", "shadow"))), (day2, (("1", "champion"), ("3", "shadow")))):
        for version, role in versions:
            for player in (1, 2):
                rows.append({"game_id": f"G{date.day}", "player_id": player, "game_date": date,
                             "model_version": version, "role": role, "crps": 4.0 + int(version), "log_score": 3.0,
                             "mae": 5.0, "brier_over": np.nan, "log_loss_over": np.nan})
    return pd.DataFrame(rows)


def test_live_pairs_default_to_the_latest_days_champion_and_shadow_and_pair_on_the_keys() -> None:
    a, b, both = live_pairs(_live_rows(), None, None)
    assert (a, b) == ("1", "3") and len(both) == 2
    assert both["crps_a"].tolist() == [5.0, 5.0] and both["crps_b"].tolist() == [7.0, 7.0]
    a, b, both = live_pairs(_live_rows(), "1", "2")
    assert (a, b, len(both)) == ("1", "2", 2) and set(both["game_id"]) == {"G1"}


def test_live_without_any_settled_shadow_prediction_says_how_to_start_one() -> None:
    rows = _live_rows()
    with pytest.raises(DataError, match="shadow_alias=challenger"):
        live_pairs(rows[rows["role"] == "champion"], None, None)


def test_too_few_dates_report_the_difference_without_an_interval() -> None:
    r = PairedResult("crps", 4.5, 4.49, -0.01, float("nan"), float("nan"), 63, 2, float("nan"), float("nan"))
    c = VersionComparison("1", "2", SOURCE_LIVE, "crps", (r,))
    assert c.verdict == ("too few dates for an interval between version 1 and version 2 on CRPS: B - A = -0.010 on "
                         "63 paired live (settled slate) rows (2 dates) (tracking.compare.min_dates)")
    assert "(too few dates)" in format_table(c) and "nan" not in format_table(c)
