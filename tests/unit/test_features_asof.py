"""The as-of primitives: strictly-earlier look-ups and keyed trailing windows, on hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nba_pra.features.asof import (
    NO_EVENT,
    KeyedWindows,
    asof_positions,
    encode,
    gather,
    safe_divide,
)


def days(*values: str) -> np.ndarray:
    return np.array(values, dtype="datetime64[ns]")


def test_lookup_returns_the_latest_event_of_the_key_dated_strictly_before_the_query() -> None:
    ev_key = np.array([1, 1, 1, 2])
    ev_date = days("2024-01-01", "2024-01-03", "2024-01-03", "2024-01-02")
    q_key = np.array([1, 1, 1, 2, 2, 3])
    q_date = days("2024-01-01", "2024-01-03", "2024-01-04", "2024-01-02", "2024-01-05", "2024-01-09")
    # same-day events are unseen; of two events on one day the later (in given order) is returned
    assert asof_positions(ev_key, ev_date, q_key, q_date).tolist() == [NO_EVENT, 0, 2, NO_EVENT, 3, NO_EVENT]


def test_lookup_never_crosses_into_another_key() -> None:
    ev_key = np.array([1, 2])
    ev_date = days("2024-01-01", "2024-01-01")
    assert asof_positions(ev_key, ev_date, np.array([2, 3]), days("2024-01-02", "2024-01-02")).tolist() == [
        1,
        -1,
    ]


def test_gather_gives_nan_where_there_is_no_event() -> None:
    out = gather(np.array([5.0, 6.0]), np.array([1, NO_EVENT, 0]))
    assert out[0] == 6.0 and math.isnan(out[1]) and out[2] == 5.0


def test_windowed_mean_restarts_at_each_key_and_skips_missing_values() -> None:
    kw = KeyedWindows(np.array([1, 1, 1, 1, 2, 2]))
    values = np.array([2.0, 4.0, np.nan, 8.0, 10.0, 20.0])
    assert kw.mean(values, 2).tolist() == [2.0, 3.0, 4.0, 8.0, 10.0, 15.0]
    assert kw.count(values, 2).tolist() == [1.0, 2.0, 1.0, 1.0, 1.0, 2.0]
    assert kw.mean(values, None).tolist() == [2.0, 3.0, 3.0, pytest.approx(14 / 3), 10.0, 15.0]


def test_windowed_std_slope_and_ratio() -> None:
    kw = KeyedWindows(np.zeros(4, dtype=np.int64))
    values = np.array([1.0, 3.0, 5.0, 4.0])
    std = kw.std(values, 3)
    assert math.isnan(std[0]) and std[1] == pytest.approx(math.sqrt(2.0)) and std[3] == pytest.approx(1.0)
    slope = kw.slope(values, 3)
    assert math.isnan(slope[1]) and slope[2] == pytest.approx(2.0) and slope[3] == pytest.approx(0.5)
    # ratio of window sums over events where both parts are present (the NaN numerator drops its denominator)
    ratio = kw.ratio(np.array([1.0, 2.0, np.nan, 3.0]), np.array([2.0, 2.0, 5.0, 1.0]), 2)
    assert ratio.tolist() == [0.5, 0.75, 1.0, 3.0]
    # a window whose denominators sum to zero has no ratio
    assert math.isnan(kw.ratio(np.array([1.0, 1.0, 1.0, 1.0]), np.zeros(4), 2)[3])


def test_rolling_extremes_and_ewm_stay_inside_their_key() -> None:
    kw = KeyedWindows(np.array([1, 1, 1, 2]))
    values = np.array([3.0, 9.0, 1.0, 7.0])
    assert kw.extreme(values, 2, "max").tolist() == [3.0, 9.0, 9.0, 7.0]
    assert kw.extreme(values, 2, "min").tolist() == [3.0, 3.0, 1.0, 7.0]
    ewm = kw.ewm(values, 1.0)  # halflife 1: each older game weighs half
    assert ewm[1] == pytest.approx((9 + 0.5 * 3) / 1.5) and ewm[3] == 7.0


def test_helpers_encode_keys_in_sorted_order_and_divide_safely() -> None:
    assert encode(np.array(["b", "a", "b"]), np.array([2, 1, 1])).tolist() == [2, 0, 1]
    out = safe_divide(np.array([1.0, 1.0, np.nan]), np.array([2.0, 0.0, 1.0]))
    assert out[0] == 0.5 and np.isnan(out[1:]).all()
