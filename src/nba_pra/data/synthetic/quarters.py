"""The synthetic league's games quarter by quarter: the ground truth of live (in-game) forecasts.

The final box scores are simulated first (:func:`nba_pra.data.synthetic.games.play`) and never change; this module
splits each played line over the periods afterwards, from a stream of its own per game date
(:attr:`~nba_pra.data.synthetic.rng.Stream.QUARTERS`), using the game state :func:`play` reports beside the box
score (:attr:`League.game_states`). So the quarters always add up to the final line, and the state at the end of a
period carries what a live forecaster can use: a blowout shows in the margin before its starters sit, foul trouble
shows in early fouls before the minutes it costs.

Per played player-game, with ``P`` periods of ``Q = max_minutes / P`` minutes:

* **minutes had the game stayed close** ``b_q = min-capped(base_minutes * w_q)``, ``w ~ Dirichlet(c * profile)``
  (the starter or the bench profile), each period capped at ``Q`` (the excess moves to periods with room);
* **the change to the final minutes** ``d = minutes - sum b``: a player who left hurt or fouled out loses it from
  the last periods first (nothing after he left); foul trouble starting in period ``t`` loses it in proportion to
  ``b_q`` over ``q >= t``; a blowout loses it (or the bench gains it) with weights ``tail^(P - q) b_q``
  (garbage time is late); what a rule cannot place goes late-first;
* seconds by the largest-remainder rounding of those minutes (they add up to the box score's seconds);
* **makes, rebounds, assists**: each count splits multinomially with probabilities ``seconds_q / seconds``. In the
  simulator these counts are Poisson with means proportional to minutes, so given the total this *is* their
  conditional law;
* **fouls**: multinomial with weights ``seconds_q``, times ``foul_trouble_weight`` up to the trouble period; a
  player who fouled out commits his last foul in the last period he played;
* **score margin** (his team's view) at the end of each period: the final margin ``D`` as a Brownian bridge,
  ``D q / P + B_q`` with ``B`` a bridge of per-period sd ``margin_sd / sqrt(P)``, rounded to whole points;
* **on the court at the end of a period** with chance ``seconds_q / (60 Q)`` (never after leaving the game);
  **out** once he left hurt (from the end of the period he left in) or fouled out.
"""

from __future__ import annotations

import itertools
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.data.settings import SyntheticLeagueSettings
from nba_pra.data.synthetic.games import SECONDS_PER_MINUTE
from nba_pra.data.synthetic.league import League
from nba_pra.data.synthetic.rng import Stream, stream
from nba_pra.errors import ConfigError

#: the columns of :func:`simulate_quarters` (one row per played player-game and period)
QUARTER_COLUMNS: Final = (
    "game_id", "game_date", "player_id", "team", "period", "seconds", "pts", "reb", "ast", "pra", "pf",
    "margin", "on_court", "out",
)
#: the split counts: two- and three-point makes, free throws made, rebounds, assists (points per make)
_COUNTS: Final = (("fg2m", 2), ("fg3m", 3), ("ftm", 1), ("reb", 0), ("ast", 0))


def validate_quarters(cfg: SyntheticLeagueSettings) -> None:
    """Raise :class:`ConfigError` for quarter settings the split cannot honour."""
    qc = cfg.quarters
    if len(qc.starter_profile) != qc.periods or len(qc.bench_profile) != qc.periods:
        raise ConfigError("data.synthetic.quarters: starter_profile and bench_profile need one share per period")
    if len(qc.foul_trouble_period) >= qc.periods or not np.isclose(sum(qc.foul_trouble_period), 1.0):
        raise ConfigError(
            "data.synthetic.quarters.foul_trouble_period needs chances for fewer periods than there are, summing to 1"
        )


def simulate_quarters(league: League, cfg: SyntheticLeagueSettings) -> pd.DataFrame:
    """Every played box-score line of ``league`` split into periods (:data:`QUARTER_COLUMNS`; pure, deterministic).

    Each game date draws from its own stream keyed by the league's seed and the date, so a longer league leaves the
    quarters of every earlier date unchanged.
    """
    validate_quarters(cfg)
    box = league.box_scores.reset_index(drop=True)
    played = box["played"].to_numpy(bool)
    box = box.loc[played].reset_index(drop=True)
    state = league.game_states.reset_index(drop=True).loc[played].reset_index(drop=True)
    if box.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in QUARTER_COLUMNS})
    dates = pd.to_datetime(box["game_date"])
    ordinal = dates.map(pd.Timestamp.toordinal).to_numpy()
    order = np.argsort(ordinal, kind="stable")
    bounds = np.flatnonzero(np.r_[True, ordinal[order][1:] != ordinal[order][:-1], True])
    parts = []
    for lo, hi in itertools.pairwise(bounds):
        rows = order[lo:hi]
        rng = stream(cfg.seed, 0, int(ordinal[rows[0]]), Stream.QUARTERS)
        parts.append(_split_day(box.loc[rows].reset_index(drop=True), state.loc[rows].reset_index(drop=True),
                                rng, cfg))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["game_date", "game_id", "player_id", "period"], kind="stable").reset_index(drop=True)


