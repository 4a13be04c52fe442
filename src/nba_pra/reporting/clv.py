"""Closing line value on the terminal: the status screen's CLV line and the table of ``nba-pra status --clv``.

Both read the ledger metrics' ``clv`` block (:func:`nba_pra.ledger.clv_summary.clv_metrics`): every settled,
non-void bet, staked and paper. CLV prob is in percentage points of probability (closing fair P(win | no push) at
the bet's line minus the price's break-even probability), CLV line in PRA points, price CLV in % of return.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from nba_pra.formatting import clv_points

#: the table's sections: metrics key -> heading of its group column
SECTIONS = {"by_edge": "edge", "by_book": "book", "over_time": "period from"}


def _points(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


def _price(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.1%}"


def beat_text(row: dict[str, Any], confidence: float | None = None) -> str:
    """``62% [48%, 74%]`` (the beat-the-close rate and its Wilson interval) or ``n/a``."""
    if row.get("beat_rate") is None:
        return "n/a"
    level = f"{confidence:.0%} " if confidence is not None else ""
    return f"{row['beat_rate']:.0%} [{level}{row['beat_lo']:.0%}, {row['beat_hi']:.0%}]"


def clv_status_row(clv: dict[str, Any] | None) -> str:
    """One status line: mean CLV (prob, line, price), the beat-the-close rate and how many settled bets have one."""
    overall = (clv or {}).get("overall")
    if not overall or not overall.get("bets"):
        return "n/a (no settled bets yet)"
    if not overall.get("clv_bets"):
        return f"n/a (0 of {int(overall['bets'])} settled bets have a close yet)"
    return (f"{clv_points(overall['clv_prob'])}, line {_points(overall['clv_line'])} pts, price "
            f"{_price(overall['clv_price'])} ({int(overall['price_bets'])}); beat the close "
            f"{beat_text(overall)}; {int(overall['clv_bets'])} of {int(overall['bets'])} settled bets")


def clv_table(clv: dict[str, Any] | None, title: str) -> Table:
    """The CLV table: one section per grouping (edge bucket, book, period), one row per group with bets."""
    table = Table(title=Text(title), box=box.SIMPLE, padding=(0, 1), pad_edge=False)
    for name in ("group", "bets", "with CLV", "CLV prob", "CLV line", "price CLV", "beat the close [interval]"):
        table.add_column(name, justify="left" if name == "group" else "right", no_wrap=True)
    clv = clv or {}
    overall = clv.get("overall") or {}
    rows = [("all bets", overall)] if overall.get("bets") else []
    for key, heading in SECTIONS.items():
        groups = [(f"{heading} {group}", row) for group, row in (clv.get(key) or {}).items() if row.get("bets")]
        if groups:
            rows.append(("", {}))
            rows.extend(groups)
    for label, row in rows:
        if not row:
            table.add_section()
            continue
        table.add_row(Text(label), str(int(row["bets"])), str(int(row["clv_bets"])), clv_points(row["clv_prob"]),
                      _points(row["clv_line"]), _price(row["clv_price"]), beat_text(row))
    return table
