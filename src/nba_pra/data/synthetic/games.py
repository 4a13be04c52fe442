"""One game day: who is dressed, the true pre-game distribution of each player's PRA, then the games
themselves.

Model of a player-game (everything below is per player-game, vectorised over the day):

* expected minutes given he plays ``m = s_team * slot(rank) * trust * rest * return_ramp`` where ``s_team``
  scales the team so that its expected total is 240 minutes (a teammate out hands his minutes to the others);
* realised minutes ``M = min(m * G * B * F, max_minutes)``: ``G`` gamma (mean 1, cv by depth), ``B`` the
  blowout factor by depth (starters sit, the bench plays when ``|margin| >= blowout_margin``), ``F`` foul
  trouble / leaving hurt;
* production given ``M`` and a game-level hot/cold gamma ``H`` (mean 1): two- and three-point makes, free
  throws made, rebounds and assists are Poisson with means ``H * M * rate``, so ``PRA | M, H`` has
  mean ``H M rho`` and variance ``H M nu`` with ``rho = 2a2 + 3a3 + aft + ar + aa`` and
  ``nu = 4a2 + 9a3 + aft + ar + aa`` (per-minute rates).
* hence the ground truth (exact, law of total variance, ``M`` independent of ``H``): ``E[PRA] = rho E[M]`` and
  ``Var[PRA] = nu E[M] + rho^2 (E[H^2] E[M^2] - E[M]^2)``, with the capped moments of ``M`` from the
  regularised incomplete gamma function (:func:`_capped_minutes_moments`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammainc, ndtr

from nba_pra.data.settings import SyntheticLeagueSettings
from nba_pra.data.synthetic.players import Pool

SECONDS_PER_MINUTE = 60.0
#: smallest gamma cv (a zero cv in the config means "no randomness", approximated by this)
_MIN_CV = 1e-3
MINUTES_PER_GAME = 48.0
#: PRA per make of each rate column (2pt, 3pt, ft, reb, ast): ``rho = rates @ PRA_PER_MAKE`` is PRA per minute
PRA_PER_MAKE = np.array([2.0, 3.0, 1.0, 1.0, 1.0])
#: the game state :func:`play` returns beside the box score (see :class:`nba_pra.data.synthetic.League`)
GAME_STATE_COLUMNS = ("team_margin", "blowout", "foul_trouble", "exit_early", "base_minutes")


@dataclass(frozen=True)
class DayGames:
    """Today's games (team indices) and each playing team's rest context."""

    home: np.ndarray
    away: np.ndarray
    #: per team index: True if the team played yesterday / if today is its third game in four nights
    back_to_back: np.ndarray
    three_in_four: np.ndarray


@dataclass(frozen=True)
class Pregame:
    """The dressed players of today's games and their true pre-game distribution (one entry per listed
    player).
    """

    player: np.ndarray  # pool row
    game: np.ndarray  # index into today's games
    team: np.ndarray
    opponent: np.ndarray
    home: np.ndarray  # bool
    healthy: np.ndarray  # bool: not on the injury list this morning
    rank: np.ndarray  # rank among the team's healthy players by the coach's view (0 = best); -1 if injured
    expected_minutes: np.ndarray  # m (given he plays), 0 if injured
    p_play: np.ndarray
    p_injury: np.ndarray  # chance of a new injury before tip-off
    p_coach_dnp: np.ndarray
    rates: np.ndarray  # (n, 5) per-minute makes: 2pt, 3pt, ft, reb, ast (given H = 1)
    minutes_cv: np.ndarray
    blowout_factor: np.ndarray  # B when the game is a blowout
    foul_probability: np.ndarray
    margin_mean: np.ndarray  # per game (home minus away)
    true_mean: np.ndarray
    true_var: np.ndarray


def _group_rank(team_sorted: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """0-based rank of each flagged row within its (contiguous) team block; rows must be sorted by team."""
    csum = np.cumsum(flag)
    starts = np.r_[True, team_sorted[1:] != team_sorted[:-1]]
    before = (csum - flag)[starts]
    block = np.cumsum(starts) - 1
    return csum - flag - before[block]


def _by_rank(table: tuple[float, ...], rank: np.ndarray) -> np.ndarray:
    """``table[rank]`` with 0 beyond its end (and for rank -1)."""
    arr = np.asarray((*table, 0.0))
    return arr[np.where((rank >= 0) & (rank < len(table)), rank, len(table))]


def _capped_minutes_moments(
    m: np.ndarray, cv: np.ndarray, states: list[tuple[np.ndarray | float, np.ndarray | float]], cap: float
) -> tuple[np.ndarray, np.ndarray]:
    """``E[M]`` and ``E[M^2]`` of ``M = min(m * G * f, cap)`` mixed over the (weight, factor ``f``) states.

    ``G ~ Gamma(k, 1/k)`` (mean 1, ``k = 1/cv^2``). With ``c = m f`` and ``t = cap / c`` and ``P`` the
    regularised lower incomplete gamma: ``E[min(cG, cap)] = c P(k+1, kt) + cap (1 - P(k, kt))`` and
    ``E[min(cG, cap)^2] = c^2 (k+1)/k P(k+2, kt) + cap^2 (1 - P(k, kt))``.
    """
    k = 1.0 / np.square(cv)
    e1 = np.zeros_like(m)
    e2 = np.zeros_like(m)
    for weight, factor in states:
        c = m * factor
        kt = k * cap / np.maximum(c, 1e-12)
        above = 1.0 - gammainc(k, kt)
        e1 += weight * (c * gammainc(k + 1.0, kt) + cap * above)
        e2 += weight * (c**2 * (k + 1.0) / k * gammainc(k + 2.0, kt) + cap**2 * above)
    return e1, e2


def _lineup_first(members: np.ndarray, pool: Pool, by_position: tuple[int, ...], starters: int) -> np.ndarray:
    """Reorder each team's block so its starting five come first, then everyone else by the coach's view.

    ``members`` is sorted by team then coach's view (best first). The five are the best healthy players per
    position slot (e.g. 2 G, 2 F, 1 C); slots a team cannot fill go to its best remaining healthy players.
    """
    team = pool.team[members]
    healthy = pool.injury_days[members] == 0
    pos = pool.position[members]
    starter = np.zeros(members.size, dtype=bool)
    for p, slots in enumerate(by_position):
        flag = healthy & (pos == p)
        starter |= flag & (_group_rank(team, flag) < slots)
    need = starters - np.bincount(team[starter], minlength=int(team.max(initial=0)) + 1)
    rest = healthy & ~starter
    starter |= rest & (_group_rank(team, rest) < need[team])
    view = pool.coach_view()[members]
    return members[np.lexsort((-view, ~starter, team))]


def pregame(
    pool: Pool,
    games: DayGames,
    pace: np.ndarray,
    defence: np.ndarray,
    rng: np.random.Generator,
    cfg: SyntheticLeagueSettings,
) -> Pregame:
    """Dress the teams and compute everyone's true pre-game PRA distribution (see the module docstring)."""
    mc, rc = cfg.minutes, cfg.rates
    n_teams = cfg.n_teams
    game_of = np.full(n_teams, -1)
    game_of[games.home] = np.arange(games.home.size)
    game_of[games.away] = np.arange(games.away.size)
    opp_of = np.full(n_teams, -1)
    opp_of[games.home], opp_of[games.away] = games.away, games.home
    is_home = np.zeros(n_teams, dtype=bool)
    is_home[games.home] = True

    on_team = pool.team >= 0
    members = np.flatnonzero(on_team & (game_of[np.where(on_team, pool.team, 0)] >= 0))
    view = pool.coach_view()
    members = members[np.lexsort((-view[members], pool.team[members]))]
    members = _lineup_first(members, pool, mc.lineup_by_position, mc.starters)
    team = pool.team[members]
    healthy = pool.injury_days[members] == 0
    h_rank = np.where(healthy, _group_rank(team, healthy), -1)
    all_rank = _group_rank(team, np.ones(members.size, dtype=bool))
    listed = (healthy & (h_rank < mc.active_list_size)) | (
        ~healthy & (rng.random(members.size) < cfg.injuries.listed_probability)
    )

    # per-minute production before context: position profile x talent x style x form
    pos = pool.position[members]
    per36 = np.stack(
        [np.asarray(rc.pts_per36)[pos], np.asarray(rc.reb_per36)[pos], np.asarray(rc.ast_per36)[pos]], 1
    )
    log_skill = rc.talent_log_rate * pool.talent[members] + pool.form[members]
    base = per36 / 36.0 * np.exp(log_skill[:, None] + pool.style[members])

    # usage redistribution: the share of the team's expected production sitting out injured
    production = base.sum(1) * _by_rank(mc.minutes_by_rank, all_rank)
    out_share = np.bincount(team, production * ~healthy, n_teams) / np.maximum(
        np.bincount(team, production, n_teams), 1e-12
    )
    usage = (1.0 + rc.usage_redistribution * out_share[team]) * _by_rank(rc.usage_by_rank, h_rank)

    opp = opp_of[team]
    context = (
        np.exp((pace[team] + pace[opp]) / 2.0 + defence[opp])
        * np.where(is_home[team], rc.home_rate, 1.0)
        * np.where(games.back_to_back[team], rc.back_to_back_rate, 1.0)
    )
    pts = base[:, 0] * context * usage
    reb = base[:, 1] * context
    ast = base[:, 2] * context * usage
    share3 = np.asarray(rc.three_point_share)[pos]
    share_ft = np.asarray(rc.free_throw_share)[pos]
    rates = np.stack([(1 - share3 - share_ft) * pts / 2.0, share3 * pts / 3.0, share_ft * pts, reb, ast], 1)

    # minutes given he plays, before the team scale
    ret = pool.return_games[members]
    ramp = 1.0 - (1.0 - mc.return_minutes) * ret / max(mc.return_games, 1)
    m0 = (
        _by_rank(mc.minutes_by_rank, h_rank)
        * pool.minutes_factor[members]
        * np.where(games.back_to_back[team], mc.back_to_back_minutes, 1.0)
        * np.where(games.three_in_four[team], mc.three_in_four_minutes, 1.0)
        * ramp
    )
    p_injury = np.where(healthy, cfg.injuries.pregame_probability, 0.0)
    p_coach = _by_rank(mc.coach_dnp_by_rank, h_rank)
    p_play = np.where(healthy & listed, (1.0 - p_injury) * (1.0 - p_coach), 0.0)

    # margin and blowout probability from the dressed players' minutes-weighted talent
    weight = p_play * m0
    strength = np.bincount(team, weight * pool.talent[members], n_teams) / np.maximum(
        np.bincount(team, weight, n_teams), 1e-12
    )
    margin_mean = rc.home_margin + rc.margin_per_talent * (strength[games.home] - strength[games.away])
    z_hi = (mc.blowout_margin - margin_mean) / rc.margin_sd
    z_lo = (-mc.blowout_margin - margin_mean) / rc.margin_sd
    p_blowout = (1.0 - ndtr(z_hi) + ndtr(z_lo))[game_of[team]]

    cv = np.maximum(_by_rank(mc.minutes_cv_by_rank, h_rank), _MIN_CV)
    b = _by_rank(mc.blowout_minutes_by_rank, h_rank)
    p_foul = np.asarray(mc.foul_trouble_probability)[pos]
    # the minutes multiplier's discrete part B * F: (probability, factor) of each blowout x foul/exit state
    states = [
        (pb * pf, fb * ff)
        for pb, fb in ((1.0 - p_blowout, 1.0), (p_blowout, b))
        for pf, ff in (
            (1.0 - p_foul - mc.early_exit_probability, 1.0),
            (p_foul, mc.foul_trouble_minutes),
            (mc.early_exit_probability, mc.early_exit_minutes),
        )
    ]
    e_u = sum(w * f for w, f in states)
    scale = mc.team_minutes / np.maximum(np.bincount(team, p_play * m0 * e_u, n_teams), 1e-12)
    m = np.where(healthy, scale[team] * m0, 0.0)
    e_m, e_m2 = _capped_minutes_moments(m, cv, states, mc.max_minutes)

    rho = rates @ PRA_PER_MAKE
    nu = rates @ np.array([4.0, 9.0, 1.0, 1.0, 1.0])
    e_h2 = 1.0 + rc.game_form_cv**2
    true_mean = rho * e_m
    true_var = nu * e_m + rho**2 * (e_h2 * e_m2 - e_m**2)
    keep = listed
    return Pregame(
        player=members[keep],
        game=game_of[team][keep],
        team=team[keep],
        opponent=opp[keep],
        home=is_home[team][keep],
        healthy=healthy[keep],
        rank=h_rank[keep],
        expected_minutes=m[keep],
        p_play=p_play[keep],
        p_injury=p_injury[keep],
        p_coach_dnp=p_coach[keep],
        rates=rates[keep],
        minutes_cv=cv[keep],
        blowout_factor=b[keep],
        foul_probability=p_foul[keep],
        margin_mean=margin_mean,
        true_mean=np.where(healthy, true_mean, np.nan)[keep],
        true_var=np.where(healthy, true_var, np.nan)[keep],
    )


