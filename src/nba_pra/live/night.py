"""``nba-pra live``: tonight's real games, polled until they end (IO at the edges: feeds, ledger, console).

Each poll (:class:`LiveNight`, run by :func:`nba_pra.live.poll.run_polls`):

1. the NBA's live box score of every game of the slate (:class:`nba_pra.live.nba_live.LiveBoxScoreClient`);
2. the in-play lines of The Odds API (:class:`nba_pra.live.odds_live.LiveOddsPoller`);
3. the players' states joined to the champion's pre-game predictions (``artifacts/predictions.parquet``) and the
   as-of minutes estimate (``live.minutes_feature`` of ``artifacts/features.parquet``) (:func:`join_live`),
   forecast by the fitted adjustments (``live.model_file``, fitted on the SYNTHETIC quarters:
   :mod:`nba_pra.live.artifact`) and decided like the replay's (:func:`nba_pra.live.replay.live_candidates`: the
   pre-game pricing, filters, gate, Kelly and caps), the stakes already in the ledger for those games (the
   pre-game bets, earlier live bets) counting in the caps;
4. a refreshed table; with ``record``, the new live bets go into the ledger (:func:`new_live_bets`: at most one per
   prop and period, so a lasting edge is not bet again at every poll).

A feed that fails is one warning on the table for that poll (the next poll tries again); the loop stops when every
game is final, before the night's credit budget would be exceeded, or on Ctrl-C.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from nba_pra.betting.gate import Gate
from nba_pra.betting.stacking import StackFit
from nba_pra.config import Project
from nba_pra.data.nbaapi import NbaApiError
from nba_pra.errors import ConfigError, DataError
from nba_pra.live.artifact import fit_from_document
from nba_pra.live.model import LiveFit, forecast
from nba_pra.live.nba_live import FINAL, LiveBoxScoreClient, boxscore_states
from nba_pra.live.odds_live import LiveOddsPoller
from nba_pra.live.poll import PollSummary, run_polls
from nba_pra.live.replay import COMMITTED_COLUMNS, KEYS, live_candidates, live_predictions
from nba_pra.live.runner import render
from nba_pra.live.settings import LiveSettings
from nba_pra.live.state import STATE_COLUMNS
from nba_pra.odds.errors import OddsError
from nba_pra.vocab import PROP_KEYS, BetPhase

if TYPE_CHECKING:  # the ledger (SQLAlchemy) is opened by the caller
    from nba_pra.ledger.store import LedgerStore

#: the pre-game columns a live state needs (:data:`nba_pra.live.model.PREGAME_COLUMNS`)
_PREGAME: Final = ["mean", "var", "dist_family", "pregame_minutes"]


def load_fit(path: Path) -> tuple[LiveFit, str]:
    """The fitted adjustments at ``path`` and the label the file carries (a synthetic fit says so)."""
    if not path.is_file():
        raise ConfigError(f"no fitted live model at {path}: fit it on the synthetic league's quarters with "
                          "`nba-pra live --fit data=synthetic`, or replay a SYNTHETIC night with "
                          "`nba-pra live --replay YYYY-MM-DD`")
    try:
        doc = json.loads(path.read_text())
    except ValueError:
        raise ConfigError(f"{path} is not JSON: refit it with `nba-pra live --fit data=synthetic`") from None
    return fit_from_document(doc, str(path)), str(doc.get("label", ""))


def pregame_rows(predictions: pd.DataFrame, features: pd.DataFrame, settings: LiveSettings) -> pd.DataFrame:
    """The pre-game predictions with the as-of minutes estimate (``pregame_minutes``) of the same player-games."""
    minutes = features.loc[:, [*KEYS, settings.minutes_feature]].rename(
        columns={settings.minutes_feature: "pregame_minutes"}).drop_duplicates(KEYS, keep="last")
    return predictions.astype({"game_id": str}).merge(minutes.astype({"game_id": str}), on=KEYS, how="left")


def join_live(box: pd.DataFrame, pregame: pd.DataFrame) -> pd.DataFrame:
    """Live box-score states joined to their pre-game forecast; players without one (no prediction, no minutes
    estimate) are left out: the in-game model starts from the pre-game forecast."""
    rows = box.loc[:, [*KEYS, "game_status", *STATE_COLUMNS]].astype({"game_id": str}).merge(
        pregame.loc[:, [*KEYS, "game_date", *_PREGAME]], on=KEYS, how="inner")
    usable = np.isfinite(rows["mean"].to_numpy(float)) & (rows["pregame_minutes"].to_numpy(float) > 0)
    return rows.loc[usable].reset_index(drop=True)


def new_live_bets(candidates: pd.DataFrame, recorded: pd.DataFrame) -> pd.DataFrame:
    """The live bets of ``candidates`` on a prop and period with no live bet in ``recorded`` yet (bets with
    ``phase``, :data:`nba_pra.vocab.PROP_KEYS` and ``live_period``)."""
    bets = candidates.loc[candidates["decision"].eq("bet")]
    keys = [*PROP_KEYS, "live_period"]
    if bets.empty or recorded.empty:
        return bets
    done = recorded.loc[recorded["phase"].eq(BetPhase.LIVE.value), keys].astype({"game_id": str}).drop_duplicates()
    done["live_period"] = done["live_period"].astype("int64")
    seen = bets.loc[:, keys].astype({"game_id": str, "live_period": "int64"}).merge(
        done, on=keys, how="left", indicator=True)["_merge"].eq("both").to_numpy()
    return bets.loc[~seen]


class LiveNight:
    """One night of polls (module docstring); :meth:`poll` is the loop's callable."""

    def __init__(self, project: Project, *, slate: pd.DataFrame, pregame: pd.DataFrame, fit: LiveFit, label: str,
                 gate: Gate, stack: StackFit | None, nba: LiveBoxScoreClient, odds: LiveOddsPoller,
                 ledger: LedgerStore | None, record: bool, screen: Live,
                 now: Callable[[], pd.Timestamp] = lambda: pd.Timestamp.now(tz="UTC")) -> None:
        self.project, self.slate, self.pregame, self.fit, self.label = project, slate, pregame, fit, label
        self.gate, self.stack, self.nba, self.odds = gate, stack, nba, odds
        self.ledger, self.record, self.screen, self.now = ledger, record, screen, now
        self.games = sorted(slate["game_id"].astype(str).unique())
        self.session_bets = pd.DataFrame()  # live bets of this session when there is no ledger to keep them
        self.recorded = 0
        self.offers = 0  # live offers decided over the night
        self.last: pd.DataFrame = pd.DataFrame()

    def _bankroll_and_placed(self) -> tuple[float, pd.DataFrame]:
        """The bankroll (the ledger's, else the initial one) and the bets placed on tonight's games: the ledger's
        (pre-game, recorded live) and this session's unrecorded live bets."""
        s = self.project.settings
        if self.ledger is None:
            return s.ledger.initial_bankroll, self.session_bets
        bets = self.ledger.bets()
        tonight = bets.loc[bets["game_id"].astype(str).isin(self.games)]
        placed = pd.concat([tonight, self.session_bets], ignore_index=True) if len(self.session_bets) else tonight
        return self.ledger.bankroll(s.ledger.initial_bankroll), placed

    def poll(self) -> bool:
        """One poll (module docstring); True while a game is not final (or its box score could not be read)."""
        s = self.project.settings
        warnings: list[str] = []
        states, still_on = [], False
        for game in self.games:
            try:
                payload = self.nba.fetch(game)
            except NbaApiError as exc:
                warnings.append(str(exc))
                still_on = True
                continue
            still_on |= int(payload.get("game", {}).get("gameStatus", FINAL)) != FINAL
            states.append(boxscore_states(payload))
        try:
            lines = self.odds.poll(self.slate, self.now())
        except OddsError as exc:
            warnings.append(f"no in-play lines this poll: {exc}")
            lines = pd.DataFrame()
        box = pd.concat(states, ignore_index=True) if states else pd.DataFrame()
        candidates = pd.DataFrame()
        if len(box) and len(lines):
            at = join_live(box.loc[box["game_status"].ne(FINAL)], self.pregame)
            lines = lines.loc[lines["market"].eq(s.odds.market)] if "market" in lines.columns else lines
            # only players on the floor tonight with a forecast (a finished game's props are settled, not bet)
            lines = lines.astype({"game_id": str}).merge(at.loc[:, KEYS], on=KEYS)
            if len(at) and len(lines):
                bankroll, placed = self._bankroll_and_placed()
                forecasts = forecast(at, self.fit, s.live)
                candidates = live_candidates(live_predictions(forecasts, self.pregame), forecasts,
                                             lines, s.betting, s.pricing, bankroll=bankroll,
                                             gate=self.gate, stack=self.stack,
                                             committed=placed.loc[:, list(COMMITTED_COLUMNS)] if len(placed) else None)
                self._keep(candidates, placed)
        self.last = candidates
        self.offers += len(candidates)
        self._show(candidates, box, warnings)
        return still_on

    def _keep(self, candidates: pd.DataFrame, placed: pd.DataFrame) -> None:
        new = new_live_bets(candidates, placed)
        if new.empty:
            return
        if self.ledger is not None and self.record:
            self.recorded += self.ledger.record_bets(new)
        else:
            self.session_bets = pd.concat([self.session_bets, new], ignore_index=True)

    def _show(self, candidates: pd.DataFrame, box: pd.DataFrame, warnings: list[str]) -> None:
        s = self.project.settings.live
        now = self.now()
        head = [Text(self.label, style="bold yellow")] if self.label else []
        head += [Text(w, style="red") for w in warnings]
        if candidates.empty:
            head.append(Text(f"{now:%H:%M:%S} UTC: {len(box)} players in {len(self.games)} games, no live offers "
                             "to decide yet"))
            self.screen.update(Group(*head), refresh=True)
            return
        period = int(candidates["period"].max())
        table = render(candidates.assign(final_pra=np.nan, pregame_line=np.nan), pd.Timestamp(now), period,
                       s.replay.table_rows)
        table.title = f"live {now:%Y-%m-%d %H:%M:%S} UTC: {len(candidates)} live offers, " \
                      f"{int(candidates['decision'].eq('bet').sum())} bets"
        self.screen.update(Group(*head, table), refresh=True)


