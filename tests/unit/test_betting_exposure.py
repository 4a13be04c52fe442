"""Caps per bet / player / game / day and the correlation shrink, with hand-derived stakes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from nba_pra.betting.exposure import fill_cap, floor_stake, size_stakes
from settings_support import betting_settings

DAY = pd.Timestamp("2024-01-05")
NO_CORR = betting_settings(same_player_correlation=0.0, same_game_correlation=0.0)


def bets(
    stakes: list[float],
    games: list[str],
    players: list[int],
    edges: list[float] | None = None,
    days: list[pd.Timestamp] | None = None,
) -> pd.DataFrame:
    n = len(stakes)
    return pd.DataFrame(
        {
            "stake_kelly": stakes,
            "edge": edges or list(np.linspace(0.2, 0.1, n)),
            "bet_id": [f"b{i}" for i in range(n)],
            "game_id": games,
            "game_date": days or [DAY] * n,
            "player_id": players,
        }
    )


def test_fill_cap_serves_rows_in_order_until_the_cap_is_used() -> None:
    stakes = pd.Series([40.0, 40.0, 40.0, 10.0])
    groups = pd.DataFrame({"g": ["x", "x", "x", "y"]})
    assert fill_cap(stakes, groups, 100.0).tolist() == [40.0, 40.0, 20.0, 10.0]


def test_one_bet_is_capped_at_the_per_bet_fraction() -> None:
    out = size_stakes(bets([120.0], ["G1"], [1]), NO_CORR, bankroll=1000.0)
    assert out.loc[0, "stake"] == 50.0  # 5 % of 1000
    assert out.loc[0, "capped_by"] == "cap_bet"


def test_game_cap_shares_the_room_by_edge_and_the_third_bet_is_cut() -> None:
    # three players in one game, each at the 50-unit bet cap; game cap 10 % = 100
    out = size_stakes(bets([80.0, 80.0, 80.0], ["G1"] * 3, [1, 2, 3], edges=[0.1, 0.3, 0.2]), NO_CORR, 1000.0)
    assert out["stake"].tolist() == [0.0, 50.0, 50.0]  # lowest edge loses
    assert out["cap_reason"].tolist() == ["cap_game", "", ""]


def test_player_cap_limits_several_markets_on_one_player() -> None:
    settings = dataclasses.replace(NO_CORR, max_player_fraction=0.06)
    out = size_stakes(bets([50.0, 50.0], ["G1", "G1"], [7, 7]), settings, 1000.0)
    assert out["stake"].tolist() == [50.0, 10.0]
    assert out["capped_by"].tolist() == ["", "cap_player"]


def test_day_cap_limits_the_sum_over_all_games() -> None:
    games = [f"G{i}" for i in range(8)]
    out = size_stakes(bets([50.0] * 8, games, list(range(8))), NO_CORR, 1000.0)
    assert out["stake"].sum() == pytest.approx(250.0)  # 25 % of 1000
    assert out["stake"].tolist() == [50.0] * 5 + [0.0] * 3
    assert out["cap_reason"].tolist()[5:] == ["cap_day"] * 3


def test_correlation_shrinks_same_player_and_same_game_bets() -> None:
    settings = betting_settings(same_player_correlation=0.5, same_game_correlation=0.1)
    # two markets on one player in one game: n_player = n_game = 2
    out = size_stakes(bets([20.0, 20.0], ["G1", "G1"], [7, 7]), settings, 1000.0)
    factor = 1 / np.sqrt(1 + 0.5) / np.sqrt(1 + 0.1)
    assert out["stake"].tolist() == pytest.approx([20.0 * factor] * 2)
    # a lone bet keeps its Kelly stake
    alone = size_stakes(bets([20.0], ["G9"], [9]), settings, 1000.0)
    assert alone.loc[0, "stake"] == 20.0


def test_stakes_below_the_minimum_are_not_placed() -> None:
    settings = dataclasses.replace(NO_CORR, min_stake_fraction=0.001)  # 1 unit on 1000
    out = size_stakes(bets([0.999, 3.0], ["G1", "G2"], [1, 2]), settings, 1000.0)
    assert out["stake"].tolist() == [0.0, 3.0]
    assert out["cap_reason"].tolist() == ["below_min_stake", ""]


def test_stakes_are_floored_to_cents_only_when_configured() -> None:
    frame = bets([12.3456], ["G1"], [1])
    assert size_stakes(frame, NO_CORR, 1000.0).loc[0, "stake"] == pytest.approx(12.3456)
    assert size_stakes(frame, dataclasses.replace(NO_CORR, stake_decimals=2), 1000.0).loc[0, "stake"] == 12.34


def test_flooring_never_rounds_up() -> None:
    assert floor_stake(pd.Series([1.239, 1.2, 0.1 + 0.2]), 2).tolist() == [1.23, 1.2, 0.3]


def placed(stakes: list[float], games: list[str], players: list[int],
           days: list[pd.Timestamp] | None = None) -> pd.DataFrame:
    """Stakes already committed (e.g. the pre-game bets of the night)."""
    return pd.DataFrame({"game_id": games, "game_date": days or [DAY] * len(stakes), "player_id": players,
                         "stake": stakes})


def test_a_player_s_pre_game_stake_uses_up_his_cap_before_his_live_bet() -> None:
    # player cap 6 % of 1000 = 60; 45 staked pre-game -> his live bet (Kelly 30) gets 60 - 45 = 15
    out = size_stakes(bets([30.0], ["G1"], [7]), NO_CORR, 1000.0, committed=placed([45.0], ["G1"], [7]))
    assert out.loc[0, "stake"] == pytest.approx(15.0)
    assert out.loc[0, "capped_by"] == "cap_player"
    # another player's pre-game stake in another game leaves his 30 whole
    free = size_stakes(bets([30.0], ["G1"], [7]), NO_CORR, 1000.0, committed=placed([45.0], ["G2"], [8]))
    assert free.loc[0, "stake"] == 30.0 and free.loc[0, "capped_by"] == ""


def test_a_full_player_cap_leaves_the_live_bet_nothing_and_says_which_cap() -> None:
    # 40 pre-game + 20 earlier live = 60 = the cap: nothing left
    out = size_stakes(bets([10.0], ["G1"], [7]), NO_CORR, 1000.0,
                      committed=placed([40.0, 20.0], ["G1", "G1"], [7, 7]))
    assert out.loc[0, "stake"] == 0.0 and out.loc[0, "cap_reason"] == "cap_player"


def test_committed_stakes_count_against_the_game_and_day_caps_too() -> None:
    # game cap 100: two other players' 90 committed in G1 leave 10 for the two live bets, by edge
    out = size_stakes(bets([8.0, 8.0], ["G1", "G1"], [1, 2]), NO_CORR, 1000.0,
                      committed=placed([50.0, 40.0], ["G1", "G1"], [3, 4]))
    assert out["stake"].tolist() == pytest.approx([8.0, 2.0])
    assert out["capped_by"].tolist() == ["", "cap_game"]
    # day cap 250: 245 committed over five other games leaves 5
    day = size_stakes(bets([8.0], ["G9"], [9]), NO_CORR, 1000.0,
                      committed=placed([49.0] * 5, [f"G{i}" for i in range(5)], [10, 11, 12, 13, 14]))
    assert day.loc[0, "stake"] == pytest.approx(5.0) and day.loc[0, "capped_by"] == "cap_day"
    # stakes of another day count against nothing today
    other = size_stakes(bets([8.0], ["G9"], [9]), NO_CORR, 1000.0,
                        committed=placed([49.0] * 5, [f"G{i}" for i in range(5)], [9, 11, 12, 13, 14],
                                         days=[DAY - pd.Timedelta(days=1)] * 5))
    assert other.loc[0, "stake"] == 8.0


def test_paper_bets_commit_nothing() -> None:
    out = size_stakes(bets([30.0], ["G1"], [7]), NO_CORR, 1000.0, committed=placed([0.0, 0.0], ["G1", "G1"], [7, 7]))
    assert out.loc[0, "stake"] == 30.0
