"""The synthetic league's settings as ``conf/`` composes them.

The sportsbook's values live only in ``conf/data/synthetic.yaml`` (its settings dataclass has types, no
defaults), so tests take the whole league's settings from the composed config instead of the dataclass.
"""

from __future__ import annotations

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
