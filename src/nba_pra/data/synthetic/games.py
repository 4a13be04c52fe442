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

from nba_pra.data.settings import MinutesSettings, RateSettings, SyntheticLeagueSettings
from nba_pra.data.synthetic.players import Pool

SECONDS_PER_MINUTE = 60.0
#: smallest gamma cv (a zero cv in the config means "no randomness", approximated by this)
_MIN_CV = 1e-3
MINUTES_PER_GAME = 48.0
#: PRA per make of each rate column (2pt, 3pt, ft, reb, ast): ``rho = rates @ PRA_PER_MAKE`` is PRA per minute
PRA_PER_MAKE = np.array([2.0, 3.0, 1.0, 1.0, 1.0])
#: its square: ``nu = rates @ _PRA_PER_MAKE_SQUARED`` is the Poisson variance of PRA per minute
_PRA_PER_MAKE_SQUARED = PRA_PER_MAKE**2
#: the per-36-minute rates of the config are per this many minutes
_PER36_MINUTES = 36.0
#: floor of a team total that divides (a team with no expected minutes or production)
_TINY = 1e-12
#: a player in foul trouble ends with foul_out - 2 plus one of this many values (up to fouled out)
_FOUL_TROUBLE_SPREAD = 3
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
        kt = k * cap / np.maximum(c, _TINY)
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
    mc = cfg.minutes
    match = _matchups(games, cfg.n_teams)
    dressed = _dress(pool, match, mc)
    healthy, h_rank = dressed.healthy, dressed.rank
    listed = (healthy & (h_rank < mc.active_list_size)) | (
        ~healthy & (rng.random(dressed.members.size) < cfg.injuries.listed_probability)
    )
    rates = _context_rates(pool, dressed, match, games, pace, defence, cfg)
    m0 = _unscaled_minutes(pool, dressed, games, mc)
    p_injury = np.where(healthy, cfg.injuries.pregame_probability, 0.0)
    p_coach = _by_rank(mc.coach_dnp_by_rank, h_rank)
    p_play = np.where(healthy & listed, (1.0 - p_injury) * (1.0 - p_coach), 0.0)
    margin_mean = _margin_mean(pool, dressed, games, p_play * m0, cfg)
    p_blowout = _blowout_probability(margin_mean, cfg)[match.game_of[dressed.team]]
    cv = np.maximum(_by_rank(mc.minutes_cv_by_rank, h_rank), _MIN_CV)
    b = _by_rank(mc.blowout_minutes_by_rank, h_rank)
    p_foul = np.asarray(mc.foul_trouble_probability)[dressed.position]
    states = _minutes_states(p_blowout, b, p_foul, mc)
    m = _team_scaled_minutes(m0, p_play, healthy, dressed.team, states, cfg)
    e_m, e_m2 = _capped_minutes_moments(m, cv, states, mc.max_minutes)
    true_mean, true_var = _pra_moments(rates, e_m, e_m2, cfg.rates.game_form_cv)
    keep = listed
    return Pregame(
        player=dressed.members[keep],
        game=match.game_of[dressed.team][keep],
        team=dressed.team[keep],
        opponent=match.opponent[dressed.team][keep],
        home=match.home[dressed.team][keep],
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


@dataclass(frozen=True)
class _Matchups:
    """Per team index: its game today (-1 if idle), its opponent (-1 if idle) and whether it is at home."""

    game_of: np.ndarray
    opponent: np.ndarray
    home: np.ndarray


def _matchups(games: DayGames, n_teams: int) -> _Matchups:
    """Look-ups from a team to today's game, opponent and venue."""
    game_of = np.full(n_teams, -1)
    game_of[games.home] = np.arange(games.home.size)
    game_of[games.away] = np.arange(games.away.size)
    opp_of = np.full(n_teams, -1)
    opp_of[games.home], opp_of[games.away] = games.away, games.home
    is_home = np.zeros(n_teams, dtype=bool)
    is_home[games.home] = True
    return _Matchups(game_of=game_of, opponent=opp_of, home=is_home)


@dataclass(frozen=True)
class _Dressed:
    """Everyone on a roster of a team playing today, team by team, each team's starting five first (one entry
    per player; not yet cut to the listed players)."""

    members: np.ndarray  # pool row
    team: np.ndarray
    healthy: np.ndarray  # bool: not on the injury list this morning
    rank: np.ndarray  # rank among the team's healthy players (0 = best); -1 if injured
    roster_rank: np.ndarray  # rank among all the team's players, injured included
    position: np.ndarray


def _dress(pool: Pool, match: _Matchups, mc: MinutesSettings) -> _Dressed:
    """Today's teams' players in lineup order (by team, then the coach's view) with their depth-chart ranks."""
    on_team = pool.team >= 0
    members = np.flatnonzero(on_team & (match.game_of[np.where(on_team, pool.team, 0)] >= 0))
    view = pool.coach_view()
    members = members[np.lexsort((-view[members], pool.team[members]))]
    members = _lineup_first(members, pool, mc.lineup_by_position, mc.starters)
    team = pool.team[members]
    healthy = pool.injury_days[members] == 0
    return _Dressed(
        members=members,
        team=team,
        healthy=healthy,
        rank=np.where(healthy, _group_rank(team, healthy), -1),
        roster_rank=_group_rank(team, np.ones(members.size, dtype=bool)),
        position=pool.position[members],
    )


def _context_rates(
    pool: Pool,
    dressed: _Dressed,
    match: _Matchups,
    games: DayGames,
    pace: np.ndarray,
    defence: np.ndarray,
    cfg: SyntheticLeagueSettings,
) -> np.ndarray:
    """Per-minute makes (2pt, 3pt, ft, reb, ast) in today's game: the player's own rates times the game's pace,
    the opponent's defence, home court and rest, scoring and playmaking also times his usage."""
    rc = cfg.rates
    base = _base_rates(pool, dressed.members, rc)
    usage = _usage(base, dressed, cfg)
    team, pos = dressed.team, dressed.position
    opp = match.opponent[team]
    context = (
        np.exp((pace[team] + pace[opp]) / 2.0 + defence[opp])
        * np.where(match.home[team], rc.home_rate, 1.0)
        * np.where(games.back_to_back[team], rc.back_to_back_rate, 1.0)
    )
    pts = base[:, 0] * context * usage
    reb = base[:, 1] * context
    ast = base[:, 2] * context * usage
    share3 = np.asarray(rc.three_point_share)[pos]
    share_ft = np.asarray(rc.free_throw_share)[pos]
    return np.stack([(1 - share3 - share_ft) * pts / 2.0, share3 * pts / 3.0, share_ft * pts, reb, ast], 1)


def _base_rates(pool: Pool, members: np.ndarray, rc: RateSettings) -> np.ndarray:
    """Per-minute pts, reb, ast before context: position profile x talent x style x form."""
    pos = pool.position[members]
    per36 = np.stack(
        [np.asarray(rc.pts_per36)[pos], np.asarray(rc.reb_per36)[pos], np.asarray(rc.ast_per36)[pos]], 1
    )
    log_skill = rc.talent_log_rate * pool.talent[members] + pool.form[members]
    return per36 / _PER36_MINUTES * np.exp(log_skill[:, None] + pool.style[members])


def _usage(base: np.ndarray, dressed: _Dressed, cfg: SyntheticLeagueSettings) -> np.ndarray:
    """Usage multiplier: his depth slot's share, raised by the team's expected production sitting out injured
    (a star out hands his shots to the others)."""
    team, n_teams = dressed.team, cfg.n_teams
    production = base.sum(1) * _by_rank(cfg.minutes.minutes_by_rank, dressed.roster_rank)
    out_share = np.bincount(team, production * ~dressed.healthy, n_teams) / np.maximum(
        np.bincount(team, production, n_teams), _TINY
    )
    return (1.0 + cfg.rates.usage_redistribution * out_share[team]) * _by_rank(cfg.rates.usage_by_rank, dressed.rank)


def _unscaled_minutes(pool: Pool, dressed: _Dressed, games: DayGames, mc: MinutesSettings) -> np.ndarray:
    """Minutes given he plays before the team scale: depth slot x the coach's trust x rest x return ramp."""
    ret = pool.return_games[dressed.members]
    ramp = 1.0 - (1.0 - mc.return_minutes) * ret / max(mc.return_games, 1)
    team = dressed.team
    return (
        _by_rank(mc.minutes_by_rank, dressed.rank)
        * pool.minutes_factor[dressed.members]
        * np.where(games.back_to_back[team], mc.back_to_back_minutes, 1.0)
        * np.where(games.three_in_four[team], mc.three_in_four_minutes, 1.0)
        * ramp
    )


def _margin_mean(
    pool: Pool, dressed: _Dressed, games: DayGames, weight: np.ndarray, cfg: SyntheticLeagueSettings
) -> np.ndarray:
    """Expected home margin per game from each team's dressed talent, weighted by expected minutes played."""
    team, n_teams = dressed.team, cfg.n_teams
    strength = np.bincount(team, weight * pool.talent[dressed.members], n_teams) / np.maximum(
        np.bincount(team, weight, n_teams), _TINY
    )
    return cfg.rates.home_margin + cfg.rates.margin_per_talent * (strength[games.home] - strength[games.away])


def _blowout_probability(margin_mean: np.ndarray, cfg: SyntheticLeagueSettings) -> np.ndarray:
    """Per game: P(|margin| >= blowout_margin) with the margin normal around its mean."""
    z_hi = (cfg.minutes.blowout_margin - margin_mean) / cfg.rates.margin_sd
    z_lo = (-cfg.minutes.blowout_margin - margin_mean) / cfg.rates.margin_sd
    return 1.0 - ndtr(z_hi) + ndtr(z_lo)


def _minutes_states(
    p_blowout: np.ndarray, b: np.ndarray, p_foul: np.ndarray, mc: MinutesSettings
) -> list[tuple[np.ndarray | float, np.ndarray | float]]:
    """The minutes multiplier's discrete part ``B * F``: (probability, factor) of each blowout x foul/exit
    state."""
    return [
        (pb * pf, fb * ff)
        for pb, fb in ((1.0 - p_blowout, 1.0), (p_blowout, b))
        for pf, ff in (
            (1.0 - p_foul - mc.early_exit_probability, 1.0),
            (p_foul, mc.foul_trouble_minutes),
            (mc.early_exit_probability, mc.early_exit_minutes),
        )
    ]


def _team_scaled_minutes(
    m0: np.ndarray,
    p_play: np.ndarray,
    healthy: np.ndarray,
    team: np.ndarray,
    states: list[tuple[np.ndarray | float, np.ndarray | float]],
    cfg: SyntheticLeagueSettings,
) -> np.ndarray:
    """Expected minutes given he plays, ``m``: ``m0`` scaled so each team's expected total is its 240 minutes
    (0 if injured)."""
    e_u = sum(w * f for w, f in states)
    scale = cfg.minutes.team_minutes / np.maximum(np.bincount(team, p_play * m0 * e_u, cfg.n_teams), _TINY)
    return np.where(healthy, scale[team] * m0, 0.0)


def _pra_moments(
    rates: np.ndarray, e_m: np.ndarray, e_m2: np.ndarray, game_form_cv: float
) -> tuple[np.ndarray, np.ndarray]:
    """``E[PRA] = rho E[M]`` and ``Var[PRA] = nu E[M] + rho^2 (E[H^2] E[M^2] - E[M]^2)`` (module docstring)."""
    rho = rates @ PRA_PER_MAKE
    nu = rates @ _PRA_PER_MAKE_SQUARED
    e_h2 = 1.0 + game_form_cv**2
    return rho * e_m, nu * e_m + rho**2 * (e_h2 * e_m2 - e_m**2)


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

    Draws from ``game_rng``: who is hurt before tip-off, coach's DNPs, margins, foul trouble / early exits, then
    the new injuries' lengths; from ``box_rng``: minutes noise, then the box-score lines.
    """
    mc = cfg.minutes
    new_injury, starter, dressed_to_play = _availability(pre, game_rng, mc.starters)
    events = _game_events(pre, game_rng, cfg)
    gamma = _gamma_mean_one(pre.minutes_cv, pre.player.size, box_rng)
    minutes = _minutes_played(pre, events, gamma, dressed_to_play, mc)
    played = dressed_to_play & (minutes > 0)
    counts = _box_counts(pool, pre, minutes, events, box_rng, cfg.rates)
    _start_injuries(pool, pre, new_injury | (played & events.exit_early), played, game_rng, cfg)
    state = {
        "team_margin": events.team_margin,
        "blowout": events.blowout,
        "foul_trouble": events.foul & played,
        "exit_early": events.exit_early & played,
        # his minutes had the game been close, he kept out of foul trouble and stayed healthy
        "base_minutes": np.where(played, np.minimum(pre.expected_minutes * gamma, mc.max_minutes), 0.0),
    }
    return {"starter": starter, "played": played, "minutes": minutes, **_box_stats(counts, played)}, state


def _availability(
    pre: Pregame, game_rng: np.random.Generator, starters: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Who is hurt before tip-off, who starts (the best ``starters`` still available) and who is meant to play
    (available and not a coach's DNP)."""
    n = pre.player.size
    new_injury = game_rng.random(n) < pre.p_injury
    available = pre.healthy & ~new_injury
    rank_now = _group_rank(pre.team, available)  # rows are still sorted by team, best first
    starter = available & (rank_now < starters)
    coach_dnp = ~starter & (game_rng.random(n) < pre.p_coach_dnp)
    return new_injury, starter, available & ~coach_dnp


@dataclass(frozen=True)
class _GameEvents:
    """What happens in the games, per listed player: his team's final margin, blowout, foul trouble, left hurt."""

    team_margin: np.ndarray
    blowout: np.ndarray
    foul: np.ndarray
    exit_early: np.ndarray


def _game_events(pre: Pregame, game_rng: np.random.Generator, cfg: SyntheticLeagueSettings) -> _GameEvents:
    """Draw each game's margin (home minus away) and each player's foul trouble or early exit (one uniform:
    the two are exclusive)."""
    mc = cfg.minutes
    margin = game_rng.normal(pre.margin_mean, cfg.rates.margin_sd)
    team_margin = np.where(pre.home, margin[pre.game], -margin[pre.game])
    u = game_rng.random(pre.player.size)
    return _GameEvents(
        team_margin=team_margin,
        blowout=np.abs(team_margin) >= mc.blowout_margin,
        foul=u < pre.foul_probability,
        exit_early=(u >= pre.foul_probability) & (u < pre.foul_probability + mc.early_exit_probability),
    )


def _minutes_played(
    pre: Pregame, events: _GameEvents, gamma: np.ndarray, to_play: np.ndarray, mc: MinutesSettings
) -> np.ndarray:
    """Realised minutes ``min(m G B F, max_minutes)`` to the second for those meant to play, 0 for the rest."""
    factor = (
        gamma
        * np.where(events.blowout, pre.blowout_factor, 1.0)
        * np.where(events.foul, mc.foul_trouble_minutes, 1.0)
        * np.where(events.exit_early, mc.early_exit_minutes, 1.0)
    )
    raw = np.minimum(pre.expected_minutes * factor, mc.max_minutes)
    return np.where(to_play, np.rint(raw * SECONDS_PER_MINUTE) / SECONDS_PER_MINUTE, 0.0)


def _box_counts(
    pool: Pool,
    pre: Pregame,
    minutes: np.ndarray,
    events: _GameEvents,
    box_rng: np.random.Generator,
    rc: RateSettings,
) -> dict[str, np.ndarray]:
    """Draw the counting stats of every listed player's line (zeros for 0 minutes) and his plus-minus."""
    n = pre.player.size
    hot = _gamma_mean_one(rc.game_form_cv, n, box_rng)
    lam = pre.rates * (hot * minutes)[:, None]
    fg2m, fg3m, ftm, reb, ast = (box_rng.poisson(lam[:, k]) for k in range(lam.shape[1]))
    fg2a = fg2m + _misses(lam[:, 0], rc.fg2_pct, box_rng)
    fg3a = fg3m + _misses(lam[:, 1], rc.fg3_pct, box_rng)
    fta = ftm + _misses(lam[:, 2], rc.ft_pct, box_rng)
    per_min = minutes / _PER36_MINUTES
    pos_idx = pool.position[pre.player]
    tov = box_rng.poisson(np.asarray(rc.tov_per36)[pos_idx] * per_min * hot)
    stl = box_rng.poisson(np.asarray(rc.stl_per36)[pos_idx] * per_min)
    blk = box_rng.poisson(np.asarray(rc.blk_per36)[pos_idx] * per_min)
    pf = _personal_fouls(per_min, events.foul, box_rng, rc)
    share = minutes / MINUTES_PER_GAME
    # his share of the team margin plus on/off noise that grows like the square root of his time on court
    noise = box_rng.normal(0.0, rc.plus_minus_sd_per48, n) * np.sqrt(share)
    plus_minus = np.rint(events.team_margin * share + noise) + 0.0  # + 0.0 turns -0.0 into 0.0
    return {"fg2m": fg2m, "fg3m": fg3m, "ftm": ftm, "reb": reb, "ast": ast, "fg2a": fg2a, "fg3a": fg3a,
            "fta": fta, "tov": tov, "stl": stl, "blk": blk, "pf": pf, "plus_minus": plus_minus}


def _misses(made_lam: np.ndarray, pct: float, rng: np.random.Generator) -> np.ndarray:
    """Missed attempts: Poisson with the makes' mean times ``(1 - pct) / pct`` (so makes / attempts ~ pct)."""
    return rng.poisson(made_lam * (1.0 - pct) / pct)


def _personal_fouls(
    per_min: np.ndarray, foul: np.ndarray, rng: np.random.Generator, rc: RateSettings
) -> np.ndarray:
    """Fouls: capped one short of fouling out, except in foul trouble (foul_out - 2 up to fouled out)."""
    pf = np.minimum(rng.poisson(rc.pf_per36 * per_min), rc.foul_out - 1)
    trouble = rc.foul_out - 2 + rng.integers(0, _FOUL_TROUBLE_SPREAD, foul.size)
    return np.where(foul, np.maximum(pf, trouble), pf)


def _start_injuries(
    pool: Pool,
    pre: Pregame,
    hurt: np.ndarray,
    played: np.ndarray,
    game_rng: np.random.Generator,
    cfg: SyntheticLeagueSettings,
) -> None:
    """New pre-game injuries and early exits start a spell (the day counter ticks down each morning) and a
    return ramp; a player back from one who played today is a game further along his ramp."""
    pool.injury_days[pre.player[hurt]] = injury_days(int(hurt.sum()), game_rng, cfg) + 1
    pool.return_games[pre.player[hurt]] = cfg.minutes.return_games
    back = played & ~hurt & (pool.return_games[pre.player] > 0)
    pool.return_games[pre.player[back]] -= 1


def _box_stats(counts: dict[str, np.ndarray], played: np.ndarray) -> dict[str, np.ndarray]:
    """The box score's stat columns from the counts: floats, NaN for those who did not play."""

    def stat(x: np.ndarray) -> np.ndarray:
        return np.where(played, x.astype(float), np.nan)

    c = counts
    return {
        "pts": stat(2 * c["fg2m"] + 3 * c["fg3m"] + c["ftm"]),
        "reb": stat(c["reb"]),
        "ast": stat(c["ast"]),
        "stl": stat(c["stl"]),
        "blk": stat(c["blk"]),
        "tov": stat(c["tov"]),
        "pf": stat(c["pf"]),
        "fgm": stat(c["fg2m"] + c["fg3m"]),
        "fga": stat(c["fg2a"] + c["fg3a"]),
        "fg3m": stat(c["fg3m"]),
        "fg3a": stat(c["fg3a"]),
        "ftm": stat(c["ftm"]),
        "fta": stat(c["fta"]),
        "plus_minus": stat(c["plus_minus"]),
    }
