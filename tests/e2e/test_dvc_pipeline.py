"""The real daily run: `nba-pra pipeline` (generate + `dvc repro`) in a temporary git copy of the project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from backtest_support import LIGHT_BACKTEST
from conftest import PROJECT_ROOT, copy_project, make_small_project, set_config_value
from nba_pra.config import load_project
from nba_pra.stages.ledger import open_store
from nba_pra.tracking.client import Tracker

pytestmark = pytest.mark.slow

_BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": os.pathsep.join([str(_BIN), os.environ.get("PATH", "")])}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _git_project(root: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / ".dvc", root / ".dvc", ignore=shutil.ignore_patterns("tmp", "cache"))
    shutil.copy2(PROJECT_ROOT / ".gitignore", root / ".gitignore")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"],
                ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy"]):
        assert _run(cmd, root).returncode == 0
    return root


@pytest.fixture(scope="module")
def piped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = make_small_project(tmp_path_factory.mktemp("e2e") / "project")
    set_config_value(root, "pricing.method", "market_aware")  # the real default, not the plumbing tests' model
    root = _git_project(root)
    result = _run([str(_BIN / "nba-pra"), "pipeline"], root)
    return root, result


def test_pipeline_runs_every_stage_and_writes_their_outputs(piped) -> None:
    root, result = piped
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ran = ("dvc repro: 8 stage(s) ran (availability, features, training_set, train, predict, evidence, bet, ledger), "
           "0 unchanged")
    assert ran in result.stderr, result.stderr[-3000:]
    for out in ("artifacts/availability.parquet", "artifacts/features.parquet", "artifacts/model.json",
                "artifacts/predictions.parquet",
                "artifacts/candidates.parquet", "artifacts/bets.csv", "reports/train_metrics.json",
                "reports/evidence.json", "reports/evidence_summary.json", "reports/ledger_metrics.json", "dvc.lock"):
        assert (root / out).is_file(), out
    pointer = json.loads((root / "artifacts/model.json").read_text())
    settings = load_project(root, from_params=True).settings
    assert Tracker(settings.tracking, root).resolve("champion").version == pointer["version"] == "1"
    assert set(pd.read_parquet(root / "artifacts/predictions.parquet")["model_version"]) == {"1"}
    assert (root / "mlflow.db").is_file() and (root / "ledger.db").is_file()


def test_the_pipeline_prints_one_line_per_stage_and_none_of_the_tools_chatter(piped) -> None:
    """Before: DVC's command lines, lock-file updates, `git add` / `dvc push` hints and the frozen stage's warning,
    MLflow's pip warning and registration prints, and every fold's line. Now: each stage's summary line."""
    _, result = piped
    out = result.stdout + result.stderr
    for chatter in ("git add dvc.lock", "dvc push", "autostage", "is frozen", "Updating lock file", "> python -m",
                    "pip version", "Successfully registered", "Created version", "fold 1/", "backtest retrain",
                    "UserWarning"):
        assert chatter not in out, chatter
    lines = [line for line in result.stderr.splitlines() if line.startswith("INFO ")]
    stage_lines = [line for line in lines if line.startswith((
        "INFO availability (", "INFO features: ", "INFO registered nba-pra version 1", "INFO predicted ",
        "INFO evidence ", "INFO bet: ", "INFO ledger: "))]
    assert len(stage_lines) == 7, lines


def test_the_first_run_leaves_git_clean_apart_from_files_the_repository_commits(piped) -> None:
    """A fresh clone's first run must not leave untracked noise (``dvc_plots/``, logs, DBs): everything it writes
    is ignored or is one of the files the repository commits (dvc.lock, data.dvc, the metric summaries). That the
    committed dvc.lock is current is tests/unit/test_dvc_lock.py's check."""
    root, _ = piped
    assert _run([str(_BIN / "dvc"), "plots", "show", "-q"], root).returncode == 0
    assert (root / "dvc_plots").is_dir()
    status = _run(["git", "status", "--porcelain", "--untracked-files=all"], root)
    changed = {line[3:] for line in status.stdout.splitlines()}
    committed = set(_run(["git", "ls-files"], PROJECT_ROOT).stdout.splitlines())
    assert changed - committed == set(), status.stdout
    assert {"dvc.lock", "reports/metrics/train.json", "reports/metrics/ledger.json"} <= changed


