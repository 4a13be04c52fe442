"""Secrets from the environment, else from a dotenv file: the one way credentials enter the process."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from nba_pra.errors import ConfigError


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


#: ``${oc.env:VAR}`` or ``${oc.env:VAR,default}`` inside a configured URL. conf/ writes it escaped
#: (``\${oc.env:...}``), so composition keeps the reference and params.yaml, MLflow params and the logs never hold
#: the value; it is expanded only where the connection is opened.
ENV_REFERENCE: Final = re.compile(r"\$\{oc\.env:([A-Za-z_][A-Za-z0-9_]*)(?:,([^}]*))?\}")
#: the dotenv file read after the environment (relative to the project root)
ENV_FILE: Final = ".env"


def env_references(text: str) -> list[str]:
    """The variables ``text`` refers to with ``${oc.env:VAR[,default]}``, in order."""
    return [m.group(1) for m in ENV_REFERENCE.finditer(text)]


def expand_env(text: str, root: Path | None = None) -> str:
    """``text`` with every ``${oc.env:VAR[,default]}`` replaced by ``VAR`` from the environment, else from
    ``<root>/.env``, else by the default. A reference without a value or a default is a :class:`ConfigError` that
    names the variable (never a value)."""

    def value(match: re.Match[str]) -> str:
        var, default = match.group(1), match.group(2)
        found = read_secret([var], str(Path(root or ".") / ENV_FILE))
        if found is not None:
            return found
        if default is not None:
            return default.strip()
        raise ConfigError(f"{var} is not set: set it in the environment or in {ENV_FILE} (it is referenced by "
                          f"the configuration as ${{oc.env:{var}}})")

    return ENV_REFERENCE.sub(value, text)


def env_source(text: str, root: Path | None = None) -> str | None:
    """The first referenced variable that is set (environment or ``.env``), i.e. where the value comes from;
    None when every reference falls back to its default (or there is none)."""
    for var in env_references(text):
        if read_secret([var], str(Path(root or ".") / ENV_FILE)) is not None:
            return var
    return None
