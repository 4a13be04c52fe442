"""The evidence gate's figures from a walk-forward replay (:mod:`nba_pra.evidence.replay`) -- pure functions.

* :func:`evidence_before` -- the :class:`~nba_pra.betting.gate.Evidence` as of a day: the decided props and
  settled bets dated in ``[day - window_days, day)``. Per method: log loss of ``over_<method>`` and of the
  market's ``q*`` at the consensus line, their paired difference ``method - market`` with a bootstrap interval
  (negative: the method beats the market); per book: flat bets, ROI = mean profit per unit with its bootstrap
  interval and p-value, the mean CLV of its bets with a close, and whether the gate lets that (method, book)
  stake.
* :func:`gate_walk_forward` -- the gate's decisions over a season: at the first day of each block of
  ``refit_every_days`` days, the evidence before that day decides which (method, book) may stake for the block;
  every bet of the block is then ``staked`` or ``paper``. Each decision uses only earlier props.
* :func:`state_summary` -- staked and paper bets side by side per method: count, ROI with interval, CLV.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.gate import BetState, BookEvidence, Evidence, MethodEvidence, staked_books
from nba_pra.betting.settings import EvidenceSettings, PricingMethod
from nba_pra.betting.stacking import StackFit, blocks, fit_for_day
from nba_pra.evaluation.cache import frame_fingerprint
from nba_pra.evidence.replay import Replay, over_column
from nba_pra.evidence.scores import log_loss, log_losses
from nba_pra.stats import day_blocked_mean, day_blocked_mean_test
from nba_pra.vocab import LineOutcome, Outcome

#: ``(material, compute) -> evidence``: a cache around ``compute``, keyed by ``material`` (everything the evidence
#: as of a day reads, see :func:`evidence_before`)
EvidenceMemo = Callable[[dict[str, Any], Callable[[], Evidence]], Evidence]


#: how a book's ROI interval is drawn (in the evidence cache's key: evidence cached with per-bet intervals is
#: not reused)
ROI_INTERVAL = "day-blocked bootstrap, one-sided p-value, CLV"


def _ran(bets: pd.DataFrame) -> pd.DataFrame:
    return bets.loc[bets["result"].notna() & (bets["result"] != Outcome.VOID)]


def roi_figures(bets: pd.DataFrame, bootstrap: BootstrapSettings, seed: int,
                min_roi: float | None = None) -> dict[str, Any]:
    """Flat bets that ran: count, ROI = Σ profit / Σ stake (one unit each) and its interval, a bootstrap of whole
    game days (:func:`nba_pra.stats.day_blocked_mean`); with ``min_roi``, also ``p_value``, the one-sided
    p-value of "ROI <= ``min_roi``" from the same resamples (the gate's test).

    One night's bets share its games, lines and news, so they are not independent draws, and the gate stakes on
    the interval's lower end. (On the synthetic league's bets the nights' correlation is weak: the day-blocked
    intervals are a few tenths of a point wider than the per-bet ones.)
    """
    ran = _ran(bets)
    profit = ran["profit"].to_numpy(float)
    days = pd.to_datetime(ran["game_date"]).dt.normalize().to_numpy()
    draws = (profit, days, bootstrap.n_resamples, bootstrap.confidence, seed, bootstrap.min_days)
    if min_roi is None:
        roi, lo, hi = day_blocked_mean(*draws)
        return {"bets": len(profit), "roi": roi, "roi_lo": lo, "roi_hi": hi}
    roi, lo, hi, p = day_blocked_mean_test(*draws, min_roi)
    return {"bets": len(profit), "roi": roi, "roi_lo": lo, "roi_hi": hi, "p_value": p}


def close_figures(bets: pd.DataFrame, bootstrap: BootstrapSettings, seed: int) -> dict[str, Any]:
    """Flat bets that ran and have a closing line: count, mean probability CLV (``clv_prob``: the close's fair
    P(side | no push) minus the price's implied probability) and its day-blocked interval."""
    ran = _ran(bets)
    known = ran.loc[ran["clv_prob"].notna()]
    clv, lo, hi = day_blocked_mean(known["clv_prob"].to_numpy(float),
                                   pd.to_datetime(known["game_date"]).dt.normalize().to_numpy(),
                                   bootstrap.n_resamples, bootstrap.confidence, seed, bootstrap.min_days)
    return {"clv_bets": len(known), "clv": clv, "clv_lo": lo, "clv_hi": hi}


def method_evidence(props: pd.DataFrame, bets: pd.DataFrame, method: PricingMethod, settings: EvidenceSettings,
                    bootstrap: BootstrapSettings, seed: int) -> MethodEvidence:
    """One method's :class:`MethodEvidence` from the window's props and the method's bets in it."""
    rows = props.loc[props["outcome"].isin([LineOutcome.OVER, LineOutcome.UNDER])]
    rows = rows.loc[rows[over_column(method)].notna() & rows["consensus_over"].notna()]
    y = (rows["outcome"] == LineOutcome.OVER).to_numpy(float)
    p, q = rows[over_column(method)].to_numpy(float), rows["consensus_over"].to_numpy(float)
    diff, lo, hi = day_blocked_mean(log_losses(p, y) - log_losses(q, y), rows["game_date"].to_numpy(),
                                    bootstrap.n_resamples, bootstrap.confidence, seed, bootstrap.min_days)
    figures = {str(book): {**roi_figures(part, bootstrap, seed, settings.min_roi_lo),
                           **close_figures(part, bootstrap, seed)}
               for book, part in bets.loc[bets["method"] == method.value].groupby("bookmaker", sort=True)}
    staked = staked_books({book: BookEvidence(**fig, staked=False) for book, fig in figures.items()}, settings)
    books = {book: BookEvidence(**fig, staked=staked[book]) for book, fig in figures.items()}
    return MethodEvidence(props=len(rows), logloss=log_loss(p, y), market_logloss=log_loss(q, y),
                          logloss_minus_market=diff, logloss_minus_market_lo=lo, logloss_minus_market_hi=hi,
                          books=books)


def evidence_before(replay: Replay, day: pd.Timestamp, settings: EvidenceSettings, bootstrap: BootstrapSettings,
                    seed: int, *, source: str, synthetic: bool, methods: Sequence[PricingMethod] = tuple(PricingMethod),
                    written_at: str = "", memo: EvidenceMemo | None = None) -> Evidence:
    """The evidence as of ``day`` (module docstring): props and bets dated in ``[day - window_days, day)``.

    ``memo`` (optional) caches it under its window's props and bets, the stack and the settings: a day added to
    the data leaves the evidence of every earlier block unchanged, so the gate's walk-forward does not
    bootstrap it again.
    """
    day = pd.Timestamp(day).normalize()
    start = day - pd.Timedelta(days=settings.window_days)

    def window(frame: pd.DataFrame) -> pd.DataFrame:
        dates = pd.to_datetime(frame["game_date"])
        return frame.loc[(dates >= start) & (dates < day)]

    props, bets = window(replay.props), window(replay.bets)
    stack: StackFit | None = fit_for_day(replay.stack_fits, day)

    def compute() -> Evidence:
        dates = pd.to_datetime(props["game_date"])
        return Evidence(
            source=source, synthetic=synthetic, written_at=written_at,
            window_start=str(dates.min().date()) if len(dates) else "",
            window_end=str(dates.max().date()) if len(dates) else "",
            min_bets=settings.min_bets, min_roi_lo=settings.min_roi_lo,
            methods={m.value: method_evidence(props, bets, m, settings, bootstrap, seed) for m in methods},
            stack=stack,
        )

    if memo is None:
        return compute()
    material = {"block": "evidence", "roi_interval": ROI_INTERVAL, "props": frame_fingerprint(props),
                "bets": frame_fingerprint(bets),
                "stack": stack.to_dict() if stack is not None else None, "settings": settings,
                "bootstrap": bootstrap, "seed": seed, "source": source, "synthetic": synthetic,
                "methods": [m.value for m in methods], "written_at": written_at}
    return memo(material, compute)


@dataclass(frozen=True)
class GateWalkForward:
    decisions: pd.DataFrame  # block_start, method, bookmaker, bets, roi, roi_lo, roi_hi, p_value, clv..., staked
    bets: pd.DataFrame  # the replay's bets with ``state``
    evidence: dict[pd.Timestamp, Evidence]  # by block start: the evidence each block's gate read

    def evidence_for(self, day: pd.Timestamp) -> Evidence | None:
        """The evidence the gate read on ``day`` (its block's), None before the first block."""
        earlier = [start for start in self.evidence if start <= pd.Timestamp(day)]
        return self.evidence[max(earlier)] if earlier else None


def gate_walk_forward(replay: Replay, settings: EvidenceSettings, bootstrap: BootstrapSettings, seed: int,
                      every_days: int, methods: Sequence[PricingMethod] = tuple(PricingMethod),
                      memo: EvidenceMemo | None = None) -> GateWalkForward:
    """The gate's decisions per block and (method, book), the replay's bets with their ``state`` and the
    evidence of every block (``memo``: see :func:`evidence_before`)."""
    bets = replay.bets.copy()
    bets["state"] = BetState.PAPER.value
    days = pd.to_datetime(replay.props["game_date"]).reset_index(drop=True)
    block = blocks(days, every_days) if len(days) else np.array([], dtype=int)
    starts = sorted(days[block == b].min() for b in np.unique(block))
    bet_days = pd.to_datetime(bets["game_date"]).to_numpy(dtype="datetime64[ns]")
    bet_block = np.searchsorted(np.asarray(starts, dtype="datetime64[ns]"), bet_days, side="right") - 1
    rows, evidence = [], {}
    for i, start in enumerate(starts):
        ev = evidence_before(replay, start, settings, bootstrap, seed, source="replay", synthetic=False,
                             methods=methods, memo=memo)
        evidence[pd.Timestamp(start)] = ev
        for method, m in ev.methods.items():
            for book, b in m.books.items():
                rows.append({"block_start": start, "method": method, "bookmaker": book, "bets": b.bets, "roi": b.roi,
                             "roi_lo": b.roi_lo, "roi_hi": b.roi_hi, "p_value": b.p_value, "clv_bets": b.clv_bets,
                             "clv": b.clv, "clv_lo": b.clv_lo, "clv_hi": b.clv_hi, "staked": b.staked})
                if b.staked:
                    hit = ((bet_block == i) & (bets["method"] == method).to_numpy()
                           & (bets["bookmaker"] == book).to_numpy())
                    bets.loc[hit, "state"] = BetState.STAKED.value
    columns = ["block_start", "method", "bookmaker", "bets", "roi", "roi_lo", "roi_hi", "p_value", "clv_bets", "clv",
               "clv_lo", "clv_hi", "staked"]
    return GateWalkForward(pd.DataFrame(rows, columns=columns), bets, evidence)


def state_summary(bets: pd.DataFrame, bootstrap: BootstrapSettings, seed: int) -> pd.DataFrame:
    """Per method and state (staked / paper): flat-bet count, ROI with interval, mean CLV where closes exist."""
    rows: list[dict[str, Any]] = []
    for method in bets["method"].unique() if len(bets) else []:
        for state in BetState:
            part = bets.loc[(bets["method"] == method) & (bets["state"] == state.value)]
            ran = _ran(part)
            rows.append({"method": method, "state": state.value, **roi_figures(part, bootstrap, seed),
                         "clv_bets": int(ran["clv_prob"].notna().sum()),
                         "avg_clv_prob": (float(ran["clv_prob"].mean()) if ran["clv_prob"].notna().any()
                                          else float("nan"))})
    return pd.DataFrame(rows, columns=["method", "state", "bets", "roi", "roi_lo", "roi_hi", "clv_bets",
                                       "avg_clv_prob"])
