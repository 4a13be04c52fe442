"""The live polling loop stops when the games end, before the credit budget is exceeded, and cleanly on Ctrl-C."""

from __future__ import annotations

import dataclasses

from nba_pra.live.poll import PollEnd, PollSummary, run_polls
from nba_pra.live.settings import PollSettings
from settings_support import conf

SETTINGS = dataclasses.replace(conf(PollSettings), interval_s=30.0, credit_budget=100)


def test_the_loop_stops_when_the_games_end_and_pauses_between_polls() -> None:
    left = iter([True, True, False])
    pauses: list[float] = []
    summary = run_polls(lambda: next(left), SETTINGS, cost_per_poll=8, sleep=pauses.append)
    assert summary == PollSummary(polls=3, credits=24, end=PollEnd.GAMES_OVER)
    assert pauses == [30.0, 30.0]


def test_the_loop_stops_before_a_poll_would_exceed_the_credit_budget() -> None:
    calls: list[int] = []
    summary = run_polls(lambda: calls.append(1) or True, SETTINGS, cost_per_poll=30, sleep=lambda _: None)
    assert summary == PollSummary(polls=3, credits=90, end=PollEnd.BUDGET)  # a fourth would spend 120 > 100
    assert len(calls) == 3
    assert run_polls(lambda: True, SETTINGS, cost_per_poll=101, sleep=lambda _: None).polls == 0


def test_ctrl_c_during_a_pause_ends_the_loop_after_the_last_poll() -> None:
    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    summary = run_polls(lambda: True, SETTINGS, cost_per_poll=8, sleep=interrupt)
    assert summary == PollSummary(polls=1, credits=8, end=PollEnd.INTERRUPTED)


def test_ctrl_c_during_a_poll_counts_only_the_finished_ones() -> None:
    state = {"n": 0}

    def poll() -> bool:
        state["n"] += 1
        if state["n"] == 2:
            raise KeyboardInterrupt
        return True

    assert run_polls(poll, SETTINGS, cost_per_poll=8, sleep=lambda _: None) == PollSummary(1, 8, PollEnd.INTERRUPTED)
