"""The dashboard's views: pure functions shaping what :mod:`.readers` read into the page models of :mod:`.schemas`.

Nothing here touches a file, a database or the registry; every function takes frames and settings and returns
frames or models, so each is tested on hand-built inputs. A view whose inputs are missing is a
:class:`~nba_pra.dashboard.schemas.Notice` with the reader's sentence, never an exception.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from nba_pra.backtest.metrics import bootstrap_intervals, ran_bets
from nba_pra.backtest.settings import BootstrapSettings
from nba_pra.betting.decisions import pricing_of, suspect_edges, with_reason_details
from nba_pra.betting.engine import DECISION_BET
from nba_pra.config import Settings
from nba_pra.dashboard import schemas
from nba_pra.dashboard.readers import (
    PIPELINE_HINT,
    SOURCE_REPLAY,
    HealthRead,
    LedgerRead,
    LiveSourceRead,
    ModelsRead,
    SlateRead,
)
from nba_pra.data.freshness import check_freshness, data_lag_days
from nba_pra.ledger.clv_summary import clv_by_book, clv_by_edge, clv_over_time, clv_table
from nba_pra.ledger.health import bucket_labels, by_bucket
from nba_pra.ledger.summary import bankroll_by_date, is_paper, summarize
from nba_pra.ledger.tables import STATE_PAPER, STATE_STAKED
from nba_pra.provenance import banner, data_is_synthetic, market_is_synthetic
from nba_pra.redaction import redact_url, shown_url
from nba_pra.stats import wilson_interval
from nba_pra.tracking.tags import DECISION_TAG, REASON_TAG

#: the route serving a version's calibration plot (the API module registers it; views link to it)
PLOT_ROUTE: Final = "/api/models/{version}/plots/{name}"
NO_LINE: Final = "no line"

SlateSort = enum.StrEnum("SlateSort", {name: name for name in schemas.SlateRow.model_fields})  # type: ignore[misc]


# --- plain values -----------------------------------------------------------------------------------------------


def records(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict[str, Any]]:
    """Rows as plain-Python dicts (NaN -> None, numpy scalars -> Python, timestamps -> ISO dates)."""
    out = frame.reindex(columns=list(columns))
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    obj = out.astype(object).where(out.notna(), None)
    return [
        {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in obj.to_dict("records")
    ]


def paginate(frame: pd.DataFrame, page: int, size: int) -> tuple[pd.DataFrame, int, int]:
    """The rows of page ``page`` (1-based, clamped to the last page), that page, and the number of pages."""
    pages = max(1, math.ceil(len(frame) / size))
    page = min(max(page, 1), pages)
    return frame.iloc[(page - 1) * size : page * size], page, pages


def provenance(settings: Settings) -> dict[str, Any]:
    """The :class:`~nba_pra.dashboard.schemas.Provenance` fields every view carries."""
    return {
        "synthetic_data": data_is_synthetic(settings), "synthetic_market": market_is_synthetic(settings),
        "banner": banner(settings),
    }


# --- slate ------------------------------------------------------------------------------------------------------


def slate_table(
    predictions: pd.DataFrame, candidates: pd.DataFrame, recorded: pd.Series, suspect_edge: float | None = None
) -> pd.DataFrame:
    """One row per prop with its best book, plus one per predicted player without a line (``decision`` no line).

    A prop's row is its bet when one was placed, else the book whose price gives the largest edge. ``recorded``
    maps ``bet_id`` to the stake (units) the ledger recorded. ``edge_suspect`` is the bet stage's flag (or, for
    decisions written before it, ``edge > suspect_edge``); ``state`` and ``gate_reason`` are shown for bets only.
    Columns: the fields of :class:`~nba_pra.dashboard.schemas.SlateRow`.
    """
    keys = ["game_id", "player_id"]
    ranked = candidates.assign(_is_bet=candidates["decision"].eq(DECISION_BET)).sort_values(
        ["_is_bet", "edge"], ascending=[False, False], na_position="last", kind="mergesort"
    )
    best = ranked.drop_duplicates([*keys, "market"], keep="first").rename(columns={"bookmaker": "best_book"})
    # a book may list a player the predict stage did not cover: keep the book's spelling of his name
    best["player_name"] = best["player_name"].fillna(best["book_player_name"])
    # stakes in the candidates are fractions of the bankroll they were sized on
    best["stake_pct"] = 100.0 * best["stake"] / best["bankroll"]
    best["stake_units"] = best["bet_id"].map(recorded).where(best["_is_bet"])
    best["edge_suspect"] = suspect_edges(best, suspect_edge)
    for column in ("state", "gate_reason"):
        # a pass has no state; "" from the bet stage would render as an empty cell, None as a dash
        values = best[column] if column in best.columns else pd.Series(None, index=best.index, dtype=object)
        best[column] = values.where(best["_is_bet"] & values.notna() & values.ne(""), None)
    priced = pd.MultiIndex.from_frame(best[keys])
    unpriced = predictions[~pd.MultiIndex.from_frame(predictions[keys]).isin(priced)].assign(
        decision=NO_LINE, reason=NO_LINE
    )
    rows = pd.concat([best, unpriced], ignore_index=True) if len(unpriced) else best
    rows["player_id"] = rows["player_id"].astype("int64")
    rows["game_date"] = pd.to_datetime(rows["game_date"])  # object dtype when there are no candidates at all
    return rows.reindex(columns=list(schemas.SlateRow.model_fields)).reset_index(drop=True)


def filter_sort(
    table: pd.DataFrame, *, player: str = "", team: str = "", sort: str = "edge", descending: bool = True
) -> pd.DataFrame:
    """Rows whose player name contains ``player`` (case-insensitive) and whose team is ``team``, sorted by ``sort``
    (missing values last; ties keep the order they had)."""
    keep = pd.Series(True, index=table.index)
    if player.strip():
        keep &= table["player_name"].fillna("").str.contains(player.strip(), case=False, regex=False)
    if team.strip():
        keep &= table["team"].fillna("").str.upper().eq(team.strip().upper())
    return table[keep].sort_values(sort, ascending=not descending, na_position="last", kind="mergesort")


def slate_view(
    read: SlateRead, settings: Settings, *, player: str = "", team: str = "", sort: str | None = None,
    descending: bool = True, page: int = 1,
) -> schemas.Slate:
    """Today's slate: every predicted player with the best book and the decision, filtered, sorted and paged."""
    sort = sort or settings.dashboard.slate_sort
    echo = {"sort": sort, "descending": descending, "player": player, "team": team, **provenance(settings)}
    predictions, candidates = read.predictions, read.candidates
    if predictions is None:
        return schemas.Slate(
            available=False, message=f"no predictions yet ({read.predictions_file}): {PIPELINE_HINT}", **echo,
        )
    message = None
    if candidates.empty:
        message = (
            f"no bet decisions for this slate ({read.candidates_file}): run `nba-pra bet` (or `nba-pra pipeline`)"
        )
    suspect_edge = settings.betting.suspect_edge
    candidates = with_reason_details(candidates, settings.betting)
    table = slate_table(predictions, candidates, read.recorded, suspect_edge)
    shown = filter_sort(table, player=player, team=team, sort=sort, descending=descending)
    rows, page, pages = paginate(shown, page, settings.dashboard.page_size)
    slate_date = pd.to_datetime(predictions["game_date"]).min() if len(predictions) else None
    versions = sorted({str(v) for v in predictions.get("model_version", pd.Series(dtype=str)).dropna()})
    is_bet = candidates["decision"].eq(DECISION_BET)
    # decisions written before the evidence gate carry no state: every bet then had a real stake
    state = candidates["state"] if "state" in candidates.columns else pd.Series(STATE_STAKED, index=candidates.index)
    return schemas.Slate(
        available=True,
        message=message,
        slate_date=str(slate_date.date()) if slate_date is not None else None,
        model_version=", ".join(versions) or None,
        bets=int(is_bet.sum()),
        staked=int((is_bet & state.eq(STATE_STAKED)).sum()),
        paper=int((is_bet & state.eq(STATE_PAPER)).sum()),
        pricing=pricing_of(candidates),
        suspect_edge=suspect_edge,
        candidates=len(candidates),
        players=int(predictions["player_id"].nunique()),
        total=len(shown),
        page=page,
        pages=pages,
        teams=sorted(table["team"].dropna().astype(str).unique()),
        rows=[schemas.SlateRow(**r) for r in records(rows, schemas.SlateRow.model_fields)],
        **echo,
    )


