"""The as-of join: for each game, only the latest report / lineup snapshot published before the cut-off.

Sources hand over *snapshots* (:data:`SNAPSHOT_COLUMNS`): one row per player listed in one publication of one
kind ("report": injury report statuses; "lineup": projected starters and "may not play" lists), keyed by
publication time, local game date and team. For every (game, team, kind) the visible snapshot is the latest
one with ``published_at <= tip-off - cutoff``; later publications do not exist for that game. Player names are
resolved to ids with the odds matcher (:func:`nba_pra.odds.matching.match_players`) against the team's
candidates for that game; names that match nobody are counted and reported, never guessed.

The result (:data:`AVAILABILITY_COLUMNS`) has two kinds of rows per covered (game, team):

* one team row (``player_id`` NA) saying which kinds are known (``report_known``, ``lineup_known``) and when
  they were published -- a covered team's unlisted players are available and not projected to start;
* one row per listed player with his status code and projected-starter flag.

A (game, team) without a team row has no visible information: its features are unknown (NaN), not zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from nba_pra.availability.settings import AvailabilitySettings
from nba_pra.errors import DataValidationError
from nba_pra.odds.matching import MatchReport, match_players
from nba_pra.odds.settings import MatchingSettings

REPORT: Final = "report"
LINEUP: Final = "lineup"
KINDS: Final = (REPORT, LINEUP)
#: statuses from least to most severe; the code of a status is its index
STATUS_LEVELS: Final = ("available", "probable", "questionable", "doubtful", "out")
OUT_CODE: Final = STATUS_LEVELS.index("out")
DOUBTFUL_CODE: Final = STATUS_LEVELS.index("doubtful")
QUESTIONABLE_CODE: Final = STATUS_LEVELS.index("questionable")

SNAPSHOT_COLUMNS: Final = (
    "kind",  # "report" | "lineup"
    "published_at",  # datetime64[ns, UTC]
    "game_date",  # datetime64[ns], US local date of the game
    "team",  # tricode
    "player_name",  # as the source spells it
    "player_id",  # Int64, NA when the source gives names only
    "status",  # one of STATUS_LEVELS, or NA (a lineup's starter without a likelihood)
    "starter",  # float: 1 projected starter, 0 listed as not starting, NaN unknown
)
#: games to attach availability to: one row per (game, team)
GAME_COLUMNS: Final = ("game_id", "game_date", "team", "commence_time")
#: players a name may resolve to, per (game, team)
CANDIDATE_COLUMNS: Final = ("game_id", "team", "player_id", "player_name")
AVAILABILITY_COLUMNS: Final = (
    "game_id",
    "game_date",
    "team",
    "player_id",  # Int64; NA on the team row
    "status_code",  # float 0..4 (STATUS_LEVELS); NaN on the team row or when only the lineup lists him
    "starter",  # float 1/0; NaN when no lineup is visible
    "report_known",  # bool: an injury report for this team is visible
    "lineup_known",  # bool: a lineup snapshot for this team is visible
    "report_published_at",  # datetime64[ns, UTC] or NaT
    "lineup_published_at",
)
_MINUTES_PER_HOUR: Final = 60
_SATURDAY: Final = 5


@dataclass(frozen=True)
class JoinReport:
    """What the as-of join saw: snapshots visible / too late, and the names it could not resolve."""

    n_snapshot_rows: int
    n_visible_rows: int
    n_late_rows: int
    matching: MatchReport | None

    def as_dict(self) -> dict[str, object]:
        unmatched = self.matching.unmatched if self.matching is not None else pd.DataFrame()
        return {
            "snapshot_rows": self.n_snapshot_rows,
            "visible_rows": self.n_visible_rows,
            "late_rows": self.n_late_rows,
            "names": self.matching.n_names if self.matching else 0,
            "names_matched": self.matching.n_matched if self.matching else 0,
            "names_unmatched": len(unmatched),
            "unmatched_sample": sorted(unmatched["player_name"].astype(str).unique().tolist())[:20]
            if len(unmatched)
            else [],
        }


def empty_snapshots() -> pd.DataFrame:
    return normalize_snapshots(pd.DataFrame({c: [] for c in SNAPSHOT_COLUMNS}))


def normalize_snapshots(frame: pd.DataFrame) -> pd.DataFrame:
    """Snapshot rows with uniform dtypes (what every source returns)."""
    missing = [c for c in SNAPSHOT_COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError(f"availability snapshots lack column(s) {', '.join(missing)}")
    out = frame[list(SNAPSHOT_COLUMNS)].copy()
    out["kind"] = out["kind"].astype(str)
    bad_kind = ~out["kind"].isin(KINDS)
    if bad_kind.any():
        raise DataValidationError(f"unknown snapshot kind(s) {sorted(out.loc[bad_kind, 'kind'].unique())}")
    out["published_at"] = pd.to_datetime(out["published_at"], utc=True).astype("datetime64[ns, UTC]")
    out["game_date"] = pd.to_datetime(out["game_date"]).astype("datetime64[ns]").dt.normalize()
    out["team"] = out["team"].astype(str)
    out["player_name"] = out["player_name"].astype(object)
    out["player_id"] = _nullable_int(out["player_id"])
    status = out["status"].astype(object)
    unknown = status.notna() & ~status.isin(STATUS_LEVELS)
    if unknown.any():
        raise DataValidationError(f"unknown availability status(es) {sorted(status[unknown].unique())}")
    out["status"] = status
    out["starter"] = pd.to_numeric(out["starter"], errors="coerce").astype(np.float64)
    return out.reset_index(drop=True)


def _nullable_int(values: Any) -> Any:
    """``values`` as a nullable ``Int64`` array (pandas-stubs' ``pd.array`` overloads leave out a Series)."""
    return pd.array(values, dtype="Int64")


def map_status(printed: pd.Series, status_map: dict) -> pd.Series:
    """Printed status / play likelihood -> one of :data:`STATUS_LEVELS` (NA when missing or unmapped)."""
    table = {str(k).lower(): v for k, v in status_map.items()}
    return printed.astype(object).map(lambda s: table.get(str(s).strip().lower()) if pd.notna(s) else None)


def tip_times(games: pd.DataFrame, settings: AvailabilitySettings) -> pd.Series:
    """Tip-off (UTC) of each game row: its commence time, else the assumed local tip of its date."""
    commence = pd.to_datetime(games["commence_time"], utc=True)
    date = pd.to_datetime(games["game_date"]).dt.normalize()
    weekend = date.dt.day_of_week >= _SATURDAY
    clock = np.where(weekend, settings.assumed_tip_weekend, settings.assumed_tip_weekday)
    parts = cast("pd.Series[str]", pd.Series(clock, index=games.index)).str.split(":", expand=True).astype(int)
    local = date + pd.to_timedelta(parts[0] * _MINUTES_PER_HOUR + parts[1], unit="min")
    zoned = local.dt.tz_localize(settings.timezone, ambiguous="NaT", nonexistent="shift_forward")
    assumed = zoned.dt.tz_convert("UTC")
    return commence.fillna(assumed).astype("datetime64[ns, UTC]")


def visible_snapshots(
    snapshots: pd.DataFrame, games: pd.DataFrame, settings: AvailabilitySettings
) -> tuple[pd.DataFrame, int]:
    """Rows of the latest snapshot per (game, team, kind) published by the game's cut-off, with game_id.

    Returns the visible rows (snapshot columns + game_id, cutoff) and the number of snapshot rows of these
    games published after their cut-off (invisible).
    """
    keys = games[list(GAME_COLUMNS)].copy()
    keys["game_date"] = pd.to_datetime(keys["game_date"]).astype("datetime64[ns]").dt.normalize()
    keys["cutoff"] = tip_times(keys, settings) - pd.Timedelta(minutes=settings.cutoff_minutes)
    pubs = snapshots[["kind", "game_date", "team", "published_at"]].drop_duplicates()
    joined = pubs.merge(
        keys[["game_id", "game_date", "team", "cutoff"]], on=["game_date", "team"], how="inner"
    )
    in_time = joined["published_at"] <= joined["cutoff"]
    late = joined.loc[~in_time, ["kind", "game_date", "team", "published_at"]]
    n_late = int(late.merge(snapshots, on=["kind", "game_date", "team", "published_at"]).shape[0])
    latest = (
        joined.loc[in_time]
        .sort_values("published_at", kind="mergesort")
        .drop_duplicates(["game_id", "team", "kind"], keep="last")
    )
    rows = latest.merge(snapshots, on=["kind", "game_date", "team", "published_at"], how="inner")
    return rows.sort_values(["game_id", "team", "kind"], kind="mergesort").reset_index(drop=True), n_late


def resolve_players(
    visible: pd.DataFrame, candidates: pd.DataFrame, matching: MatchingSettings
) -> tuple[pd.DataFrame, MatchReport | None]:
    """Fill ``player_id`` of name-only rows with the odds matcher, within each (game, team)'s candidates.

    Rows whose id is already known pass through; unresolved names are dropped here and listed in the report.
    """
    known = visible["player_id"].notna()
    if known.all() or visible.empty:
        return visible.assign(player_id=visible["player_id"].astype("Int64")), None
    # the matcher compares names within one "game": key it by game and team, so teams never mix
    key = lambda f: f["game_id"].astype(str) + "|" + f["team"].astype(str)
    names = visible.loc[~known].assign(game_id=key(visible.loc[~known]))
    roster = candidates.assign(game_id=key(candidates))[["game_id", "player_id", "player_name"]]
    named = names.drop(columns=["player_id"]).assign(_row=np.arange(int((~known).sum())))
    matched, report = match_players(named, roster, matching)
    ids = pd.Series(pd.NA, index=range(len(named)), dtype="Int64")
    ids.loc[matched["_row"].to_numpy()] = matched["player_id"].to_numpy()
    resolved = visible.loc[~known].copy()
    resolved["player_id"] = ids.to_numpy()
    out = pd.concat([visible.loc[known], resolved.loc[resolved["player_id"].notna()]], ignore_index=True)
    out["player_id"] = out["player_id"].astype("Int64")
    return out, report


def availability_table(
    snapshots: pd.DataFrame,
    games: pd.DataFrame,
    candidates: pd.DataFrame,
    settings: AvailabilitySettings,
    matching: MatchingSettings,
) -> tuple[pd.DataFrame, JoinReport]:
    """The visible availability of ``games`` (see the module docstring for the rows and columns)."""
    snapshots = normalize_snapshots(snapshots)
    visible, n_late = visible_snapshots(snapshots, games, settings)
    resolved, match_report = resolve_players(visible, candidates, matching)
    report = JoinReport(len(snapshots), len(visible), n_late, match_report)
    teams = _team_rows(visible)
    players = _player_rows(resolved, teams)
    table = pd.concat([teams, players], ignore_index=True)
    return _finish(table), report


def _team_rows(visible: pd.DataFrame) -> pd.DataFrame:
    """One row per covered (game, team): which kinds are visible and when they were published."""
    if visible.empty:
        return pd.DataFrame({c: [] for c in ("game_id", "game_date", "team")})
    pubs = visible.groupby(["game_id", "game_date", "team", "kind"], sort=True)["published_at"].max()
    wide = pubs.unstack("kind").reindex(columns=list(KINDS))
    out = wide.reset_index()
    out["report_known"] = out[REPORT].notna()
    out["lineup_known"] = out[LINEUP].notna()
    out = out.rename(columns={REPORT: "report_published_at", LINEUP: "lineup_published_at"})
    out["player_id"] = pd.NA
    out["status_code"] = np.nan
    out["starter"] = np.nan
    return out


def _player_rows(resolved: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    """One row per listed player: report status if a report is visible, else the lineup's; starter from the
    lineup (a player listed twice in one snapshot keeps his most severe status and any starter flag)."""
    if resolved.empty:
        return pd.DataFrame({c: [] for c in ("game_id", "team", "player_id")})
    code = resolved["status"].map({s: float(i) for i, s in enumerate(STATUS_LEVELS)}).astype(np.float64)
    frame = resolved[["game_id", "game_date", "team", "player_id", "kind"]].assign(
        code=code, starter=resolved["starter"]
    )
    agg = frame.groupby(["game_id", "game_date", "team", "player_id", "kind"], sort=True).agg(
        code=("code", "max"), starter=("starter", "max")
    )
    wide = cast(pd.DataFrame, agg.unstack("kind"))
    wide.columns = [f"{stat}_{kind}" for stat, kind in cast(pd.MultiIndex, wide.columns)]
    wide = wide.reindex(columns=[f"{s}_{k}" for s in ("code", "starter") for k in KINDS]).reset_index()
    coverage = teams[["game_id", "team", "report_known", "lineup_known", "report_published_at",
                      "lineup_published_at"]]
    wide = wide.merge(coverage, on=["game_id", "team"], how="left")
    # the report is the official word on status; the lineup's likelihood fills in where no report is visible
    # (a covered team's player missing from its report is available)
    wide["status_code"] = np.where(
        wide["report_known"], wide[f"code_{REPORT}"].fillna(0.0), wide[f"code_{LINEUP}"]
    )
    # a player not on the report of a covered team is available; one not in the lineup does not start
    wide["starter"] = np.where(wide["lineup_known"], wide[f"starter_{LINEUP}"].fillna(0.0), np.nan)
    return wide.drop(columns=[c for c in wide.columns if c.startswith(("code_", "starter_"))])


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "game_id": table["game_id"].astype(str) if len(table) else pd.Series([], dtype=str),
            "game_date": pd.to_datetime(table["game_date"]).astype("datetime64[ns]"),
            "team": table["team"].astype(str) if len(table) else pd.Series([], dtype=str),
            "player_id": _nullable_int(table["player_id"]),
            # a missing column reads as None, which to_numeric turns into NaN (pandas-stubs omit None)
            "status_code": pd.to_numeric(cast(Any, table.get("status_code")), errors="coerce").astype(np.float64),
            "starter": pd.to_numeric(cast(Any, table.get("starter")), errors="coerce").astype(np.float64),
            "report_known": table["report_known"].astype(bool) if len(table) else pd.Series([], dtype=bool),
            "lineup_known": table["lineup_known"].astype(bool) if len(table) else pd.Series([], dtype=bool),
            "report_published_at": pd.to_datetime(table["report_published_at"], utc=True).astype(
                "datetime64[ns, UTC]"
            ),
            "lineup_published_at": pd.to_datetime(table["lineup_published_at"], utc=True).astype(
                "datetime64[ns, UTC]"
            ),
        }
    )
    out = out.sort_values(["game_id", "team", "player_id"], kind="mergesort", na_position="first")
    return out.reset_index(drop=True)


