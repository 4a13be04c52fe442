"""The player pool: who exists, his position, talent and style, his team; off-season aging and roster churn.

The pool is a struct of numpy arrays indexed by a player's row (ids are ``first_player_id + row``), mutated in
place by the season loop only; nothing outside :mod:`nba_pra.data.synthetic` sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nba_pra.data.settings import SyntheticLeagueSettings

POSITIONS: tuple[str, ...] = ("G", "F", "C")
#: ``team`` values of players outside every roster
FREE_AGENT = -1
RETIRED = -2

_FIRST = [
    "Aaron", "Ben", "Caleb", "Darius", "Elijah", "Felix", "Gabe", "Hunter", "Isaiah", "Jalen", "Kobe", "Luka", "Malik",
    "Nate", "Omari", "Paolo", "Quinn", "Rudy", "Stephen", "Tyrese", "Victor", "Wesley", "Xavier", "Yuri", "Zion",
    "Andre", "Bam", "Cade", "Devin", "Evan", "Franz", "Grant", "Jaren", "Keldon", "Lonzo", "Mikal", "Naz", "Obi",
    "Pascal", "Royce", "Scottie", "Trae", "Walker", "Dejounte", "Jrue", "Kawhi", "Jabari", "Jarrett", "Anfernee",
    "Shai", "Domantas", "Tobias", "Marcus", "Josh", "Kyle", "Derrick", "Cam", "Brook", "Alperen", "Jaden",
]
_LAST = [
    "Adams", "Barnes", "Carter", "Davis", "Edwards", "Fox", "George", "Holiday", "Irving", "Jackson", "Kennard",
    "Lopez", "Mitchell", "Nance", "Oubre", "Porter", "Quickley", "Randle", "Sabonis", "Thompson", "Valanciunas",
    "Wagner", "Young", "Allen", "Brunson", "Cunningham", "Daniels", "Embiid", "Fultz", "Gordon", "Hart", "Ingram",
    "Jokic", "Kuminga", "Lillard", "Murray", "Nurkic", "Okongwu", "Poole", "Reaves", "Simons", "Tatum", "Turner",
    "Vucevic", "White", "Williams", "Zubac", "Bridges", "Collins", "Durant", "Green", "Harris", "Johnson", "Morant",
    "Payton", "Robinson", "Smith", "Walker", "Brown", "Hayes",
]


def player_name(index: np.ndarray) -> np.ndarray:
    """Deterministic, distinct names for ``index < len(_FIRST) * len(_LAST)``.

    ``index = a + F*b`` gets first name ``a`` and last name ``(7a + b) mod L``: for a fixed ``a`` the map ``b
    -> 7a + b`` is one-to-one, so no two players share a name.
    """
    n_first, n_last = len(_FIRST), len(_LAST)
    a, b = index % n_first, (index // n_first) % n_last
    first = np.asarray(_FIRST, dtype=object)[a]
    last = np.asarray(_LAST, dtype=object)[(7 * a + b) % n_last]
    return first + " " + last


@dataclass
class Pool:
    """Mutable per-player state (one entry per player who ever entered the league)."""

    position: np.ndarray  # int 0/1/2 -> G/F/C
    age: np.ndarray  # float years at the current season's opening
    talent: np.ndarray  # latent standard normal, drives minutes and rates
    style: np.ndarray  # (n, 3) log multipliers of pts/reb/ast rates around the position profile
    minutes_factor: np.ndarray  # the coach's trust: log-normal multiplier of a rotation slot's minutes
    depth_noise: np.ndarray  # coach's view = talent + this (redrawn each season)
    team: np.ndarray  # int team index, FREE_AGENT or RETIRED
    form: np.ndarray  # latent AR(1) log-rate form
    role: np.ndarray  # latent AR(1) shift of the coach's view (rotation changes move players up and down)
    injury_days: np.ndarray  # int days left out injured (0 = healthy)
    return_games: np.ndarray  # int games left with reduced minutes after an injury
    called_up: np.ndarray  # bool: signed mid-season as injury cover

    @property
    def size(self) -> int:
        return int(self.talent.size)

    def coach_view(self) -> np.ndarray:
        """What orders the depth chart: talent, the coach's lasting misjudgement, and his current trust
        (role).
        """
        return self.talent + self.depth_noise + self.role


def _new_players(n: int, rng: np.random.Generator, cfg: SyntheticLeagueSettings, *, rookies: bool) -> Pool:
    p = cfg.players
    shares = np.asarray(p.position_shares) / np.sum(p.position_shares)
    if rookies:
        age = rng.normal(p.rookie_age_mean, p.rookie_age_sd, n)
        talent = rng.normal(p.rookie_talent_mean, p.rookie_talent_sd, n)
    else:
        age = rng.uniform(p.rookie_age_mean - p.rookie_age_sd, p.veteran_age_max, n)
        talent = rng.standard_normal(n)
    return Pool(
        position=rng.choice(len(POSITIONS), size=n, p=shares),
        age=age,
        talent=talent,
        style=rng.normal(0.0, cfg.rates.style_sd, (n, 3)),
        minutes_factor=np.exp(rng.normal(0.0, cfg.minutes.player_minutes_sd, n)),
        depth_noise=rng.normal(0.0, p.depth_noise_sd, n),
        team=np.full(n, FREE_AGENT, dtype=np.int64),
        form=rng.normal(0.0, cfg.rates.form_sd, n),
        role=rng.normal(0.0, cfg.minutes.role_sd, n),
        injury_days=np.zeros(n, dtype=np.int64),
        return_games=np.zeros(n, dtype=np.int64),
        called_up=np.zeros(n, dtype=bool),
    )


def _append(pool: Pool, new: Pool) -> Pool:
    return Pool(**{k: np.concatenate([getattr(pool, k), getattr(new, k)]) for k in pool.__dataclass_fields__})


def _pool_target(cfg: SyntheticLeagueSettings) -> int:
    return round(cfg.n_teams * (cfg.roster_size + cfg.players.free_agents_per_team))


def fill_rosters(pool: Pool, rng: np.random.Generator, cfg: SyntheticLeagueSettings) -> None:
    """Give every team ``roster_size`` players, taking free agents best-first (coach's view plus luck).

    Open slots are shuffled so the best free agents spread across teams like a draft lottery.
    """
    counts = np.bincount(pool.team[pool.team >= 0], minlength=cfg.n_teams)
    need = np.clip(cfg.roster_size - counts, 0, None)
    slots = rng.permutation(np.repeat(np.arange(cfg.n_teams), need))
    free = np.flatnonzero(pool.team == FREE_AGENT)
    luck = rng.normal(0.0, cfg.players.depth_noise_sd, free.size)
    best = free[np.argsort(-(pool.coach_view()[free] + luck), kind="stable")][: slots.size]
    pool.team[best] = slots[: best.size]


def initial_pool(seed_rng: np.random.Generator, cfg: SyntheticLeagueSettings) -> Pool:
    """The league at its first opening night: a pool of veterans assigned to rosters."""
    pool = _new_players(_pool_target(cfg), seed_rng, cfg, rookies=False)
    fill_rosters(pool, seed_rng, cfg)
    return pool


def offseason(pool: Pool, rng: np.random.Generator, cfg: SyntheticLeagueSettings) -> Pool:
    """Age everyone a year, move talent along the aging curve, retire, draft rookies, re-sign and refill
    rosters.

    Talent change per year = slope_young * (peak - age) before the peak, -slope_old * (age - peak) after it,
    plus N(0, talent_drift_sd).
    """
    p = cfg.players
    alive = pool.team != RETIRED
    pool.age[alive] += 1.0
    gap = p.peak_age - pool.age
    pool.talent[alive] += np.where(gap > 0, p.aging_slope_young * gap, p.aging_slope_old * gap)[alive]
    pool.talent[alive] += rng.normal(0.0, p.talent_drift_sd, int(alive.sum()))
    retire = alive & ((pool.age >= p.retirement_age) | (pool.talent < p.retirement_talent_floor))
    pool.team[retire] = RETIRED
    leaves = (pool.team >= 0) & (rng.random(pool.size) > p.offseason_keep_probability)
    pool.team[leaves] = FREE_AGENT
    pool.called_up[:] = False
    pool.injury_days[:] = 0
    pool.return_games[:] = 0
    pool.depth_noise = rng.normal(0.0, p.depth_noise_sd, pool.size)
    n_alive = int((pool.team != RETIRED).sum())
    n_rookies = max(_pool_target(cfg) - n_alive, cfg.n_teams)
    pool = _append(pool, _new_players(n_rookies, rng, cfg, rookies=True))
    fill_rosters(pool, rng, cfg)
    return pool
