"""How a figure reads on every text surface (CLI, logs, gate reasons, status): signed, and ``n/a`` when there is
none (absent, or NaN: a book with no bet has no ROI, an interval over too few days has no ends)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

#: an interval with no ends (too few days to draw one), on the CLI and the dashboard alike
NO_INTERVAL: Final = "[n/a]"


def missing(value: float | None) -> bool:
    """No figure: None or NaN."""
    return value is None or math.isnan(value)


def pct(value: float | None, digits: int = 1) -> str:
    """``+3.9%``, or ``n/a``."""
    return "n/a" if missing(value) else f"{value:+.{digits}%}"


def logloss_difference(value: float | None) -> str:
    """A log-loss difference, ``-0.00088``: five decimals, as its interval's ends can be a few hundred-thousandths
    from 0 (four would print ``-0.0000``); or ``n/a``."""
    return "n/a" if missing(value) else f"{value:+.5f}"


def interval(lo: float | None, hi: float | None, show: Callable[[float | None], str]) -> str:
    """``[show(lo), show(hi)]``, or ``[n/a]`` when the interval has no ends."""
    return NO_INTERVAL if missing(lo) or missing(hi) else f"[{show(lo)}, {show(hi)}]"


def pct_interval(lo: float | None, hi: float | None, digits: int = 1) -> str:
    """``[-4.1%, +12.2%]``, or ``[n/a]``."""
    return interval(lo, hi, lambda value: pct(value, digits))


def p_value(value: float | None) -> str:
    """A p-value or a test's level, ``0.0036``: two significant figures (a bootstrap's smallest p is 1/(B+1),
    0.0005 with 2,000 resamples); or ``n/a``."""
    return "n/a" if missing(value) else f"{value:.2g}"


def clv_points(value: float | None) -> str:
    """A probability CLV in probability points, ``+1.23 pp`` (0.0123), or ``n/a``."""
    return "n/a" if value is None or missing(value) else f"{100.0 * value:+.2f} pp"
