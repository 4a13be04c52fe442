"""The partial box score of a player during his game (the live model's input) and the game clock.

A *state* row is one player in one game at one moment: ``period`` (1, 2, ...; beyond the regulation periods:
overtime), ``clock_s`` (seconds left in the period), ``minutes`` he has played, ``pra`` so far, ``pf`` personal
fouls, ``margin`` (his team's score minus the opponent's), ``on_court`` and ``out`` (ruled out for the rest of the
game: hurt or ejected). Training and evaluation states also carry ``final_pra`` and ``final_minutes``.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from nba_pra.live.settings import GameClockSettings

SECONDS_PER_MINUTE: Final = 60.0
#: the partial box score of a state row
STATE_COLUMNS: Final = ("period", "clock_s", "minutes", "pra", "pf", "margin", "on_court", "out")
#: what a state is forecast for (known once the game is over)
OUTCOME_COLUMNS: Final = ("final_pra", "final_minutes")


def regulation_minutes(game: GameClockSettings) -> float:
    """Minutes of a game without overtime (48 in the NBA)."""
    return game.periods * game.period_minutes


def elapsed_and_remaining(period: np.ndarray, clock_s: np.ndarray, game: GameClockSettings
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Game minutes played ``t`` and left ``R`` (regulation; in overtime only the current period's clock is left).

    In regulation period ``p`` with ``c`` minutes on the clock: ``t = (p - 1) Q + (Q - c)``, ``R = (P - p) Q + c``
    (``P`` periods of ``Q`` minutes); in overtime period ``p > P`` of ``O`` minutes: ``t = P Q + (p - P - 1) O +
    (O - c)``, ``R = c``.
    """
    p = np.asarray(period, dtype=float)
    clock = np.asarray(clock_s, dtype=float) / SECONDS_PER_MINUTE
    periods, q, ot = game.periods, game.period_minutes, game.overtime_minutes
    overtime = p > periods
    t = np.where(overtime, periods * q + (p - periods - 1) * ot + (ot - clock), (p - 1) * q + (q - clock))
    r = np.where(overtime, clock, (periods - p) * q + clock)
    return t, np.maximum(r, 0.0)


def states_at_period_ends(quarters: pd.DataFrame) -> pd.DataFrame:
    """One state per played player-game at the end of every period (clock 0) from a quarter-by-quarter table
    (:data:`nba_pra.data.synthetic.quarters.QUARTER_COLUMNS`), with the final PRA and minutes."""
    q = quarters.sort_values(["game_id", "player_id", "period"], kind="stable").reset_index(drop=True)
    keys = ["game_id", "player_id"]
    grouped = q.groupby(keys, sort=False)
    cum = grouped[["seconds", "pra", "pf"]].cumsum()
    final = grouped[["seconds", "pra"]].transform("sum")
    return pd.DataFrame({
        "game_id": q["game_id"].to_numpy(),
        "game_date": pd.to_datetime(q["game_date"]).to_numpy(),
        "player_id": q["player_id"].to_numpy(),
        "period": q["period"].to_numpy(np.int64),
        "clock_s": np.zeros(len(q)),
        "minutes": cum["seconds"].to_numpy(float) / SECONDS_PER_MINUTE,
        "pra": cum["pra"].to_numpy(float),
        "pf": cum["pf"].to_numpy(float),
        "margin": q["margin"].to_numpy(float),
        "on_court": q["on_court"].to_numpy(bool),
        "out": q["out"].to_numpy(bool),
        "final_pra": final["pra"].to_numpy(float),
        "final_minutes": final["seconds"].to_numpy(float) / SECONDS_PER_MINUTE,
    })
