"""One season's regular-season schedule with NBA-like rest patterns.

Day by day, a quota of teams plays; who plays is drawn with weights that grow with a team's games still to
play per day left (so every team finishes on time) and shrink after a game yesterday (back-to-backs are rarer
than chance) or two games in the last three days (3-in-4s rarer still). Three games on three consecutive days
never happen. Home court goes to the team with fewer home games so far, which keeps every team at ~41/41.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nba_pra.data.settings import ScheduleSettings
from nba_pra.data.synthetic.rng import SEASON_LEVEL, Stream, stream
from nba_pra.errors import ConfigError

#: the schedule is built in US Eastern local time; commence times are stored in UTC
EASTERN = "America/New_York"
#: extra days allowed after the nominal season length before the generator gives up (a bug guard)
_MAX_EXTRA_DAYS = 60
#: a team's last game days before its first game of a season (long enough ago that no rest rule applies)
NO_GAME_DAY = -10
#: how many days back the rest context looks: a game in them before yesterday's makes today the third in four nights
THREE_IN_FOUR_WINDOW = 3
#: days of rest after which a team is due a game (each further day raises its weight)
_DUE_AFTER_DAYS = 2
#: chance the first team of a pair is at home when both have as many home games
_HOME_COIN = 0.5


def season_label(start_year: int) -> str:
    """``2023 -> "2023-24"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def opening_date(start_year: int, cfg: ScheduleSettings) -> pd.Timestamp:
    """Opening night of the season that starts in ``start_year`` (midnight, naive US local date)."""
    return pd.Timestamp(year=start_year, month=10, day=cfg.opening_day_of_october)


