"""The odds-provider interface the pipeline codes against, the factory, and graceful degradation."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from nba_pra.errors import OddsError
from nba_pra.odds.lines import empty_lines
from nba_pra.odds.settings import OddsSettings, ProviderKind

log = logging.getLogger(__name__)


@runtime_checkable
class OddsProvider(Protocol):
    """A source of prop lines.

    ``fetch_lines`` takes the slate (one row per player per game: game_id, game_date, season, player_id,
    player_name, team, opponent, home, position, commence_time as tz-aware UTC) and returns the lines table of
    :mod:`nba_pra.odds.lines` (``schema.LINE_COLUMNS`` + ``market`` + ``is_derived``) restricted to the slate's
    games. Any failure raises a subclass of :class:`nba_pra.errors.OddsError` with a one-sentence message.
    ``refresh=True`` ignores cached responses.
    """

    name: str

    def fetch_lines(self, slate: pd.DataFrame, *, refresh: bool = False) -> pd.DataFrame: ...


def make_provider(settings: OddsSettings, *, data_dir: Path, cache_dir: Path) -> OddsProvider:
    """The provider ``settings.provider`` names, reading files under ``data_dir`` and caching downloads under
    ``cache_dir`` (``paths.cache``: outside the DVC-tracked data)."""
    kind = ProviderKind(settings.provider)
    if kind is ProviderKind.THEODDSAPI:
        from nba_pra.odds.theoddsapi import TheOddsApiProvider

        return TheOddsApiProvider(settings, cache_dir=cache_dir)
    if kind is ProviderKind.HISTORICAL:
        from nba_pra.odds.historical import HistoricalProvider

        return HistoricalProvider(settings, data_dir=data_dir)
    from nba_pra.odds.synthetic import SyntheticProvider

    return SyntheticProvider(settings, data_dir=data_dir)


def fetch_lines_or_warn(
    provider: OddsProvider, slate: pd.DataFrame, *, strict: bool, refresh: bool = False
) -> tuple[pd.DataFrame, str | None]:
    """Lines for ``slate``, or (no lines, one warning sentence) when the odds source fails.

    The pipeline keeps going without odds (predictions are still written, no bets are placed) unless ``strict``,
    in which case the :class:`OddsError` propagates and the CLI exits non-zero with its message.
    """
    try:
        return provider.fetch_lines(slate, refresh=refresh), None
    except OddsError as exc:
        if strict:
            raise
        warning = f"no odds from {provider.name}, so no bets are placed: {exc}"
        log.warning("%s", warning)  # the one warning of an odds failure: callers keep the sentence, not log it
        return empty_lines(), warning
