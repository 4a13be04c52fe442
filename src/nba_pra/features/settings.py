"""Settings of the feature engine (``conf/features/``).

Every window is counted in the events of the series it runs over (a player's played games, a team's games,
a position's game days) unless its name says days.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSettings:
    #: players with fewer prior games are marked ineligible (not dropped); shared with ``betting.min_games``
    min_games: int = 5
    #: rolling means of pts/reb/ast/pra/minutes over the player's last N played games
    rolling_windows: tuple[int, ...] = (3, 5, 10, 20)
    #: EWMA halflives (played games) of pts/reb/ast/pra/minutes
    ewm_halflives: tuple[float, ...] = (3.0, 7.0, 15.0)
    #: windows of standard deviations (volatility) and least-squares trends
    volatility_windows: tuple[int, ...] = (5, 10, 20)
    trend_windows: tuple[int, ...] = (5, 10, 20)
    #: window of the rolling max/min PRA and of the per-36 PRA rate windows use rolling_windows
    extreme_window: int = 10
    #: opponent / team windows (team games) for defence allowed, pace and form
    matchup_windows: tuple[int, ...] = (5, 10, 20)
    #: the player's last N games against this opponent
    vs_opponent_games: int = 3
    #: windows (played games) of the usage / efficiency / share features
    advanced_windows: tuple[int, ...] = (5, 10, 20)
    #: windows (listed games, DNPs included) of the availability features
    availability_windows: tuple[int, ...] = (5, 10, 20)
    #: the player's PRA form compared within position: rolling mean over these windows
    position_windows: tuple[int, ...] = (5, 10, 20)
    #: league reference of position form: the last N game days of each position
    position_reference_days: int = 14
    #: a DNP teammate counts as a rotation player out when his minutes form is at least this
    rotation_minutes: float = 15.0
    #: minutes form (rolling window, played games) used for teammates' missing minutes
    missing_minutes_window: int = 10
    #: team games over which teammates' absences are averaged
    missing_minutes_games: int = 3
    #: rest days are capped here (season openers would otherwise carry months of "rest")
    rest_cap_days: int = 7
    #: schedule density: games in the last N days, and "K games in D days" (3-in-4)
    density_days: int = 7
    dense_games: int = 3
    dense_days: int = 4
    #: per-minute rates are scaled to this many minutes
    per_minutes: float = 36.0
    #: weight of free-throw attempts in a possession estimate (fga + w * fta + tov)
    fta_possession_weight: float = 0.44
    #: the pre-game availability family (injury report / lineups before the cut-off); off = no such columns
    pregame_availability: bool = True
    #: played games over which a player's share of starts is compared with his projected start
    pregame_starter_window: int = 10
    #: "a top teammate is out": one of the team's N best players by PRA form
    pregame_top_teammates: int = 2
