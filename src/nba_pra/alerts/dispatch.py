"""After the bet stage: send the high-edge bets to every configured channel; never raise.

A channel is used when it is enabled in ``conf/alerts/`` and its secret is set in the environment. Each
channel that fails (or is enabled without its secret) logs exactly one warning; the pipeline goes on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pandas as pd

from nba_pra.alerts.channels import post_webhook, send_email
from nba_pra.alerts.errors import AlertError
from nba_pra.alerts.message import email_message, select_alert_bets, slack_payload
from nba_pra.alerts.settings import AlertSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertReport:
    """What happened: how many bets qualified, which channels delivered, one warning per failed channel."""

    bets: int = 0
    sent: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = (environ.get(name) or "").strip()
    return value or None


def _deliver(
    settings: AlertSettings,
    environ: Mapping[str, str],
    payload: dict[str, Any],
    message: Callable[[str, tuple[str, ...], str], EmailMessage],
) -> tuple[list[str], list[str]]:
    """Send ``payload`` to the webhook and ``message(sender, recipients, prefix)`` by email, where enabled; returns
    (channels that delivered, one warning per channel that did not). Never raises."""
    sent: list[str] = []
    warnings: list[str] = []

    def attempt(channel: str, deliver: Callable[[], None]) -> None:
        try:
            deliver()
        except AlertError as exc:
            warnings.append(f"{channel} alert not sent: {exc}")
            log.warning("%s", warnings[-1])
        else:
            sent.append(channel)

    if settings.webhook.enabled:
        url = _env(environ, settings.webhook.url_env)
        if url is None:
            warnings.append(f"webhook alert not sent: {settings.webhook.url_env} is not set")
            log.warning("%s", warnings[-1])
        else:
            attempt("webhook", lambda: post_webhook(url, payload, settings.webhook.timeout_s))
    smtp = settings.smtp
    if smtp.enabled:
        if not smtp.recipients:
            warnings.append("email alert not sent: alerts.smtp.recipients is empty")
            log.warning("%s", warnings[-1])
        else:
            email = message(smtp.sender, smtp.recipients, smtp.subject_prefix)
            attempt("email", lambda: send_email(
                smtp, email,
                username=_env(environ, smtp.username_env), password=_env(environ, smtp.password_env),
            ))
    return sent, warnings


def send_failure_alert(
    settings: AlertSettings, subject: str, detail: str, environ: Mapping[str, str] | None = None
) -> AlertReport:
    """Tell every enabled channel that a scheduled job failed (``subject``: one line, ``detail``: the error).

    Sent whatever ``alerts.min_edge`` says (it filters bets, not failures); never raises.
    """
    environ = os.environ if environ is None else environ
    if not settings.enabled or not (settings.webhook.enabled or settings.smtp.enabled):
        log.warning("%s; no alert channel is enabled (conf/alerts)", subject)
        return AlertReport()

    def message(sender: str, recipients: tuple[str, ...], prefix: str) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = f"{prefix} {subject}".strip()
        email["From"] = sender
        email["To"] = ", ".join(recipients)
        email.set_content(detail + "\n")
        return email

    sent, warnings = _deliver(settings, environ, {"text": f"{subject}\n{detail}"}, message)
    if sent:
        log.info("alerts: failure sent via %s", ", ".join(sent))
    return AlertReport(sent=tuple(sent), warnings=tuple(warnings))


def send_bet_alerts(
    bets: pd.DataFrame, settings: AlertSettings, environ: Mapping[str, str] | None = None
) -> AlertReport:
    """Alert the bets with ``edge >= settings.min_edge`` through the webhook and/or SMTP; never raises."""
    environ = os.environ if environ is None else environ
    if not settings.enabled or not (settings.webhook.enabled or settings.smtp.enabled):
        return AlertReport()
    chosen = select_alert_bets(bets, settings.min_edge)
    if chosen.empty:
        log.info("alerts: no bet with edge >= %.1f%%, nothing sent", 100 * settings.min_edge)
        return AlertReport()
    payload = slack_payload(chosen, settings.min_edge, settings.max_bets)

    def message(sender: str, recipients: tuple[str, ...], prefix: str) -> EmailMessage:
        return email_message(chosen, settings.min_edge, settings.max_bets,
                             sender=sender, recipients=recipients, prefix=prefix)

    sent, warnings = _deliver(settings, environ, payload, message)
    if sent:
        log.info("alerts: %d bet(s) sent via %s", len(chosen), ", ".join(sent))
    return AlertReport(bets=len(chosen), sent=tuple(sent), warnings=tuple(warnings))
