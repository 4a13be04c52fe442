"""``nba-pra compare A B``: two registered versions on the rows both predicted, with date-block intervals.

Out of fold (default): every training logs ``oof.parquet`` (each validation row predicted by a fold model that
never saw it); the two versions are paired on the rows both predicted (:mod:`nba_pra.evaluation.paired`), P(over)
scored at the book lines of ``data/lines.parquet`` where the book posted one. Live (``--live``): the per-row scores
the ledger stage stored for each version's slate predictions (the champion's and the shadow's,
:meth:`nba_pra.ledger.store.LedgerStore.model_scores`), paired on the settled player-games both predicted.

Every comparison is one finished run in its own MLflow experiment (``tracking.compare.experiment``): a compare run
per question reads well in the UI (the runs list sorts and filters them by ``crps_hi`` or ``version_b``, and the
runs-compare view puts several side by side), while training runs stay a list of trainings; logging onto version
B's training run instead would overwrite B's comparison with A by its next comparison with C. The verdict sentence
is the run's note and is also tagged on version B in the registry (:data:`COMPARE_VERDICT_TAG`), so its model page
says it; ``status`` and the dashboard show the latest compare run.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra import artifacts
from nba_pra.config import Project
from nba_pra.data import schema
from nba_pra.errors import DataError
from nba_pra.evaluation import paired
from nba_pra.evaluation.paired import BootstrapSpec, PairedResult, PairedScore
from nba_pra.tracking.client import Tracker
from nba_pra.tracking.settings import CompareSettings
from nba_pra.tracking.tags import COMPARE_KIND_TAG, COMPARE_VERDICT_TAG

log = logging.getLogger(__name__)

#: where the paired rows come from
SOURCE_OOF: Final = "oof"
SOURCE_LIVE: Final = "live"
_SOURCE_TEXT: Final = {SOURCE_OOF: "out-of-fold", SOURCE_LIVE: "live (settled slate)"}
#: decimals of scores and differences in the table and the verdict (CRPS ~ 4: a thousandth is below what matters)
_DECIMALS: Final = 3
#: the run's note in the MLflow UI
_NOTE_TAG: Final = "mlflow.note.content"
#: the per-row table logged with a compare run
_TABLE_NAME: Final = "compare.csv"
_TABLE_FOLDER: Final = "reports"
_LABELS: Final = {
    PairedScore.CRPS.value: "CRPS",
    PairedScore.LOG_SCORE.value: "log score",
    PairedScore.MAE.value: "MAE",
    PairedScore.BRIER_OVER.value: "P(over) Brier at book lines",
    PairedScore.LOG_LOSS_OVER.value: "P(over) log loss at book lines",
}


@dataclass(frozen=True)
class VersionComparison:
    """B - A for every score on the rows both versions predicted (``source``: oof | live)."""

    version_a: str
    version_b: str
    source: str
    metric: str
    results: tuple[PairedResult, ...]

    def result(self, score: str) -> PairedResult | None:
        return next((r for r in self.results if r.score == score), None)

    @property
    def verdict(self) -> str:
        return verdict(self)


def spec_of(settings: CompareSettings) -> BootstrapSpec:
    return BootstrapSpec(settings.n_resamples, settings.confidence, settings.seed, settings.min_dates)


def _signed(x: float) -> str:
    return f"{x:+.{_DECIMALS}f}"


def _interval(r: PairedResult) -> str:
    if not _has_interval(r):
        return "(too few dates)"
    return f"[{r.lo:+.{_DECIMALS}f}, {r.hi:+.{_DECIMALS}f}]"


def _has_interval(r: PairedResult) -> bool:
    return bool(np.isfinite(r.lo) and np.isfinite(r.hi))


def verdict(c: VersionComparison) -> str:
    """One sentence on the headline metric: who wins by how much with the interval (both signs turned into a
    positive improvement), or that the interval includes 0; plus P(over) at book lines when it was scored."""
    a, b = f"version {c.version_a}", f"version {c.version_b}"
    r = c.result(c.metric)
    name = _LABELS.get(c.metric, c.metric)
    if r is None:
        return f"{a} and {b} share no {_SOURCE_TEXT[c.source]} rows: nothing to compare"
    d = _DECIMALS
    rows = f"on {r.rows:,} paired {_SOURCE_TEXT[c.source]} rows ({r.dates:,} date{'' if r.dates == 1 else 's'})"
    if not _has_interval(r):
        text = (f"too few dates for an interval between {a} and {b} on {name}: B - A = {_signed(r.diff)} {rows} "
                "(tracking.compare.min_dates)")
    elif r.hi < 0:
        text = f"{b} beats {a} on {name} by {-r.diff:.{d}f} [{-r.hi:.{d}f}, {-r.lo:.{d}f}] {rows}"
    elif r.lo > 0:
        text = f"{a} beats {b} on {name} by {r.diff:.{d}f} [{r.lo:.{d}f}, {r.hi:.{d}f}] {rows}"
    else:
        text = (f"no clear difference between {a} and {b} on {name}: B - A = {_signed(r.diff)} {_interval(r)} "
                f"(the interval includes 0) {rows}")
    over = c.result(PairedScore.BRIER_OVER.value)
    if over is not None:
        text += (f"; P(over) Brier at book lines B - A = {_signed(over.diff)} {_interval(over)} on {over.rows:,} "
                 "rows")
    return text


def format_table(c: VersionComparison) -> str:
    """The comparison as a fixed-width table: score, A, B, B - A [lo, hi], DM p, rows, dates."""
    conf = "B - A [interval]"
    header = f"{'score':<32}{'A: v' + c.version_a:>10}{'B: v' + c.version_b:>10}  {conf:<28}{'DM p':>7}" \
             f"{'rows':>9}{'dates':>7}"
    lines = [header]
    for r in c.results:
        p = f"{r.p_value:.3f}" if r.p_value == r.p_value else "-"  # NaN when the variance is 0
        lines.append(f"{_LABELS.get(r.score, r.score):<32}{r.a:>10.{_DECIMALS}f}{r.b:>10.{_DECIMALS}f}  "
                     f"{_signed(r.diff) + ' ' + _interval(r):<28}{p:>7}{r.rows:>9,}{r.dates:>7,}")
    return "\n".join(lines)


def resolve_version(tracker: Tracker, text: str) -> str:
    """A version number as given, or the version an alias (``champion``, ``challenger``) points at."""
    return text if text.isdigit() else tracker.resolve(text).version


def _oof(tracker: Tracker, version: str) -> pd.DataFrame:
    run_id = tracker.version_run_id(version)
    table = tracker.load_run_table(run_id, artifacts.RUN_OOF.path) if run_id else None
    if table is None:
        raise DataError(f"version {version} has no out-of-fold predictions ({artifacts.RUN_OOF.path}) in its run")
    return table


def compare_oof(project: Project, tracker: Tracker, version_a: str, version_b: str) -> VersionComparison:
    """Versions A and B on every out-of-fold row both predicted (lines from ``data/lines.parquet``)."""
    s = project.settings
    lines_path = project.path("data", schema.LINES_FILE)
    lines = pd.read_parquet(lines_path) if lines_path.is_file() else None
    results = paired.compare_versions(_oof(tracker, version_a), _oof(tracker, version_b), s.distribution.family,
                                      spec_of(s.tracking.compare), lines)
    return VersionComparison(version_a, version_b, SOURCE_OOF, s.tracking.promotion_metric, tuple(results))


def live_pairs(scores: pd.DataFrame, version_a: str | None, version_b: str | None) -> tuple[str, str, pd.DataFrame]:
    """The ledger's per-row scores of two versions paired on settled player-games: (A, B, frame with keys and
    ``<score>_a``/``<score>_b``). Without versions: the latest date's champion-role and shadow-role versions."""
    scored = scores[scores["crps"].notna()]
    if version_a is None or version_b is None:
        shadow = scored[scored["role"] == "shadow"]
        if shadow.empty:
            raise DataError("the ledger holds no settled shadow predictions yet: set tracking.shadow_alias="
                            "challenger, run predict and ledger, and wait for the games to finish")
        last = shadow["game_date"].max()
        version_b = str(shadow.loc[shadow["game_date"] == last, "model_version"].iloc[0])
        champ = scored[(scored["role"] == "champion") & (scored["game_date"] == last)]
        version_a = str(champ["model_version"].iloc[0]) if len(champ) else version_b
    keys = list(paired.PAIR_KEYS)
    names = [p.value for p in PairedScore]
    a = scored.loc[scored["model_version"] == version_a, [*keys, *names]].drop_duplicates(keys)
    b = scored.loc[scored["model_version"] == version_b, [*keys, *names]].drop_duplicates(keys)
    both = a.merge(b, on=keys, suffixes=("_a", "_b"))
    return version_a, version_b, both


