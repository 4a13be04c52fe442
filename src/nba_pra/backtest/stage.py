"""`python -m nba_pra.backtest.stage`: the backtest with the settings DVC tracks (params.yaml); not a daily
stage (it is not in dvc.yaml: a frozen stage with absent outputs makes `dvc repro` fail), run it on demand."""

from __future__ import annotations

from nba_pra.backtest.runner import run
from nba_pra.stages._runner import run_stage

if __name__ == "__main__":
    run_stage(run)
