"""``nba-pra market``: the model-vs-market table and the betting table on the console.

Cells and titles are plain :class:`~rich.text.Text`: book and forecaster names come from the lines file, and a
book called ``[/x]`` must print as written instead of crashing rich's markup parser.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nba_pra.betting.settings import PricingMethod
from nba_pra.formatting import interval, logloss_difference, pct, pct_interval
from nba_pra.market_eval.runner import MODEL, MarketEvaluation
from nba_pra.reporting.recommend import console_for_output


def _add_row(table: Table, *cells: str) -> None:
    table.add_row(*(Text(cell) for cell in cells))


def forecaster_table(ev: MarketEvaluation) -> Table:
    """MAE (point forecast) and Brier / log loss of P(over) on the same props, one row per forecaster."""
    acc = ev.accuracy
    table = Table(title=Text(f"Model vs market, {ev.season} ({ev.start.date()}..{ev.end.date()}), "
                        f"{ev.headline['props']} props, {int(acc['props_played'])} played"))
    for header in ("forecaster", "MAE", "Brier", "log loss", "props scored"):
        table.add_column(header, justify="left" if header == "forecaster" else "right")
    mae = {MODEL: f"{acc['model_mae']:.3f} (median {acc['model_median_mae']:.3f})"}
    for row in ev.probabilities.itertuples(index=False):
        is_market = str(row.forecaster).startswith("market")
        shown_mae = mae.get(str(row.forecaster), f"{acc['line_mae']:.3f} (line)" if is_market else "")
        _add_row(table, str(row.forecaster), shown_mae, f"{row.brier:.4f}", f"{row.log_loss:.4f}", str(row.props))
    return table


def betting_table(frame: pd.DataFrame) -> Table:
    table = Table(title="Flat 1-unit bets of each pricing method (walk-forward replay): per book, all picks, controls")
    for header in ("pricing", "price", "strategy", "bets", "win rate", "ROI (= yield)", "95% interval"):
        table.add_column(header, justify="left" if header in ("pricing", "price", "strategy") else "right")
    row: Any  # pandas-stubs types itertuples() fields as any scalar; these are the frame's numbers and names
    for row in frame.itertuples(index=False):
        rate = "" if pd.isna(row.win_rate) else f"{row.win_rate:.1%}"
        _add_row(table, str(row.method), str(row.price_source), str(row.strategy), str(int(row.bets)), rate,
                 pct(row.roi, 2), pct_interval(row.roi_lo, row.roi_hi))
    return table


def pricing_table(ev: MarketEvaluation) -> Table:
    """Each pricing method's log loss against the market's on every decided prop, with the paired interval."""
    h = ev.headline
    table = Table(title=f"Pricing methods against the de-vigged market (log loss {h['market_logloss']:.4f}; "
                        "negative difference = beats the market)")
    for header in ("pricing", "log loss", "minus market", "95% interval", "ECE"):
        table.add_column(header, justify="left" if header == "pricing" else "right")
    for method in PricingMethod:
        m = method.value
        mark = " (default)" if m == h["pricing_method"] else ""
        _add_row(table, m + mark, f"{h[f'{m}_logloss']:.4f}", logloss_difference(h[f"{m}_minus_market"]),
                 interval(h[f"{m}_minus_market_lo"], h[f"{m}_minus_market_hi"], logloss_difference),
                 f"{h[f'{m}_ece']:.2%}")
    return table


def gate_table(summary: pd.DataFrame) -> Table:
    """Bets the walk-forward gate would have staked beside the ones it kept on paper, per pricing method."""
    table = Table(title="Evidence gate, walk-forward (each week's decision uses only earlier props)")
    for header in ("pricing", "state", "bets", "ROI", "95% interval", "CLV bets", "mean CLV (prob)"):
        table.add_column(header, justify="left" if header in ("pricing", "state") else "right")
    row: Any
    for row in summary.itertuples(index=False):
        clv = "n/a (no closes)" if pd.isna(row.avg_clv_prob) else f"{row.avg_clv_prob:+.4f}"
        _add_row(table, str(row.method), str(row.state), str(int(row.bets)), pct(row.roi, 2),
                 pct_interval(row.roi_lo, row.roi_hi), str(int(row.clv_bets)), clv)
    return table


def show(ev: MarketEvaluation, console: Console | None = None) -> None:
    console = console or console_for_output()
    h = ev.headline
    console.print(Text(f"lines matched to players: {h['names_matched']:.0f} of {h['names']:.0f} name-game pairs "
                       f"({h['match_rate']:.2%})"))
    console.print(forecaster_table(ev))
    if h["books_left_out"]:
        console.print(Text(f"left out (prices inverted against their lines, see books.csv): "
                           f"{', '.join(h['books_left_out'])}"))
    console.print(pricing_table(ev))
    console.print(betting_table(ev.betting))
    console.print(gate_table(ev.gate_summary))
