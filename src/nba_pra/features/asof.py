"""Vectorised primitives of the as-of discipline: keyed windows over events and strictly-earlier look-ups.

Every feature is built in two steps:

1. an *event* series (a player's played games, a team's games, a position's game days, ...) sorted by
   ``(key, date)`` gets window statistics that *include* the event itself;
2. every query row ``(key, date)`` reads the statistics of the latest event of its key dated strictly before
   its date (:func:`asof_positions`). Events on the query's own date are never seen, so two games on one day
   cannot see each other, and a slate row reads exactly what a history row on that date would read.

Per-key cumulative sums go through ``groupby().cumsum()`` (one accumulator per key), so a key's statistics
depend only on its own events: changing another key's data cannot even move a rounding error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NO_EVENT = -1


def asof_positions(
    event_key: np.ndarray, event_date: np.ndarray, query_key: np.ndarray, query_date: np.ndarray
) -> np.ndarray:
    """Index of the latest event with the query's key and ``event_date < query_date``; ``NO_EVENT`` if none.

    ``event_key``/``event_date`` must be sorted by ``(key, date)``; among events sharing ``(key, date)`` the
    last one in the given order is returned (its window statistics already include the others).
    Keys are integers, dates anything orderable as int64 (e.g. ``datetime64[ns]``).
    """
    n_ev = len(event_key)
    keys = np.concatenate([np.asarray(event_key, dtype=np.int64), np.asarray(query_key, dtype=np.int64)])
    dates = np.concatenate(
        [
            np.asarray(event_date).astype("datetime64[ns]").view(np.int64),
            np.asarray(query_date).astype("datetime64[ns]").view(np.int64),
        ]
    )
    # kind 0 = query sorts before kind 1 = event on the same (key, date): same-day events stay unseen.
    kind = np.concatenate([np.ones(n_ev, dtype=np.int8), np.zeros(len(query_key), dtype=np.int8)])
    order = np.lexsort((kind, dates, keys))
    events_before = np.cumsum(kind[order].astype(np.int64))
    is_query = kind[order] == 0
    candidate = np.full(len(query_key), NO_EVENT, dtype=np.int64)
    candidate[order[is_query] - n_ev] = events_before[is_query] - 1
    ok = candidate >= 0
    same_key = np.zeros(len(query_key), dtype=bool)
    same_key[ok] = keys[candidate[ok]] == keys[n_ev:][ok]
    return np.where(same_key, candidate, NO_EVENT)


def gather(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``values[positions]`` as float64, NaN where ``positions == NO_EVENT``."""
    values = np.asarray(values, dtype=np.float64)
    out = np.full(len(positions), np.nan)
    ok = positions >= 0
    out[ok] = values[positions[ok]]
    return out


