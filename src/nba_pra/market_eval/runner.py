"""The evaluation's IO edge: inputs, cached walk-forward predictions, every table, reports and one MLflow run.

``evaluate`` computes (:class:`MarketEvaluation`); ``write_reports`` writes ``reports/<market.report_dir>/``;
``log_run`` logs them to MLflow; ``run`` is ``nba-pra market``. ``headline`` holds the figures the benchmark
``benchmarks/real_market.py`` prints.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra.backtest.cache import CacheEntry
from nba_pra.backtest.runner import history_features
from nba_pra.config import Project
from nba_pra.io import write_csv, write_json
from nba_pra.market_eval import anatomy as anatomy_mod
from nba_pra.market_eval import plots, scores, wagers
from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.market_eval.blend import walk_forward_blend
from nba_pra.market_eval.books import book_quality
from nba_pra.market_eval.inputs import MarketInputs, load_inputs
from nba_pra.market_eval.predictions import walk_forward
from nba_pra.market_eval.props import build_props, decided, fair_column, went_over
from nba_pra.tracking.client import Tracker
from nba_pra.tracking.run_logging import flatten_params

log = logging.getLogger(__name__)

MODEL: Final = "model"
BLEND: Final = "blend"
MARKET_PREFIX: Final = "market"
FILES: Final = {
    "summary": "market_summary.json",
    "probabilities": "probability_scores.csv",
    "reliability": "reliability.csv",
    "betting": "betting.csv",
    "blend": "blend_fits.csv",
    "anatomy": "error_anatomy.csv",
    "unmatched": "unmatched_names.csv",
    "books": "books.csv",
    "props": "props.parquet",
}
PLOTS: Final = {"reliability": "reliability.png", "anatomy": "error_anatomy.png"}


@dataclass
class MarketEvaluation:
    season: str
    start: pd.Timestamp
    end: pd.Timestamp
    cache: CacheEntry
    props: pd.DataFrame
    accuracy: dict[str, float]
    probabilities: pd.DataFrame
    reliability: pd.DataFrame
    betting: pd.DataFrame
    blend_fits: pd.DataFrame
    anatomy: pd.DataFrame
    unmatched: pd.DataFrame
    books: pd.DataFrame
    headline: dict[str, Any]


def forecasters(project: Project) -> dict[str, str]:
    """Forecaster name -> P(over) column: the model, the market per de-vig method, the blend."""
    m = project.settings.market
    return {MODEL: "model_over",
            **{f"{MARKET_PREFIX} ({method.value})": fair_column(method) for method in m.devig_methods},
            BLEND: "blend_over"}


def match_figures(inputs: MarketInputs) -> tuple[dict[str, float], pd.DataFrame]:
    report = inputs.match
    if report is None:  # lines came with player ids
        return {"names": float("nan"), "names_matched": float("nan"), "match_rate": 1.0}, pd.DataFrame()
    rate = report.n_matched / report.n_names if report.n_names else float("nan")
    return ({"names": float(report.n_names), "names_matched": float(report.n_matched), "match_rate": rate},
            report.unmatched)


def _row(table: pd.DataFrame, **where: str) -> pd.Series:
    mask = np.logical_and.reduce([table[k] == v for k, v in where.items()])
    return table.loc[mask].iloc[0]


def headline(accuracy: dict[str, float], probabilities: pd.DataFrame, blend_scores: pd.DataFrame,
             betting: pd.DataFrame, match: dict[str, float], props: pd.DataFrame, primary: str) -> dict[str, Any]:
    """The benchmark's figures (see ``benchmarks/real_market.py``)."""
    model = _row(probabilities, forecaster=MODEL)
    market = _row(probabilities, forecaster=primary)
    best = _row(betting, price_source=wagers.BEST_PRICE, strategy=wagers.MODEL)
    random_side = _row(betting, price_source=wagers.BEST_PRICE, strategy=wagers.RANDOM_SIDE)
    blend_rows = _row(blend_scores, forecaster=BLEND)
    blend_market = _row(blend_scores, forecaster=primary)
    return {
        "props": int(len(props)), "props_played": int(accuracy["props_played"]),
        "props_decided": int(model["props"]), **match,
        "model_mae": accuracy["model_mae"], "model_median_mae": accuracy["model_median_mae"],
        "line_mae": accuracy["line_mae"],
        "model_brier": float(model["brier"]), "market_brier": float(market["brier"]),
        "model_logloss": float(model["log_loss"]), "market_logloss_all": float(market["log_loss"]),
        "blend_props": int(blend_rows["props"]), "blend_logloss": float(blend_rows["log_loss"]),
        "market_logloss": float(blend_market["log_loss"]), "blend_brier": float(blend_rows["brier"]),
        "bets_best_price": int(best["bets"]), "roi_best_price": float(best["roi"]),
        "roi_best_price_lo": float(best["roi_lo"]), "roi_best_price_hi": float(best["roi_hi"]),
        "roi_random_side": float(random_side["roi"]),
    }


