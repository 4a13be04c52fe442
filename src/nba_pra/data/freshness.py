"""Freshness: is the latest completed game recent enough for the slate we are about to predict?

The features of a slate are only as current as the last box score. When the data stop more than
``max_lag_days`` before the slate date (a failed fetch, a forgotten import) the predictions silently use stale
form: warn, or fail with ``strict`` (CLI ``--strict``). The All-Star break is about 7 days without games,
so the default lag (8 days, ``conf/data/common/default.yaml``) does not warn then; the first slate of a season
always does (months since the last game), which is correct: last season's form is stale.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from nba_pra.errors import DataError, StaleDataError


def data_lag_days(latest_game_date: Any, slate_date: Any) -> int:
    """Whole calendar days from the latest game in the data to the slate date (1 = yesterday's games)."""
    latest, slate = pd.Timestamp(latest_game_date), pd.Timestamp(slate_date)
    if pd.isna(latest) or pd.isna(slate):
        raise DataError("freshness cannot be checked: the latest game date or the slate date is missing")
    return int((slate.normalize() - latest.normalize()).days)


def check_freshness(latest_game_date: Any, slate_date: Any, max_lag_days: int, strict: bool) -> str | None:
    """``None`` when the data are fresh, else a one-sentence warning (or :class:`StaleDataError` if ``strict``).

    Stale means ``slate_date - latest_game_date > max_lag_days`` (calendar days).
    """
    lag = data_lag_days(latest_game_date, slate_date)
    if lag <= max_lag_days:
        return None
    message = (
        f"the latest game in the data is {pd.Timestamp(latest_game_date).date()}, {lag} days before the slate "
        f"{pd.Timestamp(slate_date).date()} (limit {max_lag_days}); fetch or import recent box scores"
    )
    if strict:
        raise StaleDataError(message)
    return message
