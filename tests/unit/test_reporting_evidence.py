"""The evidence file shown read-only: the configured method's log loss against the market and each book's gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nba_pra.reporting.evidence import (
    NO_EVIDENCE,
    NO_EVIDENCE_GATE_OFF,
    evidence_lines,
    evidence_summary,
    read_evidence,
)
from settings_support import evidence_settings

#: a book whose bets have no closing line (judged on ROI alone)
NO_CLOSES = {"clv_bets": 0, "clv": None, "clv_lo": None, "clv_hi": None}
EVIDENCE = {
    "source": "market", "synthetic": True, "written_at": "2025-01-02T10:00:00+00:00",
    "window_start": "2024-10-22", "window_end": "2024-12-20", "min_bets": 100, "min_roi_lo": 0.0, "stack": None,
    "methods": {
        "market_aware": {
            "props": 900, "logloss": 0.6890, "market_logloss": 0.6914, "logloss_minus_market": -0.0024,
            "logloss_minus_market_lo": -0.0051, "logloss_minus_market_hi": 0.0003,
            "books": {
                "fastline": {"bets": 140, "roi": -0.012, "roi_lo": -0.05, "roi_hi": 0.026, "p_value": 0.74,
                             **NO_CLOSES, "staked": False},
                "bookb": {"bets": 210, "roi": 0.041, "roi_lo": 0.004, "roi_hi": 0.08, "p_value": 0.0095,
                          **NO_CLOSES, "staked": True},
            },
        },
        "model": {"props": 900, "logloss": 0.724, "market_logloss": 0.6914, "logloss_minus_market": 0.0326,
                  "logloss_minus_market_lo": 0.028, "logloss_minus_market_hi": 0.037, "books": {}},
    },
}


def test_a_missing_or_broken_file_is_no_evidence(tmp_path: Path) -> None:
    assert read_evidence(tmp_path / "evidence.json") is None
    (tmp_path / "evidence.json").write_text("[1, 2")
    assert read_evidence(tmp_path / "evidence.json") is None
    assert evidence_lines(evidence_summary(None, "market_aware"), required=True) == [NO_EVIDENCE]
    assert "every bet is paper" in NO_EVIDENCE
    # with the gate off nothing waits for evidence: the surfaces must not say "paper" (the dashboard's health page
    # said "every bet is paper" beside 18 staked bets)
    off = evidence_lines(evidence_summary(None, "market_aware"), required=False)
    assert off == [NO_EVIDENCE_GATE_OFF] and "staked" in off[0] and "paper" not in off[0]


def test_the_configured_method_is_shown_with_every_book(tmp_path: Path) -> None:
    (tmp_path / "evidence.json").write_text(json.dumps(EVIDENCE))
    summary = evidence_summary(read_evidence(tmp_path / "evidence.json"), "market_aware")
    assert summary["available"] and summary["props"] == 900
    assert [b["bookmaker"] for b in summary["books"]] == ["bookb", "fastline"]
    lines = evidence_lines(summary, required=True)
    assert lines[0] == "market_aware vs market: log loss -0.00240 [-0.00510, +0.00030] on 900 props"
    assert lines[1] == "window 2024-10-22..2024-12-20 (market, synthetic)"
    assert lines[2] == "bookb: 210 bets, ROI +4.1% [+0.4%, +8.0%], p 0.0095 -> staked"
    assert lines[3] == "fastline: 140 bets, ROI -1.2% [-5.0%, +2.6%], p 0.74 -> paper"


def test_a_method_the_file_does_not_cover_says_so() -> None:
    summary = evidence_summary(EVIDENCE, "recalibrated")
    assert not summary["available"]
    assert evidence_lines(summary, required=True) == [
        "the evidence holds no figures for pricing recalibrated (methods: market_aware, model)"
    ]


def test_a_book_without_bets_shows_no_roi_rather_than_nan() -> None:
    books = {"northbet": {"bets": 0, "roi": float("nan"), "roi_lo": float("nan"), "roi_hi": float("nan"),
                          "p_value": float("nan"), **NO_CLOSES, "staked": False}}
    evidence = {**EVIDENCE, "methods": {"market_aware": {**EVIDENCE["methods"]["market_aware"], "books": books}}}
    lines = evidence_lines(evidence_summary(json.loads(json.dumps(evidence)), "market_aware"), required=True)
    assert lines[2] == "northbet: 0 bets, ROI n/a [n/a], p n/a -> paper"


def test_a_log_loss_interval_near_zero_keeps_its_sign_and_one_without_ends_reads_n_a() -> None:
    figures = {**EVIDENCE["methods"]["market_aware"], "logloss_minus_market_hi": -0.00003}
    evidence = {**EVIDENCE, "methods": {"market_aware": figures}}
    assert "[-0.00510, -0.00003]" in evidence_lines(evidence_summary(evidence, "market_aware"), required=True)[0]
    figures = {**figures, "logloss_minus_market_lo": float("nan"), "logloss_minus_market_hi": float("nan")}
    evidence = {**EVIDENCE, "methods": {"market_aware": figures}}
    assert "log loss -0.00240 [n/a] on 900 props" in evidence_lines(evidence_summary(evidence, "market_aware"),
                                                                     required=True)[0]


def test_books_are_listed_in_the_gates_order_with_the_level_each_p_is_tested_at() -> None:
    """With today's settings each tested book shows the Holm level of its rank; a book under min_bets is not
    tested (no level) and one without a p comes last (but is tested: it raises the others' bar)."""
    books = {**EVIDENCE["methods"]["market_aware"]["books"],
             "aaa": {"bets": 40, "roi": 0.3, "roi_lo": 0.1, "roi_hi": 0.5, "p_value": 0.001, **NO_CLOSES,
                     "staked": False},
             "new": {"bets": 150, "roi": 0.1, "roi_lo": float("nan"), "roi_hi": float("nan"),
                     "p_value": float("nan"), **NO_CLOSES, "staked": False}}
    evidence = {**EVIDENCE, "methods": {"market_aware": {**EVIDENCE["methods"]["market_aware"], "books": books}}}
    summary = evidence_summary(evidence, "market_aware", evidence_settings(min_bets=100, familywise_error=0.025))
    assert [b["bookmaker"] for b in summary["books"]] == ["aaa", "bookb", "fastline", "new"]
    # three books tested (aaa has too few bets): bookb's 0.0095 at 0.025/3, fastline's 0.74 at 0.025/2
    assert [b["holm_level"] for b in summary["books"]] == [None, pytest.approx(0.025 / 3), 0.0125, 0.025]
    assert [b["staked"] for b in summary["books"]] == [False, False, False, False]
    lines = evidence_lines(summary, required=True)
    assert lines[2] == "aaa: 40 bets, ROI +30.0% [+10.0%, +50.0%], p 0.001 -> paper"
    assert lines[3] == "bookb: 210 bets, ROI +4.1% [+0.4%, +8.0%], p 0.0095 vs 0.0083 -> paper"
