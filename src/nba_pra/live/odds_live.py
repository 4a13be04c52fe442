"""In-play PRA lines from The Odds API v4, through the pre-game provider (:mod:`nba_pra.odds.theoddsapi`).

The API serves in-play odds from the same endpoints as pre-game odds (an event keeps its id and commence time
once it has started), so a live poll is the pre-game fetch with three differences:

* every response is fetched anew (``refresh``): a live price is stale by the next poll;
* each poll's responses are kept under ``<paths.cache>/live/<poll time>/`` instead of the pre-game snapshot's
  folder, so a live night never overwrites the responses the pre-game stages read;
* one provider serves the whole night, so its quota floor sees the credits every poll spent (the floor, the
  retries and the player-name matching are the provider's own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from nba_pra.odds.cache import ResponseCache
from nba_pra.odds.settings import OddsSettings
from nba_pra.odds.theoddsapi import TheOddsApiProvider

LIVE_CACHE: Final = "live"
_STAMP: Final = "%Y%m%dT%H%M%SZ"


class LiveOddsPoller:
    """In-play lines of a slate, one :meth:`poll` at a time (module docstring)."""

    def __init__(self, settings: OddsSettings, *, cache_dir: Path) -> None:
        self.root = Path(cache_dir) / LIVE_CACHE
        self.provider = TheOddsApiProvider(settings, cache_dir=self.root)
        self.polls = 0

    def poll(self, slate: pd.DataFrame, now: pd.Timestamp) -> pd.DataFrame:
        """The slate's in-play lines at ``now`` (UTC): every response fetched anew and kept under the poll's
        folder; the provider's errors (quota floor, auth, no lines) propagate."""
        stamp = pd.Timestamp(now).tz_convert("UTC").strftime(_STAMP)
        self.provider.cache = ResponseCache(self.root / stamp / self.provider.api.cache_dir)
        self.polls += 1
        return self.provider.fetch_lines(slate, refresh=True)
