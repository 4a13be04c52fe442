"""The walk-forward evidence behind the evidence gate, read-only, for ``status`` and the dashboard.

``reports/evidence.json`` is written by the evidence stage (``nba-pra evidence``) or ``nba-pra market`` and read
by the bet stage::

    {"source": "evidence" | "market", "synthetic": bool, "written_at": iso ("" from the daily evidence stage,
     whose file must not change when its inputs do not), "window_start": "YYYY-MM-DD",
     "window_end": ..., "min_bets": int,
     "methods": {"<method>": {"props", "logloss", "market_logloss", "logloss_minus_market",
                              "logloss_minus_market_lo", "logloss_minus_market_hi",
                              "books": {"<bookmaker>": {"bets", "roi", "roi_lo", "roi_hi", "p_value", "clv_bets",
                                                        "clv", "clv_lo", "clv_hi", "staked"}}}}}

``staked`` says the gate lets that (method, book) stake. This module only shows the file (pure functions plus
one reader at the edge); the gate's decision lives with the bet stage.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Final

from nba_pra.betting import gate
from nba_pra.betting.settings import EvidenceSettings, PricingMethod
from nba_pra.errors import DataError
from nba_pra.formatting import clv_points, interval, logloss_difference, p_value, pct, pct_interval

NO_EVIDENCE: Final = f"no walk-forward evidence yet: every bet is paper ({gate.GET_EVIDENCE})"
#: the same with the gate off: what passes the filters is staked all the same
NO_EVIDENCE_GATE_OFF: Final = (
    "no walk-forward evidence yet, and the gate is off (betting.evidence.required=false): every bet that passes "
    "the filters is staked"
)


def no_evidence(required: bool) -> str:
    """What having no evidence means for today's bets, by ``betting.evidence.required``."""
    return NO_EVIDENCE if required else NO_EVIDENCE_GATE_OFF


def read_evidence(path: Path) -> dict[str, Any] | None:
    """The evidence file as the gate reads it (:func:`nba_pra.betting.gate.read_evidence`), or None when it is
    missing or unreadable (both mean "no evidence" to the gate too; the bet stage says which)."""
    try:
        evidence = gate.read_evidence(path)
    except DataError:
        return None
    return evidence.to_dict() if evidence is not None else None


def evidence_summary(evidence: dict[str, Any] | None, method: str | None,
                     settings: EvidenceSettings | None = None) -> dict[str, Any] | None:
    """The figures of ``method`` (the pricing in use): source, window, the log-loss difference against the market
    with its interval, and one row per book (bets, ROI [lo, hi], p-value, the Holm level it is tested at under
    ``settings``, staked) in the order the gate tests them; None without evidence.

    ``staked`` is the gate's rule (:func:`nba_pra.betting.gate.Gate`) under today's ``settings`` (the file's own
    flag without them), so the surfaces say what the bet stage will do. ``available`` is False (with
    ``message``) when the file holds no figures for ``method``.
    """
    if evidence is None:
        return None
    head = {
        "source": evidence.get("source"),
        "synthetic": bool(evidence.get("synthetic", False)),
        "written_at": evidence.get("written_at"),
        "window_start": evidence.get("window_start"),
        "window_end": evidence.get("window_end"),
        "min_bets": evidence.get("min_bets"),
        "method": method,
    }
    methods = evidence.get("methods") or {}
    figures = methods.get(method) if method else None
    if not isinstance(figures, dict):
        known = ", ".join(sorted(methods)) or "none"
        return {**head, "available": False, "books": [],
                "message": f"the evidence holds no figures for pricing {method or '(unknown)'} (methods: {known})"}
    # in the order Holm's step-down tests them (smallest p first; no p last): the staked books lead
    books = sorted(({"bookmaker": str(name), **book, "holm_level": None}
                    for name, book in (figures.get("books") or {}).items()),
                   key=lambda b: (gate.p_rank(b.get("p_value")), b["bookmaker"]))
    if settings is not None and books:
        ev = gate.Evidence.from_dict(evidence)
        # the gate's verdict on the figures even when the gate is off (the surfaces say that separately)
        judge = gate.Gate(ev, dataclasses.replace(settings, required=True))
        verdicts = judge.verdicts(PricingMethod(str(method)), [b["bookmaker"] for b in books])
        books = [{**b, "staked": verdicts[b["bookmaker"]].staked, "holm_level": verdicts[b["bookmaker"]].level}
                 for b in books]
    return {
        **head,
        "available": True,
        "message": None,
        "props": figures.get("props"),
        "logloss": figures.get("logloss"),
        "market_logloss": figures.get("market_logloss"),
        "logloss_minus_market": figures.get("logloss_minus_market"),
        "logloss_minus_market_lo": figures.get("logloss_minus_market_lo"),
        "logloss_minus_market_hi": figures.get("logloss_minus_market_hi"),
        "books": books,
    }


def _level(level: float | None) -> str:
    """`` vs 0.0042`` (the Holm level the p was tested at), or nothing (untested, or no settings)."""
    return "" if level is None else f" vs {p_value(level)}"


def _close(book: dict[str, Any]) -> str:
    """``, CLV +1.23 pp [+0.90 pp, +1.55 pp]`` where the book's bets have closes, else nothing."""
    if not book.get("clv_bets"):
        return ""
    return f", CLV {clv_points(book['clv'])} {interval(book['clv_lo'], book['clv_hi'], clv_points)}"


def evidence_lines(summary: dict[str, Any] | None, required: bool) -> list[str]:
    """The evidence as short lines (each fits a status row): the log-loss difference against the market with its
    interval, the window, then one line per book; without evidence, what that means for today's bets
    (``required``: ``betting.evidence.required``)."""
    if summary is None:
        return [no_evidence(required)]
    if not summary["available"]:
        return [str(summary["message"])]
    synthetic = ", synthetic" if summary["synthetic"] else ""
    lines = [
        f"{summary['method']} vs market: log loss {logloss_difference(summary['logloss_minus_market'])} "
        f"{interval(summary['logloss_minus_market_lo'], summary['logloss_minus_market_hi'], logloss_difference)} "
        f"on {summary['props']} props",
        f"window {summary['window_start']}..{summary['window_end']} ({summary['source']}{synthetic})",
    ]
    lines += [
        f"{b['bookmaker']}: {b['bets']} bets, ROI {pct(b['roi'])} {pct_interval(b['roi_lo'], b['roi_hi'])}, "
        f"p {p_value(b.get('p_value'))}{_level(b.get('holm_level'))}{_close(b)} -> "
        f"{'staked' if b['staked'] else 'paper'}"
        for b in summary["books"]
    ]
    return lines
