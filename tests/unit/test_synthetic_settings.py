"""The synthetic league's config group composes (for the synthetic source only), and so does the scale group."""

from __future__ import annotations

from pathlib import Path

from nba_pra.config import compose, settings_from_dict
from nba_pra.data.settings import SyntheticLeagueSettings


def test_the_default_composition_is_the_synthetic_league(project_root: Path) -> None:
    synthetic = settings_from_dict(compose(project_root)).data.synthetic
    assert isinstance(synthetic, SyntheticLeagueSettings)
    assert len(synthetic.team_codes) == synthetic.n_teams == 30 and synthetic.sportsbook is not None


def test_the_other_data_sources_compose_without_the_synthetic_league(project_root: Path) -> None:
    assert settings_from_dict(compose(project_root, ["data=files"])).data.synthetic is None


def test_the_default_scale_has_three_seasons_of_history_plus_the_current_one(project_root: Path) -> None:
    synthetic = settings_from_dict(compose(project_root, ["scale=default"])).data.synthetic
    assert synthetic.n_seasons == 4 and synthetic.current_season_days_played > 0


def test_seed_scale_only_changes_the_size_of_the_league(project_root: Path) -> None:
    default = settings_from_dict(compose(project_root)).data.synthetic
    seed = settings_from_dict(compose(project_root, ["scale=seed"])).data.synthetic
    assert seed.n_seasons > default.n_seasons
    assert (seed.seed, seed.rates, seed.minutes, seed.sportsbook) == (
        default.seed,
        default.rates,
        default.minutes,
        default.sportsbook,
    )