def empty_availability() -> pd.DataFrame:
    """The availability table of a run without a source (no team is covered: everything unknown)."""
    return _finish(
        pd.DataFrame(
            {
                "game_id": [], "game_date": [], "team": [], "player_id": [], "status_code": [], "starter": [],
                "report_known": [], "lineup_known": [], "report_published_at": [], "lineup_published_at": [],
            }
        )
    )


def team_candidates(listed: pd.DataFrame, games: pd.DataFrame) -> pd.DataFrame:
    """Players a name in a (game, team)'s snapshot may be: everyone listed for that team in that season up to
    and including the game's date (so an inactive player missing from the game's own box score still
    resolves). ``listed`` has game_date, season, team, player_id, player_name; ``games`` game_id, game_date,
    season, team."""
    first = (
        listed.sort_values("game_date", kind="mergesort")
        .drop_duplicates(["season", "team", "player_id"], keep="first")[
            ["season", "team", "player_id", "player_name", "game_date"]
        ]
        .rename(columns={"game_date": "first_date"})
    )
    pairs = games[["game_id", "game_date", "season", "team"]].merge(first, on=["season", "team"], how="inner")
    pairs = pairs.loc[pairs["first_date"] <= pairs["game_date"]]
    pairs = pairs[list(CANDIDATE_COLUMNS)].drop_duplicates(["game_id", "team", "player_id"])
    return pairs.reset_index(drop=True)
