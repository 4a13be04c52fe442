"""Invariants of the market math (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nba_pra.odds.market import (
    DevigMethod,
    devig,
    shin_z,
)
from nba_pra.odds.prices import american_to_decimal, decimal_to_american, implied_probability

american = st.one_of(st.integers(-5000, -101), st.integers(100, 5000))
fair_p = st.floats(0.1, 0.9)  # with margins up to 15 % every implied probability stays below 1
margin = st.floats(0.0, 0.15)


@st.composite
def two_way_market(draw: st.DrawFn) -> np.ndarray:
    """Implied probabilities of a book: fair probabilities inflated by a proportional margin (each below 1)."""
    p = draw(fair_p)
    m = draw(margin)
    q = np.array([p, 1 - p]) * (1 + m)
    return np.clip(q, 1e-6, 1 - 1e-6)


@st.composite
def multiway_market(draw: st.DrawFn) -> np.ndarray:
    k = draw(st.integers(2, 6))
    raw = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k)))
    q = raw / raw.sum() * (1 + draw(margin))
    return np.clip(q, 1e-6, 1 - 1e-6)


@given(american)
def test_american_to_decimal_and_back_is_the_identity(a: int) -> None:
    assert np.isclose(decimal_to_american(american_to_decimal(a)), a, rtol=0, atol=1e-9)


@given(american)
def test_implied_probability_is_a_probability(a: int) -> None:
    q = implied_probability(a)
    assert 0 < q < 1


@settings(max_examples=200)
@given(multiway_market(), st.sampled_from(list(DevigMethod)))
def test_fair_probabilities_sum_to_one_and_stay_in_the_unit_interval(q: np.ndarray, method: DevigMethod) -> None:
    p = devig(q[None, :], method)[0]
    assert np.isclose(p.sum(), 1.0, atol=1e-9)
    assert np.all(p >= 0) and np.all(p <= 1)


@settings(max_examples=200)
@given(st.lists(st.floats(0.05, 1.0), min_size=2, max_size=6))
def test_every_method_returns_a_vig_free_market_unchanged(raw: list[float]) -> None:
    q = np.array(raw) / np.sum(raw)
    q = q[None, :]
    if np.any(q >= 1):
        return
    for method in DevigMethod:
        assert np.allclose(devig(q, method), q, atol=1e-9), method


@settings(max_examples=200)
@given(two_way_market())
def test_shin_z_lies_in_zero_one(q: np.ndarray) -> None:
    z = shin_z(q[None, :])[0]
    assert 0 <= z < 1


@settings(max_examples=200)
@given(two_way_market())
def test_de_vig_never_raises_the_favourite_above_its_implied_probability(q: np.ndarray) -> None:
    # removing a non-negative margin can only lower each implied probability
    for method in DevigMethod:
        p = devig(q[None, :], method)[0]
        assert np.all(p <= q + 1e-9), method
