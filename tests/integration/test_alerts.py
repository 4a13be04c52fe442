"""Alerts reach a real local webhook (http.server) and a local SMTP server (aiosmtpd); failures only warn."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes
from typing import Any

import pandas as pd
import pytest
from aiosmtpd.controller import Controller

from local_http import LocalHTTPServer, QuietHandler
from nba_pra.alerts.dispatch import send_bet_alerts
from nba_pra.alerts.settings import AlertSettings, SmtpSecurity, SmtpSettings, WebhookSettings
from settings_support import conf

HOOK_ENV, USER_ENV, PASSWORD_ENV = "TEST_ALERT_HOOK", "TEST_SMTP_USER", "TEST_SMTP_PASSWORD"
SECRET_PATH = "/services/T000/B000/s3cretTOKEN"


def _bets() -> pd.DataFrame:
    """Three bets: edges 0.12, 0.05 and 0.20 (only 0.20 and 0.12 clear min_edge 0.10)."""
    return pd.DataFrame(
        {
            "game_date": pd.to_datetime(["2024-12-21", "2024-12-21", "2024-12-22"]),
            "player_name": ["Ann Guard", "Bob Wing", "Cy Center"],
            "team": ["LAC", "BOS", "DEN"],
            "opponent": ["LAL", "NYK", "PHX"],
            "bookmaker": ["fastline", "fastline", "sharpbook"],
            "side": ["over", "under", "under"],
            "line": [30.5, 22.5, 41.5],
            "price": [-110, 105, 120],
            "p_win": [0.587, 0.55, 0.545],
            "edge": [0.12, 0.05, 0.20],
            "stake_fraction": [0.02, 0.01, 0.03],
        }
    )


class _Hook(LocalHTTPServer):
    """A local webhook: records each POST's path and JSON body, answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[str, Any]] = []
        hook = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                hook.received.append((self.path, json.loads(self.rfile.read(length))))
                self.send_response(hook.status)
                self.end_headers()
                self.wfile.write(b"ok")

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"{self.root_url}{SECRET_PATH}"


@pytest.fixture
def hook() -> Iterator[_Hook]:
    with _Hook() as server:
        yield server


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    # aiosmtpd logs every connection at INFO from its own thread; keep that out of the test output
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()
    server_log.setLevel(level)


def _settings(
    *, webhook: bool = False, smtp_port: int | None = None, min_edge: float = 0.10
) -> AlertSettings:
    return conf(AlertSettings,
        enabled=True,
        min_edge=min_edge,
        max_bets=15,
        webhook=conf(WebhookSettings, enabled=webhook, url_env=HOOK_ENV, timeout_s=2.0),
        smtp=conf(SmtpSettings,
            enabled=smtp_port is not None, host="127.0.0.1", port=smtp_port or 25, security=SmtpSecurity.NONE,
            username_env=USER_ENV, password_env=PASSWORD_ENV, sender="bot@nba-pra.test",
            recipients=("ops@nba-pra.test", "me@nba-pra.test"), subject_prefix="[nba-pra]", timeout_s=2.0,
        ),
    )


def test_high_edge_bets_reach_the_webhook_as_slack_json_highest_edge_first(hook: _Hook) -> None:
    report = send_bet_alerts(_bets(), _settings(webhook=True), {HOOK_ENV: hook.url})
    assert report.sent == ("webhook",) and report.bets == 2 and report.warnings == ()
    [(path, payload)] = hook.received
    assert path == SECRET_PATH
    lines = payload["text"].splitlines()
    assert lines[0] == "nba-pra: 2 bets with edge >= 10.0% for 2024-12-21"
    assert lines[1] == (
        "Cy Center (DEN vs PHX) UNDER 41.5 @ +120 at sharpbook: edge 20.0%, P(win) 54.5%, stake 3.00%"
    )
    assert lines[2] == (
        "Ann Guard (LAC vs LAL) OVER 30.5 @ -110 at fastline: edge 12.0%, P(win) 58.7%, stake 2.00%"
    )
    assert "Bob Wing" not in payload["text"]
    assert payload["blocks"][0]["type"] == "header"
    assert payload["blocks"][1]["text"]["text"].count("•") == 2


def test_high_edge_bets_reach_the_smtp_server_as_one_email_to_every_recipient(smtp) -> None:
    inbox, port = smtp
    report = send_bet_alerts(_bets(), _settings(smtp_port=port), {})
    assert report.sent == ("email",)
    [(sender, recipients, content)] = inbox.messages
    assert sender == "bot@nba-pra.test"
    assert recipients == ["ops@nba-pra.test", "me@nba-pra.test"]
    message = message_from_bytes(content)
    assert message["Subject"] == "[nba-pra] 2 bets with edge >= 10.0% for 2024-12-21"
    body = message.get_payload(decode=True).decode()
    assert body.splitlines()[0].startswith("Cy Center (DEN vs PHX) UNDER 41.5 @ +120")
    assert "Ann Guard" in body and "Bob Wing" not in body


def test_both_channels_are_used_when_both_are_enabled(hook: _Hook, smtp) -> None:
    inbox, port = smtp
    report = send_bet_alerts(_bets(), _settings(webhook=True, smtp_port=port), {HOOK_ENV: hook.url})
    assert report.sent == ("webhook", "email")
    assert len(hook.received) == 1 and len(inbox.messages) == 1


