"""Settings of the bet alerts (``conf/alerts/``). Only the *names* of secret variables live here."""

from __future__ import annotations

from enum import StrEnum

from nba_pra.schema import Count, Port, Positive, Unit, settings


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
    enabled: bool
    host: str
    port: Port
    security: SmtpSecurity
    username_env: str
    password_env: str
    sender: str
    recipients: tuple[str, ...]
    subject_prefix: str
    timeout_s: Positive


@settings
class AlertSettings:
    enabled: bool
    min_edge: Unit
    max_bets: Count
    webhook: WebhookSettings
    smtp: SmtpSettings
