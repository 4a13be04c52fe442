"""The synthetic league's settings as ``conf/`` composes them.

The sportsbook's values live only in ``conf/data/synthetic.yaml`` (its settings dataclass has types, no
defaults), so tests take the whole league's settings from the composed config instead of the dataclass.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

from nba_pra.config import compose, settings_from_dict
from nba_pra.data.settings import SportsbookSettings, SyntheticLeagueSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def default_league_settings() -> SyntheticLeagueSettings:
    """``data.synthetic`` of the default composition of ``conf/``."""
    return settings_from_dict(compose(PROJECT_ROOT)).data.synthetic


def default_sportsbook() -> SportsbookSettings:
    sportsbook = default_league_settings().sportsbook
    assert sportsbook is not None, "the default data group is the synthetic league"
    return sportsbook


def small_league_settings(**changes: object) -> SyntheticLeagueSettings:
    """An 8-team, 24-game, 3-season league (fast) with the default behaviour; ``changes`` replace fields."""
    base = default_league_settings()
    values: dict[str, object] = {
        "n_teams": 8, "games_per_team": 24, "n_seasons": 3, "current_season_days_played": 25,
        "schedule": dataclasses.replace(base.schedule, season_length_days=60),
        "transactions": dataclasses.replace(base.transactions, trade_window_days=(5, 40)),
    }
    values.update(changes)
    return dataclasses.replace(base, **values)