def test_more_bets_than_max_bets_are_counted_not_listed(hook: _Hook) -> None:
    settings = replace(_settings(webhook=True, min_edge=0.0), max_bets=1)
    send_bet_alerts(_bets(), settings, {HOOK_ENV: hook.url})
    lines = hook.received[0][1]["text"].splitlines()
    assert lines[1].startswith("Cy Center") and lines[2] == "... and 2 more" and len(lines) == 3


def test_no_bet_above_min_edge_sends_nothing(hook: _Hook) -> None:
    report = send_bet_alerts(_bets(), _settings(webhook=True, min_edge=0.5), {HOOK_ENV: hook.url})
    assert report.bets == 0 and report.sent == () and hook.received == []


def test_a_webhook_answering_500_only_warns_once_and_never_logs_the_url(hook: _Hook, caplog) -> None:
    hook.status = 500
    with caplog.at_level(logging.DEBUG):
        report = send_bet_alerts(_bets(), _settings(webhook=True), {HOOK_ENV: hook.url})
    assert report.sent == ()
    assert report.warnings == (f"webhook alert not sent: the alert webhook at {hook.root_url} answered HTTP 500",)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "s3cretTOKEN" not in caplog.text


def test_a_refused_webhook_connection_only_warns(caplog) -> None:
    url = f"http://127.0.0.1:{_free_port()}{SECRET_PATH}"  # nothing listens there
    with caplog.at_level(logging.DEBUG):
        report = send_bet_alerts(_bets(), _settings(webhook=True), {HOOK_ENV: url})
    assert report.sent == ()
    assert len(report.warnings) == 1 and "could not connect to the alert webhook" in report.warnings[0]
    assert "s3cretTOKEN" not in caplog.text


def test_a_refused_smtp_connection_only_warns_and_keeps_the_password_out_of_logs(caplog) -> None:
    env = {USER_ENV: "ops", PASSWORD_ENV: "hunter2-password"}
    with caplog.at_level(logging.DEBUG):
        report = send_bet_alerts(_bets(), _settings(smtp_port=_free_port()), env)
    assert report.sent == ()
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("email alert not sent: sending the alert")
    assert "hunter2-password" not in caplog.text


def test_a_server_without_auth_rejecting_login_only_warns(smtp, caplog) -> None:
    _inbox, port = smtp
    env = {USER_ENV: "ops", PASSWORD_ENV: "hunter2-password"}
    report = send_bet_alerts(_bets(), _settings(smtp_port=port), env)
    assert report.sent == () and len(report.warnings) == 1
    assert "hunter2-password" not in " ".join(report.warnings) + caplog.text


def test_an_enabled_webhook_without_its_url_variable_warns_naming_the_variable(caplog) -> None:
    report = send_bet_alerts(_bets(), _settings(webhook=True), {})
    assert report.warnings == (f"webhook alert not sent: {HOOK_ENV} is not set",)


def test_disabled_alerts_send_nothing_even_with_a_url(hook: _Hook) -> None:
    settings = replace(_settings(webhook=True), enabled=False)
    assert send_bet_alerts(_bets(), settings, {HOOK_ENV: hook.url}).sent == ()
    assert hook.received == []


def test_the_bet_stage_alerts_its_high_edge_bets_and_a_dead_webhook_does_not_fail_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch, hook: _Hook, caplog, trained_template
) -> None:
    from conftest import copy_trained_project
    from nba_pra.cli import main

    root = copy_trained_project(trained_template, tmp_path / "project")  # data, features, champion, predictions
    monkeypatch.chdir(root)
    monkeypatch.setenv("NBA_PRA_ALERT_WEBHOOK_URL", hook.url)
    # the filters are opened up so the small league's calibrated edges make bets to alert about
    open_filters = ["betting.min_confidence=0.0", "betting.max_cv=1.0", "betting.min_edge=0.0",
                    "betting.evidence.required=false"]  # alerts are for staked bets: no gate here
    assert main(["bet", "-q", "alerts.webhook.enabled=true", "alerts.min_edge=0.0", *open_filters]) == 0
    bets = pd.read_csv(root / "artifacts" / "bets.csv")
    assert len(bets) > 0
    [(_path, payload)] = hook.received
    assert payload["text"].splitlines()[0].startswith(f"nba-pra: {len(bets)} bet")
    top = bets.sort_values("edge", ascending=False, kind="stable").iloc[0]
    assert payload["text"].splitlines()[1].startswith(f"{top['player_name']} (")

    monkeypatch.setenv("NBA_PRA_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{_free_port()}{SECRET_PATH}")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert main(["bet", "-q", "alerts.webhook.enabled=true", "alerts.min_edge=0.0", *open_filters]) == 0
    alert_warnings = [r.getMessage() for r in caplog.records if "alert" in r.getMessage()]
    assert len(alert_warnings) == 1
    assert alert_warnings[0].startswith("webhook alert not sent: could not connect to the alert webhook at")
    assert "s3cretTOKEN" not in caplog.text
    assert len(pd.read_csv(root / "artifacts" / "bets.csv")) == len(bets)  # the stage still wrote its bets