def compare_live(project: Project, scores: pd.DataFrame, version_a: str | None,
                 version_b: str | None) -> VersionComparison:
    a, b, both = live_pairs(scores, version_a, version_b)
    results = paired.compare_pairs(both, spec_of(project.settings.tracking.compare)) if len(both) else []
    return VersionComparison(a, b, SOURCE_LIVE, project.settings.tracking.promotion_metric, tuple(results))


def comparison_metrics(c: VersionComparison) -> dict[str, float]:
    """``<score>_a``, ``_b``, ``_diff``, ``_lo``, ``_hi``, ``_rows``, ``_dm_p`` for each score (finite only)."""
    out: dict[str, float] = {}
    for r in c.results:
        out |= {f"{r.score}_a": r.a, f"{r.score}_b": r.b, f"{r.score}_diff": r.diff, f"{r.score}_lo": r.lo,
                f"{r.score}_hi": r.hi, f"{r.score}_rows": float(r.rows), f"{r.score}_dates": float(r.dates),
                f"{r.score}_dm_p": r.p_value}
    return {k: v for k, v in out.items() if v == v}


def log_comparison(tracker: Tracker, settings: CompareSettings, c: VersionComparison) -> str:
    """One compare run (params, metrics, the verdict as its note, the table as an artifact) and the verdict on
    version B's registry entry; returns the run id."""
    table = paired.results_frame(list(c.results))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / _TABLE_NAME
        table.to_csv(path, index=False)
        run_id = tracker.record_run(
            settings.experiment, f"compare v{c.version_a} vs v{c.version_b} ({c.source})",
            params={"version_a": c.version_a, "version_b": c.version_b, "source": c.source, "metric": c.metric,
                    "n_resamples": settings.n_resamples, "confidence": settings.confidence, "seed": settings.seed,
                    "min_dates": settings.min_dates},
            metrics=comparison_metrics(c),
            tags={COMPARE_KIND_TAG: c.source, COMPARE_VERDICT_TAG: c.verdict,
                  _NOTE_TAG: f"{c.verdict}\n\n```\n{format_table(c)}\n```"},
            files={_TABLE_FOLDER: path},
        )
    tracker.tag_version(c.version_b, {f"{COMPARE_VERDICT_TAG}_{c.source}": c.verdict})
    return run_id


