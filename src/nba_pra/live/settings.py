"""Settings of the in-game model (``conf/live/``)."""

from __future__ import annotations

from typing import Annotated

from nba_pra.model.settings import OverCalibrationSettings
from nba_pra.schema import Count, Field, NonNegative, NonNegInt, Positive, settings


@settings
class GameClockSettings:
    """The clock and the foul rule."""

    periods: Count
    period_minutes: Positive
    overtime_minutes: Positive
    foul_out: Count


@settings
class LiveFitSettings:
    """The walk-forward fit of the adjustments (:mod:`nba_pra.live.fit`)."""

    refit_every_days: Count
    min_states: Count
    minutes_prior_bounds: tuple[Positive, Positive]
    rate_prior_bounds: tuple[Positive, Positive]
    search_tolerance: Positive
    newton_steps: Count
    newton_tolerance: Positive


@settings
class ReplayLedgerSettings:
    """The replay's own ledger (``--record``), never the real one: a replayed night is synthetic."""

    url: str
    table_prefix: str
    db_schema: str | None


@settings
class ReplaySettings:
    """``nba-pra live --replay`` (:mod:`nba_pra.live.replay`)."""

    speed: Positive
    seconds_per_period: NonNegative
    table_rows: Count
    hook: Annotated[float, Field(ge=0, lt=1)]
    ledger: ReplayLedgerSettings


@settings
class NbaLiveFeedSettings:
    """The NBA's live box score (:mod:`nba_pra.live.nba_live`)."""

    base_url: str
    timeout_s: Positive


@settings
class FeedSettings:
    nba: NbaLiveFeedSettings


@settings
class PollSettings:
    """The live polling loop (:mod:`nba_pra.live.poll`)."""

    interval_s: Positive
    credit_budget: NonNegInt


@settings
class LiveSettings:
    game: GameClockSettings
    fouls_tolerated: tuple[NonNegInt, ...]
    blowout_margin: NonNegative
    minutes_feature: str
    fit: LiveFitSettings
    over_calibration: OverCalibrationSettings
    reliability_bins: Count
    replay: ReplaySettings
    model_file: str
    feeds: FeedSettings
    poll: PollSettings
