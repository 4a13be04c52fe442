"""The player pool: names, roster filling, aging and retirement, call-ups and trades."""

from __future__ import annotations

import dataclasses

import numpy as np

from nba_pra.data.synthetic.players import FREE_AGENT, RETIRED, initial_pool, offseason, player_name
from nba_pra.data.synthetic.transactions import call_ups_and_releases, trade
from synthetic_support import default_league_settings

CFG = default_league_settings()


def test_player_names_are_distinct_for_thousands_of_players() -> None:
    names = player_name(np.arange(3000))
    assert len(set(names)) == 3000
    assert all(len(n.split(" ")) == 2 for n in names[:50])


def test_the_first_pool_fills_every_roster_exactly() -> None:
    pool = initial_pool(np.random.default_rng(0), CFG)
    counts = np.bincount(pool.team[pool.team >= 0], minlength=CFG.n_teams)
    assert (counts == CFG.roster_size).all()
    assert (pool.team == FREE_AGENT).sum() == round(CFG.n_teams * CFG.players.free_agents_per_team)


def test_an_offseason_ages_everyone_retires_the_old_and_refills_rosters() -> None:
    pool = initial_pool(np.random.default_rng(0), CFG)
    pool.age[:5] = CFG.players.retirement_age - 0.5  # turn 36+ this summer
    before = pool.age.copy()
    after = offseason(pool, np.random.default_rng(1), CFG)
    assert (after.team[:5] == RETIRED).all()
    assert np.allclose(after.age[: before.size], before + 1.0)
    assert (np.bincount(after.team[after.team >= 0], minlength=CFG.n_teams) == CFG.roster_size).all()
    assert after.size > before.size  # rookies joined


def test_young_players_improve_and_old_players_decline_on_average() -> None:
    cfg = dataclasses.replace(CFG, players=dataclasses.replace(CFG.players, talent_drift_sd=0.0))
    pool = initial_pool(np.random.default_rng(0), cfg)
    pool.age[:] = np.where(np.arange(pool.size) % 2 == 0, 21.0, 32.0)
    talent = pool.talent.copy()
    after = offseason(pool, np.random.default_rng(1), cfg)
    change = after.talent[: talent.size] - talent
    young, old = np.arange(talent.size) % 2 == 0, np.arange(talent.size) % 2 == 1
    # slope 0.09 x (27 - 22) = +0.45 for the young; 0.11 x (27 - 33) = -0.66 for the old
    assert np.allclose(change[young], 0.45) and np.allclose(
        change[old & (after.team[: talent.size] != RETIRED)], -0.66
    )


def test_a_team_short_of_healthy_players_calls_up_the_best_free_agent_and_releases_him_later() -> None:
    pool = initial_pool(np.random.default_rng(0), CFG)
    team0 = np.flatnonzero(pool.team == 0)
    pool.injury_days[team0[:4]] = 10  # 11 healthy < 12
    free = np.flatnonzero(pool.team == FREE_AGENT)
    best = free[np.argmax(pool.talent[free])]
    call_ups_and_releases(pool, CFG)
    assert pool.team[best] == 0 and pool.called_up[best]
    pool.injury_days[team0[:4]] = 0
    call_ups_and_releases(pool, CFG)
    assert pool.team[best] == FREE_AGENT and not pool.called_up[best]


def test_trades_swap_two_non_starters_inside_the_window_only() -> None:
    cfg = dataclasses.replace(
        CFG, transactions=dataclasses.replace(CFG.transactions, trade_probability_per_day=1.0)
    )
    pool = initial_pool(np.random.default_rng(0), cfg)
    teams = pool.team.copy()
    trade(pool, cfg.transactions.trade_window_days[1] + 1, np.random.default_rng(0), cfg)
    assert (pool.team == teams).all()
    trade(pool, cfg.transactions.trade_window_days[0], np.random.default_rng(0), cfg)
    moved = np.flatnonzero(pool.team != teams)
    assert (
        moved.size == 2 and pool.team[moved[0]] == teams[moved[1]] and pool.team[moved[1]] == teams[moved[0]]
    )
    assert (np.bincount(pool.team[pool.team >= 0], minlength=cfg.n_teams) == cfg.roster_size).all()
