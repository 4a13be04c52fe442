"""The backtest's IO edge: read data, get (cached) walk-forward predictions and lines, replay, record, report.

``run_backtest`` computes; ``write_reports`` writes the report files; ``log_run`` logs one MLflow run (a sweep
point nests it under the sweep's parent run). ``run`` is what ``nba-pra backtest`` and the DVC stage call.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from nba_pra import artifacts
from nba_pra.backtest.engine import Simulation, simulate
from nba_pra.backtest.metrics import backtest_metrics, edge_table, metric_name
from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.gate import BetState, Evidence, write_evidence
from nba_pra.betting.settings import EvidenceSettings, PricingMethod
from nba_pra.config import Project, Settings
from nba_pra.data import schema
from nba_pra.data.schema import PLAYER_GAME_COLUMNS
from nba_pra.data.store import read_raw_table
from nba_pra.evaluation.cache import CacheEntry, PredictionCache, cache_key, frame_fingerprint
from nba_pra.evaluation.predictions import cached_predictions, evidence_memo, replay_memo
from nba_pra.evaluation.walkforward import backtest_range
from nba_pra.evidence import scores, wagers
from nba_pra.evidence.context import walk_forward_context
from nba_pra.evidence.gate_figures import (
    GateWalkForward,
    evidence_before,
    gate_walk_forward,
    method_evidence,
    roi_figures,
)
from nba_pra.evidence.replay import Replay, over_column, replay
from nba_pra.formatting import pct, pct_interval
from nba_pra.io import write_csv, write_json
from nba_pra.odds.provider import make_provider
from nba_pra.provenance import banner, label_figure, market_is_synthetic
from nba_pra.tracking.client import Tracker
from nba_pra.tracking.run_logging import flatten_params

log = logging.getLogger(__name__)

#: metrics logged to MLflow and shown in sweep summaries (None values are skipped)
SCALAR_METRICS: Final = (
    "bets", "settled", "wins", "losses", "pushes", "voids", "win_rate", "staked", "profit", "roi", "roi_lo",
    "roi_hi", "yield", "yield_lo", "yield_hi", "log_loss", "brier", "mean_p_win", "clv_bets", "avg_clv",
    "avg_clv_prob", "max_drawdown", "max_drawdown_fraction", "final_bankroll", "bankroll_return", "paper_bets",
)


@dataclass(frozen=True)
class BacktestInputs:
    box_scores: pd.DataFrame
    schedule: pd.DataFrame


@dataclass
class BacktestResult:
    start: pd.Timestamp
    end: pd.Timestamp
    run_key: str
    cache: CacheEntry
    predictions: pd.DataFrame
    simulation: Simulation
    bets: pd.DataFrame  # the backtest ledger's bets with settlements and CLV
    metrics: dict[str, Any]  # of the staked bets (real money); paper bets are counted in ``paper_bets``
    by_edge: pd.DataFrame
    replay: Replay  # every pricing method replayed with flat stakes (the evidence)
    gate: GateWalkForward
    evidence: Evidence  # as of the day after the range: what the bet stage reads
    methods: pd.DataFrame  # method_table()


def load_inputs(project: Project) -> BacktestInputs:
    data_dir = project.path("data")
    return BacktestInputs(
        box_scores=read_raw_table(data_dir, schema.BOX_SCORES_FILE),
        schedule=read_raw_table(data_dir, schema.SCHEDULE_FILE),
    )


def fetch_lines(project: Project, predictions: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """The odds provider's lines for every game of the predictions (the PRA market only)."""
    s = project.settings
    games = schedule.loc[:, ["game_id", "commence_time"]].drop_duplicates("game_id")
    slate = predictions.loc[:, list(PLAYER_GAME_COLUMNS)].merge(games, on="game_id", how="left")
    provider = make_provider(s.odds, data_dir=project.path("data"), cache_dir=project.path("cache"))
    lines = provider.fetch_lines(slate, refresh=False)
    return lines[lines["market"] == s.odds.market] if "market" in lines.columns else lines


