"""Issue #23: a data command that fails at any step leaves ``data/`` and ``data.dvc`` byte-identical, and every
user error is one sentence with its exit code, never a traceback.

Failures are injected at our IO boundaries (the table writer, the directory rename, the ``dvc add`` call): the
tests check our recovery, the raised error is only the trigger.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from test_data_import import games_file

from conftest import PROJECT_ROOT, copy_project
from nba_pra import dvc_cli
from nba_pra.cli import main
from nba_pra.data import publish

DATES = ["2024-01-02", "2024-01-04", "2024-01-06"]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of data/ plus data.dvc and .gitignore, by path relative to the project root."""
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}
    for name in ("data.dvc", ".gitignore"):
        if (root / name).is_file():
            files[name] = (root / name).read_bytes()
    return files


def leftovers(root: Path) -> list[str]:
    """Staging or previous folders a publish left beside data/."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".data."))


@pytest.fixture(scope="module")
def dvc_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DVC + git project with one import done (data/ tracked by data.dvc) and a note of the user's in data/."""
    root = copy_project(tmp_path_factory.mktemp("template") / "project")
    shutil.copytree(PROJECT_ROOT / ".dvc", root / ".dvc", ignore=shutil.ignore_patterns("tmp", "cache"))
    assert subprocess.run(["git", "init", "-q"], cwd=root, check=False).returncode == 0
    source = games_file(root.parent / "good.csv", DATES)
    cwd = Path.cwd()
    os.chdir(root)
    try:
        assert main(["data", "import", str(source), "-q"]) == 0
    finally:
        os.chdir(cwd)
    (root / "data" / "notes").mkdir()
    (root / "data" / "notes" / "README.txt").write_text("kept across imports\n")
    assert subprocess.run([sys.executable, "-m", "dvc", "add", "-q", "data"], cwd=root, check=False,
                          env=dvc_cli.environment()).returncode == 0
    return root


