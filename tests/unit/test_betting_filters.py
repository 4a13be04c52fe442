"""Each filter rejects exactly past its threshold (the threshold itself passes), in the documented order."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import pytest

from nba_pra.betting.filters import PASS, RULES, first_rejection
from nba_pra.betting.settings import BettingSettings
from settings_support import betting_settings

S = betting_settings()  # min_games 5, max_cv 0.35, min_edge 0.03, min_confidence 0.60


def candidate(**overrides: Any) -> dict[str, Any]:
    row = {
        "dist_param_a": 25.0,
        "dist_param_b": 1.2,
        "is_derived": False,
        "game_date": pd.Timestamp("2024-01-05"),
        "over_decimal": 1.9,
        "under_decimal": 1.9,
        "eligible": True,
        "n_prior_games": 20,
        "cv": 0.2,
        "edge": 0.10,
        "confidence": 0.8,
    }
    row.update(overrides)
    return row


def reasons(
    *rows: dict[str, Any], settings: BettingSettings = S, as_of: pd.Timestamp | None = None
) -> list[str]:
    return first_rejection(pd.DataFrame(list(rows)), settings, as_of).tolist()


@pytest.mark.parametrize(
    ("column", "at_threshold", "just_past", "reason"),
    [
        ("n_prior_games", 5, 4, "min_games"),
        ("cv", 0.35, 0.35 + 1e-9, "max_cv"),
        ("edge", 0.03, 0.03 - 1e-9, "min_edge"),
        ("confidence", 0.60, 0.60 - 1e-9, "min_confidence"),
    ],
)
def test_filter_passes_at_its_threshold_and_rejects_just_past_it(
    column: str, at_threshold: float, just_past: float, reason: str
) -> None:
    assert reasons(candidate(**{column: at_threshold}), candidate(**{column: just_past})) == [PASS, reason]


def test_thresholds_come_from_settings() -> None:
    strict = dataclasses.replace(S, min_games=30, max_cv=0.1, min_edge=0.5, min_confidence=0.99)
    row = candidate()
    assert reasons(row, settings=strict) == ["min_games"]
    assert reasons(candidate(n_prior_games=30), settings=strict) == ["max_cv"]
    assert reasons(candidate(n_prior_games=30, cv=0.1), settings=strict) == ["min_edge"]
    assert reasons(candidate(n_prior_games=30, cv=0.1, edge=0.5), settings=strict) == ["min_confidence"]


def test_the_first_failing_rule_is_the_reason_in_documented_order() -> None:
    everything_wrong = candidate(
        dist_param_a=float("nan"),
        is_derived=True,
        eligible=False,
        n_prior_games=0,
        cv=1.0,
        edge=-1.0,
        confidence=0.0,
        over_decimal=float("nan"),
        under_decimal=float("nan"),
    )
    assert reasons(everything_wrong) == ["no_prediction"]
    order = [name for name, _ in RULES]
    assert order == [
        "no_prediction",
        "derived_line",
        "past_game",
        "missing_price",
        "not_eligible",
        "min_games",
        "max_cv",
        "min_edge",
        "max_edge",
        "min_confidence",
    ]
    assert reasons(candidate(is_derived=True, eligible=False)) == ["derived_line"]
    assert reasons(candidate(eligible=False, n_prior_games=0)) == ["not_eligible"]
    assert reasons(candidate(n_prior_games=0, cv=1.0)) == ["min_games"]
    assert reasons(candidate(cv=1.0, edge=-1.0)) == ["max_cv"]
    assert reasons(candidate(edge=-1.0, confidence=0.0)) == ["min_edge"]


def test_missing_values_never_pass_a_threshold() -> None:
    nan = float("nan")
    assert reasons(
        candidate(cv=nan), candidate(edge=nan), candidate(confidence=nan), candidate(eligible=None)
    ) == ["max_cv", "min_edge", "min_confidence", "not_eligible"]


def test_past_game_compares_calendar_days() -> None:
    rows = (candidate(game_date=pd.Timestamp("2024-01-04")), candidate(game_date=pd.Timestamp("2024-01-05")))
    assert reasons(*rows, as_of=pd.Timestamp("2024-01-05 23:00")) == ["past_game", PASS]
    assert reasons(*rows) == [PASS, PASS]


def test_max_edge_is_off_by_default_and_rejects_only_above_its_limit() -> None:
    assert reasons(candidate(edge=5.0)) == [PASS]
    capped = dataclasses.replace(S, max_edge=0.5)
    assert reasons(candidate(edge=0.5), candidate(edge=0.5 + 1e-9), settings=capped) == [PASS, "max_edge"]


@pytest.mark.parametrize(("over", "under"), [(float("nan"), 1.9), (1.9, float("nan"))])
def test_a_price_missing_on_one_side_is_not_a_missing_price(over: float, under: float) -> None:
    # the other side can still be bet; only a row priced on neither side is rejected
    assert reasons(candidate(over_decimal=over, under_decimal=under)) == [PASS]
    assert reasons(candidate(over_decimal=float("nan"), under_decimal=float("nan"))) == ["missing_price"]


def test_each_reason_carries_the_candidates_value_and_the_threshold() -> None:
    from nba_pra.betting.filters import explain

    frame = pd.DataFrame([
        candidate(cv=0.41), candidate(edge=0.012), candidate(confidence=0.55), candidate(n_prior_games=3),
        candidate(is_derived=True), candidate(),
    ])
    got = explain(frame, first_rejection(frame, S), S).tolist()
    assert got == [
        "max_cv: CV 0.41 > 0.35",
        "min_edge: edge 0.012 < 0.030",
        "min_confidence: P(win) 0.550 < 0.600",
        "min_games: 3 prior games < 5",
        "derived_line: a line derived from other markets: reference only, nobody offers it",
        "bet",
    ]
    capped = explain(frame.head(1), pd.Series(["cap_day"]), S).tolist()
    assert capped == [f"cap_day: day cap {S.max_day_fraction:.1%} of bankroll"]
