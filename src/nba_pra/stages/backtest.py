"""`python -m nba_pra.stages.backtest`: the backtest with the settings DVC tracks (params.yaml).

The ``backtest`` stage of dvc.yaml runs this; it is frozen so the daily `dvc repro` skips it (see dvc.yaml).
"""

from __future__ import annotations

from nba_pra.backtest.runner import run
from nba_pra.stages._runner import run_stage

if __name__ == "__main__":
    run_stage(run)
