"""The evidence gate: money is staked only where walk-forward evidence says the pricing beats the market.

The evidence (:class:`Evidence`, ``reports/evidence.json``) is written by the backtest and ``nba-pra market``
from flat one-unit bets replayed walk-forward (:mod:`nba_pra.evidence`): for each pricing method, the log loss
of its P(over | no push) at the consensus line against the de-vigged market's (paired bootstrap interval), and
for each book the ROI of the bets the method picked there, with its bootstrap interval and the one-sided
bootstrap p-value ``p`` of "ROI <= min_roi_lo" (resampling whole days). Of a method's books with
``bets >= min_bets``, sorted by p (``p_(1) <= ... <= p_(k)``), Holm's step-down lets stake

    the books before the first i with   p_(i) > familywise_error / (k - i + 1)

i.e. betting that book's prices with that method beat the market's prices out of sample (a book's price *is*
its market), and the chance that any of the k books stakes while none beats ``min_roi_lo`` is at most
``familywise_error`` whatever their correlation (testing each book alone at that level would stake some sharp
book on a lucky window far more often: 7 books, up to ``1 - (1 - a)^7``).

With ``require_clv``, a book whose bets have at least ``min_bets`` closing lines must also beat the close: the
day-blocked interval of their mean probability CLV, ``P_close(side | no push) - 1/decimal`` (probability points;
> 0 is a positive expected return at the closing fair price), lies above 0. Results can run lucky for weeks of
overlapping windows; the close moves only with information, so a lucky book fails it and a book that truly lags
the market passes.

Every other bet that passes the
filters is a **paper** bet: stake 0, recorded and settled like any other, with ``gate_reason`` giving the
figures, so evidence keeps accumulating. The p-values test the evidence's own ``min_roi_lo``: settings that ask
for another threshold stake nothing until the evidence is measured again.
``betting.evidence.required=false`` lets everything stake (the bet stage warns on every run).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra.betting.settings import EvidenceSettings, PricingMethod
from nba_pra.betting.stacking import StackFit
from nba_pra.errors import DataError
from nba_pra.formatting import clv_points, interval, p_value, pct, pct_interval

NO_EVIDENCE: Final = "no_evidence"
#: how a user gets evidence (said wherever there is none)
GET_EVIDENCE: Final = "run `nba-pra evidence`, or `nba-pra market` on recorded real lines"


class BetState(StrEnum):
    STAKED = "staked"
    PAPER = "paper"


@dataclass(frozen=True)
class BookEvidence:
    """Flat one-unit bets of one method at one book in the evidence window (ROI = mean profit per bet)."""

    bets: int
    roi: float
    roi_lo: float
    roi_hi: float
    #: one-sided day-blocked bootstrap p-value of "ROI <= the evidence's min_roi_lo" (NaN: too few days)
    p_value: float
    #: bets with a closing line; their mean probability CLV (close's fair P(side) - 1/decimal) and its interval
    clv_bets: int
    clv: float
    clv_lo: float
    clv_hi: float
    staked: bool


@dataclass(frozen=True)
class MethodEvidence:
    """One pricing method against the market on the window's decided props, and its bets per book."""

    props: int
    logloss: float
    market_logloss: float
    logloss_minus_market: float
    logloss_minus_market_lo: float
    logloss_minus_market_hi: float
    books: dict[str, BookEvidence] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    source: str  # the command that measured it: "evidence" (the stage), "backtest" or "market"
    synthetic: bool  # the lines (and data) were the synthetic league's
    written_at: str
    window_start: str  # ISO dates of the decided props the figures use
    window_end: str
    min_bets: int
    min_roi_lo: float
    methods: dict[str, MethodEvidence]
    #: the market-aware stack fitted on every decided prop up to ``window_end`` (None: too few props)
    stack: StackFit | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["stack"] = self.stack.to_dict() if self.stack else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        methods = {
            name: MethodEvidence(**{**m, "books": {b: BookEvidence(**v) for b, v in m.get("books", {}).items()}})
            for name, m in data["methods"].items()
        }
        stack = StackFit.from_dict(data["stack"]) if data.get("stack") else None
        return cls(**{**data, "methods": methods, "stack": stack})


@dataclass(frozen=True)
class HolmStep:
    """One book in Holm's step-down: the level its p is tested at and whether the gate lets it stake."""

    level: float  # familywise_error / (k - rank), rank 0 for the smallest p
    staked: bool


def p_rank(p: float | None) -> float:
    """Where a p-value sorts in Holm's order: itself, or last when there is none (too few days)."""
    return float("inf") if p is None or np.isnan(p) else float(p)


def holm(p_values: Mapping[str, float], familywise_error: float) -> dict[str, HolmStep]:
    """Holm's step-down over ``{book: p}`` (module docstring): ``staked`` for the books it rejects ("ROI <=
    min_roi_lo") at ``familywise_error``. A NaN p (too few days) is never rejected but counts as tested."""
    order = sorted(p_values, key=lambda book: (p_rank(p_values[book]), book))
    steps, passing = {}, True
    for rank, book in enumerate(order):
        level = familywise_error / (len(order) - rank)
        passing = passing and bool(p_values[book] <= level)
        steps[book] = HolmStep(level, passing)
    return steps


def holm_steps(books: Mapping[str, BookEvidence], settings: EvidenceSettings) -> dict[str, HolmStep]:
    """The gate's test (module docstring) of one method's books: Holm at ``familywise_error`` over the books with
    ``bets >= min_bets`` (the others are not tested and do not stake)."""
    return holm({name: b.p_value for name, b in books.items() if b.bets >= settings.min_bets},
                settings.familywise_error)