def walk_forward_betting(predictions: pd.DataFrame, lines: pd.DataFrame, box_scores: pd.DataFrame,
                         s: Settings) -> tuple[Replay, GateWalkForward, Simulation]:
    """Every pricing method replayed with flat stakes (the evidence), the gate's walk-forward decisions, and the
    day-by-day betting of the configured method with them -- each day seeing only fits and evidence of earlier
    days. Pure."""
    rep = replay(predictions, lines, box_scores, s.betting, s.pricing, s.model.over_calibration)
    gate = gate_walk_forward(rep, s.betting.evidence, s.backtest.bootstrap, s.seed, s.pricing.stacking.refit_every_days)
    sim = simulate(predictions, lines, box_scores, s.betting, s.pricing, s.backtest.initial_bankroll,
                   walk_forward_context(rep, gate, s.betting.evidence))
    return rep, gate, sim


@dataclass
class EvidenceRun:
    """The walk-forward pieces the evidence stage and the backtest share."""

    start: pd.Timestamp
    end: pd.Timestamp
    cache: CacheEntry
    predictions: pd.DataFrame
    lines: pd.DataFrame
    replay: Replay
    gate: GateWalkForward
    evidence: Evidence  # as of the day after the range: what the bet stage reads


def walk_forward_evidence(project: Project, inputs: BacktestInputs, source: str) -> EvidenceRun:
    """Cached walk-forward predictions of the backtest range, its lines, every pricing method replayed with flat
    stakes, the gate's weekly decisions, and the evidence as of the day after the range (``source``: the command
    whose file it becomes, shown on the surfaces: ``evidence`` for the gate's, ``backtest``)."""
    s = project.settings
    bt = s.backtest
    predictions, entry = cached_predictions(project, inputs.box_scores)
    lines = fetch_lines(project, predictions, inputs.schedule)
    start, end = backtest_range(inputs.box_scores, bt.start, bt.end)
    # a day added to the data reprices only the last period and bootstraps only the new evidence: every earlier
    # (period, method) and gate block is read back from the cache beside the walk-forward's blocks
    cache = PredictionCache(project.root / bt.cache_dir)
    rep = replay(predictions, lines, inputs.box_scores, s.betting, s.pricing, s.model.over_calibration,
                 memo=replay_memo(cache))
    memo = evidence_memo(cache)
    gate = gate_walk_forward(rep, s.betting.evidence, bt.bootstrap, s.seed, s.pricing.stacking.refit_every_days,
                             memo=memo)
    # no wall-clock stamp: the evidence stage's file must be the same bytes for the same inputs, or a fresh
    # clone's first `dvc repro` would leave the committed reports/evidence.json modified
    evidence = evidence_before(rep, end + pd.Timedelta(days=1), s.betting.evidence, bt.bootstrap, s.seed,
                               source=source, synthetic=market_is_synthetic(s), memo=memo)
    return EvidenceRun(start, end, entry, predictions, lines, rep, gate, evidence)


def run_backtest(project: Project, inputs: BacktestInputs | None = None) -> BacktestResult:
    """Predictions (cached), lines, the evidence replay, the day-by-day betting, the backtest ledger, metrics."""
    s = project.settings
    bt = s.backtest
    inputs = inputs or load_inputs(project)
    ev = walk_forward_evidence(project, inputs, source="backtest")
    sim = simulate(ev.predictions, ev.lines, inputs.box_scores, s.betting, s.pricing, bt.initial_bankroll,
                   walk_forward_context(ev.replay, ev.gate, s.betting.evidence))
    run_key = cache_key({"predictions": ev.cache.key, "betting": s.betting, "pricing": s.pricing,
                         "bankroll": bt.initial_bankroll, "lines": frame_fingerprint(ev.lines)})
    bets = record_in_ledger(project, run_key, sim, inputs.box_scores, ev.lines)
    if "state" not in bets.columns and len(sim.bets):  # a ledger that does not store the state
        bets = bets.merge(sim.bets[["bet_id", "state"]], on="bet_id", how="left")
    staked = bets.loc[bets["state"] == BetState.STAKED.value] if len(bets) else bets
    return BacktestResult(
        start=ev.start, end=ev.end, run_key=run_key, cache=ev.cache, predictions=ev.predictions, simulation=sim,
        bets=bets,
        metrics={**backtest_metrics(staked, bt.initial_bankroll, bt.bootstrap, s.seed),
                 "paper_bets": int((bets["state"] == BetState.PAPER.value).sum()) if len(bets) else 0},
        by_edge=edge_table(staked, s.ledger.edge_buckets),
        replay=ev.replay, gate=ev.gate, evidence=ev.evidence,
        methods=method_table(ev.replay, ev.gate, s.betting.evidence, bt.bootstrap, s.seed, s.market.reliability_bins),
    )


