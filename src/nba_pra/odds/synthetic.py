"""The simulated sportsbook: lines written by the synthetic league to ``data/lines.parquet``."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from nba_pra.data.schema import LINES_FILE
from nba_pra.odds.errors import OddsFileError, OddsNoLinesError
from nba_pra.odds.lines import finalize_lines, require_slate
from nba_pra.odds.settings import OddsSettings

log = logging.getLogger(__name__)


class SyntheticProvider:
    """Reads ``<data_dir>/lines.parquet`` and keeps the slate's games (no network, no quota)."""

    name = "synthetic"

    def __init__(self, settings: OddsSettings, *, data_dir: Path) -> None:
        self.settings = settings
        self.path = Path(data_dir) / LINES_FILE

    def fetch_lines(self, slate: pd.DataFrame, *, refresh: bool = False) -> pd.DataFrame:
        """Lines of the slate's games; ``refresh`` is accepted for the interface and has nothing to refetch."""
        require_slate(slate)
        if not self.path.is_file():
            raise OddsFileError(f"the synthetic lines file {self.path} is missing; generate the league data first")
        try:
            raw = pd.read_parquet(self.path)
        except (OSError, ValueError) as exc:
            raise OddsFileError(f"the synthetic lines file {self.path} is unreadable ({type(exc).__name__})") from exc
        lines = finalize_lines(raw, slate, default_market=self.settings.market)
        if lines.empty:
            raise OddsNoLinesError(
                f"the synthetic book has no lines for the slate's {slate['game_id'].nunique()} game(s)"
            )
        log.info("synthetic odds: %d line(s) for %d game(s)", len(lines), lines["game_id"].nunique())
        return lines