def _cap_fill(x: np.ndarray, cap: float, weight: np.ndarray) -> np.ndarray:
    """``x`` (rows x periods) with each cell at most ``cap``: the excess moves to cells with room in proportion to
    ``weight`` times the room (the row total is kept when it is at most ``cap`` x periods)."""
    x = x.copy()
    for _ in range(x.shape[1]):
        excess = np.maximum(x - cap, 0.0).sum(1)
        x = np.minimum(x, cap)
        room = (cap - x) * weight
        total = room.sum(1)
        share = np.divide(room, total[:, None], out=np.zeros_like(room), where=total[:, None] > 0)
        x += np.minimum(excess[:, None] * share, cap - x)
    return x


def _remove_late_first(x: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Take ``amount`` out of each row of ``x`` from the last column backwards (never below 0)."""
    x = x.copy()
    left = amount.copy()
    for q in range(x.shape[1] - 1, -1, -1):
        take = np.minimum(x[:, q], left)
        x[:, q] -= take
        left -= take
    return x


def _add_late_first(x: np.ndarray, amount: np.ndarray, cap: float) -> np.ndarray:
    """Add ``amount`` to each row of ``x`` from the last column backwards (never above ``cap``)."""
    x = x.copy()
    left = amount.copy()
    for q in range(x.shape[1] - 1, -1, -1):
        put = np.minimum(cap - x[:, q], left)
        x[:, q] += put
        left -= put
    return x


def _remove_weighted(x: np.ndarray, amount: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Take ``amount`` out of each row in proportion to ``weight * x`` (capped at ``x``), the rest late-first."""
    avail = x * weight
    total = avail.sum(1)
    share = np.divide(avail, total[:, None], out=np.zeros_like(avail), where=total[:, None] > 0)
    take = np.minimum(amount[:, None] * share, x)
    return _remove_late_first(x - take, amount - take.sum(1))


def _add_weighted(x: np.ndarray, amount: np.ndarray, weight: np.ndarray, cap: float) -> np.ndarray:
    """Add ``amount`` to each row in proportion to ``weight * (cap - x)`` (capped at ``cap``), the rest late-first."""
    room = (cap - x) * weight
    total = room.sum(1)
    share = np.divide(room, total[:, None], out=np.zeros_like(room), where=total[:, None] > 0)
    put = np.minimum(amount[:, None] * share, cap - x)
    return _add_late_first(x + put, amount - put.sum(1), cap)


def _whole_seconds(minutes: np.ndarray, total_seconds: np.ndarray, cap_seconds: int) -> np.ndarray:
    """Integer seconds per period adding up to ``total_seconds``: floors, then the largest remainders get one more."""
    sec = minutes * SECONDS_PER_MINUTE
    base = np.minimum(np.floor(sec + 1e-9), cap_seconds)
    short = total_seconds - base.sum(1)
    frac = np.where(base < cap_seconds, sec - base, -np.inf)
    rank = np.argsort(np.argsort(-frac, axis=1, kind="stable"), axis=1, kind="stable")
    return (base + (rank < short[:, None])).astype(np.int64)


def _minutes_by_period(box: pd.DataFrame, state: pd.DataFrame, trouble_period: np.ndarray,
                       rng: np.random.Generator, cfg: SyntheticLeagueSettings) -> np.ndarray:
    """Seconds by period (rows x periods) adding up to each row's box-score seconds (module docstring)."""
    qc, mc = cfg.quarters, cfg.minutes
    n, periods = len(box), qc.periods
    cap = mc.max_minutes / periods
    starter = box["starter"].to_numpy(bool)
    profile = np.where(starter[:, None], np.asarray(qc.starter_profile), np.asarray(qc.bench_profile))
    w = rng.gamma(qc.profile_concentration * profile)
    w /= w.sum(1, keepdims=True)
    base = _cap_fill(state["base_minutes"].to_numpy(float)[:, None] * w, cap, w)
    total_seconds = np.rint(box["minutes"].to_numpy(float) * SECONDS_PER_MINUTE)
    delta = total_seconds / SECONDS_PER_MINUTE - base.sum(1)
    q = np.arange(periods)[None, :]
    fouled_out = box["pf"].to_numpy(float) >= cfg.rates.foul_out
    gone = state["exit_early"].to_numpy(bool) | fouled_out
    trouble = state["foul_trouble"].to_numpy(bool) & ~gone
    tail = np.power(qc.blowout_removal_tail, periods - 1 - q) * np.ones((n, 1))
    after_trouble = (q >= trouble_period[:, None]).astype(float)
    loss = np.maximum(-delta, 0.0)
    minutes = np.where(gone[:, None], _remove_late_first(base, loss),
                       np.where(trouble[:, None], _remove_weighted(base, loss, after_trouble),
                                _remove_weighted(base, loss, tail)))
    minutes = _add_weighted(minutes, np.maximum(delta, 0.0), tail, cap)
    return _whole_seconds(minutes, total_seconds, round(cap * SECONDS_PER_MINUTE))


def _split_counts(counts: np.ndarray, prob: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each row's count split multinomially over the periods with the row's probabilities."""
    return rng.multinomial(counts.astype(np.int64), prob)


def _fouls_by_period(pf: np.ndarray, seconds: np.ndarray, trouble: np.ndarray, trouble_period: np.ndarray,
                     fouled_out: np.ndarray, rng: np.random.Generator, weight_early: float) -> np.ndarray:
    """Fouls by period: multinomial by seconds (foul trouble: faster up to its period); a fouled-out player's last
    foul falls in the last period he played and none after it."""
    q = np.arange(seconds.shape[1])[None, :]
    last = seconds.shape[1] - 1 - np.argmax((seconds > 0)[:, ::-1], axis=1)
    weight = seconds * np.where(trouble[:, None] & (q <= trouble_period[:, None]), weight_early, 1.0)
    weight = np.where(fouled_out[:, None] & (q > last[:, None]), 0.0, weight)
    total = weight.sum(1, keepdims=True)
    prob = np.divide(weight, total, out=np.full_like(weight, 1.0 / seconds.shape[1]), where=total > 0)
    fixed = fouled_out.astype(np.int64)
    fouls = _split_counts(pf.astype(np.int64) - fixed, prob, rng)
    fouls[np.arange(len(pf)), last] += fixed
    return fouls


def _margin_paths(final: np.ndarray, periods: int, sd: float, rng: np.random.Generator) -> np.ndarray:
    """Margins at the end of each period (games x periods), a Brownian bridge from 0 to each final margin."""
    steps = rng.normal(0.0, sd / np.sqrt(periods), (final.size, periods))
    walk = np.cumsum(steps, axis=1)
    frac = np.arange(1, periods + 1) / periods
    return np.rint(final[:, None] * frac + walk - walk[:, -1:] * frac) + 0.0


def _split_day(box: pd.DataFrame, state: pd.DataFrame, rng: np.random.Generator,
               cfg: SyntheticLeagueSettings) -> pd.DataFrame:
    """One game date's played lines split into periods (long format)."""
    qc = cfg.quarters
    n, periods = len(box), qc.periods
    trouble_period = rng.choice(len(qc.foul_trouble_period), size=n, p=np.asarray(qc.foul_trouble_period))
    seconds = _minutes_by_period(box, state, trouble_period, rng, cfg)
    total = seconds.sum(1, keepdims=True)
    prob = np.divide(seconds, total, out=np.full(seconds.shape, 1.0 / periods), where=total > 0)
    made = {
        "fg2m": box["fgm"].to_numpy(float) - box["fg3m"].to_numpy(float),
        "fg3m": box["fg3m"].to_numpy(float),
        "ftm": box["ftm"].to_numpy(float),
        "reb": box["reb"].to_numpy(float),
        "ast": box["ast"].to_numpy(float),
    }
    split = {name: _split_counts(made[name], prob, rng) for name, _ in _COUNTS}
    pts = np.sum([split[name] * value for name, value in _COUNTS if value], axis=0)
    pf = box["pf"].to_numpy(float)
    fouled_out = pf >= cfg.rates.foul_out
    trouble = state["foul_trouble"].to_numpy(bool)
    fouls = _fouls_by_period(pf, seconds, trouble, trouble_period, fouled_out, rng, qc.foul_trouble_weight)

    games, game_row = np.unique(box["game_id"].to_numpy(str), return_inverse=True)
    home = box["home"].to_numpy(bool)
    final_home = np.zeros(games.size)
    team_margin = state["team_margin"].to_numpy(float)
    final_home[game_row] = np.where(home, team_margin, -team_margin)
    paths = _margin_paths(final_home, periods, cfg.rates.margin_sd, rng)[game_row]
    margin = np.where(home[:, None], paths, -paths) + 0.0

    cap_seconds = cfg.minutes.max_minutes / periods * SECONDS_PER_MINUTE
    q = np.arange(periods)[None, :]
    last = periods - 1 - np.argmax((seconds > 0)[:, ::-1], axis=1)
    left = (state["exit_early"].to_numpy(bool) | fouled_out)[:, None] & (q >= last[:, None])
    on_court = (rng.random(seconds.shape) < seconds / cap_seconds) & ~left
    reb, ast = split["reb"], split["ast"]
    return pd.DataFrame({
        "game_id": np.repeat(box["game_id"].to_numpy(str), periods),
        "game_date": np.repeat(pd.to_datetime(box["game_date"]).to_numpy(), periods),
        "player_id": np.repeat(box["player_id"].to_numpy(np.int64), periods),
        "team": np.repeat(box["team"].to_numpy(str), periods),
        "period": np.tile(np.arange(1, periods + 1), n),
        "seconds": seconds.ravel(),
        "pts": pts.ravel().astype(float),
        "reb": reb.ravel().astype(float),
        "ast": ast.ravel().astype(float),
        "pra": (pts + reb + ast).ravel().astype(float),
        "pf": fouls.ravel().astype(float),
        "margin": margin.ravel(),
        "on_court": on_court.ravel(),
        "out": left.ravel(),
    })
