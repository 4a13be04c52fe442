"""Settings of the model-vs-market evaluation (``conf/market/``)."""

from __future__ import annotations

from nba_pra.odds.market import DevigMethod
from nba_pra.schema import Count, NonNegative, NonNegInt, Positive, settings


@settings
class AnatomySettings:
    """Buckets of the error anatomy (bucket edges are left-closed: ``[a, b)``)."""

    minutes_edges: tuple[NonNegative, ...]
    line_edges: tuple[NonNegative, ...]
    rest_edges: tuple[NonNegative, ...]
    returning_max_games: NonNegInt


@settings
class MarketEvalSettings:
    box_scores: str
    lines: str
    close_from_snapshot: bool
    season: str
    devig_methods: tuple[DevigMethod, ...]
    primary_devig: DevigMethod
    flat_stake: Positive
    sanity_min_offers: NonNegInt
    reliability_bins: Count
    anatomy: AnatomySettings
    experiment: str
    report_dir: str
