"""Stage ``bet``: predictions + the odds provider's lines -> every candidate's decision, and today's bets.

Stakes here are fractions of bankroll (the ledger stage turns them into units with the ledger's bankroll, so
this stage does not depend on the ledger it feeds). An odds failure degrades to "no bets" with one warning
unless ``odds.strict`` is set.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from nba_pra.alerts.dispatch import send_bet_alerts
from nba_pra.betting.engine import evaluate_candidates
from nba_pra.betting.market_blend import MarketBlend, latest_fit
from nba_pra.config import Project
from nba_pra.features.slate import build_slate
from nba_pra.data import schema
from nba_pra.data.store import read_raw_table
from nba_pra.errors import ConfigError
from nba_pra.io import read_parquet, write_csv, write_json, write_parquet
from nba_pra.odds.provider import fetch_lines_or_warn, make_provider
from nba_pra.odds.quota import QUOTA_FILE, save_provider_quota
from nba_pra.stages._runner import run_stage
from nba_pra.stages.predict import PREDICTIONS_FILE

log = logging.getLogger(__name__)

CANDIDATES_FILE = "candidates.parquet"
BETS_FILE = "bets.csv"
SUMMARY_FILE = "bet_summary.json"
#: stakes are computed per unit of bankroll here and scaled by the ledger
_UNIT_BANKROLL = 1.0
#: ids that look numeric (NBA game ids like 0022300001) must stay strings
_STRING_COLUMNS = {"game_id": str, "bet_id": str, "season": str}


def read_bets(path: Path) -> pd.DataFrame:
    """Today's bets as written by this stage (empty frame when there are none or the file is missing)."""
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_csv(path, dtype=_STRING_COLUMNS, parse_dates=["game_date"])


def load_market_blend(project: Project) -> MarketBlend | None:
    """The market-aware blend to price with, when ``betting.market_blend.enabled`` (else None)."""
    cfg = project.settings.betting.market_blend
    if not cfg.enabled:
        return None
    path = project.root / cfg.fits
    if not path.is_file():
        raise ConfigError(f"betting.market_blend.enabled is true but {path} does not exist; run `nba-pra market` "
                          "first (it fits the blend) or disable the blend")
    fits = pd.read_csv(path, parse_dates=["block_start"])
    if fits.empty:
        raise ConfigError(f"{path} holds no blend fit (too few settled props); disable betting.market_blend")
    fit = latest_fit(fits)
    log.info("pricing with the market-aware blend fitted on %d props (model %.2f, market %.2f)", fit.n_props,
             fit.model_weight, fit.market_weight)
    return MarketBlend(fit=fit, devig=cfg.devig, clip=cfg.prob_clip)


def run(project: Project) -> pd.DataFrame:
    s = project.settings
    predictions = read_parquet(
        project.path("artifacts", PREDICTIONS_FILE), "predictions", "run `nba-pra predict` or `dvc repro` first"
    )
    data_dir = project.path("data")
    slate = build_slate(read_raw_table(data_dir, schema.SCHEDULE_FILE), read_raw_table(data_dir, schema.ROSTERS_FILE))
    provider = make_provider(s.odds, data_dir=data_dir)
    lines, warning = fetch_lines_or_warn(provider, slate, strict=s.odds.strict, refresh=s.odds.refresh)
    if warning:
        log.warning("%s", warning)
    # reference markets (points, rebounds, assists) are never priced as PRA
    lines = lines[lines["market"] == s.odds.market] if "market" in lines.columns else lines
    candidates = evaluate_candidates(predictions, lines, s.betting, _UNIT_BANKROLL, blend=load_market_blend(project))
    bets = candidates[candidates["decision"] == "bet"].rename(columns={"stake": "stake_fraction"})
    write_parquet(candidates, project.path("artifacts", CANDIDATES_FILE))
    write_csv(bets, project.path("artifacts", BETS_FILE))
    summary = {
        "candidates": len(candidates),
        "bets": len(bets),
        "stake_fraction_total": float(bets["stake_fraction"].sum()) if len(bets) else 0.0,
        "odds_provider": provider.name,
        "odds_warning": warning,
        "reasons": {str(k): int(v) for k, v in candidates["reason"].value_counts().items()},
    }
    write_json(summary, project.path("reports", SUMMARY_FILE))
    log.info("bet: %d candidates, %d bets", len(candidates), len(bets))
    save_provider_quota(provider, project.path("artifacts", QUOTA_FILE))
    # after the bets are written: an alert failure logs one warning and never fails the stage
    send_bet_alerts(bets, s.alerts)
    return bets


if __name__ == "__main__":
    run_stage(run)
