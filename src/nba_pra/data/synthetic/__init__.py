"""The seeded synthetic NBA league: the offline default data source (box scores, schedule, rosters, lines,
truth).

``simulate_league(settings) -> League`` is the whole public surface; the modules inside each own one part of
the simulation (schedule, players, transactions, games, sportsbook) and :mod:`.realism` compares a league with
real box scores.
"""

from nba_pra.data.synthetic.league import League, simulate_league

__all__ = ["League", "simulate_league"]
