"""The synthetic league's live inputs and ``nba-pra live --replay DATE`` (IO at the edges: simulation, caches,
the console).

:func:`synthetic_live` simulates the project's synthetic league, splits its games into quarters and joins every
period-end state to the pre-game forecast the project would have made (its walk-forward backtest predictions,
:func:`nba_pra.evaluation.predictions.cached_predictions`), the as-of minutes estimate (``live.minutes_feature``) and
the pre-game consensus line. :func:`replay` walks one night of it period end by period end. Everything it shows is
SYNTHETIC.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rich.console import Console
from rich.live import Live
from rich.table import Table

from nba_pra.betting.gate import Gate
from nba_pra.betting.pricing import consensus
from nba_pra.betting.settings import PricingSettings
from nba_pra.betting.stacking import StackFit
from nba_pra.config import Project
from nba_pra.data.synthetic import League, simulate_league
from nba_pra.data.synthetic.quarters import simulate_quarters
from nba_pra.errors import ConfigError, DataError
from nba_pra.evaluation.predictions import cached_predictions, history_features
from nba_pra.live.artifact import save_fit
from nba_pra.live.fit import fit_live
from nba_pra.live.model import LiveFit, forecast
from nba_pra.live.replay import (
    KEYS,
    live_book,
    live_candidates,
    live_predictions,
    placed_stakes,
    pregame_bets,
)
from nba_pra.live.settings import LiveSettings
from nba_pra.live.state import states_at_period_ends
from nba_pra.redaction import redact_url
from nba_pra.settle import bet_outcomes, line_outcomes
from nba_pra.vocab import Outcome

if TYPE_CHECKING:  # the ledger (SQLAlchemy) is opened only by --record
    from nba_pra.ledger.store import LedgerStore

#: the pre-game prediction columns a state row carries (renamed so they do not clash with the live ones)
_PREGAME = {"dist_param_a": "pre_param_a", "dist_param_b": "pre_param_b"}


@dataclass(frozen=True)
class SyntheticLive:
    """The synthetic league, its walk-forward pre-game predictions and every period-end state joined to them."""

    league: League
    predictions: pd.DataFrame
    #: states (:func:`states_at_period_ends`) + mean, var, dist_family, pre_param_a/b, pregame_minutes and the
    #: pre-game consensus line (``line``, NaN without a prop); only player-games with a pre-game forecast
    states: pd.DataFrame
    prediction_cache: str


def join_pregame(states: pd.DataFrame, predictions: pd.DataFrame, features: pd.DataFrame, props: pd.DataFrame,
                 settings: LiveSettings) -> pd.DataFrame:
    """States joined to the pre-game forecast, the minutes estimate and the consensus line (see
    :class:`SyntheticLive`)."""
    pre = predictions.loc[:, [*KEYS, "mean", "var", "dist_family", *_PREGAME]].rename(columns=_PREGAME)
    minutes = features.loc[:, [*KEYS, settings.minutes_feature]].rename(
        columns={settings.minutes_feature: "pregame_minutes"})
    rows = states.merge(pre, on=KEYS).merge(minutes, on=KEYS)
    rows = rows.loc[np.isfinite(rows["mean"]) & (rows["pregame_minutes"] > 0)]
    line = props.loc[:, [*KEYS, "consensus_line"]].rename(columns={"consensus_line": "line"})
    return rows.merge(line, on=KEYS, how="left").reset_index(drop=True)


def synthetic_live(project: Project) -> SyntheticLive:
    """Simulate the project's synthetic league and join its quarters to the pre-game forecasts (module docstring)."""
    s = project.settings
    if s.data.synthetic is None or s.data.source != "synthetic":
        raise ConfigError("live replays run on the synthetic league (data=synthetic): real games have no quarters here")
    league = simulate_league(s.data.synthetic)
    states = states_at_period_ends(simulate_quarters(league, s.data.synthetic))
    features = history_features(league.box_scores, s)
    predictions, entry = cached_predictions(project, league.box_scores, features)
    props = consensus(league.lines, s.pricing)
    rows = join_pregame(states, predictions, features, props, s.live)
    return SyntheticLive(league, predictions, rows, entry.key)


def night_lines(live: SyntheticLive, day: pd.Timestamp) -> pd.DataFrame:
    """The synthetic book's pre-game lines of ``day``."""
    return live.league.lines.loc[pd.to_datetime(live.league.lines["game_date"]) == day]


