"""Secrets from the environment, else from a dotenv file: the one way credentials enter the process."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def read_secret(variables: Sequence[str], env_file: str) -> str | None:
    """The value of the first set variable of ``variables``, else of the first one set in ``env_file``."""
    for var in variables:
        value = os.environ.get(var, "").strip()
        if value:
            return value
    path = Path(env_file)
    if path.is_file():
        from dotenv import dotenv_values

        values = dotenv_values(path)  # read only: the secret does not leak into os.environ (child processes)
        for var in variables:
            value = (values.get(var) or "").strip()
            if value:
                return value
    return None
