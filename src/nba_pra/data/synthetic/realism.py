"""How NBA-like is a league? Summary statistics of box scores, and a side-by-side comparison.

Used by ``benchmarks/realism.py`` (prints the table) and ``tests/integration/test_realism.py`` (asserts it).
All statistics are on regular-season player-games; PRA = pts + reb + ast on played games only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

#: the issue's calibration target: every statistic within 15 % of the real one
REALISM_TOLERANCE: Final = 0.15
#: minutes buckets [lo, hi) for PRA mean/std by playing time
MINUTES_BUCKETS: Final = ((0, 10), (10, 20), (20, 30), (30, 40), (40, None))
#: a player-season counts for the spread of season averages from this many played games
MIN_GAMES_SEASON_AVERAGE: Final = 20
REGULAR_SEASON: Final = "Regular Season"


def real_regular_season(frame: pd.DataFrame) -> pd.DataFrame:
    """The real box-score file's regular season, with numeric stats as float and dates as datetimes."""
    out = frame[frame["season_type"] == REGULAR_SEASON].copy() if "season_type" in frame else frame.copy()
    for col in ("minutes", "pts", "reb", "ast"):
        out[col] = out[col].astype("float64")
    out["game_date"] = pd.to_datetime(out["game_date"])
    return out


def _bucket_name(lo: int, hi: int | None) -> str:
    return f"min_{lo}_{hi}" if hi is not None else f"min_{lo}_plus"


def league_statistics(box_scores: pd.DataFrame) -> dict[str, float]:
    """Realism statistics of a box-score table (schema columns; DNP rows included).

    * ``dnp_share``: share of rows with ``played`` False;
    * ``pra_mean`` / ``pra_std`` overall and ``pra_mean_min_a_b`` / ``pra_std_min_a_b`` for minutes in [a, b);
    * ``starter_minutes_{mean,q25,q50,q75}`` and ``bench_minutes_...`` over played games;
    * ``pra_autocorr``: correlation of a player's PRA with his previous played game in the same season;
      ``pra_autocorr_within``: the same after removing each player-season's mean (game-to-game persistence);
    * ``season_average_std``: standard deviation across player-seasons (>= 20 played games) of mean PRA.
    """
    stats: dict[str, float] = {"dnp_share": float((~box_scores["played"].astype(bool)).mean())}
    played = box_scores[box_scores["played"].astype(bool)]
    pra = (played["pts"] + played["reb"] + played["ast"]).astype(float)
    minutes = played["minutes"].astype(float)
    stats["pra_mean"] = float(pra.mean())
    stats["pra_std"] = float(pra.std())
    for lo, hi in MINUTES_BUCKETS:
        inside = (minutes >= lo) & (minutes < (hi if hi is not None else np.inf))
        name = _bucket_name(lo, hi)
        stats[f"pra_mean_{name}"] = float(pra[inside].mean())
        stats[f"pra_std_{name}"] = float(pra[inside].std())
    for label, is_starter in (("starter", True), ("bench", False)):
        m = minutes[played["starter"].astype(bool) == is_starter]
        stats[f"{label}_minutes_mean"] = float(m.mean())
        for q in (25, 50, 75):
            stats[f"{label}_minutes_q{q}"] = float(m.quantile(q / 100))
    ordered = pd.DataFrame(
        {
            "player_id": played["player_id"],
            "season": played["season"],
            "date": played["game_date"],
            "pra": pra,
        }
    ).sort_values(["player_id", "season", "date"], kind="stable")
    groups = ordered.groupby(["player_id", "season"], sort=False)["pra"]
    previous = groups.shift(1)
    has = previous.notna()
    stats["pra_autocorr"] = float(np.corrcoef(ordered["pra"][has], previous[has])[0, 1])
    centred = ordered["pra"] - groups.transform("mean")
    prev_centred = centred.groupby([ordered["player_id"], ordered["season"]], sort=False).shift(1)
    has = prev_centred.notna()
    stats["pra_autocorr_within"] = float(np.corrcoef(centred[has], prev_centred[has])[0, 1])
    per_season = groups.agg(["size", "mean"])
    stats["season_average_std"] = float(
        per_season.loc[per_season["size"] >= MIN_GAMES_SEASON_AVERAGE, "mean"].std()
    )
    return stats


def compare(
    simulated: Mapping[str, float], real: Mapping[str, float], tolerance: float = REALISM_TOLERANCE
) -> pd.DataFrame:
    """Side-by-side table with columns ``statistic, simulated, real, rel_diff, within_tolerance``.

    ``rel_diff = |simulated - real| / |real|``; ``within_tolerance`` is ``rel_diff <= tolerance``.
    """
    names = [k for k in real if k in simulated]
    sim = np.array([simulated[k] for k in names], dtype=float)
    ref = np.array([real[k] for k in names], dtype=float)
    rel = np.abs(sim - ref) / np.abs(ref)
    return pd.DataFrame(
        {
            "statistic": names,
            "simulated": sim,
            "real": ref,
            "rel_diff": rel,
            "within_tolerance": rel <= tolerance,
        }
    )