def injury_days(n: int, rng: np.random.Generator, cfg: SyntheticLeagueSettings) -> np.ndarray:
    """Lengths of new injury spells in days: rounded log-normal, at least 1, capped."""
    inj = cfg.injuries
    days = np.exp(np.log(inj.duration_median_days) + inj.duration_log_sd * rng.standard_normal(n))
    return np.clip(np.rint(days), 1, inj.duration_max_days).astype(np.int64)


def _gamma_mean_one(cv: np.ndarray | float, size: int, rng: np.random.Generator) -> np.ndarray:
    shape = 1.0 / np.square(cv)
    return rng.gamma(shape, 1.0 / shape, size)


def play(
    pool: Pool,
    pre: Pregame,
    game_rng: np.random.Generator,
    box_rng: np.random.Generator,
    cfg: SyntheticLeagueSettings,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Play today's games: availability, margins, minutes and box-score lines; update injuries in ``pool``.

    Returns box-score columns (one entry per listed player; stats NaN for DNPs) plus ``starter`` and
    ``played``, and the game state behind them (:data:`GAME_STATE_COLUMNS`, one entry per listed player; it
    draws nothing, so the box scores are the same with or without it): what the quarter-by-quarter split of
    :mod:`.quarters` needs to tell the story of each game.
    """
    mc, rc = cfg.minutes, cfg.rates
    n = pre.player.size
    new_injury = game_rng.random(n) < pre.p_injury
    available = pre.healthy & ~new_injury
    rank_now = _group_rank(pre.team, available)  # rows are still sorted by team, best first
    starter = available & (rank_now < mc.starters)
    coach_dnp = ~starter & (game_rng.random(n) < pre.p_coach_dnp)
    played = available & ~coach_dnp

    margin = game_rng.normal(pre.margin_mean, rc.margin_sd)
    team_margin = np.where(pre.home, margin[pre.game], -margin[pre.game])
    blowout = np.abs(team_margin) >= mc.blowout_margin
    u = game_rng.random(n)
    foul = u < pre.foul_probability
    exit_early = (u >= pre.foul_probability) & (u < pre.foul_probability + mc.early_exit_probability)
    gamma = _gamma_mean_one(pre.minutes_cv, n, box_rng)
    factor = (
        gamma
        * np.where(blowout, pre.blowout_factor, 1.0)
        * np.where(foul, mc.foul_trouble_minutes, 1.0)
        * np.where(exit_early, mc.early_exit_minutes, 1.0)
    )
    raw = np.minimum(pre.expected_minutes * factor, mc.max_minutes)
    minutes = np.where(played, np.rint(raw * SECONDS_PER_MINUTE) / SECONDS_PER_MINUTE, 0.0)
    played &= minutes > 0
    hot = _gamma_mean_one(rc.game_form_cv, n, box_rng)
    lam = pre.rates * (hot * minutes)[:, None]
    fg2m, fg3m, ftm, reb, ast = (box_rng.poisson(lam[:, k]) for k in range(5))
    miss = lambda made_lam, pct: box_rng.poisson(made_lam * (1.0 - pct) / pct)
    fg2a = fg2m + miss(lam[:, 0], rc.fg2_pct)
    fg3a = fg3m + miss(lam[:, 1], rc.fg3_pct)
    fta = ftm + miss(lam[:, 2], rc.ft_pct)
    per_min = minutes / 36.0
    pos_idx = pool.position[pre.player]
    tov = box_rng.poisson(np.asarray(rc.tov_per36)[pos_idx] * per_min * hot)
    stl = box_rng.poisson(np.asarray(rc.stl_per36)[pos_idx] * per_min)
    blk = box_rng.poisson(np.asarray(rc.blk_per36)[pos_idx] * per_min)
    # fouls: capped one short of fouling out, except in foul trouble (foul_out - 2 up to fouled out)
    pf = np.minimum(box_rng.poisson(rc.pf_per36 * per_min), rc.foul_out - 1)
    pf = np.where(foul, np.maximum(pf, rc.foul_out - 2 + box_rng.integers(0, 3, n)), pf)
    share = minutes / MINUTES_PER_GAME
    # his share of the team margin plus on/off noise that grows like the square root of his time on court
    noise = box_rng.normal(0.0, rc.plus_minus_sd_per48, n) * np.sqrt(share)
    plus_minus = np.rint(team_margin * share + noise) + 0.0  # + 0.0 turns -0.0 into 0.0

    # injuries: new pre-game injuries and early exits start a spell (the day counter ticks down each morning)
    hurt = new_injury | (played & exit_early)
    pool.injury_days[pre.player[hurt]] = injury_days(int(hurt.sum()), game_rng, cfg) + 1
    pool.return_games[pre.player[hurt]] = mc.return_games
    back = played & ~hurt & (pool.return_games[pre.player] > 0)
    pool.return_games[pre.player[back]] -= 1

    def stat(x: np.ndarray) -> np.ndarray:
        return np.where(played, x.astype(float), np.nan)

    state = {
        "team_margin": team_margin,
        "blowout": blowout,
        "foul_trouble": foul & played,
        "exit_early": exit_early & played,
        # his minutes had the game been close, he kept out of foul trouble and stayed healthy
        "base_minutes": np.where(played, np.minimum(pre.expected_minutes * gamma, mc.max_minutes), 0.0),
    }
    box = {
        "starter": starter,
        "played": played,
        "minutes": minutes,
        "pts": stat(2 * fg2m + 3 * fg3m + ftm),
        "reb": stat(reb),
        "ast": stat(ast),
        "stl": stat(stl),
        "blk": stat(blk),
        "tov": stat(tov),
        "pf": stat(pf),
        "fgm": stat(fg2m + fg3m),
        "fga": stat(fg2a + fg3a),
        "fg3m": stat(fg3m),
        "fg3a": stat(fg3a),
        "ftm": stat(ftm),
        "fta": stat(fta),
        "plus_minus": stat(plus_minus),
    }
    return box, state
