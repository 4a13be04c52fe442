"""The dashboard's secret redaction: every secret the configuration can reach, masked in whatever a view shows.

Secrets never reach a view: URLs are shown through :func:`redact_url`, and :func:`scrub` masks every configured
secret (DB passwords, The Odds API key, alert credentials) in whatever text a view carries, e.g. a driver's error.
(The reads are in :mod:`.readers`, the shaping of pages in :mod:`.views`.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from nba_pra.config import Project

#: what replaces a secret in any text a view shows
MASK: Final = "***"
#: query-string keys whose values are treated as secrets in URLs (lower case, compared case-insensitively)
_SECRET_QUERY_KEYS: Final = frozenset({"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "key"})
#: secrets shorter than this are not scrubbed from free text (masking every "ab" would garble pages); they are
#: still masked inside URLs, which is where a short DB password would appear
_MIN_SCRUB_CHARS: Final = 4


# --- secrets ----------------------------------------------------------------------------------------------------


def redact_url(url: str) -> str:
    """``url`` with the password of its user info and secret-looking query values replaced by :data:`MASK`.

    Works for SQLAlchemy URLs (``postgresql+psycopg://user:pw@host/db``) and HTTP URLs alike; text that does not
    parse as a URL is returned unchanged.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    # replace the parts in place: re-assembling with urlunsplit would turn sqlite:///x.db into sqlite:/x.db
    redacted = url
    if password is not None:
        userinfo, _, hostinfo = parts.netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        redacted = redacted.replace(f"//{parts.netloc}", f"//{user}:{MASK}@{hostinfo}", 1)
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, MASK if k.lower() in _SECRET_QUERY_KEYS else v) for k, v in pairs], safe="*")
        redacted = redacted.replace(f"?{parts.query}", f"?{query}", 1)
    return redacted


def _url_secrets(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
        found = [parts.password] if parts.password else []
    except ValueError:
        return []
    found += [v for k, v in parse_qsl(parts.query) if k.lower() in _SECRET_QUERY_KEYS and v]
    return [*found, *(unquote(v) for v in found)]


def secrets_of(project: Project) -> tuple[str, ...]:
    """Every secret the project's configuration can reach: DB/tracking passwords, the odds key, alert credentials.

    Longest first, so a secret containing another is masked whole.
    """
    from nba_pra.odds.http import resolve_api_key

    s = project.settings
    found: list[str] = []
    for url in (s.ledger.url, s.backtest.ledger.url, s.tracking.uri):
        found += _url_secrets(url)
    found.append(resolve_api_key(s.odds.theoddsapi) or "")
    for var in (s.alerts.webhook.url_env, s.alerts.smtp.username_env, s.alerts.smtp.password_env):
        found.append(os.environ.get(var, ""))
    unique = {v for v in found if len(v) >= _MIN_SCRUB_CHARS}
    return tuple(sorted(unique, key=len, reverse=True))


def scrub(value: Any, secrets: Sequence[str]) -> Any:
    """``value`` (nested dicts/lists of plain values) with every occurrence of a secret masked in its strings."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, Mapping):
        return {k: scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v, secrets) for v in value]
    return value
