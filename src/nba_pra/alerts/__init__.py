"""Bet alerts after the bet stage: Slack-compatible webhook and SMTP email.

Entry point: :func:`nba_pra.alerts.dispatch.send_bet_alerts` (kept out of this ``__init__`` so that
importing the settings, as :mod:`nba_pra.config` does, stays light).
"""
