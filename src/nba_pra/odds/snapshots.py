"""Odds snapshots: every book's current lines of the slate with their capture time, appended, never overwritten.

``nba-pra odds snapshot`` (:mod:`nba_pra.stages.snapshot`) asks the configured provider for the slate's lines and
appends them as one parquet file per capture under ``archive/odds_snapshots/<capture date>/`` (the catalog's
:data:`nba_pra.artifacts.ODDS_SNAPSHOTS`). Each row is a lines-table row (:mod:`nba_pra.odds.lines`) plus
``commence_time`` (the game's tip-off, UTC, from the slate) and ``captured_at`` (UTC).

The **close** of a game is its last snapshot taken before tip-off: every book's row in that snapshot is its
closing quote (``close_line``, ``close_over_price``, ``close_under_price`` = the snapshot's ``line`` and prices); a
book missing from it had pulled the prop. Providers that know the close themselves (historical files, the
synthetic book) keep supplying it: :func:`merge_closes` lets their closes win for every prop they close.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from nba_pra.io import write_parquet
from nba_pra.odds.lines import OUTPUT_COLUMNS

#: columns of a snapshot file: a lines table + the game's tip-off + when the lines were seen (both UTC)
SNAPSHOT_COLUMNS: Final = (*OUTPUT_COLUMNS, "commence_time", "captured_at")
#: a snapshot file's name: its capture time, sortable, with no characters a file system could object to
_FILE_TIME: Final = "%Y%m%dT%H%M%S%fZ"
_PROP_KEYS: Final = ("game_id", "player_id", "market")


def snapshot_frame(lines: pd.DataFrame, slate: pd.DataFrame, captured_at: pd.Timestamp) -> pd.DataFrame:
    """``lines`` (a provider's lines table for ``slate``) with each game's ``commence_time`` and ``captured_at``."""
    tips = slate.loc[:, ["game_id", "commence_time"]].drop_duplicates("game_id")
    tips = tips.assign(game_id=tips["game_id"].astype(str),
                       commence_time=pd.to_datetime(tips["commence_time"], utc=True))
    out = lines.assign(game_id=lines["game_id"].astype(str)).merge(tips, on="game_id", how="left")
    out["captured_at"] = pd.Timestamp(captured_at).tz_convert("UTC")
    return out.loc[:, list(SNAPSHOT_COLUMNS)]


def write_snapshot(directory: Path, frame: pd.DataFrame, captured_at: pd.Timestamp) -> Path:
    """Append ``frame`` as a new file ``<directory>/<YYYY-MM-DD>/<capture time>.parquet`` (atomic: written to a
    temp file and renamed). An existing file is never replaced: a second capture in the same microsecond gets a
    numbered name."""
    at = pd.Timestamp(captured_at).tz_convert("UTC")
    folder = Path(directory) / at.strftime("%Y-%m-%d")
    stem = at.strftime(_FILE_TIME)
    path, n = folder / f"{stem}.parquet", 0
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.parquet"
    return write_parquet(frame, path)


def read_snapshots(directory: Path) -> pd.DataFrame:
    """Every snapshot under ``directory`` in capture order (an empty frame with the columns when there is none)."""
    files = sorted(Path(directory).glob("*/*.parquet"))
    if not files:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SNAPSHOT_COLUMNS})
    frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    return frame.sort_values("captured_at", kind="mergesort").reset_index(drop=True)


def closes_from_snapshots(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The closing lines table of the snapshots: for each game, the rows of its last capture strictly before
    ``commence_time``, with ``close_*`` = that capture's line and prices. Games without a known tip-off or without
    a capture before it have no close."""
    if snapshots.empty:
        return snapshots.assign(close_line=pd.Series(dtype=float), close_over_price=pd.Series(dtype=float),
                                close_under_price=pd.Series(dtype=float))
    captured = pd.to_datetime(snapshots["captured_at"], utc=True)
    tip = pd.to_datetime(snapshots["commence_time"], utc=True)
    before = snapshots.loc[captured < tip].assign(_at=captured[captured < tip])
    last = before.groupby("game_id")["_at"].transform("max")
    closing = before.loc[before["_at"] == last].drop(columns="_at")
    return closing.assign(close_line=closing["line"].astype(float),
                          close_over_price=closing["over_price"].astype(float),
                          close_under_price=closing["under_price"].astype(float)).reset_index(drop=True)


def merge_closes(provider: pd.DataFrame | None, snapshots: pd.DataFrame) -> pd.DataFrame | None:
    """One closing lines table: the provider's closes (rows with ``close_line``) for every prop they close, the
    snapshots' closes for the other props (None when neither has any)."""
    frames = []
    if provider is not None and "close_line" in provider.columns:
        provider = provider.loc[provider["close_line"].notna()]
        frames.append(provider)
    if len(snapshots):
        if frames:
            keys = [k for k in _PROP_KEYS if k in frames[0].columns and k in snapshots.columns]
            closed = frames[0].loc[:, keys].drop_duplicates().assign(game_id=lambda f: f["game_id"].astype(str))
            flagged = snapshots.assign(game_id=snapshots["game_id"].astype(str)).merge(
                closed, on=keys, how="left", indicator=True)
            snapshots = flagged.loc[flagged["_merge"].eq("left_only")].drop(columns="_merge")
        frames.append(snapshots.drop(columns=["commence_time", "captured_at"], errors="ignore"))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else None
