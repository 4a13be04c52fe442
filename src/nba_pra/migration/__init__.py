"""``nba-pra migrate``: move a single machine's tracking store and ledger onto the stores the project is configured
for now (a team's MLflow server and PostgreSQL, docs/deploy.md).

The destination is the project's own configuration (``tracking`` and ``ledger`` with their ``${oc.env:...}``
references, so the passwords come from the environment or ``.env`` as for every other command); the source is
named on the command line (``--tracking-from sqlite:///mlflow.db``, ``--ledger-from sqlite:///ledger.db``; a
relative SQLite path is under the project root). Both copies are idempotent: run it again after a failure.

No DVC stage depends on this package: it is a one-off tool, not part of the daily run.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from nba_pra.config import Project
from nba_pra.errors import ConfigError
from nba_pra.ledger.store import LedgerStore, open_ledger, resolve_url
from nba_pra.migration.ledger import copy_ledger
from nba_pra.migration.tracking import copy_tracking
from nba_pra.redaction import redact_url
from nba_pra.tracking.client import resolve_tracking_uri

_SQLITE = "sqlite"


def _existing_sqlite(url: str, what: str, flag: str) -> None:
    """A SQLite source must exist: opening a missing file would create an empty store and copy nothing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == _SQLITE and parsed.database and not Path(parsed.database).is_file():
        raise ConfigError(f"{flag}: no {what} at {parsed.database}")


def migrate(project: Project, *, tracking_from: str | None, ledger_from: str | None) -> list[str]:
    """Copy the named source stores into the configured ones; one summary line per store copied."""
    if tracking_from is None and ledger_from is None:
        raise ConfigError("nothing to migrate: give --tracking-from URI and/or --ledger-from URL")
    said: list[str] = []
    if tracking_from is not None:
        source = resolve_tracking_uri(tracking_from, project.root)
        _existing_sqlite(source, "MLflow tracking DB", "--tracking-from")
        destination = resolve_tracking_uri(project.settings.tracking.uri, project.root)
        said.append(copy_tracking(source, destination).summary())
    if ledger_from is not None:
        settings = project.settings.ledger
        url = resolve_url(ledger_from, project.root)
        _existing_sqlite(url, "ledger DB", "--ledger-from")
        with LedgerStore(url, table_prefix=settings.table_prefix) as source_store, \
                open_ledger(settings, project.root) as destination_store:
            copied = copy_ledger(source_store, destination_store)
        tables = ", ".join(f"{new} {name}" + (f" ({there} already there)" if there else "")
                           for name, (new, there) in copied.items())
        said.append(f"ledger {redact_url(url)} -> {redact_url(destination_store.url)}: copied {tables}")
    return said
