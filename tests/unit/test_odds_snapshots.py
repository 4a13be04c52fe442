"""Odds snapshots: appended files, the close = the last capture before tip-off, provider closes win."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nba_pra.odds.snapshots import closes_from_snapshots, merge_closes, read_snapshots, snapshot_frame, write_snapshot

TIP = pd.Timestamp("2024-01-16T00:30:00Z")


def lines(line: float, *, book: str = "A", game: str = "G1") -> pd.DataFrame:
    return pd.DataFrame([{"game_id": game, "game_date": pd.Timestamp("2024-01-15"), "player_id": 1,
                          "player_name": "x", "bookmaker": book, "line": line, "over_price": -110,
                          "under_price": -110, "close_line": np.nan, "close_over_price": np.nan,
                          "close_under_price": np.nan, "market": "pra", "is_derived": False}])


SLATE = pd.DataFrame([{"game_id": "G1", "commence_time": TIP}, {"game_id": "G2", "commence_time": TIP}])


def test_two_captures_in_the_same_instant_are_two_files_and_neither_is_overwritten(tmp_path: Path) -> None:
    at = pd.Timestamp("2024-01-15T20:00:00Z")
    first = write_snapshot(tmp_path, snapshot_frame(lines(24.5), SLATE, at), at)
    second = write_snapshot(tmp_path, snapshot_frame(lines(25.5), SLATE, at), at)
    assert first != second and first.parent.name == "2024-01-15"
    assert sorted(read_snapshots(tmp_path)["line"]) == [24.5, 25.5]


def test_the_close_is_the_last_capture_before_tip_and_a_book_missing_from_it_has_none(tmp_path: Path) -> None:
    early, late, after = pd.Timestamp("2024-01-15T18:00:00Z"), pd.Timestamp("2024-01-15T23:00:00Z"), TIP
    write_snapshot(tmp_path, snapshot_frame(pd.concat([lines(24.5), lines(24.5, book="B")]), SLATE, early), early)
    write_snapshot(tmp_path, snapshot_frame(lines(26.0), SLATE, late), late)  # B pulled the prop
    write_snapshot(tmp_path, snapshot_frame(lines(30.0), SLATE, after), after)  # at tip-off: not a close
    closes = closes_from_snapshots(read_snapshots(tmp_path))
    assert closes[["bookmaker", "close_line", "close_over_price"]].to_dict("records") == [
        {"bookmaker": "A", "close_line": 26.0, "close_over_price": -110.0}]


def test_a_game_with_no_capture_before_tip_has_no_close() -> None:
    after = TIP + pd.Timedelta(minutes=5)
    assert closes_from_snapshots(snapshot_frame(lines(24.5), SLATE, after)).empty


def test_the_providers_closes_win_for_the_props_they_close_and_snapshots_close_the_rest() -> None:
    provider = lines(24.5).assign(close_line=25.0, close_over_price=-120.0, close_under_price=100.0)
    snap = closes_from_snapshots(pd.concat([
        snapshot_frame(lines(26.0), SLATE, TIP - pd.Timedelta(hours=1)),
        snapshot_frame(lines(20.5, game="G2"), SLATE, TIP - pd.Timedelta(hours=1)),
    ]))
    merged = merge_closes(provider, snap).set_index("game_id")
    assert merged.loc["G1", "close_line"] == 25.0 and merged.loc["G2", "close_line"] == 20.5
    assert merge_closes(None, snap.iloc[:0]) is None
