"""Addresses and credentials from the environment: ``${oc.env:VAR[,default]}`` kept by conf/, expanded at the edge."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_ROOT
from nba_pra.config import compose
from nba_pra.credentials import env_source, expand_env
from nba_pra.errors import ConfigError
from nba_pra.ledger.store import resolve_url
from nba_pra.redaction import shown_url
from nba_pra.tracking.client import resolve_tracking_uri

REF = "${oc.env:NBA_PRA_TEST_URL,sqlite:///fallback.db}"


def test_the_environment_beats_the_dotenv_file_which_beats_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NBA_PRA_TEST_URL", raising=False)
    assert expand_env(REF, tmp_path) == "sqlite:///fallback.db" and env_source(REF, tmp_path) is None
    (tmp_path / ".env").write_text("NBA_PRA_TEST_URL=postgresql+psycopg://u:fromfile@h/db\n")
    assert expand_env(REF, tmp_path) == "postgresql+psycopg://u:fromfile@h/db"
    monkeypatch.setenv("NBA_PRA_TEST_URL", "http://mlflow.team:5000")
    assert expand_env(f"x {REF} y", tmp_path) == "x http://mlflow.team:5000 y"
    assert env_source(REF, tmp_path) == "NBA_PRA_TEST_URL"


def test_an_unset_reference_without_default_names_the_variable(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBA_PRA_TEST_UNSET", raising=False)
    with pytest.raises(ConfigError, match="NBA_PRA_TEST_UNSET is not set"):
        expand_env("postgresql://u@h/${oc.env:NBA_PRA_TEST_UNSET}", tmp_path)
    # a surface shows the reference instead of failing
    assert shown_url("postgresql://u@h/${oc.env:NBA_PRA_TEST_UNSET}", tmp_path).endswith("NBA_PRA_TEST_UNSET}")


def test_connections_expand_the_reference_and_surfaces_mask_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBA_PRA_TEST_URL", "postgresql+psycopg://team:s3cret-value@db.team:5432/ledger")
    assert resolve_url(REF, tmp_path) == "postgresql+psycopg://team:s3cret-value@db.team:5432/ledger"
    shown = shown_url(REF, tmp_path)
    assert "s3cret-value" not in shown and shown.endswith("(NBA_PRA_TEST_URL)") and "team:***@db.team" in shown
    monkeypatch.delenv("NBA_PRA_TEST_URL")
    # the fallback: a relative SQLite file resolves under the project root as before
    assert resolve_tracking_uri(REF, tmp_path) == f"sqlite:///{(tmp_path / 'fallback.db').resolve()}"


def test_params_yaml_keeps_the_references_of_the_tracking_and_postgres_ledger_urls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://u:leaked-if-resolved@h:5000")
    monkeypatch.setenv("NBA_PRA_LEDGER_URL", "postgresql+psycopg://u:leaked-if-resolved@h/db")
    composed = compose(PROJECT_ROOT, ["ledger=postgres", "tracking=server"])
    assert composed["tracking"]["uri"] == "${oc.env:MLFLOW_TRACKING_URI,http://127.0.0.1:5000}"
    assert composed["ledger"]["url"].startswith("${oc.env:NBA_PRA_LEDGER_URL,")
    committed = yaml.safe_load((PROJECT_ROOT / "params.yaml").read_text())
    assert committed["tracking"]["uri"] == "${oc.env:MLFLOW_TRACKING_URI,sqlite:///mlflow.db}"
    assert "leaked-if-resolved" not in yaml.safe_dump(composed)


def test_a_tracker_leaves_the_users_mlflow_tracking_uri_as_it_was(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """MLflow's URI setters write MLFLOW_TRACKING_URI into the environment; left there, the next project in the
    process (or a stage subprocess) would read another project's store as the user's override."""
    from nba_pra.config import load_project
    from nba_pra.tracking.client import Tracker

    settings = load_project(PROJECT_ROOT).settings.tracking
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    Tracker(settings, tmp_path / "one")
    assert "MLFLOW_TRACKING_URI" not in os.environ and "MLFLOW_REGISTRY_URI" not in os.environ
    assert Tracker(settings, tmp_path / "two").uri == f"sqlite:///{(tmp_path / 'two' / 'mlflow.db').resolve()}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://team:5000")
    assert Tracker(settings, tmp_path / "three").uri == "http://team:5000"
    assert os.environ["MLFLOW_TRACKING_URI"] == "http://team:5000"
