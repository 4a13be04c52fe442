"""The dashboard's reads: artifacts, the ledger, the MLflow registry, file ages and the status report.

Every reader is read-only and never raises for a normal state of a half-built project (a missing artifact, an
empty ledger, an unreachable database): it returns what it found plus a sentence telling the user what to run,
which :mod:`.views` turns into a :class:`~nba_pra.dashboard.schemas.Notice`. A SQLite ledger or MLflow store that
does not exist is not opened at all, because opening it would create it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from nba_pra import artifacts
from nba_pra.betting.engine import CANDIDATE_COLUMNS
from nba_pra.config import Project
from nba_pra.dashboard import schemas
from nba_pra.errors import LedgerError, NbaPraError
from nba_pra.tracking.client import VersionDetails

PIPELINE_HINT: Final = "run `nba-pra pipeline` first"
_SECONDS_PER_HOUR: Final = 3600.0


def relative(project: Project, path: Path) -> str:
    """``path`` under the project root as the user would type it (absolute when outside it)."""
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def missing_sqlite(url: str, root: Path) -> Path | None:
    """The SQLite file of ``url`` (relative paths under ``root``) when it does not exist; None otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from nba_pra.ledger.store import resolve_url

    try:
        parsed = make_url(resolve_url(url, root))
    except (LedgerError, ArgumentError):
        return None  # opening reports the bad URL with its own message
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return None if Path(db).is_file() else Path(db)


# --- slate ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlateRead:
    """Today's predictions (None: the predict stage has not run), the bet decisions of those games (empty when
    the bet stage has not run for them), the ledger's recorded stakes, and the file names for messages."""

    predictions: pd.DataFrame | None
    candidates: pd.DataFrame
    recorded: pd.Series
    predictions_file: str
    candidates_file: str


def recorded_stakes(project: Project) -> pd.Series:
    """``bet_id -> stake`` (units) of the ledger; empty when it does not exist or cannot be read (the slate
    page still works without the ledger)."""
    from nba_pra.ledger.store import open_ledger

    settings = project.settings.ledger
    if missing_sqlite(settings.url, project.root) is not None:
        return pd.Series(dtype=float)
    try:
        with open_ledger(settings, project.root) as store:
            bets = store.bets()
    except LedgerError:
        return pd.Series(dtype=float)
    return bets.set_index("bet_id")["stake"].astype(float)


def read_slate(project: Project) -> SlateRead:
    """``artifacts/predictions.parquet``, the decisions of ``artifacts/candidates.parquet`` on those games."""
    pred_path = artifacts.PREDICTIONS.path(project)
    cand_path = artifacts.CANDIDATES.path(project)
    empty = pd.DataFrame(columns=list(CANDIDATE_COLUMNS))
    names = {"predictions_file": relative(project, pred_path), "candidates_file": relative(project, cand_path)}
    if not pred_path.is_file():
        return SlateRead(predictions=None, candidates=empty, recorded=pd.Series(dtype=float), **names)
    predictions = pd.read_parquet(pred_path)
    candidates = empty
    if cand_path.is_file():
        candidates = pd.read_parquet(cand_path)
        # decisions of an older slate (predict ran, bet did not) describe other games
        candidates = candidates[candidates["game_id"].isin(predictions["game_id"])]
    return SlateRead(predictions=predictions, candidates=candidates, recorded=recorded_stakes(project), **names)


# --- ledger -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRead:
    """The ledger's bets, or None with the sentence saying why there are none to show."""

    bets: pd.DataFrame | None
    message: str | None = None


def read_ledger(project: Project) -> LedgerRead:
    from nba_pra.ledger.store import open_ledger

    s = project.settings
    missing = missing_sqlite(s.ledger.url, project.root)
    if missing is not None:
        return LedgerRead(None, f"no ledger yet ({relative(project, missing)}): {PIPELINE_HINT}")
    try:
        with open_ledger(s.ledger, project.root) as store:
            return LedgerRead(store.bets())
    except LedgerError as exc:
        return LedgerRead(None, str(exc))


