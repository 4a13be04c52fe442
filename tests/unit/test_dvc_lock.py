"""The committed dvc.lock is current: a fresh clone's first `dvc repro` must not rewrite it.

Cheap: ``dvc status`` hashes the code and params.yaml against the lock; nothing runs. When it fails, regenerate
the lock on the default synthetic league and commit it with the metric summaries:
``uv run nba-pra pipeline && git add dvc.lock data.dvc reports/*.json reports/metrics/*.json``.
"""

from __future__ import annotations

from pathlib import Path

from nba_pra.dvc_cli import stale_lock_entries


def test_the_committed_dvc_lock_matches_the_code_and_params(project_root: Path) -> None:
    assert stale_lock_entries(project_root) == [], (
        "dvc.lock is stale: run `uv run nba-pra pipeline` and commit dvc.lock (see this file's docstring)")
