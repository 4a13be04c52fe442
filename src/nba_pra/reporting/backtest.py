"""``nba-pra backtest`` on the console: each pricing method against the market and its flat bets, the gate's
staked bets, and where the rest is (the reports, the MLflow run)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nba_pra import artifacts
from nba_pra.backtest.runner import BacktestResult, gate_source
from nba_pra.betting.gate import BetState
from nba_pra.evidence import wagers
from nba_pra.formatting import interval, logloss_difference, pct, pct_interval
from nba_pra.reporting.recommend import console_for_output


def _row(methods: pd.DataFrame, method: str, source: str) -> dict[str, Any]:
    rows = methods.loc[(methods["method"] == method) & (methods["price_source"] == source)
                       & (methods["strategy"] == wagers.MODEL)]
    return {str(k): v for k, v in rows.iloc[0].items()} if len(rows) else {}


def methods_table(result: BacktestResult) -> Table:
    """Per pricing method: log loss minus the market's, its flat 1-unit bets at the best price (staked and paper
    alike), and the bets the walk-forward gate would have staked."""
    table = Table(title=Text(f"Pricing methods, walk-forward {result.start.date()}..{result.end.date()}: flat "
                             "1-unit bets at the best price; 95 % intervals resample whole days"))
    for header in ("pricing", "log loss − market", "95% interval", "bets", "ROI", "95% interval", "gate staked",
                   "staked ROI"):
        table.add_column(header, justify="left" if header == "pricing" else "right")
    methods = result.methods
    for method in methods["method"].drop_duplicates():
        best = _row(methods, method, wagers.BEST_PRICE)
        staked = _row(methods, method, gate_source(BetState.STAKED))
        first = methods.loc[methods["method"] == method].iloc[0]
        cells = (
            str(method), logloss_difference(first["minus_market"]),
            interval(first["minus_market_lo"], first["minus_market_hi"], logloss_difference),
            str(int(best.get("bets", 0))), pct(best.get("roi")), pct_interval(best.get("roi_lo"), best.get("roi_hi")),
            str(int(staked.get("bets", 0))), pct(staked.get("roi")),
        )
        table.add_row(*(Text(cell) for cell in cells))
    return table


def show(result: BacktestResult, shown: str, console: Console | None = None) -> None:
    """The banner ``shown`` (:func:`nba_pra.provenance.banner`), the methods table, the backtest ledger's staked
    bets and where the details are."""
    console = console or console_for_output()
    m = result.metrics
    console.print(Text(shown))
    console.print(methods_table(result))
    staked = (f"{m['bets']} bets, ROI {pct(m['roi'])} {pct_interval(m['roi_lo'], m['roi_hi'])}, bankroll "
              f"{m['final_bankroll']:.1f}" if m["bets"] else "no bet")
    console.print(Text(f"Staked through the gate (the backtest ledger): {staked}; {m['paper_bets']} paper bets."))
    details = ", ".join(a.relative for a in (artifacts.BACKTEST_METHODS, artifacts.BACKTEST_GATE,
                                             artifacts.BACKTEST_METRICS, artifacts.BACKTEST_EVIDENCE))
    console.print(Text(f"Per book, controls (random side, always under) and weekly gate decisions: {details}; "
                       f"every run is logged to MLflow."))