# --- live -------------------------------------------------------------------------------------------------------

#: where live bets are read from: the project's ledger, and the replay ledger of ``nba-pra live --replay --record``
SOURCE_LEDGER: Final = "ledger"
SOURCE_REPLAY: Final = "replay"
REPLAY_HINT: Final = "`nba-pra live --replay YYYY-MM-DD --record` records a replayed SYNTHETIC night there"


@dataclass(frozen=True)
class LiveSourceRead:
    """One ledger's live bets (``phase == live``), or None with the sentence saying why there are none."""

    source: str
    url: str
    bets: pd.DataFrame | None
    message: str | None = None


def _live_bets(project: Project, source: str, url: str, schema: str | None, prefix: str,
               hint: str) -> LiveSourceRead:
    from nba_pra.ledger.store import LedgerStore, resolve_url
    from nba_pra.ledger.tables import PHASE_LIVE

    missing = missing_sqlite(url, project.root)
    if missing is not None:
        return LiveSourceRead(source, url, None, f"no {source} ledger yet ({relative(project, missing)}): {hint}")
    try:
        with LedgerStore(resolve_url(url, project.root), schema=schema, table_prefix=prefix) as store:
            bets = store.bets()
    except LedgerError as exc:
        return LiveSourceRead(source, url, None, str(exc))
    return LiveSourceRead(source, url, bets.loc[bets["phase"].eq(PHASE_LIVE)].reset_index(drop=True))


def read_live(project: Project) -> list[LiveSourceRead]:
    """The live bets of the project's ledger and of the replay ledger (``live.replay.ledger``); a ledger that does
    not exist is not created."""
    s = project.settings
    replay = s.live.replay.ledger
    return [
        _live_bets(project, SOURCE_LEDGER, s.ledger.url, s.ledger.db_schema, s.ledger.table_prefix,
                   "`nba-pra live --record` records tonight's live bets there"),
        _live_bets(project, SOURCE_REPLAY, replay.url, replay.db_schema, replay.table_prefix, REPLAY_HINT),
    ]


# --- models -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasRead:
    """One alias: the version it points at (None: unset) and that version's pages in the MLflow UI."""

    alias: str
    details: VersionDetails | None = None
    registry_url: str | None = None
    run_url: str | None = None


@dataclass(frozen=True)
class ModelsRead:
    tracking_uri: str
    latest_training: dict[str, Any] | None
    aliases: list[AliasRead] = field(default_factory=list)
    #: the latest ``nba-pra compare`` (:func:`nba_pra.tracking.comparison.latest_comparison`, plus ``run_url``)
    comparison: dict[str, Any] | None = None
    #: why the registry could not be read (a missing store, a driver error); None when it was
    message: str | None = None


def _tracker(project: Project) -> Any:
    from nba_pra.tracking.client import Tracker

    return Tracker(project.settings.tracking, project.root)


