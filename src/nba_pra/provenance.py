"""Where the figures come from: whether the league data and the market are synthetic (pure, from settings).

Every product surface (``recommend``, ``status``, the pipeline's table, the dashboard) prints :func:`banner` first,
so a simulated league's edges are never read as real betting figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from nba_pra.config import Settings
from nba_pra.odds.settings import ProviderKind

if TYPE_CHECKING:  # drawing needs matplotlib; deciding the banner does not
    from matplotlib.figure import Figure

#: ``data.source`` of the simulated league (``conf/data/``)
SYNTHETIC_SOURCE: Final = "synthetic"


def data_is_synthetic(settings: Settings) -> bool:
    """True when box scores, schedule and rosters come from the simulated league (``data.source``)."""
    return settings.data.source == SYNTHETIC_SOURCE


def market_is_synthetic(settings: Settings) -> bool:
    """True when prop lines come from the simulated sportsbooks (``odds.provider``)."""
    return settings.odds.provider == ProviderKind.SYNTHETIC


def banner_text(data_synthetic: bool, market_synthetic: bool) -> str:
    """The warning for the given provenance ("" when both data and market are real)."""
    if data_synthetic and market_synthetic:
        return "SYNTHETIC DATA AND MARKET: a simulated league and simulated books, not real bets"
    if data_synthetic:
        return "SYNTHETIC DATA: a simulated league, so no figure here is about real players"
    if market_synthetic:
        return "SYNTHETIC MARKET: lines from simulated books, so edges and stakes are not real betting"
    return ""


def banner(settings: Settings) -> str:
    """:func:`banner_text` of the configured data source and odds provider."""
    return banner_text(data_is_synthetic(settings), market_is_synthetic(settings))


def label_figure(figure: Figure, shown: str) -> Figure:
    """``figure`` with the provenance banner ``shown`` (:func:`banner`) along its bottom edge, so a saved chart of
    simulated bets is never read as a real record; unchanged when ``shown`` is empty (real data)."""
    if shown:
        figure.text(0.01, 0.005, shown, fontsize="small", color="darkred", ha="left", va="bottom")
    return figure
