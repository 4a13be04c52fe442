"""One season's regular-season schedule with NBA-like rest patterns.

Day by day, a quota of teams plays; who plays is drawn with weights that grow with a team's games still to
play per day left (so every team finishes on time) and shrink after a game yesterday (back-to-backs are rarer
than chance) or two games in the last three days (3-in-4s rarer still). Three games on three consecutive days
never happen. Home court goes to the team with fewer home games so far, which keeps every team at ~41/41.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_pra.data.settings import ScheduleSettings
from nba_pra.data.synthetic.rng import SEASON_LEVEL, Stream, stream
from nba_pra.errors import ConfigError

#: the schedule is built in US Eastern local time; commence times are stored in UTC
EASTERN = "America/New_York"
#: extra days allowed after the nominal season length before the generator gives up (a bug guard)
_MAX_EXTRA_DAYS = 60


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
    remaining = np.full(n_teams, games_per_team, dtype=np.int64)
    home_games = np.zeros(n_teams, dtype=np.int64)
    last_day = np.full(n_teams, -10, dtype=np.int64)
    prev_day = np.full(n_teams, -10, dtype=np.int64)  # the game before the last one
    days: list[np.ndarray] = []
    homes: list[np.ndarray] = []
    aways: list[np.ndarray] = []
    day = 0
    while remaining.sum() > 0:
        days_left = cfg.season_length_days - day
        played_yesterday = last_day == day - 1
        two_in_three = prev_day >= day - 3  # a game today would be the third in four nights
        if days_left > 0:
            weights = remaining / days_left
            weights = weights * np.where(played_yesterday, cfg.back_to_back_weight, 1.0)
            weights = weights * np.where(two_in_three, cfg.three_in_four_weight, 1.0)
            # teams rested longer than two days are due a game: keeps the rhythm close to every other night
            weights = weights * cfg.rested_weight_per_day ** np.clip(day - last_day - 2, 0, None)
            weights[played_yesterday & (prev_day == day - 2)] = 0.0
            quota = remaining.sum() / days_left * (1.0 + cfg.daily_games_jitter * rng.uniform(-1.0, 1.0))
        else:
            # past the nominal end: everyone with games left plays when rest allows
            if day - cfg.season_length_days > _MAX_EXTRA_DAYS:
                raise ConfigError("the schedule cannot fit the games; lengthen schedule.season_length_days")
            weights = remaining.astype(float) * ~(played_yesterday & (prev_day == day - 2))
            quota = float(n_teams)
        if np.count_nonzero(remaining) == 1:
            _unschedule_last_game_without(
                int(np.flatnonzero(remaining)[0]), days, homes, aways, remaining, home_games
            )
        k = int(np.clip(np.rint(quota), 0, n_teams)) // 2 * 2
        if k:
            teams = _pick_teams(weights, k, rng)
            pairs = _pair_by_remaining(teams, remaining)
            if len(pairs):
                a, b = pairs[:, 0], pairs[:, 1]
                tie = rng.random(len(pairs)) < 0.5
                a_home = (home_games[a] < home_games[b]) | ((home_games[a] == home_games[b]) & tie)
                home = np.where(a_home, a, b)
                away = np.where(a_home, b, a)
                days.append(np.full(len(pairs), day))
                homes.append(home)
                aways.append(away)
                both = pairs.ravel()
                remaining[both] -= 1
                home_games[home] += 1
                prev_day[both] = last_day[both]
                last_day[both] = day
        day += 1
    out = pd.DataFrame(
        {"day": np.concatenate(days), "home": np.concatenate(homes), "away": np.concatenate(aways)}
    )
    out = out.sort_values(["day", "home"], kind="stable").reset_index(drop=True)
    out["tip_hour"] = np.asarray(cfg.tipoff_hours_eastern)[
        rng.integers(len(cfg.tipoff_hours_eastern), size=len(out))
    ]
    return out