def latest_training(project: Project) -> dict[str, Any] | None:
    """The train stage's pointer (``artifacts/model.json``); None when absent or not a JSON object."""
    path = artifacts.MODEL_POINTER.path(project)
    try:
        data = json.loads(path.read_text()) if path.is_file() else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read_models(project: Project) -> ModelsRead:
    """The champion and challenger aliases with their versions' training runs, and the latest comparison."""
    from mlflow.exceptions import MlflowException

    from nba_pra.tracking.comparison import latest_comparison

    s = project.settings
    tracker = _tracker(project)
    head = {"tracking_uri": tracker.uri, "latest_training": latest_training(project)}
    missing = tracker.missing_store()
    if missing is not None:
        return ModelsRead(**head, message=f"no MLflow database yet ({relative(project, missing)}): {PIPELINE_HINT}")
    aliases = []
    ui = s.dashboard.mlflow_ui_url
    try:
        for alias in (s.tracking.champion_alias, s.tracking.challenger_alias):
            resolved = tracker.try_resolve(alias)
            if resolved is None:
                aliases.append(AliasRead(alias))
                continue
            details = tracker.version_details(resolved.version)
            run_url = (
                tracker.ui_run_url(ui, details.experiment_id, details.run_id)
                if details.run_id and details.experiment_id else None
            )
            aliases.append(AliasRead(alias, details, tracker.ui_version_url(ui, details.version), run_url))
        comparison = latest_comparison(tracker, s.tracking.compare)
    except (MlflowException, NbaPraError) as exc:
        return ModelsRead(**head, message=f"cannot read the MLflow registry: {exc}")
    if comparison is not None:
        comparison["run_url"] = tracker.ui_run_url(ui, comparison["experiment_id"], comparison["run_id"])
    return ModelsRead(**head, aliases=aliases, comparison=comparison)


def model_plot(project: Project, version: str, name: str) -> bytes | None:
    """The PNG ``plots/<name>`` logged by the training run of ``version``; None when the name is not one of
    ``dashboard.model_plots`` (the whitelist keeps any other artifact path out), the version or plot is missing."""
    from mlflow.exceptions import MlflowException

    if name not in project.settings.dashboard.model_plots:
        return None
    tracker = _tracker(project)
    if tracker.missing_store() is not None:
        return None
    try:
        run_id = tracker.version_run_id(version)
    except MlflowException:
        return None
    return tracker.run_artifact(run_id, f"plots/{name}") if run_id else None


# --- health -----------------------------------------------------------------------------------------------------


#: the stage outputs whose age the health page shows, with their labels, in pipeline order
_STAGE_OUTPUTS: Final = (
    ("features", artifacts.FEATURES), ("model pointer", artifacts.MODEL_POINTER),
    ("predictions", artifacts.PREDICTIONS), ("candidates", artifacts.CANDIDATES), ("bets", artifacts.BETS),
    ("ledger metrics", artifacts.LEDGER_METRICS),
)


def artifact_files(project: Project, now: pd.Timestamp) -> list[schemas.ArtifactFile]:
    """Each stage output's modification time and age at ``now`` (missing ones say so)."""
    out = []
    for label, artifact in _STAGE_OUTPUTS:
        path = artifact.path(project)
        if not path.is_file():
            out.append(schemas.ArtifactFile(name=label, exists=False, modified=None, age_hours=None))
            continue
        modified = pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC").floor("s")
        out.append(
            schemas.ArtifactFile(
                name=label, exists=True, modified=modified.isoformat(),
                age_hours=round((now - modified).total_seconds() / _SECONDS_PER_HOUR, 1),
            )
        )
    return out


@dataclass(frozen=True)
class HealthRead:
    #: :func:`nba_pra.reporting.status.collect`'s report
    collected: dict[str, Any]
    artifacts: list[schemas.ArtifactFile]
    #: where the box scores are expected (for the "no data" sentence)
    data_dir: str


def read_health(project: Project, now: pd.Timestamp) -> HealthRead:
    """The status report (parts whose store does not exist are skipped, not created) and the artifact ages."""
    from nba_pra.reporting import status

    s = project.settings
    skip = {}
    missing_models = _tracker(project).missing_store()
    if missing_models is not None:
        skip["models"] = f"no MLflow database yet ({relative(project, missing_models)}): {PIPELINE_HINT}"
    missing_ledger = missing_sqlite(s.ledger.url, project.root)
    if missing_ledger is not None:
        skip["ledger"] = f"no ledger yet ({relative(project, missing_ledger)}): {PIPELINE_HINT}"
    return HealthRead(
        collected=status.collect(project, skip=skip), artifacts=artifact_files(project, now),
        data_dir=relative(project, project.path("data")),
    )
