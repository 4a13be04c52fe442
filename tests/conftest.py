"""Test-wide guards: no network beyond 127.0.0.1, quiet offline MLflow, the project root as a fixture."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: the real NBA data shared beside the checkout (../shared/data), or wherever NBA_PRA_SHARED_DATA points
SHARED_DATA = Path(os.environ.get("NBA_PRA_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))

for _key, _value in {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    "GIT_PYTHON_REFRESH": "quiet",
    # XGBoost's OpenMP threads spin while they wait for work by default: with two xdist workers each training on
    # two threads (model.*.nthread) on a 2-core runner, the spinning threads burned ~6x the CPU of the fits
    # themselves (25-round fits: 28.7 s vs 3.7 s passive). Passive waiting changes no result, only idle behaviour;
    # it must be set before libgomp loads (no test module has imported xgboost yet) and reaches the stage processes.
    "OMP_WAIT_POLICY": "PASSIVE",
}.items():
    os.environ.setdefault(_key, _value)

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    if isinstance(address, tuple) and address and address[0] not in _LOCAL_HOSTS:
        raise RuntimeError(f"tests may not reach the network: connect to {address!r} blocked")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _loggers_enabled():
    """In-process Hydra apps (the sweep tests) apply a logging dictConfig that disables existing loggers;
    re-enable them so later tests' caplog and log files see our records."""
    yield
    import logging

    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real NBA data not available at {SHARED_DATA} (set NBA_PRA_SHARED_DATA to its folder)")
    return SHARED_DATA


def copy_project(dest: Path) -> Path:
    """A working copy of the project's config and pipeline files (not data, artifacts or DBs) in ``dest``."""
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    for name in ("conf", "src"):
        shutil.copytree(PROJECT_ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dvc.yaml", "params.yaml", "pyproject.toml", ".dvcignore", "MLproject"):
        if (PROJECT_ROOT / name).exists():
            shutil.copy2(PROJECT_ROOT / name, dest / name)
    return dest


@pytest.fixture
def tmp_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh project copy as the working directory."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


#: appended to a project copy's conf/config.yaml (its own keys override the groups: `_self_` comes last):
#: a small league and a light model, so the whole pipeline runs in seconds in tests
_SMALL_MARKER = "# --- small test project ---\n"
SMALL_PROJECT_OVERRIDES = """
data:
  synthetic:
    n_teams: 8
    current_season_days_played: 40
cv:
  n_folds: 4
model:
  mean_rounds: 25
  variance_rounds: 10
pricing:
  method: model   # the plumbing tests need bets on a small league: the raw model still claims edges there
backtest:         # the evidence stage's walk-forward: the small league's own light model, two-week retrains
  retrain_every_days: 14
  model:
    n_folds: 2
    mean_rounds: null
    variance_rounds: null
"""


#: a market whose estimate ignores the public form and errs by 12 % (log-sd), independently of the box scores: the
#: default market is as sharp as the real one, so a few small days give the model few bets; loops that need bets
#: to settle use this one (the old generous market)
GENEROUS_MARKET = {"data.synthetic.sportsbook.public_weight": 0.0, "data.synthetic.sportsbook.rate_error_sd": 0.12}


def make_small_project(dest: Path) -> Path:
    """A project copy configured for a small league, with params.yaml regenerated from its conf/."""
    from nba_pra.config import compose, render_params

    root = copy_project(dest)
    with (root / "conf" / "config.yaml").open("a") as fh:
        fh.write(_SMALL_MARKER + SMALL_PROJECT_OVERRIDES)
    (root / "params.yaml").write_text(render_params(compose(root)))
    return root


def set_config_value(root: Path, dotted: str, value: object) -> None:
    """Change one key of the small project's override block (e.g. advance the league by a day)."""
    import yaml

    from nba_pra.config import compose, render_params

    config = root / "conf" / "config.yaml"
    head, _, block = config.read_text().partition(_SMALL_MARKER)
    data = yaml.safe_load(block)
    node = data
    *parents, leaf = dotted.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    config.write_text(head + _SMALL_MARKER + yaml.safe_dump(data, sort_keys=False))
    (root / "params.yaml").write_text(render_params(compose(root)))


#: ODDS_API_KEY while the shared trained project is built: the secret scans of its copies look for this key too
TEMPLATE_ODDS_KEY = "template-build-key-7c6b5a4f3e2d"
#: the verbs that take the small project to "data, features, a champion model and predictions of the next slate"
TRAINED_VERBS = (["data", "generate"], ["features", "-q"], ["train", "-q"], ["predict", "-q"])


def _build_trained_project(root: Path) -> None:
    from nba_pra.cli import main

    make_small_project(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ODDS_API_KEY", TEMPLATE_ODDS_KEY)
        mp.delenv("ODDS_API_FREE_KEY", raising=False)
        mp.chdir(root)
        for verb in TRAINED_VERBS:
            assert main(verb) == 0, verb


@pytest.fixture(scope="session")
def trained_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small project after ``TRAINED_VERBS``, built once per test run and shared by the xdist workers (under a
    file lock in their common temporary folder); tests never touch it, they work on ``copy_trained_project``."""
    import fcntl
    import shutil

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "trained-template"
    root, done = folder / "project", folder / "built"
    with (shared / "trained-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed half-way left a partial copy
            _build_trained_project(root)
            done.touch()
    return root


def copy_trained_project(template: Path, dest: Path) -> Path:
    """A working copy of ``trained_template`` at ``dest``: MLflow's SQLite store (and each MLmodel file) keeps
    absolute artifact locations, so every text value naming the template's folder is pointed at the copy (its
    registry then loads and logs there; the template's log file keeps the template's paths)."""
    import shutil
    import sqlite3

    shutil.copytree(template, dest)
    old, new = str(template), str(dest)
    with sqlite3.connect(dest / "mlflow.db") as conn:
        tables = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            for column in [row[1] for row in conn.execute(f'pragma table_info("{table}")')]:
                conn.execute(f'update "{table}" set "{column}" = replace("{column}", ?, ?) '
                             f'where typeof("{column}") = \'text\' and instr("{column}", ?) > 0', (old, new, old))
    conn.close()
    for model_file in (dest / "mlruns").rglob("MLmodel"):  # its artifact_path names the folder too
        model_file.write_text(model_file.read_text().replace(old, new))
    return dest
