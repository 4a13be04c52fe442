"""The synthetic league's pre-game injury report and projected lineups: what a team knows before tip-off.

Only state decided before the game is used: who is on the injury list this morning (out), who is in his
return ramp after an injury (probable), and the coach's projected starting five (the healthy players he ranks
first, as dressed by :func:`nba_pra.data.synthetic.games.pregame`). Noise: a healthy player is listed
"questionable" with a small probability and then plays as usual, as real questionable tags mostly do. Who gets
hurt before tip-off, coach's DNPs and the game itself are drawn later and never appear here.

Draws come from their own stream (``Stream.REPORT``), so adding the report leaves every other table unchanged.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from nba_pra.data.settings import SyntheticLeagueSettings
from nba_pra.data.synthetic.games import DayGames, Pregame

AVAILABLE: Final = "available"
PROBABLE: Final = "probable"
QUESTIONABLE: Final = "questionable"
OUT: Final = "out"


def pregame_report(
    pool, games: DayGames, pre: Pregame, rng: np.random.Generator, cfg: SyntheticLeagueSettings
) -> dict[str, np.ndarray]:
    """Listed rows of today's report: ``game`` (index into today's games), ``team``, ``player`` (pool row),
    ``status`` and ``starter``; players neither flagged nor projected to start are left out (available)."""
    game_of = np.full(cfg.n_teams, -1)
    game_of[games.home] = np.arange(games.home.size)
    game_of[games.away] = np.arange(games.away.size)
    on_team = pool.team >= 0
    members = np.flatnonzero(on_team & (game_of[np.where(on_team, pool.team, 0)] >= 0))
    injured = pool.injury_days[members] > 0
    questionable = ~injured & (rng.random(members.size) < cfg.injuries.questionable_probability)
    probable = ~injured & ~questionable & (pool.return_games[members] > 0)
    status = np.select([injured, questionable, probable], [OUT, QUESTIONABLE, PROBABLE], AVAILABLE)
    projected = pre.player[pre.healthy & (pre.rank >= 0) & (pre.rank < cfg.minutes.starters)]
    starter = np.isin(members, projected)
    keep = (status != AVAILABLE) | starter
    team = pool.team[members]
    return {
        "game": game_of[team][keep],
        "team": team[keep],
        "player": members[keep],
        "status": status[keep].astype(object),
        "starter": starter[keep],
    }
