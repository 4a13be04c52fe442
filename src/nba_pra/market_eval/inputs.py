"""The evaluation's inputs: box scores (a file or the project's data), the season's matched lines and the range.

The box scores of a file go through the ``files`` source's validation and normalisation (the same rules as
``nba-pra data import``) but are never published into ``data/``: evaluating real data must not overwrite the
project's raw tables. Lines come from the odds provider (``historical`` with ``market.lines`` when given), priced
against a "slate" made of the season's box-score rows, so every prop is joined to a game id and a player id by the
provider's own event and name matching (the UTC-date trap is handled there).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd

from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.data.files import prepare_input, read_table_file
from nba_pra.data.store import read_raw_table
from nba_pra.data.tables import normalize_box_scores, with_commence_times
from nba_pra.data.validation import validate_input
from nba_pra.errors import DataError
from nba_pra.market_eval.clv import snapshot_as_close
from nba_pra.odds.matching import MatchReport
from nba_pra.odds.provider import make_provider
from nba_pra.odds.settings import ProviderKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MarketInputs:
    box_scores: pd.DataFrame  # the raw box-score schema, every season (history for features and training)
    lines: pd.DataFrame  # matched lines of the season (odds.lines.OUTPUT_COLUMNS), PRA market only
    season: str
    start: pd.Timestamp  # first and last game day with a matched line
    end: pd.Timestamp
    match: MatchReport | None  # the provider's name matching (None when lines carry player ids)


def load_box_scores(project: Project, path: str = "") -> pd.DataFrame:
    """Box scores from ``path`` (validated like ``nba-pra data import``, not published) or the project's data/."""
    if not path:
        return read_raw_table(project.path("data"), schema.BOX_SCORES_FILE)
    s = project.settings.data
    # a relative path is under the project root; an absolute one stays as it is (``root / abs == abs``)
    frame = prepare_input(read_table_file(project.root / path), s.files.season_types)
    if frame.empty:
        raise DataError(f"the box-score file {path} has no rows (after the season-type filter)")
    validate_input(frame, validation=s.validation, cutoff=pd.Timestamp(date.today()))
    return normalize_box_scores(frame, s.files.default_position)


def season_slate(box_scores: pd.DataFrame, season: str, tipoff_hour_eastern: float) -> pd.DataFrame:
    """The season's player-game rows shaped as an odds slate (with each game's UTC commence time)."""
    rows = box_scores.loc[box_scores["season"].astype(str) == season]
    if rows.empty:
        seasons = ", ".join(sorted(box_scores["season"].astype(str).unique()))
        raise DataError(f"the box scores have no season {season} (seasons: {seasons})")
    return with_commence_times(rows, tipoff_hour_eastern)


def load_inputs(project: Project) -> MarketInputs:
    """Box scores, the season, its matched PRA lines and the range of days that have lines."""
    s = project.settings
    m = s.market
    box = load_box_scores(project, m.box_scores)
    season = m.season or str(box["season"].astype(str).max())
    odds = s.odds
    if m.lines:
        historical = dataclasses.replace(odds.historical, path=str(project.root / m.lines))
        odds = dataclasses.replace(odds, provider=ProviderKind.HISTORICAL, historical=historical)
    provider = make_provider(odds, data_dir=project.path("data"), cache_dir=project.path("cache"))
    lines = provider.fetch_lines(season_slate(box, season, s.data.files.tipoff_hour_eastern), refresh=False)
    lines = lines.loc[(lines["market"] == odds.market) & ~lines["is_derived"].astype(bool)].reset_index(drop=True)
    if m.close_from_snapshot:
        lines = snapshot_as_close(lines)
    if lines.empty:
        raise DataError(f"no {odds.market} line of season {season} matched a player-game of the box scores")
    report = getattr(provider, "last_report", None)
    if report is not None:
        log.info("lines matched to players: %d of %d name-game pairs (%.2f%%)", report.n_matched, report.n_names,
                 100.0 * report.n_matched / max(report.n_names, 1))
    days = pd.to_datetime(lines["game_date"])
    return MarketInputs(box_scores=box, lines=lines, season=season, start=days.min().normalize(),
                        end=days.max().normalize(), match=report)
