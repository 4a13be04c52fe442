"""Pre-game availability family: what the injury report / lineups visible before the cut-off say about today.

Distinct from the ``availability`` family (past DNPs, read from box scores): these features read the
availability table of :mod:`nba_pra.availability.asof` -- only reports published at least the cut-off before
tip-off -- and weigh absent players by their as-of form (the rolling means of the ``rolling`` family over the
last ``missing_minutes_window`` played games before the date). A team-game without a visible report or lineup
gets NaN everywhere (and ``pre_known`` 0): unknown is never a silent zero.

A team-game's *players* are its rows in the feature frame plus the players its report lists (an injured
player is on the report but not on the slate). Status codes: 0 available, 1 probable, 2 questionable,
3 doubtful, 4 out; "out" below means doubtful or out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from nba_pra.features.asof import asof_positions, gather
from nba_pra.features.frame import FrameContext
from nba_pra.features.settings import FeatureSettings
from nba_pra.features.spec import FeatureDef, Params

FAMILY = "pregame_availability"
#: status codes (nba_pra.availability.asof.STATUS_LEVELS); the feature code never imports the sources
_OUT_FROM = 3.0
_QUESTIONABLE = 2.0
_AVAILABLE = 0.0


def definitions(s: FeatureSettings) -> list[FeatureDef]:
    if not s.pregame_availability:
        return []
    defs: list[FeatureDef] = []

    def add(name: str, definition: str, span: str, kind: str, **params: object) -> None:
        defs.append(FeatureDef(name, FAMILY, definition, span, kind, dict(params)))

    m, w, k = s.missing_minutes_window, s.pregame_starter_window, s.pregame_top_teammates
    visible = "latest report before the cut-off"
    add("pre_known", "1 if a report or lineup of the player's team is visible before the cut-off, else 0",
        visible, "known")
    add("pre_status", "the player's status: 0 available .. 2 questionable .. 4 out (NaN unknown)", visible,
        "status")
    add("pre_starter", "1 if projected to start, 0 if not (NaN without a visible lineup)", visible, "starter")
    add(
        f"pre_starter_vs_g{w}",
        f"projected starter minus the share of his last {w} played games he started (role change)",
        f"{visible}; last {w} played games",
        "starter_change",
        window=w,
    )
    for side, who in (("team", "teammates"), ("opp", "opponents")):
        for value, label in (("minutes", "minutes"), ("pra", "PRA")):
            add(
                f"pre_{side}_out_{value}",
                f"sum of the {m}-game {label} form of {who} listed doubtful or out",
                f"{visible}; last {m} played games",
                "out_sum",
                side=side,
                value=value,
            )
    add(
        "pre_team_out_usage",
        f"sum of the {m}-game possessions-used form (fga + {s.fta_possession_weight:g} fta + tov) of teammates "
        "listed doubtful or out",
        f"{visible}; last {m} played games",
        "out_sum",
        side="team",
        value="usage",
    )
    add(
        "pre_team_out_rotation",
        f"teammates listed doubtful or out with minutes form >= {s.rotation_minutes:g}",
        f"{visible}; last {m} played games",
        "out_sum",
        side="team",
        value="rotation",
    )
    add(
        "pre_team_questionable_minutes",
        f"sum of the {m}-game minutes form of teammates listed questionable",
        f"{visible}; last {m} played games",
        "questionable_sum",
    )
    add(
        "pre_team_top_out",
        f"1 if one of the team's {k} best players by {m}-game PRA form (himself excluded) is doubtful or out",
        f"{visible}; last {m} played games",
        "top_out",
        top=k,
    )
    add(
        "pre_returning",
        "1 if he was doubtful or out for the team's previous game and is not now",
        "this and the previous team game's visible reports",
        "returning",
    )
    add(
        "pre_team_returning_minutes",
        f"sum of the {m}-game minutes form of teammates doubtful or out last team game and not now",
        "this and the previous team game's visible reports",
        "team_returning",
    )
    return defs


@dataclass(frozen=True)
class _Inputs:
    """What every pre-game kind reads: the frame and its team-game availability table."""

    ctx: FrameContext
    table: _TeamGames


def _known(x: _Inputs, p: Params) -> np.ndarray:
    return x.table.known.astype(np.float64)


def _status(x: _Inputs, p: Params) -> np.ndarray:
    return x.table.row_status


def _starter(x: _Inputs, p: Params) -> np.ndarray:
    return x.table.row_starter


def _starter_change(x: _Inputs, p: Params) -> np.ndarray:
    """Listed as a starter minus his recent start share: a promotion (or demotion) today."""
    return x.table.row_starter - _start_share(x.ctx, p["window"])


def _out_sum(x: _Inputs, p: Params) -> np.ndarray:
    return x.table.out_sum(p["value"], p["side"])


def _questionable_sum(x: _Inputs, p: Params) -> np.ndarray:
    table = x.table
    return table.team_sum(table.form("minutes") * (table.status == _QUESTIONABLE), "team")


def _top_out(x: _Inputs, p: Params) -> np.ndarray:
    count = x.table.top_out(p["top"])
    return np.where(np.isnan(count), np.nan, (count > 0).astype(np.float64))


def _returning(x: _Inputs, p: Params) -> np.ndarray:
    return x.table.row_returning


def _team_returning(x: _Inputs, p: Params) -> np.ndarray:
    table = x.table
    back = np.nan_to_num(table.returning, nan=0.0)
    return table.team_sum(table.form("minutes") * back, "team")


#: kind -> the function computing its column (the ``_DEVIG`` pattern of :mod:`nba_pra.odds.market`)
KINDS: Final[dict[str, Callable[[_Inputs, Params], np.ndarray]]] = {
    "known": _known, "status": _status, "starter": _starter, "starter_change": _starter_change,
    "out_sum": _out_sum, "questionable_sum": _questionable_sum, "top_out": _top_out, "returning": _returning,
    "team_returning": _team_returning,
}


def compute(ctx: FrameContext, defs: list[FeatureDef]) -> dict[str, np.ndarray]:
    if not defs:
        return {}
    inputs = _Inputs(ctx, _TeamGames(ctx))
    return {d.name: KINDS[d.kind](inputs, d.params) for d in defs}


def _start_share(ctx: FrameContext, window: int) -> np.ndarray:
    """Share of the player's last ``window`` played games he started, as of the row's date."""
    rows = ctx.rows
    starter = rows["starter"].to_numpy(dtype=np.float64) if "starter" in rows else np.full(ctx.n, np.nan)
    return ctx.asof_played(ctx.played_windows.mean(starter[ctx.played_idx], window))


class _TeamGames:
    """Every team-game's players (frame rows + players its visible report lists) with status and form.

    ``members`` has one row per (team-game, player): ``tg`` (team-game code), ``player``, ``date``,
    ``status`` (NaN when the team-game is not covered), ``prev_status`` (his status for the team's previous
    game, NaN when unknown). Frame row ``i`` is member ``self.row_member[i]``.
    """

    def __init__(self, ctx: FrameContext) -> None:
        self.ctx = ctx
        avail = ctx.availability
        rows = pd.DataFrame(
            {
                "game_id": ctx.rows["game_id"].to_numpy(dtype=str),
                "team": ctx.rows["team"].to_numpy(dtype=str),
                "opponent": ctx.rows["opponent"].to_numpy(dtype=str),
                "player": ctx.player,
                "date": ctx.date,
            }
        )
        listed = _listed_players(avail, rows)
        members = pd.concat([rows[["game_id", "team", "player", "date"]], listed], ignore_index=True)
        members = members.drop_duplicates(["game_id", "team", "player"]).reset_index(drop=True)
        games = members[["game_id", "team"]].drop_duplicates().reset_index(drop=True)
        games["tg"] = np.arange(len(games))
        members = members.merge(games, on=["game_id", "team"], how="left")
        coverage = _coverage(avail)
        games = games.merge(coverage, on=["game_id", "team"], how="left")
        games["covered"] = games["covered"].fillna(False).astype(bool)
        games["starter_known"] = games["starter_known"].fillna(False).astype(bool)
        members = members.merge(_player_status(avail), on=["game_id", "team", "player"], how="left")
        covered = games["covered"].to_numpy()[members["tg"].to_numpy()]
        starter_known = games["starter_known"].to_numpy()[members["tg"].to_numpy()]
        members["status"] = np.where(covered, members["status_code"].fillna(_AVAILABLE), np.nan)
        members["starter"] = np.where(starter_known, members["starter"].fillna(0.0), np.nan)
        members["prev_status"] = _previous_status(ctx, members, games)
        self.members = members
        self.games = games
        self.n_games = len(games)
        self.tg = members["tg"].to_numpy()
        self.status = members["status"].to_numpy(dtype=np.float64)
        self.returning = np.where(
            np.isnan(members["prev_status"].to_numpy()) | np.isnan(self.status),
            np.nan,
            ((members["prev_status"].to_numpy() >= _OUT_FROM) & (self.status < _OUT_FROM)).astype(np.float64),
        )
        key = pd.MultiIndex.from_frame(members[["game_id", "team", "player"]])
        row_key = pd.MultiIndex.from_frame(rows[["game_id", "team", "player"]])
        self.row_member = key.get_indexer(row_key)
        tg_index = pd.MultiIndex.from_frame(games[["game_id", "team"]])
        self.row_tg = self.tg[self.row_member]
        self.row_opp_tg = tg_index.get_indexer(pd.MultiIndex.from_frame(rows[["game_id", "opponent"]]))
        self.covered = games["covered"].to_numpy()
        self.known = self.covered[self.row_tg]
        self.row_status = self.status[self.row_member]
        self.row_starter = members["starter"].to_numpy(dtype=np.float64)[self.row_member]
        self.row_returning = self.returning[self.row_member]
        self._forms: dict[str, np.ndarray] = {}

    def form(self, value: str) -> np.ndarray:
        """Each member's as-of form of ``value`` (minutes, pra, usage; NaN without prior games)."""
        if value not in self._forms:
            ctx = self.ctx
            s = ctx.settings
            if value == "usage":
                stat = ctx.stat["fga"] + s.fta_possession_weight * ctx.stat["fta"] + ctx.stat["tov"]
                events = stat[ctx.played_idx]
            else:
                events = ctx.played_values(value)
            windowed = ctx.played_windows.mean(events, s.missing_minutes_window)
            idx = ctx.played_idx
            pos = asof_positions(
                ctx.player[idx], ctx.date[idx], self.members["player"].to_numpy(), self.members["date"].to_numpy()
            )
            self._forms[value] = gather(windowed, pos)
        return self._forms[value]

    def team_sum(self, per_member: np.ndarray, side: str) -> np.ndarray:
        """Per frame row: the sum over the team-game's (``side`` team or opponent) members, the row's own
        player excluded on his own team; NaN when that team-game is not covered."""
        values = np.nan_to_num(per_member, nan=0.0)
        totals = np.bincount(self.tg, weights=values, minlength=self.n_games)
        if side == "team":
            out = totals[self.row_tg] - values[self.row_member]
            ok = self.covered[self.row_tg]
        else:
            opp = np.maximum(self.row_opp_tg, 0)
            out = totals[opp]
            ok = (self.row_opp_tg >= 0) & self.covered[opp]
        return np.where(ok, out, np.nan)

    def out_sum(self, value: str, side: str) -> np.ndarray:
        out = self.status >= _OUT_FROM
        if value == "rotation":
            return self.team_sum((self.form("minutes") >= self.ctx.settings.rotation_minutes) & out, side)
        form = self.form(value)
        result = self.team_sum(form * out, side)
        # without the box-score columns a form needs (fga/fta/tov for usage) the sum is unknown, not 0
        return result if np.isfinite(form).any() else np.full(self.ctx.n, np.nan)

    def top_out(self, top: int) -> np.ndarray:
        """Per frame row: teammates among the team-game's ``top`` members by PRA form who are out."""
        pra = np.nan_to_num(self.form("pra"), nan=-np.inf)
        order = np.lexsort((-pra, self.tg))
        rank = np.empty(len(order), dtype=np.int64)
        sorted_tg = self.tg[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_tg)) + 1]
        block_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        rank[order] = np.arange(len(order)) - block_start
        flag = (rank < top) & (self.status >= _OUT_FROM)
        return self.team_sum(flag.astype(np.float64), "team")