def compare_cli(project: Project, version_a: str | None, version_b: str | None, *, live: bool) -> VersionComparison:
    """Resolve, compare, print the table and the verdict, log the compare run."""
    s = project.settings.tracking
    tracker = Tracker(s, project.root)
    a = resolve_version(tracker, version_a) if version_a else None
    b = resolve_version(tracker, version_b) if version_b else None
    if live:
        from nba_pra.ledger.store import open_ledger

        with open_ledger(project.settings.ledger, project.root) as store:
            comparison = compare_live(project, store.model_scores(), a, b)
    else:
        if a is None or b is None:
            raise DataError("compare needs two versions (numbers or aliases), e.g. `nba-pra compare champion "
                            "challenger`; only --live picks them itself")
        comparison = compare_oof(project, tracker, a, b)
    if comparison.results:
        print(format_table(comparison))
    print(comparison.verdict)
    log_comparison(tracker, s.compare, comparison)
    return comparison


def latest_comparison(tracker: Tracker, settings: CompareSettings) -> dict[str, Any] | None:
    """The latest compare run as plain data (``status`` and the dashboard): verdict, source, versions, when,
    ids, and one row per score (score, label, a, b, diff, lo, hi, rows); None when there is none."""
    run = tracker.latest_run_in(settings.experiment)
    if run is None:
        return None
    m, params = run.data.metrics, run.data.params
    rows = [{"score": name, "label": _LABELS[name], **{k: m.get(f"{name}_{k}") for k in ("a", "b", "diff", "lo", "hi")},
             "rows": int(m[f"{name}_rows"])} for name in _LABELS if f"{name}_rows" in m]
    return {
        "verdict": run.data.tags.get(COMPARE_VERDICT_TAG, ""),
        "source": params.get("source", ""),
        "version_a": params.get("version_a"),
        "version_b": params.get("version_b"),
        "started": pd.Timestamp(run.info.start_time, unit="ms", tz="UTC").floor("s").isoformat(),
        "run_id": run.info.run_id,
        "experiment_id": run.info.experiment_id,
        "scores": rows,
    }
