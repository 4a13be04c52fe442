"""Mid-season roster moves: trades inside the trade window, call-ups to cover injuries, releases after."""

from __future__ import annotations

import numpy as np

from nba_pra.data.settings import SyntheticLeagueSettings
from nba_pra.data.synthetic.players import FREE_AGENT, Pool


def trade(pool: Pool, day: int, rng: np.random.Generator, cfg: SyntheticLeagueSettings) -> None:
    """On a trade-window day, with some chance, two random teams swap one rotation/bench player each.

    Starters are kept out of trades (the five best by the coach's view), so trades reshuffle depth, not stars.
    """
    lo, hi = cfg.transactions.trade_window_days
    if not (lo <= day <= hi) or rng.random() >= cfg.transactions.trade_probability_per_day:
        return
    a, b = rng.choice(cfg.n_teams, size=2, replace=False)
    view = pool.coach_view()
    picks = []
    for team in (a, b):
        members = np.flatnonzero(pool.team == team)
        tradable = members[np.argsort(-view[members], kind="stable")][cfg.minutes.starters :]
        if tradable.size == 0:
            return
        picks.append(tradable[rng.integers(tradable.size)])
    pool.team[picks[0]], pool.team[picks[1]] = b, a
    pool.called_up[picks] = False


def call_ups_and_releases(pool: Pool, cfg: SyntheticLeagueSettings) -> None:
    """Sign the best free agent for every team short of healthy players; release call-ups no longer needed.

    Deterministic given the state (no randomness): a team below ``call_up_below_healthy`` healthy players
    signs the free agent with the highest talent; a team above its roster size with enough healthy players
    releases its worst called-up player. One move per team per day.
    """
    on_team = pool.team >= 0
    healthy = on_team & (pool.injury_days == 0)
    n_teams = cfg.n_teams
    healthy_count = np.bincount(pool.team[healthy], minlength=n_teams)
    roster_count = np.bincount(pool.team[on_team], minlength=n_teams)
    needy = np.flatnonzero(healthy_count < cfg.transactions.call_up_below_healthy)
    free = np.flatnonzero((pool.team == FREE_AGENT) & (pool.injury_days == 0))
    best_free = free[np.argsort(-pool.talent[free], kind="stable")][: needy.size]
    pool.team[best_free] = needy[: best_free.size]
    pool.called_up[best_free] = True
    surplus = np.flatnonzero(
        (roster_count > cfg.roster_size) & (healthy_count > cfg.transactions.call_up_below_healthy)
    )
    if surplus.size:
        cand = np.flatnonzero(pool.called_up & np.isin(pool.team, surplus))
        # worst call-up per team: sort by (team, talent) and keep the first of each team
        order = cand[np.lexsort((pool.talent[cand], pool.team[cand]))]
        first = np.unique(pool.team[order], return_index=True)[1]
        released = order[first]
        pool.team[released] = FREE_AGENT
        pool.called_up[released] = False
