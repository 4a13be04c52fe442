"""Simulate the whole league: seasons -> days -> games, and assemble the raw tables.

Seasons run in order (players age and move between them); days inside a season run in order (injuries, form,
trades and rest carry over). Every random draw comes from a stream keyed by (seed, season, day, purpose), so
the history before the slate never depends on ``current_season_days_played``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nba_pra.data import schema
from nba_pra.data.settings import SyntheticLeagueSettings
from nba_pra.data.synthetic import games as gm
from nba_pra.data.synthetic.players import POSITIONS, Pool, initial_pool, offseason, player_name
from nba_pra.data.synthetic.report import pregame_report
from nba_pra.data.synthetic.rng import SEASON_LEVEL, Stream, stream
from nba_pra.data.synthetic.schedule import (
    EASTERN,
    NO_GAME_DAY,
    THREE_IN_FOUR_WINDOW,
    opening_date,
    season_label,
    simulate_schedule,
)
from nba_pra.data.synthetic.sportsbook import PublicForm, market_log_mean, post_lines, update_form
from nba_pra.data.synthetic.transactions import call_ups_and_releases, trade
from nba_pra.errors import ConfigError

ROSTER_ACTIVE = "active"
ROSTER_OUT = "out"

#: decimals the ground truth is stored with. NumPy picks SIMD kernels by CPU (AVX-512 or not), and the last bits
#: of exp/log differ between them; rounding keeps data/ (and data.dvc's hash) identical on every machine.
TRUTH_DECIMALS = 6


@dataclass(frozen=True)
class League:
    """The raw tables of a simulated league (columns as in :mod:`nba_pra.data.schema`)."""

    box_scores: pd.DataFrame
    schedule: pd.DataFrame
    rosters: pd.DataFrame
    lines: pd.DataFrame
    ground_truth: pd.DataFrame
    #: the pre-game injury report / projected lineups (read only by the synthetic availability source)
    injury_report: pd.DataFrame
    #: per box-score row (same order): the state of the game behind his line (final margin from his team's
    #: view, blowout / foul trouble / left hurt, his minutes without them). Ground truth for the quarter split of
    #: :mod:`.quarters`; not a raw table (never written to data/, so data.dvc does not depend on it)
    game_states: pd.DataFrame


def validate(cfg: SyntheticLeagueSettings) -> None:
    """Raise :class:`ConfigError` for settings the simulator cannot honour."""
    mc = cfg.minutes
    if not 2 <= cfg.n_teams <= len(cfg.team_codes):
        raise ConfigError(
            f"data.synthetic.n_teams must be between 2 and {len(cfg.team_codes)} (one per team code)"
        )
    if len(set(cfg.team_codes)) != len(cfg.team_codes):
        raise ConfigError("data.synthetic.team_codes must be distinct")
    if cfg.n_seasons < 1 or cfg.current_season_days_played < 0 or not cfg.bookmakers:
        raise ConfigError(
            "data.synthetic needs n_seasons >= 1, current_season_days_played >= 0 and a bookmaker"
        )
    ranks = {
        len(mc.minutes_by_rank),
        len(mc.coach_dnp_by_rank),
        len(mc.minutes_cv_by_rank),
        len(cfg.rates.usage_by_rank),
    }
    if len(ranks) != 1 or mc.active_list_size > len(mc.minutes_by_rank):
        raise ConfigError(
            "data.synthetic: minutes_by_rank, coach_dnp_by_rank, minutes_cv_by_rank and usage_by_rank "
            "need one entry per dressed player"
        )
    if sum(mc.lineup_by_position) != mc.starters or len(mc.lineup_by_position) != len(POSITIONS):
        raise ConfigError(
            "data.synthetic.minutes.lineup_by_position needs one slot count per position summing to starters"
        )
    if cfg.roster_size < mc.active_list_size:
        raise ConfigError("data.synthetic.roster_size must be at least minutes.active_list_size")
    if cfg.sportsbook is None:
        raise ConfigError("data.synthetic.sportsbook is missing: compose conf/ with data=synthetic")
    soft = cfg.sportsbook.soft.bookmaker
    if soft and soft not in cfg.bookmakers:
        raise ConfigError(
            f"data.synthetic.sportsbook.soft.bookmaker '{soft}' is not one of data.synthetic.bookmakers"
        )


def _season_games(cfg: SyntheticLeagueSettings, season: int) -> pd.DataFrame:
    """Schedule of one season with ids, dates and commence times (team indices kept for the simulation)."""
    start_year = cfg.first_season_start_year + season
    games = simulate_schedule(cfg.seed, season, cfg.n_teams, cfg.games_per_team, cfg.schedule)
    games["season"] = season_label(start_year)
    games["game_id"] = [f"002{start_year % 100:02d}{i + 1:05d}" for i in range(len(games))]
    games["game_date"] = (
        opening_date(start_year, cfg.schedule) + pd.to_timedelta(games["day"], unit="D")
    ).astype("datetime64[ns]")
    local = games["game_date"] + pd.to_timedelta(games["tip_hour"], unit="h")
    games["commence_time"] = local.dt.tz_localize(EASTERN).dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    return games


def _slate_day(games: pd.DataFrame, days_played: int) -> int:
    later = games["day"].to_numpy()[games["day"].to_numpy() >= days_played]
    if later.size == 0:
        raise ConfigError(
            f"data.synthetic.current_season_days_played={days_played} is past the current season's "
            "last game day"
        )
    return int(later.min())


def simulate_league(settings: SyntheticLeagueSettings) -> League:
    """Simulate ``n_seasons`` seasons up to the slate and return the raw tables (pure, deterministic).

    The slate is the first game day on or after ``current_season_days_played`` calendar days of the last
    season: its games are "scheduled", get lines (no close) and ground truth, but no box scores.
    """
    cfg = settings
    validate(cfg)
    pool = initial_pool(stream(cfg.seed, 0, SEASON_LEVEL, Stream.INITIAL_POOL), cfg)
    for burn_in in range(cfg.players.burn_in_seasons):
        pool = offseason(pool, stream(cfg.seed, burn_in, SEASON_LEVEL, Stream.BURN_IN), cfg)
    parts = _Parts()
    game_offset = 0
    # the public box-score form the books lean on (it draws nothing: the box scores do not depend on the books)
    form = PublicForm.empty(pool.size)
    for season in range(cfg.n_seasons):
        if season:
            pool = offseason(pool, stream(cfg.seed, season, SEASON_LEVEL, Stream.OFFSEASON), cfg)
            form = form.grown(pool.size)
        plan = _season_plan(cfg, season, game_offset)
        parts.games.append(plan.games)
        form = _run_season(pool, form, plan, cfg, parts)
        game_offset += len(plan.games)
    return _assemble(cfg, pool, parts)


@dataclass
class _Parts:
    """The raw tables' pieces as the simulation produces them: one schedule per season, one dict of columns
    per game day (indices into the pool, the teams and the league's games), and the slate's teams."""

    games: list[pd.DataFrame] = field(default_factory=list)
    box: list[dict[str, np.ndarray]] = field(default_factory=list)
    truth: list[dict[str, np.ndarray]] = field(default_factory=list)
    lines: list[dict[str, np.ndarray]] = field(default_factory=list)
    report: list[dict[str, np.ndarray]] = field(default_factory=list)
    states: list[dict[str, np.ndarray]] = field(default_factory=list)
    slate_teams: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))


@dataclass(frozen=True)
class _SeasonPlan:
    """What a season fixes before its first day: the schedule (with status and league-wide ``key``), each
    team's pace and defence, and the days to simulate."""

    season: int
    games: pd.DataFrame
    pace: np.ndarray
    defence: np.ndarray
    current: bool  # the last season, which stops at the slate
    slate_day: int  # -1 outside the current season
    last_day: int  # the slate in the current season, the last game day before it


def _season_plan(cfg: SyntheticLeagueSettings, season: int, game_offset: int) -> _SeasonPlan:
    """Schedule a season, draw its team context and find its last day (``game_offset``: games before it)."""
    games = _season_games(cfg, season)
    ctx = stream(cfg.seed, season, SEASON_LEVEL, Stream.TEAM_CONTEXT)
    pace = ctx.normal(0.0, cfg.rates.pace_sd, cfg.n_teams)
    defence = ctx.normal(0.0, cfg.rates.defence_sd, cfg.n_teams)
    current = season == cfg.n_seasons - 1
    slate_day = _slate_day(games, cfg.current_season_days_played) if current else -1
    games["status"] = np.where(
        current & (games["day"] >= slate_day), schema.STATUS_SCHEDULED, schema.STATUS_FINAL
    )
    games["key"] = game_offset + np.arange(len(games))
    return _SeasonPlan(
        season=season, games=games, pace=pace, defence=defence, current=current, slate_day=slate_day,
        last_day=slate_day if current else int(games["day"].max()),
    )


def _run_season(
    pool: Pool, form: PublicForm, plan: _SeasonPlan, cfg: SyntheticLeagueSettings, parts: _Parts
) -> PublicForm:
    """Run the season's calendar days in order up to its last day, collecting each game day's tables in
    ``parts``; returns the public form after it (``pool`` is updated in place)."""
    games = plan.games
    bounds = np.searchsorted(games["day"].to_numpy(), np.arange(plan.last_day + 2))
    home, away, keys = (games[col].to_numpy() for col in ("home", "away", "key"))
    team_last = np.full(cfg.n_teams, NO_GAME_DAY)
    team_prev = np.full(cfg.n_teams, NO_GAME_DAY)
    for day in range(plan.last_day + 1):
        _morning(pool, cfg, plan.season, day)
        lo, hi = bounds[day], bounds[day + 1]
        if lo == hi:
            continue
        today = gm.DayGames(
            home=home[lo:hi],
            away=away[lo:hi],
            back_to_back=team_last == day - 1,
            three_in_four=team_prev >= day - THREE_IN_FOUR_WINDOW,
        )
        is_slate = plan.current and day == plan.slate_day
        # league-wide key of today's first game: the pre-game rows' ``game`` indexes today's games
        first_key = int(keys[lo])
        pre = _before_tipoff(pool, form, today, plan, day, first_key, cfg, parts, closed=not is_slate)
        both = np.concatenate([today.home, today.away])
        if is_slate:
            parts.slate_teams = both
            break
        form = _play_day(pool, form, pre, plan.season, day, first_key, cfg, parts)
        team_prev[both] = team_last[both]
        team_last[both] = day
    return form


def _before_tipoff(
    pool: Pool,
    form: PublicForm,
    today: gm.DayGames,
    plan: _SeasonPlan,
    day: int,
    first_key: int,
    cfg: SyntheticLeagueSettings,
    parts: _Parts,
    *,
    closed: bool,
) -> gm.Pregame:
    """Dress today's teams, publish the injury report and the lines, and record the ground truth."""
    season = plan.season
    pre = gm.pregame(
        pool, today, plan.pace, plan.defence, stream(cfg.seed, season, day, Stream.AVAILABILITY), cfg
    )
    key = first_key + pre.game
    report = pregame_report(pool, today, pre, stream(cfg.seed, season, day, Stream.REPORT), cfg)
    parts.report.append({"key": first_key + report.pop("game"), **report})
    day_lines = _lines(pre, key, form, cfg, season, day, closed=closed)
    parts.truth.append(
        {
            "key": key,
            "player": pre.player,
            "true_mean": pre.true_mean,
            "true_var": pre.true_var,
            "p_play": pre.p_play,
            "soft_stale": day_lines.pop("stale_prop"),
            "soft_stale_shift": day_lines.pop("stale_shift"),
        }
    )
    parts.lines.append(day_lines)
    return pre


def _play_day(
    pool: Pool,
    form: PublicForm,
    pre: gm.Pregame,
    season: int,
    day: int,
    first_key: int,
    cfg: SyntheticLeagueSettings,
    parts: _Parts,
) -> PublicForm:
    """Play today's games, record the box scores and game states, and return the public form updated by them."""
    assert cfg.sportsbook is not None  # validate() raised a ConfigError otherwise
    box, state = gm.play(
        pool,
        pre,
        stream(cfg.seed, season, day, Stream.GAME),
        stream(cfg.seed, season, day, Stream.BOX),
        cfg,
    )
    pra = box["pts"] + box["reb"] + box["ast"]
    parts.box.append(
        {
            "key": first_key + pre.game,
            "player": pre.player,
            "team": pre.team,
            "opponent": pre.opponent,
            "home": pre.home,
            **box,
        }
    )
    parts.states.append(state)
    return update_form(form, pre.player, box["minutes"], pra, box["played"], cfg.sportsbook.public_halflife_games)


def _morning(pool: Pool, cfg: SyntheticLeagueSettings, season: int, day: int) -> None:
    """Start of a calendar day: injuries heal a day, form and role move one AR(1) step, trades, call-ups."""
    np.maximum(pool.injury_days - 1, 0, out=pool.injury_days)
    shocks = stream(cfg.seed, season, day, Stream.FORM).standard_normal((2, pool.size))
    pool.form = _ar1(pool.form, shocks[0], cfg.rates.form_persistence, cfg.rates.form_sd)
    pool.role = _ar1(pool.role, shocks[1], cfg.minutes.role_persistence, cfg.minutes.role_sd)
    trade(pool, day, stream(cfg.seed, season, day, Stream.TRANSACTIONS), cfg)
    call_ups_and_releases(pool, cfg)


def _ar1(x: np.ndarray, shock: np.ndarray, phi: float, sd: float) -> np.ndarray:
    """One step of a stationary AR(1) with persistence ``phi`` and stationary sd ``sd``."""
    return phi * x + np.sqrt(1.0 - phi**2) * sd * shock


def _lines(
    pre: gm.Pregame, key: np.ndarray, form: PublicForm, cfg, season: int, day: int, *, closed: bool
) -> dict[str, np.ndarray]:
    """Today's lines (see :mod:`.sportsbook`) plus, per pre-game row, ``stale_prop`` (the soft book posted a
    stale line for it) and ``stale_shift`` (its stale log-mean minus the market's; 0 elsewhere): ground truth,
    never in the lines."""
    sb = cfg.sportsbook
    props = np.flatnonzero((pre.p_play > 0) & (pre.expected_minutes >= sb.min_expected_minutes))
    rng = stream(cfg.seed, season, day, Stream.BOOK)
    player = pre.player[props]
    true_mean = pre.true_mean[props]
    true_rate = pre.rates[props] @ gm.PRA_PER_MAKE
    # the books price each prop with its true shape (sportsbook module docstring)
    dispersion = pre.true_var[props] / true_mean
    shocks = rng.standard_normal((2, props.size))
    log_market = market_log_mean(true_mean, true_rate, form.rate(player), dispersion, shocks, sb)
    # the soft book's stale minutes: the public as-of mean minutes instead of today's expected minutes E[M]
    news = np.log(form.mean_minutes(player) / (true_mean / true_rate))
    stale_shift = sb.soft.news_miss * np.where(np.isfinite(news), news, 0.0)
    posted = post_lines(true_mean, dispersion, log_market, stale_shift, cfg.bookmakers, rng, sb,
                        closed=np.full(props.size, closed))
    prop = posted.pop("prop")
    rows = props[prop]
    stale = posted.pop("stale")
    stale_prop = np.zeros(pre.player.size, dtype=bool)
    stale_prop[rows[stale]] = True
    shift = np.zeros(pre.player.size)
    shift[rows[stale]] = stale_shift[prop[stale]]
    return {"key": key[rows], "player": pre.player[rows], "stale_prop": stale_prop, "stale_shift": shift,
            **posted}


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Column-wise concatenation of the per-day arrays ({} when no day produced any)."""
    if not parts:
        return {}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _assemble(cfg: SyntheticLeagueSettings, pool: Pool, parts: _Parts) -> League:
    """Turn the collected pieces into the raw tables, the simulation's indices replaced by ids and names."""
    games = pd.concat(parts.games, ignore_index=True)
    names = _Names.of(cfg, pool, games)
    box_scores = _box_frame(_concat(parts.box), names)
    return League(
        box_scores=box_scores,
        schedule=_schedule_frame(games, names),
        rosters=_roster_frame(pool, parts.slate_teams, names),
        lines=_lines_frame(_concat(parts.lines), names),
        ground_truth=_truth_frame(_concat(parts.truth), names),
        injury_report=_report_frame(_concat(parts.report), names),
        game_states=_state_frame(_concat(parts.states), box_scores),
    )


@dataclass(frozen=True)
class _Names:
    """What the simulation's indices stand for in the tables: per game key its id, date and season; per pool
    row the player's id, name and position; per team index its code."""

    game_id: np.ndarray
    game_date: np.ndarray
    season: np.ndarray
    player_id: np.ndarray
    player_name: np.ndarray
    position: np.ndarray
    team_code: np.ndarray

    @classmethod
    def of(cls, cfg: SyntheticLeagueSettings, pool: Pool, games: pd.DataFrame) -> _Names:
        """The look-ups of this league (``games``: every season's schedule, in key order)."""
        return cls(
            game_id=games["game_id"].to_numpy(),
            game_date=games["game_date"].to_numpy(),
            season=games["season"].to_numpy(),
            player_id=cfg.first_player_id + np.arange(pool.size, dtype=np.int64),
            player_name=player_name(np.arange(pool.size)),
            position=np.asarray(POSITIONS, dtype=object)[pool.position],
            team_code=np.asarray(cfg.team_codes[: cfg.n_teams], dtype=object),
        )


def _truth_frame(truth: dict[str, np.ndarray], names: _Names) -> pd.DataFrame:
    """The ground truth table, rounded to :data:`TRUTH_DECIMALS`."""
    return pd.DataFrame(
        {
            "game_id": pd.array(names.game_id[truth["key"]], dtype="str"),
            "player_id": names.player_id[truth["player"]],
            "true_mean": np.round(truth["true_mean"], TRUTH_DECIMALS),
            "true_var": np.round(truth["true_var"], TRUTH_DECIMALS),
            "p_play": np.round(truth["p_play"], TRUTH_DECIMALS),
            "soft_stale": truth["soft_stale"].astype(bool),
            "soft_stale_shift": np.round(truth["soft_stale_shift"], TRUTH_DECIMALS) + 0.0,
        }
    )


def _lines_frame(ln: dict[str, np.ndarray], names: _Names) -> pd.DataFrame:
    """The lines table: one row per book's offer."""
    return pd.DataFrame(
        {
            "game_id": pd.array(names.game_id[ln["key"]], dtype="str"),
            "game_date": names.game_date[ln["key"]],
            "player_id": names.player_id[ln["player"]],
            "player_name": pd.array(names.player_name[ln["player"]], dtype="str"),
            "bookmaker": pd.array(ln["bookmaker"], dtype="str"),
            "line": ln["line"].astype(float),
            "over_price": ln["over_price"].astype(np.int64),
            "under_price": ln["under_price"].astype(np.int64),
            "close_line": ln["close_line"].astype(float),
            "close_over_price": ln["close_over_price"].astype(float),
            "close_under_price": ln["close_under_price"].astype(float),
        }
    )


def _schedule_frame(games: pd.DataFrame, names: _Names) -> pd.DataFrame:
    """The schedule table: every season's games with team codes."""
    return pd.DataFrame(
        {
            "game_id": pd.array(names.game_id, dtype="str"),
            "game_date": names.game_date,
            "season": pd.array(names.season, dtype="str"),
            "home_team": pd.array(names.team_code[games["home"].to_numpy()], dtype="str"),
            "away_team": pd.array(names.team_code[games["away"].to_numpy()], dtype="str"),
            "commence_time": games["commence_time"].array,
            "status": pd.array(games["status"].to_numpy(), dtype="str"),
        }
    )


def _roster_frame(pool: Pool, slate_teams: np.ndarray, names: _Names) -> pd.DataFrame:
    """The rosters of the slate's teams as of the slate morning, by team then pool row."""
    on_slate = np.flatnonzero(np.isin(pool.team, slate_teams) & (pool.team >= 0))
    on_slate = on_slate[np.lexsort((on_slate, pool.team[on_slate]))]
    return pd.DataFrame(
        {
            "player_id": names.player_id[on_slate],
            "player_name": pd.array(names.player_name[on_slate], dtype="str"),
            "team": pd.array(names.team_code[pool.team[on_slate]], dtype="str"),
            "position": pd.array(names.position[on_slate], dtype="str"),
            "status": pd.array(
                np.where(pool.injury_days[on_slate] > 0, ROSTER_OUT, ROSTER_ACTIVE), dtype="str"
            ),
        }
    )


def _report_frame(rep: dict[str, np.ndarray], names: _Names) -> pd.DataFrame:
    """The pre-game injury report table."""
    return pd.DataFrame(
        {
            "game_id": pd.array(names.game_id[rep["key"]], dtype="str"),
            "team": pd.array(names.team_code[rep["team"]], dtype="str"),
            "player_id": names.player_id[rep["player"]],
            "player_name": pd.array(names.player_name[rep["player"]], dtype="str"),
            "status": pd.array(rep["status"], dtype="str"),
            "starter": rep["starter"].astype(bool),
        }
    )


def _state_frame(state: dict[str, np.ndarray], box_scores: pd.DataFrame) -> pd.DataFrame:
    """The game states of the box-score rows (one row each, same order), keyed like them."""
    frame = box_scores.loc[:, ["game_id", "player_id"]].reset_index(drop=True)
    for col in gm.GAME_STATE_COLUMNS:
        frame[col] = state[col] if state else pd.Series(dtype=float)
    return frame


def _box_frame(box: dict[str, np.ndarray], names: _Names) -> pd.DataFrame:
    """The box-score table (typed and empty when no game was played)."""
    if not box:
        return pd.DataFrame({c: pd.Series(dtype=_EMPTY_DTYPES.get(c, "float64")) for c in _BOX_OUTPUT})
    key, player = box["key"], box["player"]
    frame = pd.DataFrame(
        {
            "game_id": pd.array(names.game_id[key], dtype="str"),
            "game_date": names.game_date[key],
            "season": pd.array(names.season[key], dtype="str"),
            "player_id": names.player_id[player],
            "player_name": pd.array(names.player_name[player], dtype="str"),
            "team": pd.array(names.team_code[box["team"]], dtype="str"),
            "opponent": pd.array(names.team_code[box["opponent"]], dtype="str"),
            "home": box["home"].astype(bool),
            "starter": box["starter"].astype(bool),
            "position": pd.array(names.position[player], dtype="str"),
            "played": box["played"].astype(bool),
            "minutes": box["minutes"].astype(float),
        }
    )
    for col in _BOX_STATS:
        frame[col] = box[col].astype(float)
    return frame


_BOX_STATS = (
    "pts",
    "reb",
    "ast",
    "stl",
    "blk",
    "tov",
    "pf",
    "fgm",
    "fga",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "plus_minus",
)
_BOX_OUTPUT = schema.BOX_SCORE_COLUMNS + tuple(c for c in _BOX_STATS if c not in schema.BOX_SCORE_COLUMNS)
_EMPTY_DTYPES = {
    "game_id": "str",
    "season": "str",
    "player_name": "str",
    "team": "str",
    "opponent": "str",
    "position": "str",
    "game_date": "datetime64[ns]",
    "player_id": "int64",
    "home": "bool",
    "starter": "bool",
    "played": "bool",
}
