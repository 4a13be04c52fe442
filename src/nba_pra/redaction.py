"""The one redaction service: no secret reaches a log line, an error message, a dashboard view or an MLflow param.

A secret is masked with :data:`MASK` in three forms, in URLs and in free text alike (driver errors, Hydra's
echo of an override, tracebacks):

* the password of a URL's user info: ``postgresql+psycopg://u:pw@host/db`` -> ``u:***@``;
* the value of a secret-looking parameter: ``?password=pw``, ``&sslpassword=pw``, ``apiKey=k``, ``token=t``
  (also outside URLs, e.g. a libpq DSN ``password=pw`` in a driver's message);
* any value the process knows to be secret (:func:`remember`, :func:`secrets_of`): the odds key, alert
  credentials, a password substituted from the environment, wherever it appears, even without ``password=``.

The patterns need no registration, so an error raised before the configuration is known (a bad override) is
masked too. Every consumer goes through :func:`redact_text` (strings), :func:`redact_value` (nested views) or
:class:`RedactingFilter` (log records, installed on our handlers and on the loggers of URL-printing libraries).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from nba_pra.credentials import env_source, expand_env, read_secret
from nba_pra.errors import ConfigError

if TYPE_CHECKING:
    from nba_pra.config import Settings

#: what replaces a secret
MASK: Final = "***"
#: parameter names whose values are secrets (compared case-insensitively; ``apiKey`` is The Odds API's)
SECRET_KEYS: Final = frozenset(
    {"password", "passwd", "pwd", "token", "key", "secret", "apikey", "api_key", "sslpassword"}
)
#: configured or remembered secrets shorter than this are not masked in free text (masking every "ab" would
#: garble messages); they are still masked where they sit in a URL's user info or a secret parameter, the usual
#: place of a short DB password. Secrets a caller passes explicitly are masked whatever their length.
_MIN_FREE_TEXT_CHARS: Final = 4

# ``name=value`` with a secret name not glued to a longer word (``sslpassword`` is listed itself); the value runs
# to the next separator of a query string, a quote, or whitespace; a colon ending it before a space is the
# message's ("cannot open the ledger at URL: why"), while a colon inside it is part of the secret
_STOP: Final = r"&\s'\"#,;)\]}"
_PARAM: Final = re.compile(
    r"(?<![A-Za-z0-9_])(" + "|".join(sorted(SECRET_KEYS, key=len, reverse=True)) + r")="
    rf"([^{_STOP}]+?)(?=[{_STOP}]|:(?:\s|$)|$)",
    re.IGNORECASE,
)
# ``scheme://user:password@`` (the password is percent-encoded in a valid URL: no ``@``, ``/`` or space in it)
_USERINFO: Final = re.compile(r"(://[^/\s:@'\"]*):([^@\s/'\"]+)@")

_remembered: set[str] = set()


def _by_length(secrets: Iterable[str]) -> list[str]:
    """Longest first, so a secret containing another is masked whole (empty values dropped)."""
    return sorted({s for s in secrets if s}, key=len, reverse=True)


def _long_enough(secrets: Iterable[str | None]) -> list[str]:
    return _by_length(s for s in secrets if s and len(s) >= _MIN_FREE_TEXT_CHARS)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL passwords, secret parameter values and every value of ``secrets`` masked."""
    text = _USERINFO.sub(rf"\g<1>:{MASK}@", text)
    text = _PARAM.sub(rf"\g<1>={MASK}", text)
    for secret in _by_length(secrets):
        text = text.replace(secret, MASK)
    return text


def redact_url(url: str) -> str:
    """``url`` with the password of its user info and its secret query values masked (any scheme, SQLAlchemy's
    ``dialect+driver://`` included); the rest is kept byte for byte (``sqlite:///x.db`` stays as it is)."""
    return redact_text(url)


def redact_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """``value`` (nested mappings/sequences of plain values, e.g. a JSON view) with :func:`redact_text` applied
    to every string in it; tuples come back as lists (JSON has no tuples)."""
    ordered = tuple(_by_length(secrets))
    if isinstance(value, str):
        return redact_text(value, ordered)
    if isinstance(value, Mapping):
        return {k: redact_value(v, ordered) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v, ordered) for v in value]
    return value


def url_secrets(url: str) -> list[str]:
    """The secret values inside ``url`` (user-info password, secret query values), raw and percent-decoded."""
    try:
        parts = urlsplit(url)
        found = [parts.password] if parts.password else []
    except ValueError:
        return []
    found += [v for k, v in parse_qsl(parts.query) if k.lower() in SECRET_KEYS and v]
    return [*found, *(unquote(v) for v in found)]


def secrets_of(settings: Settings, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every secret the configuration can reach: DB/tracking passwords (also when ``${oc.env:...}`` put them
    into a URL), the odds key, the alert credentials. Longest first; too-short values left out."""
    env = os.environ if environ is None else environ
    found: list[str] = []
    for url in (settings.ledger.url, settings.backtest.ledger.url, settings.tracking.uri):
        found += url_secrets(url)
        # a reference kept for the connection (conf/: \${oc.env:...}) is a secret once expanded; an unset one
        # without a default has nothing to mask yet (opening the connection says so)
        with contextlib.suppress(ConfigError):
            found += url_secrets(expand_env(url))
    api = settings.odds.theoddsapi
    found.append(read_secret(api.api_key_env, api.env_file) or "")
    alerts = settings.alerts
    for var in (alerts.webhook.url_env, alerts.smtp.username_env, alerts.smtp.password_env):
        found.append(env.get(var, ""))
    return tuple(_long_enough(found))


def remember(*secrets: str | None) -> None:
    """Mask these values in every log record and CLI error of this process from now on."""
    _remembered.update(_long_enough(secrets))


def remembered() -> tuple[str, ...]:
    """The values :func:`remember` was given (longest first)."""
    return tuple(_by_length(_remembered))


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message, traceback and stack before any handler formats it.

    The traceback is formatted here (and cached on the record, where formatters look first), because a chained
    driver exception prints the connection URL.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = remembered()
        message = record.getMessage()
        clean = redact_text(message, secrets)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info, secrets)
        return True


_FILTER: Final = RedactingFilter()


def redacting_filter() -> RedactingFilter:
    """The process's filter (one instance, so installing it twice is a no-op)."""
    return _FILTER


def protect_loggers(*names: str) -> None:
    """Install the filter on these loggers themselves: records of a library logger are masked even where no
    handler of ours formats them (pytest's capture, a host application's handlers). Idempotent."""
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def shown_url(url: str, root: Path | None = None) -> str:
    """A configured URL as surfaces show it: references expanded, password masked, and the variable it came from
    when the environment (or ``.env``) set it, e.g. ``http://mlflow:5000 (MLFLOW_TRACKING_URI)``."""
    try:
        expanded = expand_env(url, root)
    except ConfigError:
        return redact_url(url)  # the unexpanded reference names the variable to set
    source = env_source(url, root)
    return redact_url(expanded) + (f" ({source})" if source else "")
