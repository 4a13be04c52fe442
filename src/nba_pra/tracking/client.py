"""The one module that talks to MLflow: tracking URI, experiment, registry aliases and model URIs.

Nothing else in the code builds ``models:/...`` strings or touches aliases.

Processes sharing one SQLite tracking DB never race on it: the first use of the store (MLflow creates and
migrates a fresh DB then, and concurrent migrations leave it broken for good) and every registration with its
alias run under a file lock beside the DB. A store that cannot be opened is a :class:`TrackingError` (exit 7).
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from nba_pra.credentials import expand_env
from nba_pra.errors import ModelNotFoundError, TrackingError
from nba_pra.io import atomic_write
from nba_pra.model.ensemble import MANIFEST, Ensemble
from nba_pra.redaction import redact_text, redact_url, remembered
from nba_pra.tracking.settings import TrackingSettings

log = logging.getLogger(__name__)

_SQLITE_PREFIX = "sqlite:///"
#: the lock file beside a SQLite tracking DB (``mlflow.db`` -> ``mlflow.db.lock``)
_LOCK_SUFFIX = ".lock"
#: environment that keeps MLflow quiet and offline (no telemetry, no progress bars, no git probing)
#: the environment variables MLflow's URI setters write (and this module restores)
_MLFLOW_URI_ENV = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
QUIET_ENV = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    "GIT_PYTHON_REFRESH": "quiet",
    "MLFLOW_LOGGING_LEVEL": "WARNING",
    # a finished run on a tracking server prints "View run ... at: <tracking URI>/#/..." to stdout, the URI's
    # password included
    "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT": "true",
}


#: where ``dvc exp run --queue`` / ``--temp`` runs an experiment: ``<repo>/.dvc/tmp/exps/<workspace>``
_DVC_EXPERIMENT_DIR = (".dvc", "tmp", "exps")


def workspace_root(root: Path) -> Path:
    """The repository an experiment workspace belongs to (``root`` itself outside DVC's temp workspaces).

    Queued DVC experiments run in a throwaway copy under ``.dvc/tmp/exps/``; a tracking DB resolved there would
    be deleted with it, so every experiment logs into the real project's DB instead (STACK.md).
    """
    parts = Path(root).resolve().parts
    n = len(_DVC_EXPERIMENT_DIR)
    for i in range(len(parts) - n, 0, -1):
        if parts[i : i + n] == _DVC_EXPERIMENT_DIR:
            return Path(*parts[:i])
    return Path(root)


def resolve_tracking_uri(uri: str, root: Path) -> str:
    """A relative ``sqlite:///file.db`` becomes ``sqlite:////abs/root/file.db`` (the real repository's root
    when ``root`` is a DVC experiment workspace, see :func:`workspace_root`); other URIs are kept. ``${oc.env:...}``
    references are expanded first, so ``MLFLOW_TRACKING_URI`` (conf/tracking) beats the configured default."""
    uri = expand_env(uri, workspace_root(root))
    if uri.startswith(_SQLITE_PREFIX):
        path = Path(uri[len(_SQLITE_PREFIX):])
        if not path.is_absolute():
            return _SQLITE_PREFIX + str((workspace_root(root) / path).resolve())
    return uri


@dataclass(frozen=True)
class ResolvedVersion:
    """A registered model version found through an alias."""

    name: str
    version: str
    alias: str
    run_id: str | None
    model_uri: str


@dataclass(frozen=True)
class Registration:
    """A version just registered, the alias it was given, and the aliases it held once that was done."""

    version: str
    alias: str
    holds: tuple[str, ...]


@dataclass(frozen=True)
class VersionDetails:
    """A registered version and the training run behind it (``created``: ISO 8601, UTC)."""

    version: str
    run_id: str | None
    experiment_id: str | None
    run_name: str | None
    created: str
    metrics: dict[str, float]
    #: the registry's tags on the version (window end, folds, scores, promotion decision and reason)
    tags: dict[str, str] = field(default_factory=dict)
    description: str = ""


class Tracker:
    """MLflow access bound to one project's settings."""

    def __init__(self, settings: TrackingSettings, root: Path) -> None:
        self.settings = settings
        self.uri = resolve_tracking_uri(settings.uri, root)
        for key, value in QUIET_ENV.items():
            os.environ.setdefault(key, value)
        self._mlflow_module: Any = None
        # not opened here: read-only callers (status, dashboard) check missing_store() first, and opening a
        # missing SQLite store creates it
        self._opened = False

    @property
    def _mlflow(self) -> Any:
        """MLflow, imported on first use (~1.5 s: a daily predict whose alias resolution is cached never pays it),
        with this project's store as its tracking and registry URI."""
        if self._mlflow_module is not None:
            return self._mlflow_module
        import mlflow

        # MLflow's setters also write MLFLOW_TRACKING_URI / MLFLOW_REGISTRY_URI into os.environ; that variable is
        # the user's override (conf/tracking), so it is put back as it was: a later project in this process, or a
        # child process (`dvc repro`'s stages), must not take this project's store for the user's choice
        saved = {var: os.environ.get(var) for var in _MLFLOW_URI_ENV}
        mlflow.set_tracking_uri(self.uri)
        mlflow.set_registry_uri(self.uri)
        for var, before in saved.items():
            if before is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = before
        self._mlflow_module = mlflow
        return mlflow

    @contextmanager
    def store_lock(self) -> Iterator[None]:
        """Exclusive use of the tracking store among this machine's processes (SQLite stores; a no-op for a
        server, which serialises its own writes). Waits up to ``tracking.lock_timeout_s``."""
        from filelock import FileLock, Timeout

        path = self._sqlite_path()
        if path is None:
            yield
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path) + _LOCK_SUFFIX, timeout=self.settings.lock_timeout_s)
        try:
            lock.acquire()
        except Timeout:
            raise TrackingError(
                f"another nba-pra process has held the MLflow tracking store at {redact_url(self.uri)} for "
                f"{self.settings.lock_timeout_s:g} s; wait for it to finish and retry"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _open_store(self) -> None:
        """Create (and migrate) the store on first use, under the lock: MLflow migrates a fresh SQLite DB in the
        first process that opens it, and two processes migrating at once break it for good."""
        if self._opened:
            return
        self._mlflow.get_tracking_uri()  # MLflow's global URIs on this store first, as every other call reads them
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.store_lock():
                client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)  # opens the tracking store
                client.search_registered_models(max_results=1)  # opens the registry store (same DB)
        except (MlflowException, SQLAlchemyError, OSError) as exc:
            lines = redact_text(str(exc), remembered()).strip().splitlines()
            detail = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
            raise TrackingError(f"cannot open the MLflow tracking store at {redact_url(self.uri)}: {detail}") from exc
        self._opened = True

    @property
    def client(self) -> Any:
        from mlflow import MlflowClient

        self._open_store()
        return MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    def alias_uri(self, alias: str) -> str:
        return f"models:/{self.settings.model_name}@{alias}"

    def version_uri(self, version: str) -> str:
        return f"models:/{self.settings.model_name}/{version}"

    def start_run(self, run_name: str, *, parent_run_id: str | None = None, tags: dict[str, str] | None = None,
                  description: str | None = None) -> Any:
        """Start the process's active run; ``parent_run_id`` nests it under a (RUNNING) parent, e.g. a sweep's.
        ``description`` is the run's note in the MLflow UI (Markdown)."""
        self._open_store()
        self._mlflow.set_experiment(self.settings.experiment)
        return self._mlflow.start_run(run_name=run_name, parent_run_id=parent_run_id, tags=tags,
                                      description=description)

    # --- runs that are not the active run (sweep parents; added for the backtest sweeps) ---------------

    def create_run(self, run_name: str, tags: dict[str, str] | None = None) -> str:
        """Create a RUNNING run that is not this process's active run (a sweep parent that workers in other
        processes nest under); also creates the tracking DB and experiment, before any parallel writer."""
        self._open_store()
        experiment = self._mlflow.set_experiment(self.settings.experiment)
        return str(self.client.create_run(experiment.experiment_id, run_name=run_name, tags=tags or {}).info.run_id)

    def log_params_to(self, run_id: str, params: dict[str, Any]) -> None:
        items = _params(params)
        for lo in range(0, len(items), 100):  # MLflow caps params per batch at 100
            self.client.log_batch(run_id, params=items[lo : lo + 100])

    def log_artifact_to(self, run_id: str, path: Path, artifact_path: str) -> None:
        self.client.log_artifact(run_id, str(path), artifact_path)

    def finish_run(self, run_id: str, status: str = "FINISHED") -> None:
        self.client.set_terminated(run_id, status=status)

    def child_runs(self, parent_run_id: str) -> Any:
        """The runs nested under ``parent_run_id`` as a DataFrame (``run_id``, ``params.*``, ``metrics.*``,
        ``tags.*``)."""
        experiment = self.client.get_experiment_by_name(self.settings.experiment)
        return self._mlflow.search_runs(
            [experiment.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{parent_run_id}'",
            output_format="pandas",
        )

    def resolve(self, alias: str) -> ResolvedVersion:
        """The version behind ``alias``, or :class:`ModelNotFoundError` telling the user to train."""
        from mlflow.exceptions import MlflowException

        try:
            mv = self.client.get_model_version_by_alias(self.settings.model_name, alias)
        except MlflowException as exc:
            raise ModelNotFoundError(
                f"no model version of '{self.settings.model_name}' has alias '{alias}' in {redact_url(self.uri)}; "
                "train one first with `nba-pra train` (or `dvc repro`)"
            ) from exc
        return ResolvedVersion(
            name=self.settings.model_name,
            version=str(mv.version),
            alias=alias,
            run_id=mv.run_id,
            model_uri=self.alias_uri(alias),
        )

    def try_resolve(self, alias: str) -> ResolvedVersion | None:
        try:
            return self.resolve(alias)
        except ModelNotFoundError:
            return None

    def load_pyfunc(self, alias: str) -> tuple[Any, ResolvedVersion]:
        resolved = self.resolve(alias)
        from mlflow.exceptions import MlflowException

        try:
            model = self._mlflow.pyfunc.load_model(resolved.model_uri)
        except (MlflowException, OSError) as exc:
            raise TrackingError(
                f"cannot load {resolved.model_uri} (version {resolved.version}): "
                f"{redact_text(str(exc), remembered())}"
            ) from exc
        return model, resolved

    def load_ensemble(self, alias: str, cache_dir: Path) -> tuple[Ensemble, ResolvedVersion]:
        """The fold ensemble behind ``alias``, from a local copy keyed by the resolved version and its run.

        A registered version never changes, so its ensemble is read from MLflow once (as the pyfunc,
        :meth:`load_pyfunc`) and kept under ``cache_dir/<name>-v<version>-<run id>/`` (:meth:`Ensemble.save`: model
        files and a manifest, no pickle); later days load that folder and skip MLflow's model loading. A version
        without a run id (registered from outside a run) is always read from MLflow.

        The alias's resolution is kept too (``cache_dir/<name>@<alias>.json``) with the SQLite store's file state
        (:meth:`_store_state`): while the store's files are untouched -- no training, registration or promotion
        since -- the alias cannot have moved, and MLflow is not even imported. Any other store resolves every time.
        """
        resolved = self._cached_resolution(alias, cache_dir)
        state = None
        if resolved is None:
            state = self._store_state()
            resolved = self.resolve(alias)
        local = cache_dir / f"{self.settings.model_name}-v{resolved.version}-{resolved.run_id}"
        if resolved.run_id is not None and (local / MANIFEST).is_file():
            log.debug("model %s version %s from its local copy %s", resolved.name, resolved.version, local)
            ensemble = Ensemble.load(local)
        else:
            model, _ = self.load_pyfunc(alias)
            ensemble = model.unwrap_python_model().ensemble
            if resolved.run_id is not None:
                _save_atomically(ensemble, local)
        # only when the store did not change while it was read: a resolution paired with a later state could
        # outlive an alias move made in between
        if state is not None and resolved.run_id is not None and self._store_state() == state:
            record = {"uri": self.uri, "state": state, "resolved": asdict(resolved)}
            atomic_write(self._resolution_path(alias, cache_dir), lambda tmp: tmp.write_text(json.dumps(record)))
        return ensemble, resolved

    def _resolution_path(self, alias: str, cache_dir: Path) -> Path:
        return cache_dir / f"{self.settings.model_name}@{alias}.json"

    def _cached_resolution(self, alias: str, cache_dir: Path) -> ResolvedVersion | None:
        """The kept resolution of ``alias`` while the store's files are as they were when it was made."""
        path = self._resolution_path(alias, cache_dir)
        state = self._store_state()
        if state is None or not path.is_file():
            return None
        try:
            record = json.loads(path.read_text())
            if record["uri"] != self.uri or record["state"] != state:
                return None
            resolved = ResolvedVersion(**record["resolved"])
        except (ValueError, KeyError, TypeError):  # a damaged record is only a miss: MLflow answers instead
            return None
        if resolved.name != self.settings.model_name or resolved.alias != alias:
            return None
        log.debug("alias %s@%s -> version %s (store unchanged since it was resolved)", resolved.name, alias,
                  resolved.version)
        return resolved

    def _store_state(self) -> dict[str, list[int]] | None:
        """Size, modification time (ns) and inode of the SQLite store's files (the DB and any journal or WAL
        file beside it); None for a store that is not SQLite or does not exist."""
        path = self._sqlite_path()
        if path is None or not path.is_file():
            return None
        state = {}
        for name in (path.name, f"{path.name}-journal", f"{path.name}-wal"):
            file = path.with_name(name)
            if file.is_file():
                stat = file.stat()
                state[name] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        return state

    def register(self, model_uri: str, run_id: str) -> Registration:
        """Register ``model_uri`` as a new version and give it its alias, as one step for other processes.

        The first version becomes ``champion``, later ones ``challenger`` (promotion moves champion). Under the
        store lock, so two trainings cannot interleave: version numbers and alias moves happen in one order,
        and the newest version ends up holding the alias.
        """
        self._open_store()
        with self.store_lock():
            with _quiet_stderr() as said:
                mv = self._mlflow.register_model(model_uri, self.settings.model_name, tags={"run_id": run_id})
            log.debug("mlflow: %s", said.getvalue().strip())
            version = str(mv.version)
            if self.try_resolve(self.settings.champion_alias) is None:
                alias = self.settings.champion_alias
            else:
                alias = self.settings.challenger_alias
            self.client.set_registered_model_alias(self.settings.model_name, alias, version)
            holds = self.aliases_of(version)
        log.info("alias %s@%s -> version %s", self.settings.model_name, alias, version)
        return Registration(version=version, alias=alias, holds=holds)

    def describe_version(self, version: str, description: str, tags: Mapping[str, str]) -> None:
        """The registry's description of ``version`` and its tags (what it was trained on, how it scored, the
        promotion decision): what the MLflow UI's model page shows next to the version."""
        if description:
            self.client.update_model_version(self.settings.model_name, version, description=description)
        self.tag_version(version, tags)

    def tag_version(self, version: str, tags: Mapping[str, str]) -> None:
        for key, value in tags.items():
            self.client.set_model_version_tag(self.settings.model_name, version, key, str(value))

    def set_alias(self, alias: str, version: str) -> None:
        self.client.set_registered_model_alias(self.settings.model_name, alias, version)
        log.info("alias %s@%s -> version %s", self.settings.model_name, alias, version)

    def aliases_of(self, version: str) -> tuple[str, ...]:
        """The project's aliases (champion, challenger) that point at ``version`` in the registry right now."""
        held = []
        for alias in (self.settings.champion_alias, self.settings.challenger_alias):
            found = self.try_resolve(alias)
            if found is not None and found.version == version:
                held.append(alias)
        return tuple(held)

    def version_metrics(self, version: str) -> dict[str, float]:
        """Metrics of the run that produced a version (for status and promotion)."""
        mv = self.client.get_model_version(self.settings.model_name, version)
        if not mv.run_id:
            return {}
        return dict(self.client.get_run(mv.run_id).data.metrics)

    def version_run_id(self, version: str) -> str | None:
        return self.client.get_model_version(self.settings.model_name, version).run_id

    def load_run_table(self, run_id: str, artifact: str) -> pd.DataFrame | None:
        """A parquet artifact of a run (e.g. its out-of-fold predictions), or None when it has none."""
        from mlflow.exceptions import MlflowException

        try:
            with tempfile.TemporaryDirectory() as tmp:
                local = self._mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=artifact, dst_path=tmp)
                return pd.read_parquet(local)
        except (MlflowException, OSError):
            return None

    def log_to_run(self, run_id: str, metrics: dict[str, float], tags: dict[str, str]) -> None:
        """Metrics and tags on an existing (possibly finished) run, e.g. a promotion decision."""
        import time

        from mlflow.entities import Metric, RunTag

        now = int(time.time() * 1000)
        self.client.log_batch(
            run_id,
            metrics=[Metric(k, float(v), now, 0) for k, v in metrics.items()],
            tags=[RunTag(k, str(v)) for k, v in tags.items()],
        )

    def record_run(self, experiment: str, run_name: str, *, params: Mapping[str, Any], metrics: Mapping[str, float],
                   tags: Mapping[str, str], files: Mapping[str, Path]) -> str:
        """A finished run in ``experiment`` (created when missing) holding ``params``, ``metrics``, ``tags`` and
        ``files`` (artifact folder -> local file): e.g. one ``nba-pra compare``. Returns its run id."""
        self._open_store()
        experiment_id = self._mlflow.set_experiment(experiment).experiment_id
        run_id = str(self.client.create_run(experiment_id, run_name=run_name, tags=dict(tags)).info.run_id)
        self.log_params_to(run_id, dict(params))
        self.log_to_run(run_id, dict(metrics), {})
        for folder, path in files.items():
            self.log_artifact_to(run_id, path, folder)
        self.finish_run(run_id)
        return run_id

    def latest_run_in(self, experiment: str) -> Any | None:
        """The most recently started run of ``experiment`` (None when it has none or does not exist)."""
        exp = self.client.get_experiment_by_name(experiment)
        if exp is None:
            return None
        runs = self.client.search_runs([exp.experiment_id], order_by=["attributes.start_time DESC"], max_results=1)
        return runs[0] if runs else None

    def last_run(self) -> Any | None:
        exp = self.client.get_experiment_by_name(self.settings.experiment)
        if exp is None:
            return None
        runs = self.client.search_runs([exp.experiment_id], order_by=["attributes.start_time DESC"], max_results=1)
        return runs[0] if runs else None

    # --- read-only views (the dashboard) -----------------------------------------------------------------

    def _sqlite_path(self) -> Path | None:
        """The file behind a ``sqlite:///`` tracking URI (None for any other store)."""
        if not self.uri.startswith(_SQLITE_PREFIX):
            return None
        return Path(self.uri[len(_SQLITE_PREFIX):])

    def missing_store(self) -> Path | None:
        """The SQLite file behind the tracking URI when it does not exist yet (None: it exists, or not SQLite).

        The first registry call on a missing SQLite store creates and migrates it, so a read-only caller checks
        this first instead of leaving an empty ``mlflow.db`` behind.
        """
        path = self._sqlite_path()
        return None if path is None or path.is_file() else path

    def version_details(self, version: str) -> VersionDetails:
        """The version's training run: ids, name, registration time and logged metrics."""
        mv = self.client.get_model_version(self.settings.model_name, version)
        run = self.client.get_run(mv.run_id) if mv.run_id else None
        return VersionDetails(
            version=str(mv.version),
            run_id=mv.run_id,
            experiment_id=run.info.experiment_id if run is not None else None,
            run_name=run.info.run_name if run is not None else None,
            created=pd.Timestamp(int(mv.creation_timestamp), unit="ms", tz="UTC").floor("s").isoformat(),
            metrics=dict(run.data.metrics) if run is not None else {},
            tags={str(k): str(v) for k, v in (mv.tags or {}).items()},
            description=mv.description or "",
        )

    def version_tags(self, version: str) -> dict[str, str]:
        """The registry's tags on ``version`` (e.g. ``promotion_reason``)."""
        mv = self.client.get_model_version(self.settings.model_name, version)
        return {str(k): str(v) for k, v in (mv.tags or {}).items()}

    def run_artifact(self, run_id: str, path: str) -> bytes | None:
        """The bytes of one artifact of a run (e.g. ``plots/pit_histogram.png``), or None when it has none."""
        from mlflow.exceptions import MlflowException

        try:
            with tempfile.TemporaryDirectory() as tmp:
                local = self._mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=path, dst_path=tmp)
                return Path(local).read_bytes()
        except (MlflowException, OSError):
            return None

    def ui_version_url(self, ui_base: str, version: str) -> str:
        """The page of a registered version in the MLflow UI served at ``ui_base``."""
        return f"{ui_base.rstrip('/')}/#/models/{quote(self.settings.model_name, safe='')}/versions/{version}"

    def ui_run_url(self, ui_base: str, experiment_id: str, run_id: str) -> str:
        """The page of a run in the MLflow UI served at ``ui_base``."""
        return f"{ui_base.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"

    # --- logging inside an active run ------------------------------------------------------------------

    def log_params(self, params: dict[str, Any]) -> None:
        run = self._mlflow.active_run()
        assert run is not None, "log_params outside a run"
        items = _params(params)
        for lo in range(0, len(items), 100):  # MLflow caps params per batch at 100
            self.client.log_batch(run.info.run_id, params=items[lo : lo + 100])

    def log_metrics(self, metrics: list[tuple[str, float, int]]) -> None:
        """Log ``(key, value, step)`` triples with ``log_batch`` (one call per 1000: MLflow's batch limit)."""
        import time

        from mlflow.entities import Metric

        run = self._mlflow.active_run()
        assert run is not None, "log_metrics outside a run"
        now = int(time.time() * 1000)
        items = [Metric(k, v, now, s) for k, v, s in metrics]
        for lo in range(0, len(items), 1000):
            self.client.log_batch(run.info.run_id, metrics=items[lo : lo + 1000])

    def log_dataset(self, sample: pd.DataFrame, *, path: Path, digest: str, rows: int, context: str) -> None:
        """Record the table at ``path`` as an input of the active run (``mlflow.log_input``): its name, ``digest``
        (ours: the file's md5, as dvc.lock records it), its row count (an input tag) and the schema of ``sample``
        (a few of its rows: MLflow's schema inference over a whole 100k-row table takes minutes)."""
        import warnings

        from mlflow.data.dataset_source_registry import resolve_dataset_source
        from mlflow.data.meta_dataset import MetaDataset
        from mlflow.models import infer_signature

        with warnings.catch_warnings():
            # a local path matches MLflow's two local-file source types alike (it warns, then takes the first), and
            # schema inference hints that integer columns cannot hold missing values: neither matters for a record
            warnings.simplefilter("ignore", UserWarning)
            source = resolve_dataset_source(str(path))
            schema = infer_signature(sample).inputs

        class TableRecord(MetaDataset):
            """A table logged by its metadata, with its row count as the profile the MLflow UI shows."""

            @property
            def profile(self) -> dict[str, int]:
                return {"num_rows": rows}

        dataset = TableRecord(source, name=path.stem, digest=digest, schema=schema)
        self._mlflow.log_input(dataset, context=context, tags={"rows": str(rows)})

    def log_artifacts(self, directory: Path, artifact_path: str) -> None:
        self._mlflow.log_artifacts(str(directory), artifact_path)

    def log_artifact(self, path: Path, artifact_path: str) -> None:
        self._mlflow.log_artifact(str(path), artifact_path)

    def log_pyfunc_and_register(
        self, *, python_model: Path, artifacts: dict[str, str], signature: Any, input_example: Any, run_id: str
    ) -> Registration:
        """Log the models-from-code pyfunc (no pickle), register it and give it its alias (:meth:`register`)."""
        mlflow = self._mlflow

        # MLflow writes a conda.yaml beside the model and warns that pip's version is unknown (uv installs no
        # pip); the model is always loaded in this environment (``--env-manager local``), so that file is unused
        with _logger_level("mlflow.utils.environment", logging.ERROR):
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=str(python_model),
                artifacts=artifacts,
                signature=signature,
                input_example=input_example,
                pip_requirements=_PIP_REQUIREMENTS,
            )
        return self.register(info.model_uri, run_id)


