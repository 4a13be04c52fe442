"""What the betting engine may know before a day of a walk-forward: the fits and the gate as they stood then."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from nba_pra.betting.gate import Gate
from nba_pra.betting.settings import EvidenceSettings
from nba_pra.betting.stacking import StackFit, fit_for_day
from nba_pra.evidence.gate_figures import GateWalkForward
from nba_pra.evidence.replay import Replay, platt_for_day
from nba_pra.model.ensemble import CALIBRATION_COLUMNS


@dataclass(frozen=True)
class DayContext:
    """The market-aware stack, the Platt map as ``over_cal_*`` column values (the walk-forward's predictions
    carry none of their own) and the evidence gate."""

    stack: StackFit | None
    calibration: dict[str, float]
    gate: Gate


def walk_forward_context(replay: Replay, gate: GateWalkForward,
                         settings: EvidenceSettings) -> Callable[[pd.Timestamp], DayContext]:
    """``day -> DayContext`` from fits and evidence dated strictly before ``day``'s block."""

    def context(day: pd.Timestamp) -> DayContext:
        platt = platt_for_day(replay.platt_fits, day)
        calibration = {column: float(getattr(platt, key)) for key, column in CALIBRATION_COLUMNS.items()}
        return DayContext(fit_for_day(replay.stack_fits, day), calibration, Gate(gate.evidence_for(day), settings))

    return context