def _listed_players(avail: pd.DataFrame | None, rows: pd.DataFrame) -> pd.DataFrame:
    """Report-listed players of the frame's team-games (with the game's date)."""
    if avail is None or avail.empty:
        return pd.DataFrame({"game_id": [], "team": [], "player": [], "date": []}).astype(
            {"player": np.int64, "date": "datetime64[ns]"}
        )
    players = avail.loc[avail["player_id"].notna(), ["game_id", "team", "player_id"]]
    players = players.rename(columns={"player_id": "player"})
    players = players.astype({"game_id": str, "team": str, "player": np.int64})
    dates = rows[["game_id", "team", "date"]].drop_duplicates(["game_id", "team"])
    return players.merge(dates, on=["game_id", "team"], how="inner")


def _coverage(avail: pd.DataFrame | None) -> pd.DataFrame:
    if avail is None or avail.empty:
        return pd.DataFrame({"game_id": pd.Series([], dtype=str), "team": pd.Series([], dtype=str),
                             "covered": pd.Series([], dtype=bool), "starter_known": pd.Series([], dtype=bool)})
    teams = avail.loc[avail["player_id"].isna()]
    return pd.DataFrame(
        {
            "game_id": teams["game_id"].astype(str).to_numpy(),
            "team": teams["team"].astype(str).to_numpy(),
            "covered": (teams["report_known"] | teams["lineup_known"]).to_numpy(dtype=bool),
            "starter_known": teams["lineup_known"].to_numpy(dtype=bool),
        }
    ).drop_duplicates(["game_id", "team"])


