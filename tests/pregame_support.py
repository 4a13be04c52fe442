"""Helpers for pre-game availability tests: an availability table in the as-of join's output format."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nba_pra.availability.asof import AVAILABILITY_COLUMNS


def availability_rows(
    teams: list[tuple[str, str, str]],
    players: list[tuple[str, str, int, float, float]],
    *,
    lineup: bool = True,
) -> pd.DataFrame:
    """``teams``: (game_id, game_date, team) covered by a report (+ lineup); ``players``: (game_id, team,
    player_id, status_code, starter)."""
    team_rows = pd.DataFrame(
        {
            "game_id": [g for g, _, _ in teams],
            "game_date": pd.to_datetime([d for _, d, _ in teams]),
            "team": [t for _, _, t in teams],
            "player_id": pd.array([pd.NA] * len(teams), dtype="Int64"),
            "status_code": np.nan,
            "starter": np.nan,
            "report_known": True,
            "lineup_known": lineup,
            "report_published_at": pd.Timestamp("2020-01-01", tz="UTC"),
            "lineup_published_at": pd.Timestamp("2020-01-01", tz="UTC") if lineup else pd.NaT,
        }
    )
    dates = {(g, t): d for g, d, t in teams}
    player_rows = pd.DataFrame(
        {
            "game_id": [g for g, _, _, _, _ in players],
            "game_date": pd.to_datetime([dates[(g, t)] for g, t, _, _, _ in players]),
            "team": [t for _, t, _, _, _ in players],
            "player_id": pd.array([p for _, _, p, _, _ in players], dtype="Int64"),
            "status_code": [s for _, _, _, s, _ in players],
            "starter": [st if lineup else np.nan for _, _, _, _, st in players],
            "report_known": True,
            "lineup_known": lineup,
            "report_published_at": pd.Timestamp("2020-01-01", tz="UTC"),
            "lineup_published_at": pd.Timestamp("2020-01-01", tz="UTC") if lineup else pd.NaT,
        }
    )
    out = pd.concat([team_rows, player_rows], ignore_index=True)
    out["lineup_published_at"] = pd.to_datetime(out["lineup_published_at"], utc=True)
    return out[list(AVAILABILITY_COLUMNS)]


def random_availability(box: pd.DataFrame, seed: int, coverage: float = 0.7) -> pd.DataFrame:
    """A random availability table for the team-games of ``box``: each covered with probability
    ``coverage``; a listed player gets a random status and starter flag (players of other teams are never
    listed, unknown players sometimes are: an injured player missing from the box score)."""
    rng = np.random.default_rng(seed)
    tg = box[["game_id", "game_date", "team"]].drop_duplicates(["game_id", "team"])
    tg = tg.loc[rng.random(len(tg)) < coverage]
    teams = [(str(g), pd.Timestamp(d).strftime("%Y-%m-%d"), str(t)) for g, d, t in tg.itertuples(index=False)]
    covered = box.merge(tg[["game_id", "team"]], on=["game_id", "team"])
    listed = covered.loc[rng.random(len(covered)) < 0.4]
    players = [
        (str(g), str(t), int(p), float(rng.integers(0, 5)), float(rng.random() < 0.5))
        for g, t, p in listed[["game_id", "team", "player_id"]].itertuples(index=False)
    ]
    # an injured player on the report who is not in this game's box score
    players += [(g, t, 999_000 + i, 4.0, 0.0) for i, (g, _, t) in enumerate(teams[::3])]
    return availability_rows(teams, players)
