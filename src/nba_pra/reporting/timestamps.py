"""One way to show a moment to people: ``2024-01-05 19:30 UTC`` (status screen, dashboard pages).

Files, the API and MLflow keep ISO 8601; only what people read goes through :func:`human_time`. UTC rather than
the viewer's zone: the same run reads the same on every machine, in logs and on the page.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

TIME_FORMAT: Final = "%Y-%m-%d %H:%M UTC"


def human_time(value: object) -> str:
    """``2024-01-05T19:30:12+00:00`` (or a Timestamp, or epoch-free text pandas parses) -> ``2024-01-05 19:30
    UTC``; a time without a zone is taken as UTC; text that is not a time comes back unchanged."""
    if value is None or value == "":
        return ""
    try:
        moment = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if pd.isna(moment):
        return str(value)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    return moment.strftime(TIME_FORMAT)
