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
