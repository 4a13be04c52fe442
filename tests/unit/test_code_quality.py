"""The code passes the project's linters: ``ruff check`` and ``mypy`` (both configured in pyproject.toml).

They run here so that the README's test command (pytest) is also the lint gate; contributors get the same two
checks before each commit from ``.pre-commit-config.yaml``. mypy keeps its incremental cache in the project's
``.mypy_cache`` (gitignored), so a rerun only re-checks the modules that changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("ruff", "check", "src", "tests", "benchmarks"), id="ruff"),
        pytest.param(("mypy",), id="mypy"),  # files, plugins and strictness: [tool.mypy]
    ],
)
def test_the_linter_passes(command: tuple[str, ...]) -> None:
    result = _run(*command)
    assert result.returncode == 0, f"`{' '.join(command)}` failed:\n{result.stdout}{result.stderr}"