def night_pregame(live: SyntheticLive, day: pd.Timestamp, project: Project, *, gate: Gate, stack: StackFit | None,
                  bankroll: float) -> pd.DataFrame:
    """The pre-game candidates of ``day``'s players, decided as the bet stage would have before tip-off (the
    walk-forward predictions at the synthetic book's lines)."""
    s = project.settings
    preds = live.predictions.loc[pd.to_datetime(live.predictions["game_date"]) == day]
    return pregame_bets(preds, night_lines(live, day), s.betting, s.pricing, bankroll=bankroll, gate=gate,
                        stack=stack)


def replay_frames(live: SyntheticLive, day: pd.Timestamp, project: Project, *, gate: Gate,
                  stack: StackFit | None, bankroll: float, committed: pd.DataFrame | None = None
                  ) -> list[pd.DataFrame]:
    """Each period end of ``day`` (before the last buzzer): the live candidates decided by the pre-game path, fitted
    on the states of earlier days only; ``committed`` (the night's pre-game bets, :func:`placed_stakes`) and each
    period end's live bets use up the exposure caps of the next ones."""
    s = project.settings
    dates = pd.to_datetime(live.states["game_date"])
    tonight = live.states.loc[(dates == day).to_numpy()]
    if tonight.empty:
        have = pd.to_datetime(live.predictions["game_date"])
        raise DataError(f"no replayable games on {day.date()}: pick a played date with pre-game predictions "
                        f"(the backtest range {have.min().date()}..{have.max().date()})")
    train = live.states.loc[(dates < day).to_numpy()]
    if len(train) < s.live.fit.min_states:
        raise DataError(f"only {len(train)} live states before {day.date()} to fit on (live.fit.min_states = "
                        f"{s.live.fit.min_states}): pick a later date")
    fitted = fit_live(train, s.live)
    lines = night_lines(live, day)
    placed = committed if committed is not None else placed_stakes()
    frames = []
    for period in range(1, s.live.game.periods):
        at = tonight.loc[tonight["period"] == period]
        forecasts = forecast(at, fitted, s.live)
        predictions = live_predictions(forecasts, live.predictions)
        candidates = live_candidates(predictions, forecasts, live_book(lines, at, s.live), s.betting, s.pricing,
                                     bankroll=bankroll, gate=gate, stack=stack, committed=placed)
        placed = pd.concat([placed, placed_stakes(candidates)], ignore_index=True)
        finals = at.loc[:, [*KEYS, "final_pra", "line"]].rename(columns={"line": "pregame_line"})
        frames.append(candidates.merge(finals, on=KEYS, how="left"))
    return frames


def _fmt(values: pd.Series, spec: str) -> pd.Series:
    """Numbers formatted with ``spec`` ("" where missing)."""
    x = pd.to_numeric(values, errors="coerce")
    return x.map(lambda v: format(v, spec)).where(x.notna(), "")


#: the table's columns: (header, candidate column, format; "" = as text)
_TABLE: tuple[tuple[str, str, str], ...] = (
    ("player", "player_name", ""), ("min", "minutes", ".1f"), ("PRA", "pra", ".0f"), ("PF", "pf", ".0f"),
    ("margin", "margin", "+.0f"), ("pre", "pregame_line", ".1f"), ("book", "bookmaker", ""), ("live", "line", ".1f"),
    ("mean", "mean", ".1f"), ("P(over)", "p_over", ".3f"), ("side", "side", ""), ("price", "price", "+.0f"),
    ("edge", "edge", ".3f"), ("decision", "verdict", ""), ("stake", "stake", ".2f"), ("final", "final_pra", ".0f"),
)


#: under every replay table: the synthetic live book is naive, so its edges are not evidence of anything
NAIVE_BOOK_CAPTION = ("the synthetic live book prorates each pre-game line to the minutes left at its pre-game "
                      "prices: a naive book, so these edges say nothing about real in-play markets")


def render(candidates: pd.DataFrame, day: pd.Timestamp, period: int, rows: int) -> Table:
    """The refreshing table: bets first, then the largest edges, with the game state and the final PRA."""
    bets = candidates["decision"].eq("bet")
    table = Table(title=f"SYNTHETIC live replay {day.date()} - end of period {period}: "
                        f"{len(candidates)} live offers, {int(bets.sum())} bets", title_justify="left",
                  caption=NAIVE_BOOK_CAPTION, caption_justify="left")
    top = candidates.sort_values(["decision", "edge"], ascending=[True, False], na_position="last").head(rows)
    # a bet shows its state (staked / paper), a pass the rule that rejected it
    verdict = np.where(top["decision"].eq("bet"), "bet " + top["state"].astype(str), top["reason"].astype(str))
    top = top.assign(verdict=verdict)
    cells = [top[col].astype(str) if not spec else _fmt(top[col], spec) for _, col, spec in _TABLE]
    for header, _, spec in _TABLE:
        table.add_column(header, justify="right" if spec else "left")
    for row in zip(*(c.tolist() for c in cells), strict=True):
        table.add_row(*row)
    return table


