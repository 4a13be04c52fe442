"""One HTTP session policy for every outside source (The Odds API, the official injury reports).

Both sources want the same behaviour: GET only, retries on connection errors and on the configured statuses
(429/5xx), exponential backoff ``sleep = backoff_factor * 2**(n-1) + U(0, backoff_jitter)`` capped at
``backoff_max`` seconds, and a server's ``Retry-After`` honoured up to ``retry_after_max_s``. The last failed
response is returned rather than raised, so each caller turns it into its own one-sentence error.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from nba_pra.schema import Count, NonNegative, NonNegInt, settings


@settings
class RetrySettings:
    """urllib3 ``Retry`` of the HTTP session: ``sleep = backoff_factor * 2**(n-1) + U(0, backoff_jitter)``."""

    total: NonNegInt
    backoff_factor: NonNegative
    backoff_jitter: NonNegative
    backoff_max: NonNegative
    retry_after_max_s: NonNegInt
    status_forcelist: tuple[Count, ...]


def retrying_session(retry: RetrySettings, user_agent: str | None = None) -> requests.Session:
    """A ``requests.Session`` whose http(s) adapters retry GETs as ``retry`` says (``total`` bounds connect, read
    and status retries alike)."""
    policy = Retry(
        total=retry.total,
        connect=retry.total,
        read=retry.total,
        status=retry.total,
        backoff_factor=retry.backoff_factor,
        backoff_jitter=retry.backoff_jitter,
        backoff_max=retry.backoff_max,
        retry_after_max=retry.retry_after_max_s,
        status_forcelist=retry.status_forcelist,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last response comes back and the caller turns it into a clear error
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=policy)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if user_agent:
        session.headers["User-Agent"] = user_agent
    return session