def _pick_teams(weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` distinct team indices drawn without replacement with probability proportional to ``weights``.

    Gumbel-top-k: the ``k`` largest ``log w + Gumbel`` keys are a weighted sample without replacement.
    """
    eligible = np.flatnonzero(weights > 0)
    k = min(k, eligible.size)
    keys = np.log(weights[eligible]) + rng.gumbel(size=eligible.size)
    return eligible[np.argsort(-keys, kind="stable")[:k]]


def _pair_by_remaining(teams: np.ndarray, remaining: np.ndarray) -> np.ndarray:
    """Pair teams with the most games left first (keeps the end-game feasible: max left <= sum of others)."""
    order = teams[np.argsort(-remaining[teams], kind="stable")]
    order = order[: order.size // 2 * 2]
    return order.reshape(-1, 2)


def _unschedule_last_game_without(
    team: int, days: list, homes: list, aways: list, remaining: np.ndarray, home_games: np.ndarray
) -> None:
    """Take back the latest game not involving ``team`` (the only team with games left, which cannot play
    itself).

    Its two teams get a game back each, so ``team`` can play them: the season stays exactly ``games_per_team``
    games long for everyone.
    """
    for i in range(len(days) - 1, -1, -1):
        free = np.flatnonzero((homes[i] != team) & (aways[i] != team))
        if free.size:
            j = free[-1]
            remaining[[homes[i][j], aways[i][j]]] += 1
            home_games[homes[i][j]] -= 1
            keep = np.arange(days[i].size) != j
            days[i], homes[i], aways[i] = days[i][keep], homes[i][keep], aways[i][keep]
            return


def simulate_schedule(
    seed: int, season: int, n_teams: int, games_per_team: int, cfg: ScheduleSettings
) -> pd.DataFrame:
    """Games of one season as ``day, home, away, tip_hour`` (team indices; ``day`` counts days from opening
    night).

    Rows are sorted by day then home team. Every team plays exactly ``games_per_team`` games, about half at
    home.
    """
    if n_teams < 2 or (n_teams * games_per_team) % 2:
        raise ConfigError("the synthetic league needs at least 2 teams and an even number of team-games")
    rng = stream(seed, season, SEASON_LEVEL, Stream.SCHEDULE)
    tally = _Tally.start(n_teams, games_per_team)
    day = 0
    while tally.remaining.sum() > 0:
        weights, quota = _weights_and_quota(tally, day, n_teams, cfg, rng)
        if np.count_nonzero(tally.remaining) == 1:
            _unschedule_last_game_without(
                int(np.flatnonzero(tally.remaining)[0]),
                tally.days, tally.homes, tally.aways, tally.remaining, tally.home_games,
            )
        # an even number of teams, so they pair up
        k = int(np.clip(np.rint(quota), 0, n_teams)) // 2 * 2
        if k:
            pairs = _pair_by_remaining(_pick_teams(weights, k, rng), tally.remaining)
            if len(pairs):
                _schedule_pairs(tally, pairs, day, rng)
        day += 1
    return _with_tip_hours(tally.games(), cfg, rng)


@dataclass
class _Tally:
    """The season built so far: per team its games left, home games and last two game days; per game day
    the games (home, away) scheduled on it. Mutated day by day by :func:`simulate_schedule`."""

    remaining: np.ndarray
    home_games: np.ndarray
    last_day: np.ndarray
    prev_day: np.ndarray  # the game before the last one
    days: list[np.ndarray] = field(default_factory=list)
    homes: list[np.ndarray] = field(default_factory=list)
    aways: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def start(cls, n_teams: int, games_per_team: int) -> _Tally:
        """Opening night: every team has all its games left and none played."""
        return cls(
            remaining=np.full(n_teams, games_per_team, dtype=np.int64),
            home_games=np.zeros(n_teams, dtype=np.int64),
            last_day=np.full(n_teams, NO_GAME_DAY, dtype=np.int64),
            prev_day=np.full(n_teams, NO_GAME_DAY, dtype=np.int64),
        )

    def games(self) -> pd.DataFrame:
        """The scheduled games as ``day, home, away``, sorted by day then home team."""
        out = pd.DataFrame(
            {"day": np.concatenate(self.days), "home": np.concatenate(self.homes),
             "away": np.concatenate(self.aways)}
        )
        return out.sort_values(["day", "home"], kind="stable").reset_index(drop=True)


def _weights_and_quota(
    tally: _Tally, day: int, n_teams: int, cfg: ScheduleSettings, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    """Today's team weights (who plays) and quota (how many teams play, before rounding to pairs).

    Draws the quota's jitter only inside the nominal season; past its end everyone with games left plays when
    rest allows.
    """
    days_left = cfg.season_length_days - day
    played_yesterday = tally.last_day == day - 1
    # a game today would be the third in three nights: never scheduled
    three_straight = played_yesterday & (tally.prev_day == day - 2)
    if days_left > 0:
        weights = _rest_weights(tally, day, days_left, cfg)
        weights[three_straight] = 0.0
        jitter = 1.0 + cfg.daily_games_jitter * rng.uniform(-1.0, 1.0)
        return weights, tally.remaining.sum() / days_left * jitter
    if day - cfg.season_length_days > _MAX_EXTRA_DAYS:
        raise ConfigError("the schedule cannot fit the games; lengthen schedule.season_length_days")
    return tally.remaining.astype(float) * ~three_straight, float(n_teams)


def _rest_weights(tally: _Tally, day: int, days_left: int, cfg: ScheduleSettings) -> np.ndarray:
    """Games still to play per day left, scaled down after a game yesterday or two in the last three days and
    up for every day rested beyond two."""
    played_yesterday = tally.last_day == day - 1
    two_in_three = tally.prev_day >= day - THREE_IN_FOUR_WINDOW  # a game today would be the third in four nights
    weights = tally.remaining / days_left
    weights = weights * np.where(played_yesterday, cfg.back_to_back_weight, 1.0)
    weights = weights * np.where(two_in_three, cfg.three_in_four_weight, 1.0)
    # teams rested longer than two days are due a game: keeps the rhythm close to every other night
    return weights * cfg.rested_weight_per_day ** np.clip(day - tally.last_day - _DUE_AFTER_DAYS, 0, None)


def _schedule_pairs(tally: _Tally, pairs: np.ndarray, day: int, rng: np.random.Generator) -> None:
    """Put today's pairs on the schedule: home court to the team with fewer home games (a coin flip on a tie),
    then count the games and move each team's last two game days."""
    a, b = pairs[:, 0], pairs[:, 1]
    tie = rng.random(len(pairs)) < _HOME_COIN
    a_home = (tally.home_games[a] < tally.home_games[b]) | ((tally.home_games[a] == tally.home_games[b]) & tie)
    home = np.where(a_home, a, b)
    away = np.where(a_home, b, a)
    tally.days.append(np.full(len(pairs), day))
    tally.homes.append(home)
    tally.aways.append(away)
    both = pairs.ravel()
    tally.remaining[both] -= 1
    tally.home_games[home] += 1
    tally.prev_day[both] = tally.last_day[both]
    tally.last_day[both] = day


def _with_tip_hours(games: pd.DataFrame, cfg: ScheduleSettings, rng: np.random.Generator) -> pd.DataFrame:
    """``games`` with a ``tip_hour`` drawn uniformly from the evening slots (the season's last draw)."""
    games["tip_hour"] = np.asarray(cfg.tipoff_hours_eastern)[
        rng.integers(len(cfg.tipoff_hours_eastern), size=len(games))
    ]
    return games