def test_the_stale_lock_check_passes_after_a_run_and_names_a_changed_code_dependency(piped) -> None:
    from nba_pra.dvc_cli import stale_lock_entries

    root, _ = piped
    assert stale_lock_entries(root) == []
    code = root / "src" / "nba_pra" / "stages" / "predict.py"
    original = code.read_text()
    try:
        code.write_text(original + "\n# changed\n")
        assert stale_lock_entries(root) == ["predict: src/nba_pra/stages/predict.py"]
    finally:
        code.write_text(original)


def test_second_repro_reruns_only_the_availability_stage(piped) -> None:
    """``availability`` is ``always_changed`` (a report may appear during the slate day): it reruns, writes
    the same bytes, and so nothing downstream reruns."""
    root, _ = piped
    before = (root / "artifacts/availability.parquet").read_bytes()
    again = _run([str(_BIN / "dvc"), "repro"], root)
    assert again.returncode == 0, again.stderr
    running = [line for line in again.stdout.splitlines() if line.startswith("Running stage")]
    assert running == ["Running stage 'availability':"], again.stdout
    assert (root / "artifacts/availability.parquet").read_bytes() == before
    for stage in ("features", "training_set", "train", "predict", "evidence", "bet", "ledger"):
        assert f"Stage '{stage}' didn't change" in again.stdout


def test_the_daily_bets_are_staked_or_paper_exactly_as_the_evidence_says(piped) -> None:
    """The gate reads the evidence stage's walk-forward figures: a bet stakes only at a book whose ROI tested
    above zero there (Holm over the books) and whose bets beat the close; every other bet is paper with the
    figures as its reason, and the market is synthetic."""
    root, result = piped
    summary = json.loads((root / "reports/bet_summary.json").read_text())
    evidence = json.loads((root / "reports/evidence.json").read_text())
    settings = load_project(root, from_params=True).settings
    assert summary["synthetic_market"] and evidence["synthetic"] and evidence["source"] == "evidence"
    assert summary["pricing"] == "market_aware" and summary["evidence"]["window_end"] == evidence["window_end"]
    candidates = pd.read_parquet(root / "artifacts/candidates.parquet")
    bets = candidates.loc[candidates["decision"] == "bet"]
    assert summary["staked"] + summary["paper"] == len(bets) and set(bets["state"]) <= {"staked", "paper"}
    books = evidence["methods"]["market_aware"]["books"]
    gate = settings.betting.evidence
    # Holm's step-down, written out: the k books with enough bets by p (none: too few days, last), the i-th (from
    # 0) tested at fwe / (k - i)
    tested = sorted((b["p_value"] if b["p_value"] == b["p_value"] else 2.0, name) for name, b in books.items()
                    if b["bets"] >= gate.min_bets)
    passed = set()
    for i, (p, name) in enumerate(tested):
        if p > gate.familywise_error / (len(tested) - i):
            break
        passed.add(name)
    assert evidence["min_roi_lo"] == gate.min_roi_lo
    # ... and, where enough of its bets have closes, beats the close
    beats_close = {name for name, b in books.items()
                   if not gate.require_clv or b["clv_bets"] < gate.min_bets or b["clv_lo"] > 0}
    for row in bets.itertuples(index=False):
        may_stake = row.bookmaker in passed & beats_close
        assert (row.state == "staked") == may_stake
        assert (row.stake > 0) == may_stake and (row.gate_reason.startswith("no_evidence") != may_stake)
    assert "synthetic" in (result.stdout + result.stderr).lower()


def test_metrics_show_prints_the_headline_metrics_in_120_columns(piped) -> None:
    """Before: one column per key of every summary (~8,000 characters wide); now the headline files only."""
    root, _ = piped
    shown = _run([str(_BIN / "dvc"), "metrics", "show"], root)
    assert shown.returncode == 0, shown.stderr
    assert "reports/metrics/train.json" in shown.stdout and "reports/metrics/ledger.json" in shown.stdout
    assert "crps" in shown.stdout and "bankroll" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 120, shown.stdout
    detail = _run([str(_BIN / "dvc"), "metrics", "show", "reports/train_metrics.json"], root)
    assert "oracle_crps" in detail.stdout  # the full summary is one target away


def test_forced_ledger_rerun_adds_no_rows(piped) -> None:
    root, _ = piped
    project = load_project(root, from_params=True)
    with open_store(project) as store:
        before = store.bets()
    forced = _run([str(_BIN / "dvc"), "repro", "--force", "--single-item", "ledger"], root)
    assert forced.returncode == 0, forced.stderr
    assert "added 0 bets" in forced.stderr + forced.stdout
    with open_store(project) as store:
        pd.testing.assert_frame_equal(store.bets(), before)


