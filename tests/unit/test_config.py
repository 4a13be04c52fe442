"""The real conf/ composes for every group option, types hold, and params.yaml is its composition."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nba_pra.config import (
    PARAMS_FILE,
    compose,
    find_project_root,
    load_project,
    render_params,
    settings_from_dict,
)
from nba_pra.errors import ConfigError, ProjectNotFoundError
from nba_pra.model.settings import CvSettings, DistributionFamily, FoldScheme
from nba_pra.schema import validate
from settings_support import composed


def _group_options(root: Path) -> list[str]:
    conf = root / "conf"
    return [
        f"{group.name}={option.stem}"
        for group in sorted(conf.iterdir())
        if group.is_dir() and group.name not in {"hydra"}
        for option in sorted(group.glob("*.yaml"))
        if (conf / "config.yaml").read_text().find(f"- {group.name}:") >= 0
    ]


def test_default_composition_has_the_seed_defaults(project_root: Path) -> None:
    s = settings_from_dict(compose(project_root))
    assert s.window.n_seasons == 3
    assert s.cv.n_folds == 19
    assert s.betting.kelly_fraction == 0.25
    assert s.betting.min_edge == 0.03
    assert s.betting.min_confidence == 0.60
    assert s.betting.max_cv == 0.35
    assert s.betting.min_games == 5
    assert s.features.min_games == s.betting.min_games
    assert s.tracking.predict_alias == "champion"


def test_every_group_option_composes_into_typed_settings(project_root: Path) -> None:
    options = _group_options(project_root)
    assert any(o.startswith("distribution=negbin") for o in options)
    for option in options:
        settings_from_dict(compose(project_root, [option]))


def test_overrides_reach_the_typed_settings(project_root: Path) -> None:
    project = load_project(project_root, ["cv.n_folds=5", "distribution=negbin", "cv.scheme=sliding"])
    assert project.settings.cv.n_folds == 5
    assert project.settings.distribution.family is DistributionFamily.NEGBIN
    assert project.settings.cv.scheme is FoldScheme.SLIDING


def test_bad_override_is_a_config_error(project_root: Path) -> None:
    with pytest.raises(ConfigError):
        compose(project_root, ["cv.no_such_key=1"])
    with pytest.raises(ConfigError, match=r"cv\.scheme = 'diagonal': Input should be 'expanding' or 'sliding'"):
        load_project(project_root, ["cv.scheme=diagonal"])


def test_params_yaml_equals_a_fresh_composition(project_root: Path) -> None:
    committed = yaml.safe_load((project_root / PARAMS_FILE).read_text())
    assert committed == compose(project_root)
    assert (project_root / PARAMS_FILE).read_text() == render_params(compose(project_root))


def test_stages_read_the_same_settings_from_params_yaml(project_root: Path) -> None:
    assert load_project(project_root, from_params=True).settings == load_project(project_root).settings


def test_the_schema_rejects_unknown_missing_and_mistyped_keys() -> None:
    base = {"n_folds": 3, "scheme": "expanding", "min_train_fraction": 0.5, "embargo_days": 1,
            "variance_warmup_blocks": 1}
    assert validate(CvSettings, base).n_folds == 3
    with pytest.raises(ConfigError, match=r"unknown config key cv\.typo"):
        validate(CvSettings, {**base, "typo": 1}, "cv")
    with pytest.raises(ConfigError, match=r"missing config key cv\.embargo_days"):
        validate(CvSettings, {k: v for k, v in base.items() if k != "embargo_days"}, "cv")
    with pytest.raises(ConfigError, match=r"cv\.n_folds = 'three'"):
        validate(CvSettings, {**base, "n_folds": "three"}, "cv")
    with pytest.raises(ConfigError, match=r"cv\.scheme = 'random'"):
        validate(CvSettings, {**base, "scheme": "random"}, "cv")
    assert validate(CvSettings, {**base, "min_train_fraction": 1e-9}).min_train_fraction == 1e-9


def test_outside_a_project_the_error_says_where_to_run(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="inside the project"):
        find_project_root(tmp_path)


def test_the_cache_folder_is_outside_data_and_ignored_by_git_and_dvc(project_root: Path) -> None:
    """Downloads cached in data/ would modify data.dvc on every live run (issue #23)."""
    paths = composed().paths
    cache, data = (project_root / paths.cache).resolve(), (project_root / paths.data).resolve()
    assert data not in cache.parents and cache != data
    for ignore_file in (".gitignore", ".dvcignore"):
        assert f"/{paths.cache}" in (project_root / ignore_file).read_text().splitlines(), ignore_file


def test_inconsistent_sources_are_refused_in_one_sentence() -> None:
    from nba_pra.project_setup import check_combination

    check_combination("synthetic", "synthetic", "synthetic")
    check_combination("nba_api", "official", "theoddsapi")
    check_combination("files", "none", "historical")
    with pytest.raises(ConfigError, match=r"^availability synthetic is the simulated league's own report and says "
                                          r"nothing about data files: choose availability none, official or files$"):
        check_combination("files", "synthetic", "historical")
    with pytest.raises(ConfigError, match=r"^odds synthetic are the simulated league's books"):
        check_combination("nba_api", "official", "synthetic")
    with pytest.raises(ConfigError, match=r"^odds theoddsapi quote real players, but data synthetic"):
        check_combination("synthetic", "synthetic", "theoddsapi")
    with pytest.raises(ConfigError, match=r"^availability official reports on real players"):
        check_combination("synthetic", "official", "synthetic")


def test_the_setup_file_is_composed_after_config_yaml_by_every_command_and_into_params_yaml(
    tmp_project: Path,
) -> None:
    from nba_pra.config import load_params
    from nba_pra.project_setup import SETUP_FILE, Setup, read_setup, write_setup

    assert load_project(tmp_project).settings.data.source == "synthetic"  # no setup file: the synthetic demo
    setup = Setup(data="nba_api", availability="official", odds="theoddsapi", key_env="MY_ODDS_KEY",
                  env_file="secrets.env")
    write_setup(tmp_project, setup, "2025-01-02")
    assert read_setup(tmp_project / SETUP_FILE) == setup
    s = load_project(tmp_project).settings
    assert (s.data.source, s.availability.source, s.odds.provider) == ("nba_api", "official", "theoddsapi")
    assert (s.odds.theoddsapi.api_key_env, s.odds.theoddsapi.env_file) == (("MY_ODDS_KEY",), "secrets.env")
    params = load_params(tmp_project)  # what `dvc repro` reads
    assert (params["data"]["source"], params["odds"]["provider"]) == ("nba_api", "theoddsapi")
    # command-line overrides still win over the setup file
    assert load_project(tmp_project, ["odds=historical"]).settings.odds.provider == "historical"
    text = (tmp_project / SETUP_FILE).read_text()
    assert all("#" in line for line in text.splitlines() if ":" in line and not line.strip().endswith(":"))


def test_advancing_the_synthetic_league_moves_today_for_every_command(tmp_project: Path) -> None:
    from nba_pra.config import load_params
    from nba_pra.project_setup import advance_synthetic

    days = load_project(tmp_project).settings.data.synthetic.current_season_days_played
    assert advance_synthetic(tmp_project, days, 3, "2025-01-02") == days + 3
    assert load_project(tmp_project).settings.data.synthetic.current_season_days_played == days + 3
    assert load_params(tmp_project)["data"]["synthetic"]["current_season_days_played"] == days + 3
    text = (tmp_project / "conf" / "setup" / "init.yaml").read_text()
    assert f"    current_season_days_played: {days + 3}   # calendar days of the current season played" in text
    with pytest.raises(ConfigError, match="give a number of days of 1 or more"):
        advance_synthetic(tmp_project, days, 0, "2025-01-02")
