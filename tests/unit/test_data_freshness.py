"""Freshness: warn (or fail when strict) once the latest game is more than max_lag_days before the slate."""

from __future__ import annotations

import pandas as pd
import pytest

from nba_pra.data.freshness import check_freshness, data_lag_days
from nba_pra.errors import DataError, StaleDataError


def test_yesterdays_games_are_fresh() -> None:
    assert check_freshness("2024-04-12", "2024-04-13", max_lag_days=3, strict=True) is None


def test_a_lag_equal_to_the_limit_is_still_fresh() -> None:
    assert check_freshness(pd.Timestamp("2024-02-15"), pd.Timestamp("2024-02-22"), 7, strict=True) is None


def test_one_day_past_the_limit_warns_with_both_dates_and_the_lag() -> None:
    warning = check_freshness("2024-02-14", "2024-02-22", max_lag_days=7, strict=False)
    assert warning is not None
    assert "2024-02-14" in warning and "2024-02-22" in warning and "8 days" in warning


def test_strict_mode_raises_a_stale_data_error_instead() -> None:
    with pytest.raises(StaleDataError, match="8 days before the slate"):
        check_freshness("2024-02-14", "2024-02-22", max_lag_days=7, strict=True)


def test_the_lag_counts_calendar_days_ignoring_the_time_of_day() -> None:
    assert data_lag_days(pd.Timestamp("2024-01-01 23:59"), pd.Timestamp("2024-01-03 00:01")) == 2


def test_a_missing_date_is_a_data_error() -> None:
    with pytest.raises(DataError, match="missing"):
        check_freshness(pd.NaT, "2024-01-03", 3, strict=False)
