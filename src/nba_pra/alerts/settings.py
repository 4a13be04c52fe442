"""Settings of the bet alerts (``conf/alerts/``). Only the *names* of secret variables live here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected."""

    STARTTLS = "starttls"  # plain connect, then STARTTLS (port 587)
    SSL = "ssl"  # TLS from the first byte (port 465)
    NONE = "none"  # plain text: local relays and tests only


@dataclass(frozen=True)
class WebhookSettings:
    """A Slack-compatible incoming webhook (POST JSON ``{"text": ..., "blocks": [...]}``)."""

    enabled: bool = False
    #: environment variable holding the URL (the URL is a secret: anyone holding it can post)
    url_env: str = "NBA_PRA_ALERT_WEBHOOK_URL"
    timeout_s: float = 10.0


@dataclass(frozen=True)
class SmtpSettings:
    """An SMTP server the alert email is sent through."""

    enabled: bool = False
    host: str = "localhost"
    port: int = 587
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username_env: str = "NBA_PRA_SMTP_USER"
    password_env: str = "NBA_PRA_SMTP_PASSWORD"
    sender: str = "nba-pra@localhost"
    recipients: tuple[str, ...] = ()
    subject_prefix: str = "[nba-pra]"
    timeout_s: float = 10.0


@dataclass(frozen=True)
class AlertSettings:
    """Which bets are alerted (``edge >= min_edge``, ``max_bets`` listed at most) and the channels."""

    enabled: bool = True
    #: expected return per unit staked, the bet stage's ``edge`` column
    min_edge: float = 0.08
    max_bets: int = 15
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
