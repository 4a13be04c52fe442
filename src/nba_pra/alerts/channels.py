"""Delivery: POST JSON to a webhook (requests), send an email (smtplib); each failure is one AlertError.

Secrets (the webhook URL, the SMTP password) are passed in by the caller and never appear in a message: errors
name the webhook by scheme and host only, and any exception text is scrubbed of the secrets before use.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import requests

from nba_pra.alerts.errors import AlertError
from nba_pra.alerts.settings import SmtpSecurity, SmtpSettings
from nba_pra.odds.http import install_redaction
from nba_pra.redaction import redact_text

#: a webhook answering with any 2xx status accepted the message
_HTTP_OK_RANGE = range(200, 300)


def public_url(url: str) -> str:
    """``scheme://host[:port]`` of a webhook URL: the path and query of a webhook URL are its secret."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return "(invalid URL)"
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def post_webhook(url: str, payload: dict[str, Any], timeout_s: float) -> None:
    """POST ``payload`` as JSON to ``url``; raise :class:`AlertError` unless the answer is 2xx."""
    install_redaction(url)
    secret_part = url.split(public_url(url), 1)[-1]
    if len(secret_part) > 1:  # urllib3's debug log prints the request path without the host
        install_redaction(secret_part)
    where = public_url(url)
    try:
        response = requests.post(url, json=payload, timeout=timeout_s)
    except requests.exceptions.Timeout:
        raise AlertError(f"the alert webhook at {where} did not answer within {timeout_s:g} s") from None
    except requests.exceptions.ConnectionError:
        raise AlertError(f"could not connect to the alert webhook at {where}") from None
    except requests.exceptions.RequestException as exc:
        raise AlertError(f"posting to the alert webhook at {where} failed ({type(exc).__name__})") from None
    if response.status_code not in _HTTP_OK_RANGE:
        raise AlertError(f"the alert webhook at {where} answered HTTP {response.status_code}")


def send_email(
    settings: SmtpSettings, message: EmailMessage, *, username: str | None, password: str | None
) -> None:
    """Send ``message`` through ``settings.host:port`` (login only when ``username`` is given)."""
    where = f"{settings.host}:{settings.port}"
    secrets = tuple(s for s in (password, username) if s)
    try:
        if settings.security is SmtpSecurity.SSL:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_s, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        with server:
            if settings.security is SmtpSecurity.STARTTLS:
                server.starttls(context=ssl.create_default_context())
            if username:
                server.login(username, password or "")
            server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise AlertError(f"the SMTP server {where} rejected the login for the alert email") from None
    except (smtplib.SMTPException, OSError) as exc:
        detail = redact_text(str(exc), secrets) or type(exc).__name__
        raise AlertError(f"sending the alert email through {where} failed: {detail}") from None
