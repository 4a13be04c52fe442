"""Odds-specific failures, all subclasses of :class:`nba_pra.errors.OddsError` (exit code 5).

Every message is one sentence naming the cause; none ever contains the API key.
"""

from __future__ import annotations

from nba_pra.errors import OddsAuthError, OddsError, OddsQuotaError

__all__ = [
    "OddsAuthError",
    "OddsConnectionError",
    "OddsEmptySlateError",
    "OddsError",
    "OddsFileError",
    "OddsHttpError",
    "OddsNoLinesError",
    "OddsPayloadError",
    "OddsQuotaError",
    "OddsRateLimitError",
    "OddsTimeoutError",
]


class OddsHttpError(OddsError):
    """The odds API answered with an unexpected HTTP status (422 bad request, 5xx after retries, ...)."""


class OddsRateLimitError(OddsQuotaError):
    """The odds API kept answering 429 after every retry."""


class OddsTimeoutError(OddsError):
    """The odds API did not answer within the configured timeout."""


class OddsConnectionError(OddsError):
    """The odds API could not be reached (connection refused, DNS, reset)."""


class OddsPayloadError(OddsError):
    """The odds source returned data that is not valid JSON or not the expected shape."""


class OddsEmptySlateError(OddsError):
    """There is no game in the slate to fetch lines for."""


class OddsNoLinesError(OddsError):
    """The odds source has no line for any game of the slate."""


class OddsFileError(OddsError):
    """A lines file is missing or unreadable."""