def beats_the_close(book: BookEvidence, settings: EvidenceSettings) -> bool:
    """The CLV condition (module docstring): True when it is not required, or the book has fewer than
    ``min_bets`` bets with a close (judged on ROI alone), or their mean CLV's interval is above 0."""
    if not settings.require_clv or book.clv_bets < settings.min_bets:
        return True
    return bool(np.isfinite(book.clv_lo) and book.clv_lo > 0.0)


@dataclass(frozen=True)
class Verdict:
    """The gate's decision on one book of one method."""

    staked: bool
    #: the Holm level its p was tested at; None when it was not tested (fewer than ``min_bets`` bets)
    level: float | None
    #: why it is paper, with the figures ("" when staked)
    reason: str


def judge_books(books: Mapping[str, BookEvidence], settings: EvidenceSettings) -> dict[str, Verdict]:
    """The gate's rule (module docstring) on one method's books: Holm's step-down (:func:`holm_steps`), then the
    close (:func:`beats_the_close`). The one place the rule is composed: the gate, the surfaces and the replayed
    gate states all read it."""
    steps = holm_steps(books, settings)
    return {name: _verdict(name, book, steps, settings) for name, book in books.items()}


def _verdict(name: str, book: BookEvidence, steps: Mapping[str, HolmStep], settings: EvidenceSettings) -> Verdict:
    if name not in steps:
        return Verdict(False, None, f"{NO_EVIDENCE}: {name} {book.bets} bets < {settings.min_bets}")
    step = steps[name]
    roi = (f"{name} ROI {pct(book.roi)} {pct_interval(book.roi_lo, book.roi_hi)} on {book.bets} bets, p "
           f"{p_value(book.p_value)} vs Holm level {p_value(step.level)} of {len(steps)} books")
    if not step.staked:
        return Verdict(False, step.level, f"{NO_EVIDENCE}: {roi}")
    if not beats_the_close(book, settings):
        return Verdict(False, step.level, (
            f"{NO_EVIDENCE}: {roi} passes, but CLV {clv_points(book.clv)} "
            f"{interval(book.clv_lo, book.clv_hi, clv_points)} on {book.clv_bets} closes is not above 0"))
    return Verdict(True, step.level, "")


def staked_books(books: Mapping[str, BookEvidence], settings: EvidenceSettings) -> dict[str, bool]:
    """Per book of one method: does the gate let it stake (:func:`judge_books`)."""
    return {name: verdict.staked for name, verdict in judge_books(books, settings).items()}


def write_evidence(evidence: Evidence, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(evidence.to_dict(), indent=2, allow_nan=True) + "\n")
    tmp.replace(path)  # atomic: a reader never sees half a file
    return path


def read_evidence(path: Path) -> Evidence | None:
    """The evidence at ``path`` (None when there is none yet); a corrupt file is a data error, not a silent gate."""
    if not path.is_file():
        return None
    try:
        return Evidence.from_dict(json.loads(path.read_text()))
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path} is not a readable evidence file ({exc}); delete it and {GET_EVIDENCE}") from exc


@dataclass(frozen=True)
class Gate:
    """Which (method, book) may stake, and why not (see the module docstring)."""

    evidence: Evidence | None
    #: None: an open gate
    settings: EvidenceSettings | None

    @classmethod
    def open(cls) -> Gate:
        """Everything stakes: evidence replays (which measure the pricing itself) and ``required=false``."""
        return cls(None, None)

    @property
    def required(self) -> bool:
        return self.settings is not None and self.settings.required

    def decide(self, method: PricingMethod, bookmaker: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Per row: may a bet at this book stake, and the paper reason (with the figures) when it may not."""
        if not self.required:
            return pd.Series(True, index=bookmaker.index), pd.Series("", index=bookmaker.index, dtype=object)
        books = bookmaker.astype(str)
        verdicts = self.verdicts(PricingMethod(method), sorted(books.unique()))
        staked = books.map({b: v.staked for b, v in verdicts.items()}).astype(bool)
        reason = books.map({b: v.reason for b, v in verdicts.items()}).astype(object)
        return staked, reason

    def verdicts(self, method: PricingMethod, books: list[str]) -> dict[str, Verdict]:
        """The gate's verdict on each of ``books`` for ``method`` (:func:`judge_books` on the evidence, its reasons
        naming the method and window)."""
        ev = self.evidence
        if ev is None:
            return dict.fromkeys(books, Verdict(False, None, f"{NO_EVIDENCE}: none yet ({GET_EVIDENCE})"))
        found = ev.methods.get(method.value)
        if found is None:
            return dict.fromkeys(books, Verdict(False, None, (
                f"{NO_EVIDENCE}: none for pricing {method.value} ({GET_EVIDENCE})")))
        assert self.settings is not None  # a required gate has settings
        span = f"{method.value}, {ev.window_start}..{ev.window_end}"
        judged = judge_books(found.books, self.settings)
        if self.settings.min_roi_lo != ev.min_roi_lo:
            # the p-values test the evidence's own threshold: nothing stakes until it is measured again
            mismatch = (f"{NO_EVIDENCE}: the evidence tested ROI > {pct(ev.min_roi_lo)}, the settings ask for "
                        f"> {pct(self.settings.min_roi_lo)} ({GET_EVIDENCE})")
            return {book: Verdict(False, judged[book].level if book in judged else None, mismatch) for book in books}
        return {book: _in_window(judged.get(book), method, book, span) for book in books}


def _in_window(verdict: Verdict | None, method: PricingMethod, book: str, span: str) -> Verdict:
    """A book's verdict with the method and evidence window its reason refers to."""
    if verdict is None:
        return Verdict(False, None, f"{NO_EVIDENCE}: no {method.value} bets at {book} ({span})")
    return replace(verdict, reason=f"{verdict.reason} ({span})") if verdict.reason else verdict
