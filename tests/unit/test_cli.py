"""The CLI parses, dispatches and turns user errors into one sentence and a distinct exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from nba_pra.cli import _flag_overrides, build_parser, main


def test_every_verb_has_help(capsys) -> None:
    parser = build_parser()
    verbs = ["features", "train", "predict", "bet", "ledger", "recommend", "pipeline", "status", "promote",
             "backtest", "market", "dashboard"]
    for verb in verbs:
        with pytest.raises(SystemExit) as exc:
            parser.parse_args([verb, "--help"])
        assert exc.value.code == 0
        assert verb in capsys.readouterr().out


def test_flags_become_overrides_and_one_string_of_overrides_is_split() -> None:
    args = build_parser().parse_args(["bet", "--strict", "--refresh", "betting.min_edge=0.05 odds=synthetic", ""])
    assert _flag_overrides(args) == ["betting.min_edge=0.05", "odds=synthetic", "odds.strict=true",
                                     "odds.refresh=true"]


def test_market_files_become_absolute_overrides_relative_to_the_callers_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["market", "--box-scores", "box.parquet", "--lines", "/x/l.csv",
                                      "--season", "2023-24", "pricing.stacking.l2=3"])
    assert _flag_overrides(args) == ["pricing.stacking.l2=3", f"market.box_scores={tmp_path / 'box.parquet'}",
                                     "market.lines=/x/l.csv", "market.season=2023-24"]


def test_outside_a_project_the_error_is_one_sentence_with_the_config_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no nba-pra project found") and "Traceback" not in err


def test_recommend_before_any_run_tells_the_user_to_run_the_pipeline(tmp_project: Path, capsys) -> None:
    assert main(["recommend"]) == 3
    assert "nba-pra pipeline" in capsys.readouterr().err


def test_train_before_features_tells_the_user_what_to_run(tmp_project: Path, capsys) -> None:
    assert main(["train"]) == 3
    assert "nba-pra features" in capsys.readouterr().err


def test_unknown_override_is_a_config_error(tmp_project: Path, capsys) -> None:
    assert main(["features", "betting.no_such_threshold=1"]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize(("words", "said"), [([], "got 0\n"), (["champion"], "got 1: champion\n")])
def test_compare_with_the_wrong_number_of_versions_says_how_many_it_got(
    tmp_project: Path, capsys, words: list[str], said: str
) -> None:
    assert main(["compare", *words]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: compare takes two versions or aliases") and err.endswith(f"--live; {said}")


def test_features_strict_means_stale_data_fails() -> None:
    args = build_parser().parse_args(["features", "--strict"])
    assert _flag_overrides(args) == ["data.freshness.strict=true"]


def test_python_dash_m_runs_the_same_cli() -> None:
    import subprocess
    import sys

    from nba_pra import __version__

    done = subprocess.run([sys.executable, "-m", "nba_pra", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and __version__ in done.stdout


def test_the_top_level_help_describes_the_tool_to_its_user(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    # it printed the module's note for developers: "parse arguments, build settings, dispatch. No domain logic here."
    assert "No domain logic" not in out and "dispatch" not in out
    assert ("Predict each NBA player's PRA (points + rebounds + assists) as a distribution, price sportsbook props "
            "and keep a ledger of the bets.") in out
    assert "nba-pra pipeline" in out and "nba-pra init" in out


def test_init_writes_the_sources_checks_each_once_never_prints_the_key_and_says_what_next(
    tmp_project: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nba_pra.config import load_project

    monkeypatch.setenv("ODDS_API_KEY", "sentinel-key-4711")
    assert main(["init", "--yes", "--data", "nba_api"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "wrote conf/setup/init.yaml: data nba_api, availability official, odds theoddsapi (params.yaml "
        "regenerated; commit both)",
        "  !!  data nba_api: no box scores in data/ yet: run `nba-pra data fetch`",
        "  ok  availability official: reports are fetched before each cut-off (network)",
        "  ok  odds theoddsapi: key found in $ODDS_API_KEY",
        "next: nba-pra data fetch, then nba-pra pipeline",
    ]
    assert "sentinel-key-4711" not in out + (tmp_project / "conf" / "setup" / "init.yaml").read_text()
    # real data get a real availability source: the default synthetic report warned on every run
    assert load_project(tmp_project).settings.availability.source == "official"
    # a bad combination is refused in one sentence, and the file stays as it was
    assert main(["init", "--yes", "--data", "files", "--availability", "synthetic"]) == 2
    assert capsys.readouterr().err.startswith("error: availability synthetic is the simulated league's own report")
    assert load_project(tmp_project).settings.data.source == "nba_api"

