"""The live polling loop: poll every ``interval_s`` until the games end, the credit budget would be exceeded, or
the user presses Ctrl-C, and say which.

One poll is a callable returning whether any game is still on (the caller's feeds: the NBA's live box score, The
Odds API's in-play lines, the forecasts and the table). The odds cost credits, so the loop stops *before* a poll
that would take the night's spend past ``credit_budget`` (``cost_per_poll`` credits each: markets x regions x
events). Ctrl-C during a poll or a pause ends the loop cleanly after the last completed poll.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from nba_pra.live.settings import PollSettings


class PollEnd(StrEnum):
    """Why the loop stopped."""

    GAMES_OVER = "games over"
    BUDGET = "credit budget"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class PollSummary:
    polls: int
    credits: int
    end: PollEnd


def run_polls(poll: Callable[[], bool], settings: PollSettings, *, cost_per_poll: int,
              sleep: Callable[[float], None] = time.sleep) -> PollSummary:
    """Call ``poll`` every ``settings.interval_s`` seconds (module docstring)."""
    polls = credits = 0
    try:
        while True:
            if credits + cost_per_poll > settings.credit_budget:
                return PollSummary(polls, credits, PollEnd.BUDGET)
            still_on = poll()
            polls += 1
            credits += cost_per_poll
            if not still_on:
                return PollSummary(polls, credits, PollEnd.GAMES_OVER)
            sleep(settings.interval_s)
    except KeyboardInterrupt:
        return PollSummary(polls, credits, PollEnd.INTERRUPTED)
