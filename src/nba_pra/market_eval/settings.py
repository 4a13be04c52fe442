"""Settings of the model-vs-market evaluation (``conf/market/``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nba_pra.odds.market import DevigMethod


@dataclass(frozen=True)
class AnatomySettings:
    """Buckets of the error anatomy (bucket edges are left-closed: ``[a, b)``)."""

    minutes_edges: tuple[float, ...] = (0, 15, 24, 30, 34, 38, 60)
    line_edges: tuple[float, ...] = (0, 15, 20, 25, 30, 35, 40, 80)
    rest_edges: tuple[float, ...] = (0, 1, 2, 3, 8, 400)
    returning_max_games: int = 3


@dataclass(frozen=True)
class MarketEvalSettings:
    #: box-score file to walk through ("" = the project's data/box_scores.parquet)
    box_scores: str = ""
    #: recorded lines file ("" = the project's odds provider)
    lines: str = ""
    #: season walked through ("" = the lines' dates within the data's last season)
    season: str = ""
    devig_methods: tuple[DevigMethod, ...] = tuple(DevigMethod)
    primary_devig: DevigMethod = DevigMethod.MULTIPLICATIVE
    #: units per bet of the betting figures
    flat_stake: float = 1.0
    #: offers a book needs below and above the main line before its prices can be called inverted
    sanity_min_offers: int = 50
    reliability_bins: int = 10
    anatomy: AnatomySettings = field(default_factory=AnatomySettings)
    experiment: str = "nba-pra-market"
    #: folder under reports/ for the last evaluation's files
    report_dir: str = "market"
