"""Odds providers (synthetic book, The Odds API, historical files), market math and player matching.

The pipeline uses :func:`make_provider` + :func:`fetch_lines_or_warn` and the pure functions of
:mod:`nba_pra.odds.market`.
"""

from nba_pra.odds.lines import OUTPUT_COLUMNS, empty_lines
from nba_pra.odds.market import (
    ConsensusMethod,
    DevigMethod,
    best_prices,
    consensus_probabilities,
    fair_probabilities,
    main_lines,
)
from nba_pra.odds.provider import OddsProvider, fetch_lines_or_warn, make_provider
from nba_pra.odds.settings import OddsSettings, ProviderKind

__all__ = [
    "OUTPUT_COLUMNS",
    "ConsensusMethod",
    "DevigMethod",
    "OddsProvider",
    "OddsSettings",
    "ProviderKind",
    "best_prices",
    "consensus_probabilities",
    "empty_lines",
    "fair_probabilities",
    "fetch_lines_or_warn",
    "main_lines",
    "make_provider",
]