@contextmanager
def _quiet_stderr() -> Iterator[io.StringIO]:
    """What MLflow prints straight to stderr ("Successfully registered model ...", "Created version ..."),
    captured: the caller logs it at DEBUG and says the same in one line of its own."""
    said = io.StringIO()
    with redirect_stderr(said):
        yield said


@contextmanager
def _logger_level(name: str, level: int) -> Iterator[None]:
    """``name``'s records below ``level`` dropped for the duration (a known, harmless library warning)."""
    logger = logging.getLogger(name)
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


def _params(params: dict[str, Any]) -> list[Any]:
    """MLflow params with secrets masked: settings can hold URLs (``backtest.ledger.url``) and sweeps log their
    overrides verbatim, and a run's params are shown to anyone who can open the MLflow UI."""
    from mlflow.entities import Param

    secrets = remembered()
    return [Param(k, redact_text(str(v), secrets)) for k, v in sorted(params.items())]


def _requirement(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{dist}=={version(dist)}"
    except PackageNotFoundError:  # pragma: no cover - only outside the locked environment
        return dist


_PIP_REQUIREMENTS = [_requirement(d) for d in ("mlflow", "xgboost-cpu", "lightgbm", "pandas", "numpy", "nba-pra")]


def _save_atomically(ensemble: Ensemble, directory: Path) -> None:
    """``ensemble`` saved beside ``directory`` and renamed into place: a reader never sees half a model, and a
    racing writer of the same version (the same files) simply loses."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        ensemble.save(tmp)
        if not directory.exists():
            tmp.replace(directory)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