def group_starts(key: np.ndarray) -> np.ndarray:
    """For a key-sorted array, the index of the first element of each element's key block."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = key[1:] != key[:-1]
    return np.maximum.accumulate(np.where(new, np.arange(n), 0))


def _group_cumsum(values: np.ndarray, key: np.ndarray) -> np.ndarray:
    return pd.Series(values).groupby(key, sort=False).cumsum().to_numpy(dtype=np.float64)


class KeyedWindows:
    """Trailing-window statistics over key-sorted events (each window ends at, and includes, the event).

    ``window=None`` means expanding (all earlier events of the key). NaN values are skipped: a window's
    statistics use its non-missing values and ``count`` says how many there were.
    """

    def __init__(self, key: np.ndarray) -> None:
        self.key = np.asarray(key, dtype=np.int64)
        self.start = group_starts(self.key)
        self.index = np.arange(len(self.key))

    def _window_total(self, values: np.ndarray, window: int | None) -> np.ndarray:
        cs = _group_cumsum(values, self.key)
        if window is None:
            return cs
        back = self.index - window
        prev = np.zeros(len(cs))
        ok = back >= self.start
        prev[ok] = cs[back[ok]]
        return cs - prev

    def total(self, values: np.ndarray, window: int | None) -> np.ndarray:
        """Sum of the non-missing values in the window (0 when none)."""
        values = np.asarray(values, dtype=np.float64)
        return self._window_total(np.where(np.isnan(values), 0.0, values), window)

    def count(self, values: np.ndarray, window: int | None) -> np.ndarray:
        """Number of non-missing values in the window."""
        return self._window_total(
            (~np.isnan(np.asarray(values, dtype=np.float64))).astype(np.float64), window
        )

    def mean(self, values: np.ndarray, window: int | None) -> np.ndarray:
        n = self.count(values, window)
        return _divide(self.total(values, window), n)

    def ratio(self, numerator: np.ndarray, denominator: np.ndarray, window: int | None) -> np.ndarray:
        """sum(numerator) / sum(denominator) over the window, using only events where both are present."""
        num = np.asarray(numerator, dtype=np.float64)
        den = np.asarray(denominator, dtype=np.float64)
        both = ~(np.isnan(num) | np.isnan(den))
        return _divide(
            self.total(np.where(both, num, np.nan), window), self.total(np.where(both, den, np.nan), window)
        )

    def std(self, values: np.ndarray, window: int | None) -> np.ndarray:
        """Sample standard deviation (ddof 1); NaN with fewer than 2 values."""
        values = np.asarray(values, dtype=np.float64)
        n = self.count(values, window)
        s1 = self.total(values, window)
        s2 = self.total(values * values, window)
        with np.errstate(invalid="ignore", divide="ignore"):
            var = (s2 - s1 * s1 / n) / (n - 1)
        var = np.where(n >= 2, np.maximum(var, 0.0), np.nan)
        return np.sqrt(var)

    def slope(self, values: np.ndarray, window: int) -> np.ndarray:
        """Least-squares slope of value against event number (value units per event); NaN with < 3 values."""
        values = np.asarray(values, dtype=np.float64)
        present = ~np.isnan(values)
        x = (self.index - self.start).astype(np.float64)
        xm = np.where(present, x, np.nan)
        n = self.count(values, window)
        sx = self.total(xm, window)
        sy = self.total(values, window)
        sxx = self.total(xm * xm, window)
        sxy = self.total(xm * values, window)
        den = n * sxx - sx * sx
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (n * sxy - sx * sy) / den
        return np.where((n >= 3) & (den > 0), out, np.nan)

    def extreme(self, values: np.ndarray, window: int, how: str) -> np.ndarray:
        """Rolling ``max`` or ``min`` of the non-missing values in the window."""
        grouped = pd.Series(np.asarray(values, dtype=np.float64)).groupby(self.key, sort=True)
        rolled = getattr(grouped.rolling(window, min_periods=1), how)()
        return rolled.to_numpy(dtype=np.float64)

    def ewm(self, values: np.ndarray, halflife: float) -> np.ndarray:
        """Exponentially weighted mean (adjusted, halflife in events) skipping missing values."""
        grouped = pd.Series(np.asarray(values, dtype=np.float64)).groupby(self.key, sort=True)
        return grouped.ewm(halflife=halflife, ignore_na=True).mean().to_numpy(dtype=np.float64)


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with NaN where ``den`` is 0 or missing."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where(np.isfinite(out), out, np.nan)


def encode(*columns: pd.Series | np.ndarray) -> np.ndarray:
    """Integer codes of the combined key columns, in sorted order of the key (so code order = key order)."""
    frame = pd.DataFrame({f"k{i}": np.asarray(c) for i, c in enumerate(columns)})
    return frame.groupby(list(frame.columns), sort=True, dropna=False).ngroup().to_numpy(dtype=np.int64)


def sum_events(
    key: np.ndarray, game_id: np.ndarray, date: np.ndarray, columns: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Sum ``columns`` per (key, game) into one event per (key, game), sorted by (key, date, game_id).

    Sums skip NaN and are NaN when every value is missing. Result columns: key, game_id, date, *columns.
    """
    frame = pd.DataFrame(
        {
            "key": np.asarray(key, dtype=np.int64),
            "game_id": np.asarray(game_id),
            "date": np.asarray(date, dtype="datetime64[ns]"),
            **columns,
        }
    )
    events = frame.groupby(["key", "game_id", "date"], sort=False).sum(min_count=1).reset_index()
    return events.sort_values(["key", "date", "game_id"], kind="mergesort").reset_index(drop=True)
