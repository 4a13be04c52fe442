"""``nba-pra market``: the model-vs-market table and the betting table on the console."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from nba_pra.market_eval.runner import MODEL, MarketEvaluation
from nba_pra.reporting.recommend import console_for_output


def forecaster_table(ev: MarketEvaluation) -> Table:
    """MAE (point forecast) and Brier / log loss of P(over) on the same props, one row per forecaster."""
    acc = ev.accuracy
    table = Table(title=f"Model vs market, {ev.season} ({ev.start.date()}..{ev.end.date()}), "
                        f"{ev.headline['props']} props, {int(acc['props_played'])} played")
    for header in ("forecaster", "MAE", "Brier", "log loss", "props scored"):
        table.add_column(header, justify="left" if header == "forecaster" else "right")
    mae = {MODEL: f"{acc['model_mae']:.3f} (median {acc['model_median_mae']:.3f})"}
    for row in ev.probabilities.itertuples(index=False):
        is_market = str(row.forecaster).startswith("market")
        shown_mae = mae.get(str(row.forecaster), f"{acc['line_mae']:.3f} (line)" if is_market else "")
        table.add_row(str(row.forecaster), shown_mae, f"{row.brier:.4f}", f"{row.log_loss:.4f}", str(row.props))
    return table


def betting_table(frame: pd.DataFrame) -> Table:
    table = Table(title="Flat 1-unit bets: each book's own price, the best price, and controls")
    for header in ("price", "strategy", "bets", "win rate", "ROI (= yield)", "95% interval"):
        table.add_column(header, justify="left" if header in ("price", "strategy") else "right")
    for row in frame.itertuples(index=False):
        interval = "" if pd.isna(row.roi_lo) else f"[{row.roi_lo:+.1%}, {row.roi_hi:+.1%}]"
        roi = "" if pd.isna(row.roi) else f"{row.roi:+.2%}"
        rate = "" if pd.isna(row.win_rate) else f"{row.win_rate:.1%}"
        table.add_row(str(row.price_source), str(row.strategy), str(int(row.bets)), rate, roi, interval)
    return table


def show(ev: MarketEvaluation, console: Console | None = None) -> None:
    console = console or console_for_output()
    h = ev.headline
    console.print(f"lines matched to players: {h['names_matched']:.0f} of {h['names']:.0f} name-game pairs "
                  f"({h['match_rate']:.2%})")
    console.print(forecaster_table(ev))
    if h["books_left_out"]:
        console.print(f"left out (prices inverted against their lines, see books.csv): "
                      f"{', '.join(h['books_left_out'])}")
    console.print(f"blend vs market on the {h['blend_props']} props after the first fit: log loss "
                  f"{h['blend_logloss']:.4f} vs {h['market_logloss']:.4f} (difference "
                  f"{h['blend_minus_market_logloss']:+.4f}, 95% interval [{h['blend_minus_market_lo']:+.4f}, "
                  f"{h['blend_minus_market_hi']:+.4f}])")
    console.print(betting_table(ev.betting))
