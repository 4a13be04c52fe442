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

from nba_pra import artifacts
from nba_pra.betting.gate import BetState, Evidence, write_evidence
from nba_pra.betting.settings import PricingMethod
from nba_pra.config import Project
from nba_pra.evaluation.cache import CacheEntry
from nba_pra.evaluation.predictions import history_features
from nba_pra.evidence import scores, wagers
from nba_pra.evidence.gate_figures import evidence_before, gate_walk_forward, state_summary
from nba_pra.evidence.props import build_props, fair_column
from nba_pra.evidence.replay import over_column, replay
from nba_pra.io import write_csv, write_json
from nba_pra.market_eval import anatomy as anatomy_mod
from nba_pra.market_eval import plots
from nba_pra.market_eval.books import book_quality
from nba_pra.market_eval.clv import clv_headline
from nba_pra.market_eval.inputs import MarketInputs, load_inputs
from nba_pra.market_eval.predictions import walk_forward
from nba_pra.provenance import market_is_synthetic
from nba_pra.tracking.client import Tracker
from nba_pra.tracking.run_logging import flatten_params
from nba_pra.vocab import PLAYER_GAME_KEYS

log = logging.getLogger(__name__)

MODEL: Final = PricingMethod.MODEL.value
MARKET_PREFIX: Final = "market"
FILES: Final = {
    "summary": "market_summary.json",
    "probabilities": "probability_scores.csv",
    "reliability": "reliability.csv",
    "betting": "betting.csv",
    "stack": "stack_fits.csv",
    "gate": "gate_decisions.csv",
    "gate_summary": "gate_summary.csv",
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
    stack_fits: pd.DataFrame
    gate: pd.DataFrame
    gate_summary: pd.DataFrame
    evidence: Evidence
    anatomy: pd.DataFrame
    unmatched: pd.DataFrame
    books: pd.DataFrame
    headline: dict[str, Any]


def forecasters(project: Project) -> dict[str, str]:
    """Forecaster name -> P(over | no push) column at the consensus line: every pricing method, then the market
    per de-vig method."""
    m = project.settings.market
    return {**{method.value: over_column(method) for method in PricingMethod},
            **{f"{MARKET_PREFIX} ({method.value})": fair_column(method) for method in m.devig_methods}}


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


def pricing_headline(probabilities: pd.DataFrame, reliability_table: pd.DataFrame, evidence_all: Evidence,
                     default: PricingMethod) -> dict[str, float | str]:
    """Per pricing method: log loss, minus the market's, and its interval (on every decided prop of the range);
    the default method's figures again under ``pricing_*`` (the benchmark's keys) with its ECE."""
    ece = scores.expected_calibration_error(reliability_table)
    out: dict[str, float | str] = {}
    for method in PricingMethod:
        m = evidence_all.methods[method.value]
        out.update({f"{method.value}_logloss": m.logloss, f"{method.value}_minus_market": m.logloss_minus_market,
                    f"{method.value}_minus_market_lo": m.logloss_minus_market_lo,
                    f"{method.value}_minus_market_hi": m.logloss_minus_market_hi,
                    f"{method.value}_brier": float(_row(probabilities, forecaster=method.value)["brier"]),
                    f"{method.value}_ece": float(ece.get(method.value, float("nan")))})
    d = default.value
    out.update({"pricing_method": d, "pricing_logloss": out[f"{d}_logloss"], "pricing_ece": out[f"{d}_ece"],
                "pricing_minus_market": out[f"{d}_minus_market"],
                "pricing_minus_market_lo": out[f"{d}_minus_market_lo"],
                "pricing_minus_market_hi": out[f"{d}_minus_market_hi"],
                "market_logloss": evidence_all.methods[d].market_logloss})
    return out


def gate_headline(summary: pd.DataFrame, default: PricingMethod) -> dict[str, float]:
    """The default method's bets under the walk-forward gate: staked and paper, count, ROI [lo, hi], CLV."""
    out: dict[str, float] = {}
    for state in BetState:
        rows = summary.loc[(summary["method"] == default.value) & (summary["state"] == state.value)]
        row = rows.iloc[0] if len(rows) else pd.Series(dtype=float)
        for key in ("bets", "roi", "roi_lo", "roi_hi", "clv_bets", "avg_clv_prob"):
            out[f"gate_{state.value}_{key}"] = float(row.get(key, 0.0 if key in ("bets", "clv_bets") else np.nan))
    return out


def headline(accuracy: dict[str, float], probabilities: pd.DataFrame, betting: pd.DataFrame,
             match: dict[str, float], props: pd.DataFrame, primary: str) -> dict[str, Any]:
    """The benchmark's accuracy, probability and flat-betting figures (see ``benchmarks/real_market.py``)."""
    model = _row(probabilities, forecaster=MODEL)
    market = _row(probabilities, forecaster=primary)
    best = _row(betting, price_source=wagers.BEST_PRICE, strategy=wagers.MODEL, method=MODEL)
    random_side = _row(betting, price_source=wagers.BEST_PRICE, strategy=wagers.RANDOM_SIDE, method=MODEL)
    return {
        "props": len(props), "props_played": int(accuracy["props_played"]),
        "props_decided": int(model["props"]), **match,
        "model_mae": accuracy["model_mae"], "model_median_mae": accuracy["model_median_mae"],
        "line_mae": accuracy["line_mae"],
        "model_brier": float(model["brier"]), "market_brier": float(market["brier"]),
        "model_logloss_all": float(model["log_loss"]), "market_logloss_all": float(market["log_loss"]),
        "bets_best_price": int(best["bets"]), "roi_best_price": float(best["roi"]),
        "roi_best_price_lo": float(best["roi_lo"]), "roi_best_price_hi": float(best["roi_hi"]),
        "roi_random_side": float(random_side["roi"]),
    }


def is_synthetic(project: Project) -> bool:
    """The evaluated lines are the synthetic league's (no recorded lines file, synthetic odds)."""
    s = project.settings
    return not s.market.lines and market_is_synthetic(s)


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
    log.info("replaying %d props walk-forward with every pricing method", len(props))
    rep = replay(predictions, lines, inputs.box_scores, s.betting, s.pricing, s.model.over_calibration)
    props = props.merge(rep.props[[*PLAYER_GAME_KEYS, *(over_column(x) for x in PricingMethod)]],
                        on=list(PLAYER_GAME_KEYS), how="left")
    names = forecasters(project)
    probabilities = scores.probability_table(props, names)
    reliability_table = scores.reliability(props, names, m.reliability_bins)
    primary = f"{MARKET_PREFIX} ({m.primary_devig.value})"
    picks = wagers.replay_picks(rep.bets)
    betting = pd.concat(
        [wagers.betting_table(part, stake=m.flat_stake, bootstrap=s.backtest.bootstrap, seed=s.seed)
         .assign(method=method)
         for method, part in picks.groupby("method", sort=False)], ignore_index=True)
    controls = wagers.shopped_controls(wagers.line_offers(lines, rep.props), stake=m.flat_stake,
                                       bootstrap=s.backtest.bootstrap, seed=s.seed).assign(method="")
    betting = pd.concat([betting, controls], ignore_index=True)
    ev_settings = s.betting.evidence
    gate = gate_walk_forward(rep, ev_settings, s.backtest.bootstrap, s.seed, s.pricing.stacking.refit_every_days)
    gate_summary = state_summary(gate.bets, s.backtest.bootstrap, s.seed)
    after = inputs.end + pd.Timedelta(days=1)
    everything = dataclasses.replace(ev_settings, window_days=(after - inputs.start).days + 1)
    evidence_all = evidence_before(rep, after, everything, s.backtest.bootstrap, s.seed, source="market",
                                   synthetic=is_synthetic(project))
    evidence = evidence_before(rep, after, ev_settings, s.backtest.bootstrap, s.seed, source="market",
                               synthetic=is_synthetic(project), written_at=pd.Timestamp.now(tz="UTC").isoformat())
    accuracy = scores.accuracy(props)
    match, unmatched = match_figures(inputs)
    return MarketEvaluation(
        season=inputs.season, start=inputs.start, end=inputs.end, cache=entry, props=props, accuracy=accuracy,
        probabilities=probabilities, reliability=reliability_table, betting=betting, stack_fits=rep.stack_fits,
        gate=gate.decisions, gate_summary=gate_summary, evidence=evidence,
        anatomy=anatomy_mod.error_anatomy(props, features, inputs.box_scores, m.anatomy),
        unmatched=unmatched, books=books,
        headline={**headline(accuracy, probabilities, betting, match, props, primary),
                  **pricing_headline(probabilities, reliability_table, evidence_all, s.pricing.method),
                  **gate_headline(gate_summary, s.pricing.method),
                  **clv_headline(rep.bets, s.backtest.bootstrap, s.seed), "books_left_out": inverted},
    )


def summary(ev: MarketEvaluation) -> dict[str, Any]:
    return {"season": ev.season, "start": str(ev.start.date()), "end": str(ev.end.date()),
            "predictions_key": ev.cache.key, "predictions_cache": "hit" if ev.cache.hit else "miss",
            **ev.headline, "accuracy": ev.accuracy}


def write_reports(ev: MarketEvaluation, directory: Path) -> list[Path]:
    """The JSON summary, every table (CSV; props as parquet) and the two PNGs under ``directory``."""
    import matplotlib.pyplot as plt

    tables = {"probabilities": ev.probabilities, "reliability": ev.reliability, "betting": ev.betting,
              "stack": ev.stack_fits, "gate": ev.gate, "gate_summary": ev.gate_summary, "anatomy": ev.anatomy,
              "unmatched": ev.unmatched, "books": ev.books}
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
    path = write_evidence(ev.evidence, artifacts.EVIDENCE.path(project))
    log.info("evidence for the bet stage written to %s (%s..%s)", path, ev.evidence.window_start,
             ev.evidence.window_end)
    log_run(project, ev)
    return ev
