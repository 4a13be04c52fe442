"""The alert failure type. It never reaches the CLI: :func:`nba_pra.alerts.dispatch.send_bet_alerts` turns it into
one warning, because a missed notification must not fail the daily pipeline."""

from __future__ import annotations

from nba_pra.errors import NbaPraError


class AlertError(NbaPraError):
    """A webhook or SMTP alert could not be delivered (message scrubbed of secrets)."""

    exit_code = 9
