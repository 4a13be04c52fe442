"""One settlement rule for the ledger and the evidence, on hand-made bets; the vocabulary keeps stored strings."""

from __future__ import annotations

import numpy as np

from nba_pra.settle import bet_outcomes, line_outcomes, profits
from nba_pra.vocab import PLAYER_GAME_KEYS, PROP_KEYS, LineOutcome, Outcome, Side


def test_the_vocabulary_keeps_the_strings_stored_in_ledgers_and_parquet_files() -> None:
    assert [s.value for s in Side] == ["over", "under"]
    assert [o.value for o in Outcome] == ["win", "loss", "push", "void"]
    assert [o.value for o in LineOutcome] == ["over", "under", "push", "void"]
    assert np.array([Side.OVER]).tolist() == ["over"]


def test_prop_keys_add_the_market_to_the_player_game_keys() -> None:
    assert (*PLAYER_GAME_KEYS, "market") == PROP_KEYS


def test_a_total_above_below_on_or_without_a_game_lands_over_under_push_or_void() -> None:
    got = line_outcomes([31.0, 20.0, 25.0, np.nan, 40.0], [25.5, 25.5, 25.0, 25.5, 25.5],
                        [True, True, True, True, False])
    assert got.tolist() == ["over", "under", "push", "void", "void"]


def test_a_bet_wins_when_its_side_happens_and_pushes_or_voids_with_its_line() -> None:
    got = bet_outcomes(["over", "under", "under", "over", "over"], ["over", "over", "under", "push", "void"])
    assert got.tolist() == ["win", "loss", "win", "push", "void"]


def test_profit_is_the_decimal_return_on_a_win_minus_the_stake_on_a_loss_and_zero_otherwise() -> None:
    got = profits(["win", "loss", "push", "void"], [2.0, 2.0, 2.0, 2.0], [1.91, 1.91, 1.91, 1.91])
    assert np.allclose(got, [2.0 * 0.91, -2.0, 0.0, 0.0])
