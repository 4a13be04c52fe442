"""Redaction: one function masks every URL form and remembered secret, in URLs, free text, log records and views."""

from __future__ import annotations

import logging

import pytest

from nba_pra.config import load_project
from nba_pra.redaction import RedactingFilter, redact_text, redact_url, redact_value, remember, secrets_of


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("sqlite:///ledger.db", "sqlite:///ledger.db"),
        ("sqlite:////abs/ledger.db", "sqlite:////abs/ledger.db"),
        ("postgresql+psycopg://bob:s3cr%40t@db:5432/nba", "postgresql+psycopg://bob:***@db:5432/nba"),
        ("postgresql+psycopg://bob@db/nba?sslmode=require&password=x9",
         "postgresql+psycopg://bob@db/nba?sslmode=require&password=***"),
        ("postgresql+psycopg://u@h/x?sslpassword=a1&PWD=b2&passwd=c3", "postgresql+psycopg://u@h/x?sslpassword=***&PWD=***&passwd=***"),
        ("https://api.example/v4/odds?apiKey=k1&markets=pra&api_key=k2&token=t&secret=s&key=k3",
         "https://api.example/v4/odds?apiKey=***&markets=pra&api_key=***&token=***&secret=***&key=***"),
        ("https://user:tok@mlflow.example/#/models", "https://user:***@mlflow.example/#/models"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("not a url at all", "not a url at all"),
    ],
)
def test_urls_are_shown_with_passwords_and_secret_query_values_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_secrets_inside_free_text_are_masked_and_the_sentence_around_them_is_kept() -> None:
    message = ("cannot open the ledger at postgresql+psycopg://u@h:5999/x?password=p:w: OperationalError: "
               "connection failed (host=h password=dsnpw) for ['ledger.url=postgresql://u:upw@h/x']")
    assert redact_text(message) == (
        "cannot open the ledger at postgresql+psycopg://u@h:5999/x?password=***: OperationalError: "
        "connection failed (host=h password=***) for ['ledger.url=postgresql://u:***@h/x']")


def test_words_that_merely_contain_a_secret_name_are_left_alone() -> None:
    text = "monkey=3 passwords_total=2 keys=4 predictions_key=abc"
    assert redact_text(text) == text


def test_known_secret_values_are_masked_wherever_they_appear_longest_first() -> None:
    assert redact_text("key=abcd1234 then abcd1234xy and abcd", ("abcd", "abcd1234xy")) == "key=*** then *** and ***"


def test_views_are_masked_in_every_nested_string() -> None:
    view = {"a": "key=abcd1234 and abcd", "b": ["x abcd1234 y", 3, None], "c": {"d": ("abcd",)}}
    assert redact_value(view, ("abcd1234", "abcd")) == {
        "a": "key=*** and ***", "b": ["x *** y", 3, None], "c": {"d": ["***"]}}


def test_the_project_secrets_are_the_url_passwords_and_the_secret_env_values(
    project_root, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODDS_API_KEY", "odds-key-123")
    monkeypatch.setenv("NBA_PRA_ALERT_WEBHOOK_URL", "https://hooks.example/T0/B0/xyz")
    monkeypatch.setenv("NBA_PRA_SMTP_PASSWORD", "abc")  # too short to mask in free text
    monkeypatch.setenv("NBA_PRA_TEST_DB_PASSWORD", "from-the-env")
    project = load_project(project_root, [
        "ledger.url=postgresql+psycopg://u:p%40ssword@h/db",
        "backtest.ledger.url='postgresql+psycopg://u@h/db?password=${oc.env:NBA_PRA_TEST_DB_PASSWORD}'",
    ])
    secrets = secrets_of(project.settings)
    assert {"odds-key-123", "https://hooks.example/T0/B0/xyz", "p%40ssword", "p@ssword", "from-the-env"} <= set(secrets)
    assert "abc" not in secrets
    assert [len(s) for s in secrets] == sorted((len(s) for s in secrets), reverse=True)


def test_a_log_record_and_its_traceback_are_masked_before_any_handler_formats_them() -> None:
    remember("remembered-secret-42")
    try:
        raise RuntimeError("driver said: connect to postgresql://u:tracepw@h/x failed, remembered-secret-42")
    except RuntimeError:
        record = logging.LogRecord("sqlalchemy", logging.ERROR, __file__, 1, "opening %s",
                                   ("sqlite:///x.db?token=tok123",), exc_info=__import__("sys").exc_info())
    assert RedactingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "opening sqlite:///x.db?token=***" in formatted and "RuntimeError" in formatted
    for secret in ("tok123", "tracepw", "remembered-secret-42"):
        assert secret not in formatted
