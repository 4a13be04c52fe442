"""Ground-truth expected returns of prop offers, checked against hand-computed negative binomial values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nba_pra.data.synthetic.truth import (
    consensus_side_returns,
    line_shop_side,
    true_expected_return,
)
from nba_pra.vocab import Side

# NB with mean 2 and variance 4 (n = 2, p = 0.5): P(0) = 0.25, P(1) = 0.25, P(2) = 0.1875, P(X >= 2) = 0.5


def test_an_even_money_bet_on_a_coin_flip_is_worth_nothing() -> None:
    # line 1.5: over = P(X >= 2) = 0.5, under = 0.5; +100 pays 1 per unit
    got = true_expected_return(2.0, 4.0, 1.5, 100.0, np.array([Side.OVER, Side.UNDER]))
    assert got == pytest.approx([0.0, 0.0])


def test_a_push_returns_the_stake() -> None:
    # line 1: over wins P(X >= 2) = 0.5, loses P(X = 0) = 0.25, pushes P(X = 1); -110 pays 100/110
    got = true_expected_return(2.0, 4.0, 1.0, -110.0, Side.OVER)
    assert float(got) == pytest.approx(0.5 * 100 / 110 - 0.25)
    # under wins 0.25, loses 0.5 at +200 (pays 2)
    assert float(true_expected_return(2.0, 4.0, 1.0, 200.0, Side.UNDER)) == pytest.approx(0.25 * 2 - 0.5)


def test_a_line_shopper_takes_the_over_below_the_consensus_and_the_under_above() -> None:
    got = line_shop_side(np.array([20.5, 22.5, 21.5]), np.array([21.5, 21.5, 21.5]))
    assert got.tolist() == [Side.OVER, Side.UNDER, ""]


def test_a_soft_book_hanging_a_low_line_gives_the_shopper_the_over_worth_its_true_value() -> None:
    keys = {"game_id": ["g"] * 3, "player_id": [1] * 3}
    lines = pd.DataFrame({**keys, "bookmaker": ["a", "b", "soft"], "line": [2.5, 2.5, 1.5],
                          "over_price": [100, 100, 100], "under_price": [100, 100, 100]})
    truth = pd.DataFrame({"game_id": ["g"], "player_id": [1], "true_mean": [2.0], "true_var": [4.0],
                          "soft_stale": [True], "soft_stale_shift": [-0.4]})
    got = consensus_side_returns(lines, truth, "soft")
    # soft over 1.5 at +100: 0.5 - 0.5 = 0; sharp over 2.5: P(X >= 3) = 0.3125 -> 0.3125 - 0.6875 = -0.375 and
    # under 0.6875 - 0.3125 = 0.375: mean side 0, better side 0.375; the sharp books quote the main line
    assert got["soft_ev_line_shop"] == pytest.approx(0.0)
    assert got["soft_ev_line_shop_stale"] == pytest.approx(0.0) and got["soft_stale_share"] == 1.0
    assert got["sharp_ev_mean_side"] == pytest.approx(0.0)
    assert got["sharp_ev_better_side"] == pytest.approx(0.375)
    assert got["sharp_line_shop_share"] == 0.0 and got["soft_line_shop_share"] == 1.0
    # its stale mean is too low (shift < 0): the news favours the over, worth 0 at +100 on line 1.5
    assert got["soft_ev_news_stale"] == pytest.approx(0.0) and got["soft_news_positive_share"] == 0.0
