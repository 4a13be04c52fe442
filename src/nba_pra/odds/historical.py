"""Recorded lines from a CSV or parquet file (backtests, a user's own odds exports).

Two schemas are accepted (chosen by the columns present):

**native** -- keyed by our game ids:
    ``game_id``, ``player_name``, ``bookmaker``, ``line``, ``over_price``, ``under_price`` (American odds);
    optional ``player_id`` (else names are matched), ``game_date``, ``market``, ``close_line``,
    ``close_over_price``, ``close_under_price``.

**odds-api** -- The Odds API historical export (e.g. ``pra_lines_2023-24.csv``):
    ``player_name``, ``event_id``, ``event_date`` (**UTC** date of the commence time), ``home_team``,
    ``away_team`` (full names, see ``conf/odds/teams/``), ``bookmaker``, ``line``, ``timestamp`` (snapshot time,
    UTC), ``over_price``, ``under_price``; optional ``commence_time`` (UTC) and ``market``.
    An evening US game starts after midnight UTC, so ``event_date`` is often the day *after* our US-local
    ``game_date``. Events are therefore joined on (home, away, local date) where the local date is the
    ``commence_time`` -- or, without it, the snapshot ``timestamp`` taken shortly before tip-off -- converted to
    ``local_timezone``; rows whose local date is neither ``event_date`` nor the day before are inconsistent and
    dropped with a warning. When a book has several snapshots of a player's market, only the latest
    (``keep_snapshot: last``, closest to tip-off) or earliest (``first``) snapshot's lines are kept.

Rows without an over or under price are dropped (logged); names that match no slate player are reported.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

import pandas as pd

from nba_pra.odds.errors import OddsFileError, OddsNoLinesError
from nba_pra.odds.events import slate_games
from nba_pra.odds.lines import finalize_lines, require_slate
from nba_pra.odds.matching import MatchReport, match_players
from nba_pra.odds.settings import OddsSettings

log = logging.getLogger(__name__)

NATIVE_COLUMNS: Final = ("game_id", "player_name", "bookmaker", "line", "over_price", "under_price")
ODDS_API_COLUMNS: Final = (
    "player_name", "event_id", "event_date", "home_team", "away_team", "bookmaker", "line", "timestamp",
    "over_price", "under_price",
)
_SNAPSHOT_KEEP: Final = ("first", "last")


def read_lines_file(path: Path) -> pd.DataFrame:
    """The raw table of a ``.csv`` or ``.parquet`` lines file; errors name the file."""
    if not path.is_file():
        raise OddsFileError(f"the historical lines file {path} does not exist")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype={"game_id": str, "event_id": str})
    except (OSError, ValueError) as exc:
        raise OddsFileError(f"the historical lines file {path} is unreadable ({type(exc).__name__})") from None


def _drop_unpriced(raw: pd.DataFrame) -> pd.DataFrame:
    unpriced = raw["over_price"].isna() | raw["under_price"].isna()
    if unpriced.any():
        log.info("historical lines: %d row(s) without an over or under price dropped", int(unpriced.sum()))
    return raw.loc[~unpriced].drop_duplicates()


def odds_api_to_games(
    raw: pd.DataFrame, slate: pd.DataFrame, settings: OddsSettings
) -> pd.DataFrame:
    """Rows of an odds-api export joined to the slate's game ids (see the module docstring for the date rule)."""
    hist = settings.historical
    if hist.keep_snapshot not in _SNAPSHOT_KEEP:
        raise OddsFileError(f"historical.keep_snapshot must be one of {', '.join(_SNAPSHOT_KEEP)}")
    frame = raw.copy()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
    when = (
        pd.to_datetime(frame["commence_time"], utc=True, format="ISO8601")
        if "commence_time" in frame.columns
        else frame["timestamp"]
    )
    frame["local_date"] = when.dt.tz_convert(hist.local_timezone).dt.tz_localize(None).dt.normalize()
    event_date = pd.to_datetime(frame["event_date"]).dt.normalize()
    consistent = (frame["local_date"] == event_date) | (frame["local_date"] == event_date - pd.Timedelta(days=1))
    if not consistent.all():
        log.warning(
            "historical lines: %d row(s) whose local date is neither the UTC event_date nor the day before dropped",
            int((~consistent).sum()),
        )
        frame = frame.loc[consistent]
    # one snapshot per (event, book, player): alternates quoted at that snapshot are kept, stale lines are not
    group = ["event_id", "bookmaker", "player_name"]
    pick = frame.groupby(group)["timestamp"].transform("max" if hist.keep_snapshot == "last" else "min")
    frame = frame.loc[frame["timestamp"] == pick]

    games = slate_games(slate, settings.teams)
    joined = frame.merge(
        games[["game_id", "game_date", "home_name", "away_name"]],
        left_on=["home_team", "away_team", "local_date"],
        right_on=["home_name", "away_name", "game_date"],
    )
    return joined.drop(columns=["home_name", "away_name", "local_date"])


def lines_from_table(
    raw: pd.DataFrame, slate: pd.DataFrame, settings: OddsSettings, *, source: str = "the lines table"
) -> tuple[pd.DataFrame, MatchReport | None]:
    """A recorded lines table in either schema (see the module docstring) -> the lines of the slate's games.

    Returns the provider's lines table (:mod:`nba_pra.odds.lines`) and the name-matching report (None when the
    table carries player ids). Pure: the caller reads the file.
    """
    report = None
    if set(ODDS_API_COLUMNS) <= set(raw.columns):
        lines = odds_api_to_games(_drop_unpriced(raw), slate, settings)
    elif set(NATIVE_COLUMNS) <= set(raw.columns):
        lines = _drop_unpriced(raw)
        lines = lines.assign(game_id=lines["game_id"].astype(str))
        lines = lines.loc[lines["game_id"].isin(set(slate["game_id"].astype(str)))]
        if "game_date" not in lines.columns:
            dates = slate[["game_id", "game_date"]].drop_duplicates("game_id").astype({"game_id": str})
            lines = lines.merge(dates, on="game_id")
    else:
        raise OddsFileError(
            f"{source} has neither the native columns ({', '.join(NATIVE_COLUMNS)})"
            f" nor The Odds API export columns ({', '.join(ODDS_API_COLUMNS)})"
        )
    if "player_id" not in lines.columns:
        lines, report = match_players(lines, slate, settings.matching)
    return finalize_lines(lines, slate, default_market=settings.market), report


class HistoricalProvider:
    """Lines of the slate's games from ``settings.historical.path`` (relative paths are under the data folder)."""

    name = "historical"

    def __init__(self, settings: OddsSettings, *, data_dir: Path) -> None:
        self.settings = settings
        path = Path(settings.historical.path)
        self.path = path if path.is_absolute() else Path(data_dir) / path
        self.last_report: MatchReport | None = None

    def fetch_lines(self, slate: pd.DataFrame, *, refresh: bool = False) -> pd.DataFrame:
        """Lines of the slate's games from the file; ``refresh`` has nothing to refetch."""
        require_slate(slate)
        lines, self.last_report = lines_from_table(read_lines_file(self.path), slate, self.settings,
                                                   source=str(self.path))
        if lines.empty:
            raise OddsNoLinesError(
                f"the historical lines file {self.path.name} has no lines for the slate's "
                f"{slate['game_id'].nunique()} game(s)"
            )
        return lines
