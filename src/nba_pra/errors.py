"""Exception hierarchy: every error a user can meet carries a one-sentence message and a CLI exit code.

The CLI turns an :class:`NbaPraError` into ``error: <message>`` on stderr and exits with ``exit_code``;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class NbaPraError(Exception):
    """Base of every user-facing error."""

    exit_code: int = 1


class ConfigError(NbaPraError):
    """The composed configuration is invalid (unknown key, wrong type, missing value)."""

    exit_code = 2


class ProjectNotFoundError(ConfigError):
    """The command was run outside an nba-pra project (no ``conf/`` + ``dvc.yaml`` above the cwd)."""


class DataError(NbaPraError):
    """Input data is missing, malformed or stale."""

    exit_code = 3


class DataValidationError(DataError):
    """A table failed a schema or range rule; the message names the rule and the first offending rows."""


class StaleDataError(DataError):
    """The latest game in the data is older than the freshness limit allows (raised with ``--strict``)."""


class AvailabilityError(DataError):
    """The pre-game availability source failed (HTTP, an unreadable report PDF, a missing snapshot file).
    The availability stage turns it into one warning and "unknown" features unless ``availability.strict``."""


class InjuryReportParseError(AvailabilityError):
    """An official injury report PDF does not have the expected layout (header, columns, row lines)."""


class ModelNotFoundError(NbaPraError):
    """No registered model version answers the requested alias: the user has to train first."""

    exit_code = 4


class OddsError(NbaPraError):
    """The odds source failed (auth, quota, HTTP, timeout, malformed payload, empty slate)."""

    exit_code = 5


class OddsAuthError(OddsError):
    """The odds API rejected the key (401/403)."""


class OddsQuotaError(OddsError):
    """The odds API quota is exhausted or below the configured floor."""


class LedgerError(NbaPraError):
    """The ledger database could not be read or written."""

    exit_code = 6


class TrackingError(NbaPraError):
    """MLflow tracking or the model registry failed."""

    exit_code = 7


class PipelineError(NbaPraError):
    """An external pipeline command (``dvc repro``, ``dvc add data``) failed."""

    exit_code = 8


class AlertError(NbaPraError):
    """A webhook or SMTP alert could not be delivered (message scrubbed of secrets). Never fatal: the alert
    dispatcher turns it into one warning, because a missed notification must not fail the daily pipeline."""

    exit_code = 9


class ProjectLockedError(NbaPraError):
    """Another run holds the project lock (``nba_pra.operations.lock``): runs that change project state never
    overlap."""

    exit_code = 10