@pytest.fixture
def project(dvc_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    shutil.copytree(dvc_template, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def other_games(tmp_path: Path) -> Path:
    """A valid file with other games than the template's: importing it would change every table."""
    return games_file(tmp_path / "other.csv", ["2024-01-03", "2024-01-05", "2024-01-07", "2024-01-09"])


def test_a_blank_season_cell_fails_before_anything_in_data_changes(project: Path, tmp_path: Path, capsys) -> None:
    before = snapshot(project)
    frame = pd.read_csv(games_file(tmp_path / "box.csv", DATES), dtype={"game_id": str})
    frame["season"] = frame["season"].astype(object)
    frame.loc[3, "season"] = None
    frame.to_csv(tmp_path / "nan_season.csv", index=False)
    assert main(["data", "import", str(tmp_path / "nan_season.csv")]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: box scores failed validation -- rule 'blank_fields'") and "row 4 (" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(project) == before and leftovers(project) == []


def fail_on_call(n: int, error: BaseException, real: Callable) -> Callable:
    """``real`` that raises ``error`` on its ``n``-th call (1-based)."""
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise error
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("nth_table", [1, 4])
@pytest.mark.parametrize(("error", "exit_code"), [(OSError(28, "No space left on device"), 3),
                                                  (KeyboardInterrupt(), 130)])
def test_a_writer_failure_leaves_data_and_data_dvc_byte_identical(
    project: Path, other_games: Path, monkeypatch: pytest.MonkeyPatch, nth_table: int, error: BaseException,
    exit_code: int, capsys
) -> None:
    before = snapshot(project)
    monkeypatch.setattr(publish, "write_table", fail_on_call(nth_table, error, publish.write_table))
    assert main(["data", "import", str(other_games), "-q"]) == exit_code
    if exit_code == 3:
        assert "No space left on device); it was left as it was" in one_error_line(capsys)
    assert snapshot(project) == before and leftovers(project) == []


def test_a_failed_rename_into_place_puts_the_previous_data_back(
    project: Path, other_games: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project)
    real_rename = Path.rename

    def rename(source, target):
        if Path(source).name.startswith(".data.staging-"):
            raise OSError(5, "Input/output error")
        return real_rename(source, target)

    monkeypatch.setattr(publish.Path, "rename", rename)
    assert main(["data", "import", str(other_games), "-q"]) == 3
    monkeypatch.undo()
    assert snapshot(project) == before and leftovers(project) == []


def test_a_failing_dvc_add_exits_with_the_pipeline_code_and_restores_data(
    project: Path, other_games: Path, capsys
) -> None:
    before = snapshot(project)
    # a real DVC failure: the repository's config is unreadable
    (project / ".dvc" / "config").write_text("[core\nbroken")
    assert main(["data", "import", str(other_games), "-q"]) == 8
    err = capsys.readouterr().err
    assert err.startswith("error: `dvc add data` failed") and err.count("\n") == 1
    assert snapshot(project) == before and leftovers(project) == []


def test_an_interrupt_right_after_dvc_add_restores_data_dvc_and_the_gitignore(
    project: Path, other_games: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project)
    (project / ".gitignore").unlink()  # dvc add writes /data into it: it must disappear again
    before.pop(".gitignore", None)
    real_add = dvc_cli.dvc_add

    def add_then_interrupt(root: Path, target: Path) -> bool:
        assert real_add(root, target)
        assert (root / "data.dvc").read_bytes() != before["data.dvc"]  # the real dvc add did rewrite it
        raise KeyboardInterrupt

    monkeypatch.setattr(dvc_cli, "dvc_add", add_then_interrupt)
    assert main(["data", "import", str(other_games), "-q"]) == 130  # the CLI's answer to Ctrl-C
    assert snapshot(project) == before and not (project / ".gitignore").exists() and leftovers(project) == []


def test_a_successful_import_keeps_the_users_files_and_dvc_agrees(project: Path, other_games: Path) -> None:
    assert main(["data", "import", str(other_games), "-q"]) == 0
    assert (project / "data" / "notes" / "README.txt").read_text() == "kept across imports\n"
    assert pd.read_parquet(project / "data" / "schedule.parquet")["game_date"].max() == pd.Timestamp("2024-01-09")
    status = subprocess.run([sys.executable, "-m", "dvc", "status", "data.dvc"], cwd=project, capture_output=True,
                            check=False, text=True, env=dvc_cli.environment())
    assert "up to date" in status.stdout, status.stdout + status.stderr
    assert leftovers(project) == []


def test_data_set_aside_by_a_killed_publish_is_put_back_before_the_next_one(project: Path, other_games: Path) -> None:
    notes = (project / "data" / "notes" / "README.txt").read_bytes()
    (project / "data").rename(project / ".data.previous-killed")  # as a kill between the two renames leaves it
    (project / ".data.staging-killed").mkdir()
    assert main(["data", "import", str(other_games), "-q"]) == 0
    assert (project / "data" / "notes" / "README.txt").read_bytes() == notes  # the old folder's files came back
    assert leftovers(project) == []


def test_generate_replaces_an_import_with_all_six_tables_and_leaves_no_staging(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nba_pra.config import load_project
    from nba_pra.data.sources import generate

    small = ["data.synthetic.n_teams=4", "data.synthetic.n_seasons=1", "data.synthetic.current_season_days_played=8"]
    paths = generate(load_project(project, small))
    assert sorted(paths) == sorted(publish.RAW_TABLES) and all(p.is_file() for p in paths.values())
    assert leftovers(project) == []


# --- one sentence, the right exit code, no traceback ---------------------------------------------------------


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_a_slate_date_that_is_not_a_date_is_a_config_error(project: Path, other_games: Path, capsys) -> None:
    before = snapshot(project)
    assert main(["data", "import", str(other_games), "--slate-date", "notadate"]) == 2
    assert "'notadate' is not a date in the form YYYY-MM-DD" in one_error_line(capsys)
    assert snapshot(project) == before


def test_a_player_id_beyond_any_integer_column_is_a_data_error(project: Path, tmp_path: Path, capsys) -> None:
    frame = pd.read_csv(games_file(tmp_path / "box.csv", DATES), dtype={"game_id": str}).astype({"player_id": object})
    frame.loc[0, "player_id"] = "99999999999999999999"
    frame.to_csv(tmp_path / "huge.csv", index=False)
    assert main(["data", "import", str(tmp_path / "huge.csv")]) == 3
    assert "rule 'schema'" in one_error_line(capsys)


def test_a_ledger_url_with_a_port_that_is_not_a_number_is_a_ledger_error_without_the_password(
    project: Path, capsys
) -> None:
    url = "postgresql+psycopg://u:hunter2@127.0.0.1:notaport/x"
    assert main(["ledger", "export", "out.csv", f"ledger.url={url}"]) == 6
    err = one_error_line(capsys)
    assert "notaport" in err and "hunter2" not in err


def test_a_ledger_export_into_a_folder_that_cannot_exist_is_a_ledger_error(project: Path, capsys) -> None:
    assert main(["ledger", "export", "/proc/nope/x.csv"]) == 6
    assert "/proc/nope/x.csv" in one_error_line(capsys)
