"""Settings of unattended operation (``conf/schedule/``)."""

from __future__ import annotations

from typing import Annotated

from nba_pra.schema import Field, Hour, NonNegative, NonNegInt, settings

ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


@settings
class ScheduleSettings:
    timezone: str
    settle_at: ClockTime
    morning_at: ClockTime
    availability_hours: tuple[Hour, Hour]
    snapshot_minutes_before_tip: tuple[NonNegInt, ...]
    lock_wait_s: NonNegative
    job_lock_wait_s: NonNegative