def tonight_inputs(project: Project) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The slate of tonight's games (schedule + rosters, as the bet stage builds it) restricted to the games of
    the champion's predictions, and those predictions with their minutes estimates."""
    from nba_pra import artifacts
    from nba_pra.data import schema
    from nba_pra.data.store import read_raw_table
    from nba_pra.features.slate import build_slate

    s = project.settings
    predictions = artifacts.read_predictions(project)
    features = artifacts.read_features(project)
    data_dir = project.path("data")
    slate = build_slate(read_raw_table(data_dir, schema.SCHEDULE_FILE), read_raw_table(data_dir, schema.ROSTERS_FILE))
    slate = slate.loc[slate["game_id"].astype(str).isin(predictions["game_id"].astype(str))]
    if slate.empty:
        raise DataError("no game of the predictions is on the schedule's slate: run `nba-pra pipeline` for tonight")
    return slate, pregame_rows(predictions, features, s.live)


def run_night(project: Project, *, fit: tuple[LiveFit, str], tonight: tuple[pd.DataFrame, pd.DataFrame],
              gate: Gate, stack: StackFit | None, ledger: LedgerStore | None, record: bool,
              console: Console | None = None, sleep: Callable[[float], None] = time.sleep,
              now: Callable[[], pd.Timestamp] = lambda: pd.Timestamp.now(tz="UTC"),
              nba: LiveBoxScoreClient | None = None, odds: LiveOddsPoller | None = None) -> PollSummary:
    """Poll tonight's games (``tonight``: :func:`tonight_inputs`) with the fitted adjustments and their label
    (``fit``: :func:`load_fit`) until they end (module docstring) and print why the loop stopped."""
    s = project.settings
    console = console or Console()
    (live_fit, label), (slate, pregame) = fit, tonight
    nba = nba or LiveBoxScoreClient(s.live.feeds.nba)
    odds = odds or LiveOddsPoller(s.odds, cache_dir=project.path("cache"))
    cost = slate["game_id"].nunique() * odds.provider.request_cost()  # one event-odds request per game
    with Live(console=console, auto_refresh=False) as screen:
        night = LiveNight(project, slate=slate, pregame=pregame, fit=live_fit, label=label, gate=gate, stack=stack,
                          nba=nba, odds=odds, ledger=ledger, record=record, screen=screen, now=now)
        summary = run_polls(night.poll, s.live.poll, cost_per_poll=cost, sleep=sleep)
    kept = f"{night.recorded} live bets recorded in the ledger" if record else \
        f"{len(night.session_bets)} live bets (not recorded: --record records them)"
    console.print(f"live: {summary.polls} polls, {summary.credits} credits, {night.offers} live offers decided; "
                  f"stopped: {summary.end}; {kept}")
    return summary