def record_night(ledger: LedgerStore, live: SyntheticLive, day: pd.Timestamp, pregame: pd.DataFrame,
                 frames: list[pd.DataFrame], pricing: PricingSettings) -> tuple[int, int]:
    """Record the night's pre-game and live bets in ``ledger`` and settle them on the night's final box scores
    (the replay is over: every game is); returns (bets added, settlements written). Idempotent."""
    added = ledger.record_bets(pd.concat([pregame, *frames], ignore_index=True))
    box = live.league.box_scores.loc[pd.to_datetime(live.league.box_scores["game_date"]) == day]
    return added, ledger.settle(box, pricing=pricing)


def replay(project: Project, day: pd.Timestamp, *, gate: Gate, stack: StackFit | None, bankroll: float,
           speed: float | None = None, console: Console | None = None,
           sleep: Callable[[float], None] = time.sleep, live: SyntheticLive | None = None,
           ledger: LedgerStore | None = None) -> list[pd.DataFrame]:
    """Replay ``day`` on the console (a table refreshed at each period end, ``seconds_per_period / speed`` apart)
    and return each period end's candidates. The night starts from its pre-game bets (:func:`night_pregame`), whose
    stakes count in the live bets' caps. ``live``: the inputs when the caller has them (default:
    :func:`synthetic_live` of the project); ``ledger``: record and settle the night's bets there
    (:func:`record_night`; the replay ledger of ``live.replay.ledger``, never the real one)."""
    s = project.settings.live
    console = console or Console()
    pace = s.replay.seconds_per_period / (speed or s.replay.speed)
    with console.status("simulating the synthetic league and loading the pre-game forecasts..."):
        live = live or synthetic_live(project)
        pregame = night_pregame(live, day, project, gate=gate, stack=stack, bankroll=bankroll)
        frames = replay_frames(live, day, project, gate=gate, stack=stack, bankroll=bankroll,
                               committed=placed_stakes(pregame))
    with Live(console=console, auto_refresh=False) as screen:
        for period, frame in enumerate(frames, start=1):
            screen.update(render(frame, day, period, s.replay.table_rows), refresh=True)
            if period < len(frames):
                sleep(pace)
    bets = pd.concat(frames).query("decision == 'bet'")
    before = pregame.query("decision == 'bet'")
    final = bets["final_pra"].to_numpy(float)
    won = bet_outcomes(bets["side"], line_outcomes(final, bets["line"], np.isfinite(final))) == Outcome.WIN
    console.print(f"SYNTHETIC replay {day.date()}: {len(before)} pre-game bets ({before['stake'].sum():.2f} staked), "
                  f"{len(bets)} live bets over {len(frames)} period ends "
                  f"({int((bets['state'] == 'staked').sum())} staked, {int((bets['state'] == 'paper').sum())} "
                  f"paper, {bets['stake'].sum():.2f} staked in all), {int(won.sum())} live bets won at the final "
                  f"buzzer; prediction cache {live.prediction_cache}")
    if ledger is not None:
        added, settled = record_night(ledger, live, day, pregame, frames, project.settings.pricing)
        console.print(f"SYNTHETIC bets recorded in the replay ledger {redact_url(ledger.url)}: {added} new, "
                      f"{settled} settlements written")
    return frames


def fit_synthetic(project: Project, live: SyntheticLive | None = None) -> tuple[Path, LiveFit]:
    """Fit the in-game adjustments on every period-end state of the synthetic league (the walk-forward's latest fit:
    all finished games) and write them to ``live.model_file`` as JSON labelled SYNTHETIC (:mod:`.artifact`)."""
    s = project.settings
    live = live or synthetic_live(project)
    fitted = fit_live(live.states, s.live)
    dates = pd.to_datetime(live.states["game_date"])
    fitted_on = {"league": "synthetic", "seed": s.data.synthetic.seed if s.data.synthetic else None,
                 "first_date": str(dates.min().date()), "last_date": str(dates.max().date()),
                 "states": len(live.states), "pregame_predictions": live.prediction_cache}
    return save_fit(fitted, project.root / s.live.model_file, fitted_on=fitted_on), fitted
