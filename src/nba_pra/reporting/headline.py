"""The headline metrics each stage declares to DVC: a handful of keys, so ``dvc metrics show`` and
``dvc exp show --only-changed`` fit 120 columns.

``dvc metrics show`` prints one column per distinct key across every declared metrics file, and ``dvc exp show``
one per key and file: the stages' full summaries (``reports/*_summary.json``, ``train_metrics.json``,
``ledger_metrics.json``: ~300 keys with the evidence's per-book figures) made both hundreds of columns wide.
Those files stay, as plain outputs (``dvc metrics show reports/train_metrics.json`` shows one); the headline
files under ``reports/metrics/`` hold the figures an experiment is compared on. Keys are short on purpose: every
character is a column in both tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pick(source: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """``{headline key: source[summary key]}`` for the summary keys present."""
    return {short: source[long] for short, long in keys.items() if long in source}


def train_headline(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Out-of-fold CRPS and MAE of the PRA distribution, and the ECE of its recalibrated P(over) at book lines."""
    return _pick(metrics, {"crps": "crps", "mae": "mae", "ece": "ece_over"})


def evidence_headline(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The pricing in use: its walk-forward log loss minus the market's at the consensus line (< 0 beats it)."""
    return _pick(figures, {"ll_vs_market": "logloss_minus_market"})


def bet_headline(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Today's bets and how many of them are staked (the rest are paper)."""
    return _pick(summary, {"bets": "bets", "staked": "staked"})


def ledger_headline(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The ledger's staked bets: count, bankroll (units) and ROI."""
    return _pick(metrics, {"bets": "bets", "bankroll": "bankroll", "roi": "roi"})