def _player_status(avail: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["game_id", "team", "player", "status_code", "starter"]
    if avail is None or avail.empty:
        return pd.DataFrame({c: pd.Series([], dtype=str if c in ("game_id", "team") else np.float64) for c in cols}
                            ).astype({"player": np.int64})
    players = avail.loc[avail["player_id"].notna()].rename(columns={"player_id": "player"})
    players = players.astype({"game_id": str, "team": str, "player": np.int64})
    return players[cols].drop_duplicates(["game_id", "team", "player"])


def _previous_status(ctx: FrameContext, members: pd.DataFrame, games: pd.DataFrame) -> np.ndarray:
    """Each member's status in his team's previous game (the team's schedule, slate included), NaN when that
    game is not covered or there is none."""
    tgames = ctx.team_games[["team_code", "game_id", "date"]].copy()
    code_of = pd.Series(ctx.team_code, index=ctx.rows["team"].astype(str).to_numpy())
    code_of = code_of[~code_of.index.duplicated()]
    tgames["team"] = tgames["team_code"].map(dict(zip(code_of.to_numpy(), code_of.index, strict=True)))
    tgames = tgames.sort_values(["team_code", "date", "game_id"], kind="mergesort")
    same = tgames["team_code"].to_numpy()[1:] == tgames["team_code"].to_numpy()[:-1]
    tgames["prev_game"] = np.r_[None, np.where(same, tgames["game_id"].to_numpy()[:-1], np.array(None, dtype=object))]
    prev = members[["game_id", "team", "player"]].merge(
        tgames[["game_id", "team", "prev_game"]].astype({"game_id": str}), on=["game_id", "team"], how="left"
    )
    status = members.set_index(["game_id", "team", "player"])["status"]
    status = status[~status.index.duplicated()]
    prev_cov = games.set_index(["game_id", "team"])["covered"]
    keys = pd.MultiIndex.from_arrays([prev["prev_game"].astype(object), prev["team"], prev["player"]])
    listed = status.reindex(keys).to_numpy(dtype=np.float64)
    covered_by_key = prev_cov.reindex(pd.MultiIndex.from_arrays([prev["prev_game"].astype(object), prev["team"]]))
    covered = covered_by_key.fillna(False).to_numpy(dtype=bool)
    return np.where(covered, np.nan_to_num(listed, nan=_AVAILABLE), np.nan)