def test_the_frozen_backtest_stage_runs_only_when_unfrozen(piped) -> None:
    root, _ = piped
    dvc = str(_BIN / "dvc")
    assert "Running stage 'backtest'" not in _run([dvc, "repro"], root).stdout
    # a light backtest (the small league's own model, 2 folds, two-week retrains) keeps this under a minute
    for key, value in LIGHT_BACKTEST.items():
        if key.startswith("backtest."):
            set_config_value(root, key, value)
    assert _run([dvc, "unfreeze", "backtest"], root).returncode == 0
    ran = _run([dvc, "repro", "backtest"], root)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert "Running stage 'backtest'" in ran.stdout and "Running stage 'train'" not in ran.stdout
    metrics = json.loads((root / "reports" / "backtest_metrics.json").read_text())
    # the daily evidence stage already walked the season forward with the same light model: no retraining here
    assert metrics["predictions_cache"] == "hit"
    # with the evidence gate the default run may stake nothing (README, Quickstart), so no count is promised; what
    # is promised: the walk-forward had slate days, and every bet placed on them is either staked or on paper
    daily = pd.read_csv(root / "reports" / "backtest_daily.csv")
    assert len(daily) > 0
    assert int(daily["bets"].sum()) == metrics["bets"] + metrics["paper_bets"]
    assert _run([dvc, "freeze", "backtest"], root).returncode == 0
    assert "frozen: true" in (root / "dvc.yaml").read_text()


def test_the_next_day_predicts_with_the_champion_without_retraining_and_retrain_moves_the_window(piped) -> None:
    """A new day inside model.retrain_every_days: the features change, the training set does not, so DVC skips
    train; `nba-pra pipeline --retrain` moves the window to the new slate and registers a new version."""
    root, _ = piped
    window = json.loads((root / "artifacts/training_window.json").read_text())
    advanced = _run([str(_BIN / "nba-pra"), "data", "generate", "--advance", "1", "-q"], root)
    assert advanced.returncode == 0, advanced.stderr
    day2 = _run([str(_BIN / "nba-pra"), "pipeline"], root)
    assert day2.returncode == 0, day2.stdout[-3000:] + day2.stderr[-3000:]
    ran = ("dvc repro: 7 stage(s) ran (availability, features, training_set, predict, evidence, bet, ledger), "
           "1 unchanged")
    assert ran in day2.stderr, day2.stderr[-3000:]
    assert "training window unchanged" in day2.stderr
    assert json.loads((root / "artifacts/training_window.json").read_text()) == window
    predictions = pd.read_parquet(root / "artifacts/predictions.parquet")
    assert set(predictions["model_version"]) == {"1"} and str(predictions["game_date"].min().date()) > window["end"]
    retrained = _run([str(_BIN / "nba-pra"), "pipeline", "--retrain"], root)
    assert retrained.returncode == 0, retrained.stdout[-3000:] + retrained.stderr[-3000:]
    assert "training_set, train, predict" in retrained.stderr, retrained.stderr[-3000:]
    moved = json.loads((root / "artifacts/training_window.json").read_text())
    assert moved["end"] == str(predictions["game_date"].min().date()) and moved["rows"] > window["rows"]
    assert json.loads((root / "artifacts/model.json").read_text())["version"] == "2"


def test_fresh_generation_reproduces_data_dvc_byte_for_byte(tmp_path: Path) -> None:
    """The committed data.dvc records the default league; regenerating it gives the same DVC hash."""
    root = _git_project(copy_project(tmp_path / "fresh"))
    assert _run([str(_BIN / "nba-pra"), "data", "generate", "-q"], root).returncode == 0
    added = _run([str(_BIN / "dvc"), "add", "data", "-q"], root)
    assert added.returncode == 0, added.stderr
    fresh = yaml.safe_load((root / "data.dvc").read_text())["outs"][0]
    committed = yaml.safe_load((PROJECT_ROOT / "data.dvc").read_text())["outs"][0]
    assert (fresh["md5"], fresh["size"], fresh["nfiles"]) == (committed["md5"], committed["size"], committed["nfiles"])


def test_ci_script_runs_exactly_the_readme_test_command() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    block = readme.split("## Quickstart", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.strip().splitlines() if line.strip()]
    assert len(commands) == 2
    ci_lines = (PROJECT_ROOT / ".ci" / "run").read_text().splitlines()
    assert ci_lines[-1] == commands[1]