def gate_source(state: BetState) -> str:
    """The ``price_source`` of a method's rows split by the walk-forward gate's state (``gate: staked``)."""
    return f"gate: {state.value}"


def method_table(rep: Replay, gate: GateWalkForward, evidence: EvidenceSettings, bootstrap: BootstrapSettings,
                 seed: int, n_bins: int) -> pd.DataFrame:
    """Every pricing method side by side on the same props: log loss, Brier and ECE of P(over | no push) at the
    consensus line, log loss minus the market's (interval); then the flat ROI of its picks per book and in all,
    beside a random side and always-under on the same offers, and split by the walk-forward gate's state."""
    everything = rep.props["game_date"].max() + pd.Timedelta(days=1)
    window = (everything - rep.props["game_date"].min()).days + 1 if len(rep.props) else 1
    columns = {method.value: over_column(method) for method in PricingMethod}
    probability = scores.probability_table(rep.props, columns).set_index("forecaster")
    ece = scores.expected_calibration_error(scores.reliability(rep.props, columns, n_bins))
    rows: list[dict[str, Any]] = []
    for method in PricingMethod:
        m = method_evidence(rep.props, rep.bets, method, _whole_range(evidence, window), bootstrap, seed)
        base = {"method": method.value, "props": m.props, "logloss": m.logloss, "market_logloss": m.market_logloss,
                "brier": float(cast(float, probability.loc[method.value, "brier"])),
                "ece": float(ece.get(method.value, np.nan)),
                "minus_market": m.logloss_minus_market, "minus_market_lo": m.logloss_minus_market_lo,
                "minus_market_hi": m.logloss_minus_market_hi}
        picks = wagers.replay_picks(rep.bets.loc[rep.bets["method"] == method.value])
        table = wagers.betting_table(picks, stake=1.0, bootstrap=bootstrap, seed=seed)
        for row in cast(list[dict[str, Any]], table.to_dict("records")):
            rows.append({**base, **row})
        for state in BetState:
            part = gate.bets.loc[(gate.bets["method"] == method.value) & (gate.bets["state"] == state.value)]
            rows.append({**base, "price_source": gate_source(state), "strategy": wagers.MODEL,
                         **roi_figures(part, bootstrap, seed)})
    return pd.DataFrame(rows)


def _whole_range(evidence: EvidenceSettings, days: int) -> EvidenceSettings:
    """The evidence settings with a window over a whole range (for the side-by-side table, not for staking)."""
    return dataclasses.replace(evidence, window_days=days, min_bets=0)


def record_in_ledger(project: Project, run_key: str, sim: Simulation, box_scores: pd.DataFrame,
                     lines: pd.DataFrame) -> pd.DataFrame:
    """Record and settle the replay's bets in the backtest ledger (tables ``<prefix><run_key>_*``; idempotent)."""
    # imported here: the evidence stage shares this module and never opens a ledger (SQLAlchemy costs its start)
    from nba_pra.ledger.store import LedgerStore, resolve_url

    cfg = project.settings.backtest.ledger
    url = resolve_url(cfg.url, project.root)
    with LedgerStore(url, schema=cfg.db_schema, table_prefix=f"{cfg.table_prefix}{run_key}_") as store:
        if len(sim.bets):
            store.record_bets(sim.bets)
            store.settle(box_scores, closing_lines=lines, pricing=project.settings.pricing)
        return store.bets()


def scalar_metrics(result: BacktestResult) -> dict[str, float]:
    """Numeric metrics (None dropped) plus ROI and bets per edge bucket (``roi_edge_<bucket>``)."""
    out = {k: float(result.metrics[k]) for k in SCALAR_METRICS if result.metrics.get(k) is not None}
    row: Any  # pandas-stubs types itertuples() fields as any scalar
    for row in result.by_edge.itertuples(index=False):
        name = metric_name(str(row.bucket))
        out[f"bets_edge_{name}"] = float(row.bets)
        if pd.notna(row.roi):
            out[f"roi_edge_{name}"] = float(row.roi)
    return out


def report(result: BacktestResult) -> dict[str, Any]:
    """The JSON report: range, keys, cache status, metrics and the edge buckets."""
    by_edge = result.by_edge.astype(object).where(result.by_edge.notna(), None)
    return {
        "start": str(result.start.date()),
        "end": str(result.end.date()),
        "run_key": result.run_key,
        "predictions_key": result.cache.key,
        "predictions_cache": "hit" if result.cache.hit else "miss",
        **{k: result.metrics[k] for k in SCALAR_METRICS},
        "by_edge": by_edge.to_dict("records"),
    }