def blend_vs_market(props: pd.DataFrame, market_col: str, bootstrap: BootstrapSettings,
                    seed: int) -> dict[str, float]:
    """Blend minus market log loss per decided prop: mean and bootstrap interval (negative: the blend wins)."""
    rows = decided(props)
    y = went_over(rows)
    mean, lo, hi = scores.paired_difference(
        scores.log_losses(rows["blend_over"].to_numpy(float), y),
        scores.log_losses(rows[market_col].to_numpy(float), y), bootstrap.n_resamples, bootstrap.confidence, seed)
    return {"blend_minus_market_logloss": mean, "blend_minus_market_lo": lo, "blend_minus_market_hi": hi}


def evaluate(project: Project, inputs: MarketInputs | None = None) -> MarketEvaluation:
    """Every table of the evaluation (see the package's modules) for the configured season."""
    s = project.settings
    m = s.market
    inputs = inputs or load_inputs(project)
    books = book_quality(inputs.lines, m.sanity_min_offers)
    inverted = sorted(books.loc[books["inverted"], "bookmaker"])
    if inverted:
        log.warning("left out: %s -- their prices run the wrong way with their lines (over and under swapped; "
                    "see books.csv)", ", ".join(inverted))
    lines = inputs.lines.loc[~inputs.lines["bookmaker"].isin(inverted)]
    features = history_features(inputs.box_scores, s)
    predictions, entry = walk_forward(project, inputs.box_scores, features, inputs.start, inputs.end)
    props = build_props(lines, predictions, inputs.box_scores, m.devig_methods)
    primary_col = fair_column(m.primary_devig)
    props["blend_over"], fits = walk_forward_blend(props, "model_over", primary_col, m.blend)
    names = forecasters(project)
    probabilities = scores.probability_table(props, names)
    fitted_days = props["game_date"] >= fits["block_start"].min() if len(fits) else props["game_date"].isna()
    primary = f"{MARKET_PREFIX} ({m.primary_devig.value})"
    blend_scores = scores.probability_table(props.loc[fitted_days], {BLEND: "blend_over", primary: primary_col,
                                                                     MODEL: "model_over"})
    offers = wagers.priced_offers(lines, props)
    betting = wagers.betting_table(offers, min_edge=s.betting.min_edge, stake=m.flat_stake,
                                   bootstrap=s.backtest.bootstrap, seed=s.seed)
    blended = wagers.pick_offers(wagers.repriced_offers(offers, props, "blend_over"), s.betting.min_edge)
    blend_bets = wagers.settle(blended, blended["model_side"].to_numpy(), m.flat_stake)
    blend_row = {"price_source": wagers.BEST_PRICE, "strategy": BLEND,
                 **wagers.summarize_bets(blend_bets, s.backtest.bootstrap, s.seed)}
    controls = wagers.shopped_controls(offers, stake=m.flat_stake, bootstrap=s.backtest.bootstrap, seed=s.seed)
    betting = pd.concat([betting, pd.DataFrame([blend_row]), controls], ignore_index=True)
    accuracy = scores.accuracy(props)
    match, unmatched = match_figures(inputs)
    blend_gain = blend_vs_market(props.loc[fitted_days], primary_col, s.backtest.bootstrap, s.seed)
    return MarketEvaluation(
        season=inputs.season, start=inputs.start, end=inputs.end, cache=entry, props=props, accuracy=accuracy,
        probabilities=probabilities, reliability=scores.reliability(props, names, m.reliability_bins),
        betting=betting, blend_fits=fits,
        anatomy=anatomy_mod.error_anatomy(props, features, inputs.box_scores, m.anatomy),
        unmatched=unmatched, books=books,
        headline={**headline(accuracy, probabilities, blend_scores, betting, match, props, primary),
                  **blend_gain, "books_left_out": inverted},
    )


