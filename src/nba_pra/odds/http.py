"""HTTP edge of The Odds API: one ``requests.Session`` with timeouts, retries and key hygiene.

The API key travels as the ``apiKey`` query parameter, so every URL is a secret. It is kept out of:

* our messages: errors are built from the status / exception *type*, never from ``str(exc)`` or a URL;
* exception chains: errors are raised ``from None`` (a traceback would print the request URL);
* third-party logs: urllib3 logs full URLs on retries and at DEBUG, so the shared redaction filter
  (:mod:`nba_pra.redaction`) on its loggers masks ``apiKey=...`` and the key itself in every record;
* cache files: only response bodies are written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Final

import requests
from urllib3.exceptions import ReadTimeoutError

from nba_pra.credentials import read_secret
from nba_pra.http_session import retrying_session
from nba_pra.odds.errors import (
    OddsAuthError,
    OddsConnectionError,
    OddsHttpError,
    OddsPayloadError,
    OddsQuotaError,
    OddsRateLimitError,
    OddsTimeoutError,
)
from nba_pra.odds.settings import TheOddsApiSettings
from nba_pra.redaction import protect_loggers, redact_text, remember

log = logging.getLogger(__name__)

#: third-party loggers that may print request URLs
_URL_LOGGERS: Final = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3", "requests")
_QUOTA_HEADERS: Final = ("x-requests-remaining", "x-requests-used", "x-requests-last")
_HTTP_OK: Final = 200
_HTTP_UNAUTHORIZED: Final = 401
_HTTP_FORBIDDEN: Final = 403
_HTTP_NOT_FOUND: Final = 404
_HTTP_UNPROCESSABLE: Final = 422
_HTTP_TOO_MANY: Final = 429
_HTTP_SERVER_ERROR: Final = 500
#: characters of an API error message quoted in our error (enough for "Invalid markets parameter")
_MESSAGE_CHARS: Final = 120


def install_redaction(secret: str | None) -> None:
    """Mask ``secret`` (and any ``apiKey=`` parameter) in the logs of urllib3 and requests (idempotent)."""
    remember(secret)
    protect_loggers(*_URL_LOGGERS)


def resolve_api_key(settings: TheOddsApiSettings) -> str | None:
    """The key from the first set variable of ``settings.api_key_env``, else from ``settings.env_file``."""
    return read_secret(settings.api_key_env, settings.env_file)


@dataclass(frozen=True)
class Quota:
    """The API's usage headers after a response (None when absent)."""

    remaining: int | None = None
    used: int | None = None
    last: int | None = None

    @classmethod
    def from_headers(cls, headers: Any) -> Quota:
        def number(name: str) -> int | None:
            raw = headers.get(name)
            try:
                return int(float(raw)) if raw is not None else None
            except ValueError:
                return None

        return cls(*(number(h) for h in _QUOTA_HEADERS))


class OddsApiClient:
    """GET JSON from The Odds API with retries; every failure becomes a one-sentence :class:`OddsError`."""

    def __init__(self, settings: TheOddsApiSettings, api_key: str | None) -> None:
        self.settings = settings
        self._key = api_key
        self.quota = Quota()
        install_redaction(api_key)
        self.session = retrying_session(settings.retry)

    def close(self) -> None:
        self.session.close()

    @property
    def has_key(self) -> bool:
        return bool(self._key)

    def get(self, path: str, params: dict[str, str], *, what: str) -> Any:
        """JSON body of ``GET base_url + path``; ``what`` names the request in errors ("the NBA events list")."""
        if not self._key:
            names = " or ".join(self.settings.api_key_env)
            raise OddsAuthError(f"no The Odds API key is configured: set {names} in the environment or .env")
        url = self.settings.base_url.rstrip("/") + path
        timeout = (self.settings.connect_timeout_s, self.settings.read_timeout_s)
        attempts = self.settings.retry.total + 1
        try:
            response = self.session.get(url, params={**params, "apiKey": self._key}, timeout=timeout)
        except requests.exceptions.Timeout:
            raise OddsTimeoutError(
                f"The Odds API did not answer {what} within {self.settings.read_timeout_s:g} s"
                f" ({attempts} attempt(s))"
            ) from None
        except requests.exceptions.ConnectionError as exc:
            if _caused_by_read_timeout(exc):
                raise OddsTimeoutError(
                    f"The Odds API did not answer {what} within {self.settings.read_timeout_s:g} s"
                    f" ({attempts} attempt(s))"
                ) from None
            raise OddsConnectionError(
                f"could not connect to The Odds API at {self.settings.base_url} for {what}"
                f" ({attempts} attempt(s)): connection refused or unreachable"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise OddsHttpError(f"the request for {what} to The Odds API failed ({type(exc).__name__})") from None
        self._record_quota(response)
        return self._body(response, what, attempts)

    def _record_quota(self, response: requests.Response) -> None:
        quota = Quota.from_headers(response.headers)
        if quota.remaining is not None or quota.used is not None:
            self.quota = quota
            log.info("The Odds API quota: remaining=%s used=%s last=%s", quota.remaining, quota.used, quota.last)

    def _body(self, response: requests.Response, what: str, attempts: int) -> Any:
        status = response.status_code
        if status == _HTTP_OK:
            try:
                return response.json()
            except ValueError:
                raise OddsPayloadError(
                    f"The Odds API answered {what} with truncated or invalid JSON"
                ) from None
        message = self._api_message(response)
        if status == _HTTP_UNAUTHORIZED:
            if re.search(r"quota|usage|credit", message, re.IGNORECASE):
                raise OddsQuotaError(f"The Odds API quota is used up (HTTP 401 for {what}: {message})")
            raise OddsAuthError(f"The Odds API rejected the API key (HTTP 401 for {what}); check ODDS_API_KEY")
        if status == _HTTP_FORBIDDEN:
            raise OddsAuthError(
                f"The Odds API refused access (HTTP 403 for {what}); the plan may not include this endpoint or market"
            )
        if status == _HTTP_NOT_FOUND:
            raise OddsHttpError(f"The Odds API does not know {what} (HTTP 404)")
        if status == _HTTP_UNPROCESSABLE:
            raise OddsHttpError(f"The Odds API rejected the parameters of {what} (HTTP 422: {message})")
        if status == _HTTP_TOO_MANY:
            raise OddsRateLimitError(
                f"The Odds API kept rate-limiting {what} (HTTP 429) after {attempts} attempt(s)"
            )
        if status >= _HTTP_SERVER_ERROR:
            raise OddsHttpError(f"The Odds API failed on {what} with HTTP {status} after {attempts} attempt(s)")
        raise OddsHttpError(f"The Odds API answered {what} with unexpected HTTP {status}")

    def _api_message(self, response: requests.Response) -> str:
        """The API's short error message (JSON ``message``), scrubbed and truncated; empty when absent."""
        try:
            body = response.json()
        except ValueError:
            return "no message"
        message = body.get("message", "") if isinstance(body, dict) else ""
        text = redact_text(str(message), (self._key or "",))[:_MESSAGE_CHARS]
        return text or "no message"


def _caused_by_read_timeout(exc: BaseException) -> bool:
    """requests wraps a read timeout that exhausted the retries as ConnectionError(MaxRetryError(ReadTimeout))."""
    for arg in exc.args:
        reason = getattr(arg, "reason", None)
        if isinstance(reason, ReadTimeoutError) or isinstance(arg, ReadTimeoutError):
            return True
    return False
