"""Independent random streams keyed by (seed, season, day, purpose).

Every random draw of the simulator comes from a stream named by *where* it is used, never from one global
generator: simulating more days of the current season therefore leaves every earlier day unchanged, and adding
a new kind of draw does not shift the others.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """What a stream is used for (its integer is part of the seed, so never renumber)."""

    SCHEDULE = 1
    INITIAL_POOL = 2
    OFFSEASON = 3
    TEAM_CONTEXT = 4
    FORM = 5
    TRANSACTIONS = 6
    AVAILABILITY = 7
    GAME = 8
    BOX = 9
    BOOK = 10
    BURN_IN = 11
    REPORT = 12
    QUARTERS = 13


#: the day key of streams that are per season rather than per day
SEASON_LEVEL = -1


def stream(seed: int, season: int, day: int, purpose: Stream) -> np.random.Generator:
    """A generator that depends only on ``(seed, season, day, purpose)``.

    ``day`` is the calendar day index within the season (``SEASON_LEVEL`` for season-level draws).
    SeedSequence needs non-negative words, so the day is shifted by one.
    """
    return np.random.default_rng(np.random.SeedSequence([seed, season, day + 1, int(purpose)]))