def summary(ev: MarketEvaluation) -> dict[str, Any]:
    return {"season": ev.season, "start": str(ev.start.date()), "end": str(ev.end.date()),
            "predictions_key": ev.cache.key, "predictions_cache": "hit" if ev.cache.hit else "miss",
            **ev.headline, "accuracy": ev.accuracy}


def write_reports(ev: MarketEvaluation, directory: Path) -> list[Path]:
    """The JSON summary, every table (CSV; props as parquet) and the two PNGs under ``directory``."""
    import matplotlib.pyplot as plt

    tables = {"probabilities": ev.probabilities, "reliability": ev.reliability, "betting": ev.betting,
              "blend": ev.blend_fits, "anatomy": ev.anatomy, "unmatched": ev.unmatched, "books": ev.books}
    paths = [write_json(summary(ev), directory / FILES["summary"])]
    paths += [write_csv(frame, directory / FILES[name]) for name, frame in tables.items()]
    from nba_pra.io import write_parquet

    paths.append(write_parquet(ev.props, directory / FILES["props"]))
    for name, figure in (("reliability", plots.reliability(ev.reliability)), ("anatomy", plots.anatomy(ev.anatomy))):
        path = directory / PLOTS[name]
        figure.savefig(path, metadata={"Software": None})
        plt.close(figure)
        paths.append(path)
    return paths


def log_run(project: Project, ev: MarketEvaluation) -> str:
    """One MLflow run in ``market.experiment`` with the settings, the headline metrics and every report file."""
    s = project.settings
    tracker = Tracker(dataclasses.replace(s.tracking, experiment=s.market.experiment), project.root)
    with tracker.start_run(run_name=f"market-{ev.season}") as run:
        params = flatten_params({"market": s.market, "betting": {"min_edge": s.betting.min_edge},
                                 "distribution": s.distribution})
        params.update({"season": ev.season, "start": str(ev.start.date()), "end": str(ev.end.date()),
                       "predictions_key": ev.cache.key,
                       "books_left_out": ",".join(ev.headline["books_left_out"]) or "none"})
        tracker.log_params(params)
        numeric = {k: float(v) for k, v in ev.headline.items() if isinstance(v, (int, float)) and np.isfinite(v)}
        tracker.log_metrics([(k, v, 0) for k, v in numeric.items()])
        with tempfile.TemporaryDirectory() as tmp:
            write_reports(ev, Path(tmp))
            tracker.log_artifacts(Path(tmp), "market")
        return str(run.info.run_id)


def run(project: Project) -> MarketEvaluation:
    """``nba-pra market``: evaluate, write ``reports/<market.report_dir>/``, log one MLflow run."""
    ev = evaluate(project)
    write_reports(ev, project.path("reports", project.settings.market.report_dir))
    log_run(project, ev)
    return ev