# --- ledger -----------------------------------------------------------------------------------------------------


def edge_bucket_table(
    bets: pd.DataFrame, edges: Sequence[float], bootstrap: BootstrapSettings, seed: int
) -> pd.DataFrame:
    """:func:`~nba_pra.ledger.health.by_bucket` over ``edge`` with a Wilson interval of the win rate and a
    day-blocked bootstrap interval of the ROI per bucket (:func:`~nba_pra.backtest.metrics.bootstrap_intervals`)."""
    table = by_bucket(bets, "edge", edges)
    table["win_rate_lo"], table["win_rate_hi"] = wilson_interval(
        table["wins"], table["wins"] + table["losses"], bootstrap.confidence
    )
    ran = ran_bets(bets)
    bucket = pd.cut(
        ran["edge"].astype(float), bins=[-np.inf, *edges, np.inf], labels=bucket_labels(edges), right=False
    )
    intervals = {
        str(label): bootstrap_intervals(group, bootstrap, seed)
        for label, group in ran.groupby(bucket, observed=True)
    }
    for key in ("roi_lo", "roi_hi"):
        table[key] = table["bucket"].astype(str).map(lambda b, k=key: intervals.get(b, {}).get(k)).astype(float)
    return table


def bankroll_curve(bets: pd.DataFrame, initial_bankroll: float) -> pd.DataFrame:
    """``date, bets, bankroll``: the starting bankroll (date ``start``), then the bankroll after each game date's
    settled bets -- :func:`~nba_pra.ledger.summary.bankroll_by_date`, the curve ``max_drawdown`` measures (a slate
    settles together; open bets do not move it)."""
    daily = bankroll_by_date(bets, initial_bankroll)
    curve = pd.DataFrame(
        {
            "date": daily["game_date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "bets": daily["bets"].to_numpy(),
            "bankroll": daily["bankroll"].to_numpy(),
        }
    )
    start = pd.DataFrame({"date": ["start"], "bets": [0], "bankroll": [float(initial_bankroll)]})
    return pd.concat([start, curve], ignore_index=True)


def clv_rows(bets: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The CLV tables of :mod:`nba_pra.ledger.clv_summary` stacked: overall, by edge bucket, book and period
    (``section`` names the grouping; groups without settled bets are left out)."""
    confidence, ledger = settings.ledger.clv_confidence, settings.ledger
    tables = {
        "all": clv_table(bets, pd.Series("all bets", index=bets.index), confidence),
        "edge": clv_by_edge(bets, settings.dashboard.edge_buckets, confidence),
        "book": clv_by_book(bets, confidence),
        "period": clv_over_time(bets, ledger.clv_period.value, confidence),
    }
    out = pd.concat([t.assign(section=k, group=t["group"].astype(str)) for k, t in tables.items()],
                    ignore_index=True)
    return out[out["bets"] > 0]


def ledger_view(read: LedgerRead, settings: Settings, *, page: int = 1) -> schemas.Ledger:
    """Bets with settlement and CLV (newest first), the summary, the bankroll curve and the edge buckets."""
    s = settings
    head = {
        "url": shown_url(s.ledger.url), "initial_bankroll": s.ledger.initial_bankroll,
        "confidence": s.dashboard.bootstrap.confidence, "suspect_edge": s.betting.suspect_edge,
        **provenance(s),
    }
    if read.bets is None:
        return schemas.Ledger(available=False, message=read.message, **head)
    bets = read.bets
    # the money figures (buckets' ROI, the bankroll curve) are the staked bets'; paper bets stake nothing
    staked = bets[~is_paper(bets)]
    buckets = edge_bucket_table(staked, s.dashboard.edge_buckets, s.dashboard.bootstrap, s.seed)
    bets = bets.assign(edge_suspect=suspect_edges(bets, s.betting.suspect_edge))  # the ledger keeps no flag
    newest = bets.sort_values(["game_date", "bet_id"], ascending=[False, True], kind="mergesort")
    rows, page, pages = paginate(newest, page, s.dashboard.page_size)
    return schemas.Ledger(
        available=True,
        message=None if len(bets) else "the ledger has no bets yet: `nba-pra pipeline` records the day's bets",
        summary=schemas.LedgerSummary(**{
            k: v for k, v in summarize(bets, s.ledger.initial_bankroll).items()
            if k in schemas.LedgerSummary.model_fields
        }),
        bankroll_curve=[
            schemas.BankrollPoint(**r)
            for r in records(bankroll_curve(staked, s.ledger.initial_bankroll), schemas.BankrollPoint.model_fields)
        ],
        buckets=[schemas.EdgeBucket(**r) for r in records(buckets, schemas.EdgeBucket.model_fields)],
        clv=[schemas.ClvRow(**r) for r in records(clv_rows(bets, s), schemas.ClvRow.model_fields)],
        clv_confidence=s.ledger.clv_confidence,
        total=len(bets),
        page=page,
        pages=pages,
        bets=[schemas.LedgerBet(**r) for r in records(rows, schemas.LedgerBet.model_fields)],
        **head,
    )


# --- live -------------------------------------------------------------------------------------------------------

#: the live page's warning when it shows replayed nights of a project whose own data and market are real
REPLAY_BANNER: Final = "SYNTHETIC REPLAYS: live bets of replayed simulated nights, not real bets"


def source_is_synthetic(source: str, settings: Settings) -> bool:
    """A replay is always synthetic; the project's ledger is when its data or market is."""
    return source == SOURCE_REPLAY or data_is_synthetic(settings) or market_is_synthetic(settings)


def live_view(reads: Sequence[LiveSourceRead], settings: Settings, *, page: int = 1) -> schemas.Live:
    """Live bets of every source (newest game first, then the latest game state), each labelled synthetic when it
    is, with a summary per source (:func:`nba_pra.ledger.summary.summarize`, its bankroll from
    ``ledger.initial_bankroll``)."""
    s = settings
    sources, frames = [], []
    for read in reads:
        synthetic = source_is_synthetic(read.source, s)
        head = {"source": read.source, "url": shown_url(read.url), "synthetic": synthetic}
        if read.bets is None:
            sources.append(schemas.LiveSource(available=False, message=read.message, **head))
            continue
        summary = {k: v for k, v in summarize(read.bets, s.ledger.initial_bankroll).items()
                   if k in schemas.LedgerSummary.model_fields}
        sources.append(schemas.LiveSource(available=True, summary=schemas.LedgerSummary(**summary), **head))
        frames.append(read.bets.assign(source=read.source, synthetic=synthetic))
    shown = banner(s)
    bets = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(schemas.LiveBet.model_fields))
    if not shown and bets["synthetic"].astype(bool).any():
        shown = REPLAY_BANNER
    prov = {**provenance(s), "banner": shown}
    available = any(src.available for src in sources)
    message = None if len(bets) else "no live bets yet: " + "; ".join(
        f"{src.source}: {src.message or 'none recorded'}" for src in sources)
    newest = bets.sort_values(["game_date", "live_period", "live_clock_s", "bet_id"],
                              ascending=[False, False, True, True], kind="mergesort")
    rows, page, pages = paginate(newest, page, s.dashboard.page_size)
    return schemas.Live(available=available, message=message, sources=sources, total=len(bets), page=page,
                        pages=pages, bets=[schemas.LiveBet(**r) for r in records(rows, schemas.LiveBet.model_fields)],
                        **prov)


# --- models -----------------------------------------------------------------------------------------------------


def models_view(read: ModelsRead, settings: Settings) -> schemas.Models:
    """Champion and challenger: version, training run, the configured metrics, calibration plots, MLflow UI links."""
    s = settings
    head = {
        "model_name": s.tracking.model_name, "tracking_uri": redact_url(read.tracking_uri),
        "mlflow_ui_url": s.dashboard.mlflow_ui_url, "metric_names": list(s.dashboard.model_metrics),
        "latest_training": read.latest_training, **provenance(s),
    }
    if read.message is not None:
        return schemas.Models(available=False, message=read.message, **head)
    versions = []
    for alias in read.aliases:
        details = alias.details
        if details is None:
            versions.append(schemas.ModelVersion(alias=alias.alias, version=None))
            continue
        versions.append(
            schemas.ModelVersion(
                alias=alias.alias,
                version=details.version,
                run_id=details.run_id,
                run_name=details.run_name,
                created=details.created,
                metrics={m: details.metrics.get(m) for m in s.dashboard.model_metrics},
                plots=[PLOT_ROUTE.format(version=details.version, name=p) for p in s.dashboard.model_plots],
                registry_url=alias.registry_url,
                run_url=alias.run_url,
                description=details.description,
                promotion_decision=details.tags.get(DECISION_TAG),
                promotion_reason=details.tags.get(REASON_TAG),
            )
        )
    comparison = schemas.Comparison.model_validate(
        {k: v for k, v in read.comparison.items() if k in schemas.Comparison.model_fields}
    ) if read.comparison else None
    if all(v.version is None for v in versions):
        return schemas.Models(
            available=False, message=f"no model version registered yet: {PIPELINE_HINT}", versions=versions, **head
        )
    return schemas.Models(available=True, versions=versions, comparison=comparison, **head)


# --- health -----------------------------------------------------------------------------------------------------


def health_view(read: HealthRead, settings: Settings) -> schemas.Health:
    """Data freshness, odds quota, last pipeline and MLflow runs, artifact ages, and every health warning
    (:func:`nba_pra.reporting.status.collect`'s, plus stale data)."""
    from nba_pra.reporting.evidence import no_evidence

    s = settings
    collected = read.collected
    data = collected["data"]
    lag = data_lag_days(data["through"], data["next_slate"]) if data["through"] and data["next_slate"] else None
    max_lag = s.data.freshness.max_lag_days
    warnings = list(collected["warnings"])
    stale_warning = (
        check_freshness(data["through"], data["next_slate"], max_lag, strict=False) if lag is not None else None
    )
    if stale_warning:
        warnings.insert(0, stale_warning)
    errors = dict(collected["errors"])
    if data["rows"] is None:
        errors["data"] = f"no box scores in {read.data_dir}: {PIPELINE_HINT}"
    return schemas.Health(
        **provenance(s),
        pricing=collected["pricing"],
        today=collected["today"],
        evidence=collected["evidence"],
        evidence_message="" if collected["evidence"] else no_evidence(s.betting.evidence.required),
        ok=not warnings and not errors,
        data=schemas.Freshness(**data, lag_days=lag, max_lag_days=max_lag, stale=stale_warning is not None),
        odds_provider=s.odds.provider,
        odds_quota=collected["odds_quota"],
        pipeline=collected["pipeline"],
        mlflow_run=collected["mlflow_run"],
        ledger_url=shown_url(s.ledger.url),
        tracking_uri=shown_url(s.tracking.uri),
        artifacts=read.artifacts,
        warnings=warnings,
        errors=errors,
    )
