"""The training window moves only every ``model.retrain_every_days`` days, on request, or when it cannot stand."""

from __future__ import annotations

import pandas as pd
import pytest

from nba_pra.model.retrain import END, ENDS, REQUESTED, decide_window, training_set, window_ends, window_record

DAY = pd.Timestamp("2024-01-10")


@pytest.mark.parametrize(
    ("previous", "slate", "end", "retrain"),
    [
        (None, DAY, DAY, True),                                            # first run
        ({END: "2024-01-10"}, "2024-01-10", DAY, False),                   # same day again
        ({END: "2024-01-10"}, "2024-01-16", DAY, False),                   # 6 of 7 days
        ({END: "2024-01-10"}, "2024-01-17", pd.Timestamp("2024-01-17"), True),  # 7 days: retrain
        ({END: "2024-01-10"}, "2024-01-25", pd.Timestamp("2024-01-25"), True),  # a long break
        ({END: "2024-01-10"}, "2024-01-05", pd.Timestamp("2024-01-05"), True),  # data rewound before the end
        ({END: "2024-01-10", REQUESTED: True}, "2024-01-12", pd.Timestamp("2024-01-12"), True),
        ({END: "2024-01-12", REQUESTED: True}, "2024-01-12", pd.Timestamp("2024-01-12"), False),  # already there
        ({"rows": 3}, "2024-01-12", pd.Timestamp("2024-01-12"), True),      # a record without an end
    ],
)
def test_window_end_moves_only_on_schedule_request_or_rewind(previous, slate, end, retrain) -> None:
    decision = decide_window(pd.Timestamp(slate), previous, every_days=7)
    assert (decision.end, decision.retrain) == (end, retrain)
    assert decision.next_retrain == end + pd.Timedelta(days=7)


def test_unchanged_window_says_how_long_until_the_next_retrain() -> None:
    decision = decide_window(pd.Timestamp("2024-01-13"), {END: "2024-01-10"}, every_days=7)
    assert decision.reason == "3 of 7 days since the window ending 2024-01-10"
    assert str(decision.next_retrain.date()) == "2024-01-17"


def test_training_set_keeps_history_before_the_end_and_drops_the_slate() -> None:
    features = pd.DataFrame({
        "game_date": pd.to_datetime(["2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12"]),
        "is_slate": [False, False, False, False, True],
        "x": [1.0, 2.0, 3.0, 4.0, 5.0],
    }, index=[10, 11, 12, 13, 14])
    rows = training_set(features, pd.Timestamp("2024-01-10"))
    assert rows["x"].tolist() == [1.0, 2.0]
    assert rows.index.tolist() == [0, 1]
    # a later day's table (one more played day, a new slate) gives the same rows for the same end
    later = pd.concat([features.assign(is_slate=False), pd.DataFrame(
        {"game_date": [pd.Timestamp("2024-01-13")], "is_slate": [True], "x": [6.0]})], ignore_index=True)
    pd.testing.assert_frame_equal(training_set(later, pd.Timestamp("2024-01-10")), rows)


def test_window_record_holds_nothing_that_changes_daily() -> None:
    decision = decide_window(pd.Timestamp("2024-01-13"), {END: "2024-01-10", REQUESTED: False}, every_days=7)
    assert window_record(decision, 120) == {"end": "2024-01-10", "rows": 120}


def test_the_record_lists_every_end_so_far_and_forgets_ends_after_a_rewound_slate() -> None:
    first = window_record(decide_window(DAY, None, every_days=7), 100)
    assert first == {"end": "2024-01-10", "rows": 100}  # one end: the record of before the list, same bytes
    assert window_ends(first) == ["2024-01-10"]
    same_week = window_record(decide_window(pd.Timestamp("2024-01-15"), first, every_days=7), 100)
    assert same_week == first
    moved = window_record(decide_window(pd.Timestamp("2024-01-17"), first, every_days=7), 140)
    assert moved == {"end": "2024-01-17", "rows": 140, ENDS: ["2024-01-10", "2024-01-17"]}
    requested = window_record(decide_window(pd.Timestamp("2024-01-18"), {**moved, REQUESTED: True}, every_days=7),
                              150)
    assert requested[ENDS] == ["2024-01-10", "2024-01-17", "2024-01-18"]
    rewound = window_record(decide_window(pd.Timestamp("2024-01-12"), requested, every_days=7), 110)
    assert rewound == {"end": "2024-01-12", "rows": 110, ENDS: ["2024-01-10", "2024-01-12"]}
    assert window_ends({}) == []