def write_reports(result: BacktestResult, directory: Path, initial_bankroll: float, shown: str) -> list[Path]:
    """Metrics JSON, edge-bucket and daily CSVs and the two PNGs under ``directory`` (the catalog's names: the
    project's reports directory, or a temporary one logged to MLflow); the PNGs carry the provenance banner
    ``shown`` (:func:`nba_pra.provenance.banner`)."""
    # imported here: the evidence stage shares this module and draws nothing (matplotlib costs its start)
    import matplotlib.pyplot as plt

    from nba_pra.backtest import plots

    paths = [
        write_json(report(result), directory / artifacts.BACKTEST_METRICS.name),
        write_csv(result.by_edge, directory / artifacts.BACKTEST_EDGE.name),
        write_csv(result.simulation.daily, directory / artifacts.BACKTEST_DAILY.name),
        write_csv(result.methods, directory / artifacts.BACKTEST_METHODS.name),
        write_csv(result.gate.decisions, directory / artifacts.BACKTEST_GATE.name),
    ]
    for artifact, figure in ((artifacts.BACKTEST_BANKROLL_PLOT, plots.bankroll_curve(result.bets, initial_bankroll)),
                             (artifacts.BACKTEST_CALIBRATION_PLOT, plots.edge_calibration(result.by_edge))):
        path = directory / artifact.name
        path.parent.mkdir(parents=True, exist_ok=True)
        label_figure(figure, shown).savefig(path, metadata={"Software": None})
        plt.close(figure)
        paths.append(path)
    return paths


def backtest_tracker(project: Project) -> Tracker:
    """A tracker on the project's MLflow store, logging into the backtest experiment."""
    s = project.settings
    return Tracker(dataclasses.replace(s.tracking, experiment=s.backtest.experiment), project.root)


def log_run(project: Project, result: BacktestResult, *, run_name: str, parent_run_id: str | None = None,
            tags: dict[str, str] | None = None) -> str:
    """One MLflow run with the betting/backtest params, the metrics and the report files; returns its id."""
    s = project.settings
    tracker = backtest_tracker(project)
    with tracker.start_run(run_name=run_name, parent_run_id=parent_run_id, tags=tags) as run:
        params = flatten_params({"betting": s.betting, "backtest": s.backtest, "distribution": s.distribution})
        params.update({"predictions_key": result.cache.key, "run_key": result.run_key,
                       "predictions_cache": "hit" if result.cache.hit else "miss",
                       "start": str(result.start.date()), "end": str(result.end.date())})
        tracker.log_params(params)
        tracker.log_metrics([(k, v, 0) for k, v in scalar_metrics(result).items()])
        with tempfile.TemporaryDirectory() as tmp:
            write_reports(result, Path(tmp), s.backtest.initial_bankroll, banner(s))
            tracker.log_artifacts(Path(tmp), "backtest")
        return str(run.info.run_id)


def run(project: Project) -> dict[str, Any]:
    """The DVC stage: :func:`run_and_record`, returning the JSON report."""
    return report(run_and_record(project))


def run_and_record(project: Project) -> BacktestResult:
    """``nba-pra backtest``: one backtest, its reports under ``reports/`` and one MLflow run."""
    result = run_backtest(project)
    write_reports(result, project.path("reports"), project.settings.backtest.initial_bankroll,
                  banner(project.settings))
    # not the gate's file: a backtest run with overrides (looser filters, another pricing) must not decide what
    # tomorrow's bet stage stakes; the evidence stage writes that one under the pipeline's settings
    path = write_evidence(result.evidence, artifacts.BACKTEST_EVIDENCE.path(project))
    log.info("the backtest's evidence as of %s written to %s (the gate reads %s, from the evidence stage)",
             result.evidence.window_end, path, artifacts.EVIDENCE.relative)
    log_run(project, result, run_name=f"backtest-{result.start.date()}-{result.end.date()}")
    m = result.metrics
    if m["bets"] == 0:
        log.warning("the gate staked no bet between %s and %s (%d paper bets)", result.start.date(),
                    result.end.date(), m["paper_bets"])
    else:
        log.info("backtest %s..%s: %d bets, ROI %s %s, bankroll %.1f", result.start.date(), result.end.date(),
                 m["bets"], pct(m["roi"], 2), pct_interval(m["roi_lo"], m["roi_hi"], 2), m["final_bankroll"])
    return result

