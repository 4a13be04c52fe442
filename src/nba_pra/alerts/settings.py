"""Settings of the bet alerts (``conf/alerts/``). Only the *names* of secret variables live here."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from nba_pra.schema import Count, Field, Positive, Unit, settings


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"  # plain connect, then STARTTLS (port 587)
    SSL = "ssl"  # TLS from the first byte (port 465)
    NONE = "none"  # plain text: local relays and tests only


@settings
class WebhookSettings:
    """A Slack-compatible incoming webhook (POST JSON ``{"text": ..., "blocks": [...]}``)."""

    enabled: bool
    url_env: str
    timeout_s: Positive


@settings
class SmtpSettings:
    """An SMTP server the alert email is sent through."""

    enabled: bool
    host: str
    port: Annotated[int, Field(ge=1, le=65535)]
    security: SmtpSecurity
    username_env: str
    password_env: str
    sender: str
    recipients: tuple[str, ...]
    subject_prefix: str
    timeout_s: Positive


@settings
class AlertSettings:
    """Which bets are alerted (``edge >= min_edge``, ``max_bets`` listed at most) and the channels."""

    enabled: bool
    min_edge: Unit
    max_bets: Count
    webhook: WebhookSettings
    smtp: SmtpSettings
