"""The Odds API's last seen usage headers, persisted so ``nba-pra status`` can show the quota left.

The HTTP client keeps the latest ``x-requests-remaining/used/last`` in memory
(:class:`nba_pra.odds.http.Quota`); the bet stage saves them after fetching, as
``artifacts/odds_quota.json``::

    {"provider": "theoddsapi", "remaining": 480, "used": 20, "last": 3,
     "seen_at": "2025-01-02T15:04:05+00:00"}

Providers without a quota (synthetic, historical) write nothing, so the file keeps the last real values.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from nba_pra.io import write_json
from nba_pra.odds.http import Quota


@dataclass(frozen=True)
class QuotaRecord:
    """The usage headers of the last answered request, which provider saw them and when (ISO 8601, UTC)."""

    provider: str
    remaining: int | None
    used: int | None
    last: int | None
    seen_at: str


def provider_quota(provider: object) -> Quota | None:
    """The quota a provider's HTTP client saw in this process, or None (no client, no headers yet)."""
    quota = getattr(getattr(provider, "client", None), "quota", None)
    if isinstance(quota, Quota) and (quota.remaining is not None or quota.used is not None):
        return quota
    return None


def write_quota(path: Path, provider_name: str, quota: Quota, *, seen_at: pd.Timestamp | None = None) -> Path:
    """Save ``quota`` as the last seen values (atomic write)."""
    when = (seen_at if seen_at is not None else pd.Timestamp.now(tz="UTC")).floor("s").isoformat()
    record = QuotaRecord(provider_name, quota.remaining, quota.used, quota.last, when)
    return write_json(asdict(record), path)


def save_provider_quota(provider: object, path: Path) -> QuotaRecord | None:
    """Persist the provider's quota when it saw one; return what was written (None: nothing to save)."""
    quota = provider_quota(provider)
    if quota is None:
        return None
    write_quota(path, str(getattr(provider, "name", "unknown")), quota)
    return read_quota(path)


def read_quota(path: Path) -> QuotaRecord | None:
    """The saved record, or None when the file is missing or unreadable (status must not fail on it)."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        return QuotaRecord(**{k: data[k] for k in QuotaRecord.__dataclass_fields__})
    except (ValueError, TypeError, KeyError):
        return None
