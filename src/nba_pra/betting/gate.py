"""The evidence gate: money is staked only where walk-forward evidence says the pricing beats the market.

The evidence (:class:`Evidence`, ``reports/evidence.json``) is written by the backtest and ``nba-pra market``
from flat one-unit bets replayed walk-forward (:mod:`nba_pra.evidence`): for each pricing method, the log loss
of its P(over | no push) at the consensus line against the de-vigged market's (paired bootstrap interval), and
for each book the ROI of the bets the method picked there, with its bootstrap interval. A (method, book) may
stake when

    bets >= min_bets   and   roi_lo > min_roi_lo

i.e. the interval says that betting that book's prices with that method beat the market's prices out of sample
(a book's price *is* its market). Every other bet that passes the filters is a **paper** bet: stake 0, recorded
and settled like any other, with ``gate_reason`` giving the figures, so evidence keeps accumulating.
``betting.evidence.required=false`` lets everything stake (the bet stage warns on every run).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra.betting.settings import EvidenceSettings, PricingMethod
from nba_pra.betting.stacking import StackFit
from nba_pra.errors import DataError
from nba_pra.formatting import pct, pct_interval

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


def book_staked(bets: int, roi_lo: float, settings: EvidenceSettings) -> bool:
    """The gate's rule (module docstring) for one (method, book)."""
    return bool(bets >= settings.min_bets and np.isfinite(roi_lo) and roi_lo > settings.min_roi_lo)


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
        books = pd.Series(bookmaker.astype(str).unique())
        verdicts = {book: self._book(PricingMethod(method), book) for book in books}
        staked = bookmaker.astype(str).map({b: v[0] for b, v in verdicts.items()}).astype(bool)
        reason = bookmaker.astype(str).map({b: v[1] for b, v in verdicts.items()}).astype(object)
        return staked, reason

    def _book(self, method: PricingMethod, book: str) -> tuple[bool, str]:
        ev = self.evidence
        if ev is None:
            return False, f"{NO_EVIDENCE}: none yet ({GET_EVIDENCE})"
        span = f"{method.value}, {ev.window_start}..{ev.window_end}"
        found = ev.methods.get(method.value)
        if found is None:
            return False, f"{NO_EVIDENCE}: none for pricing {method.value} ({GET_EVIDENCE})"
        b = found.books.get(book)
        if b is None:
            return False, f"{NO_EVIDENCE}: no {method.value} bets at {book} ({span})"
        assert self.settings is not None  # a required gate has settings
        if book_staked(b.bets, b.roi_lo, self.settings):
            return True, ""
        if b.bets < self.settings.min_bets:
            return False, f"{NO_EVIDENCE}: {book} {b.bets} bets < {self.settings.min_bets} ({span})"
        return False, (f"{NO_EVIDENCE}: {book} ROI {pct(b.roi)} {pct_interval(b.roi_lo, b.roi_hi)} on {b.bets} "
                       f"bets ({span})")
