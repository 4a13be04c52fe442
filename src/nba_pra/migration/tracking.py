"""Copy a tracking store into another (a single machine's SQLite ``mlflow.db`` onto a team's MLflow server).

Everything the project reads back is copied through MLflow's client API, so the destination can be any tracking
URI (an ``http://`` server that proxies its artifacts to S3, or a database):

- every active experiment (by name, created when missing; the destination chooses its artifact location);
- every active run: name, start/end time, status, tags, params, the full history of every metric, dataset inputs,
  the run's artifacts, and its parent (``mlflow.parentRunId`` mapped to the copied parent);
- every logged model (MLflow 3's ``models:/m-...``): name, type, tags, params, metrics, artifacts, its source run
  and the run's output link; the ``run_id`` / ``model_id`` of its ``MLmodel`` file name the copies;
- every registered model and its versions *with the same version numbers* (the ledger, ``artifacts/model.json``
  and the predictions name versions by number), their tags (a tag holding a copied run's id names the copy),
  descriptions and aliases (``champion``, ``challenger``, ...).

Run and logged-model ids are new in the destination (MLflow assigns them). Each copy carries the source id in the
tag :data:`MIGRATED_FROM`, which makes the copy resumable and idempotent: a second run copies only what is
missing, and a run or logged model left half-copied by a crash is deleted and copied again. A destination whose
registered model already holds versions of its own is refused (the numbers would no longer match).

Besides :mod:`nba_pra.tracking.client` (which serves one project's store), this is the only module that talks to
MLflow: it copies between two stores, generically (any experiment, any registered model, every alias).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from nba_pra.errors import TrackingError
from nba_pra.redaction import redact_url
from nba_pra.tracking.client import QUIET_ENV

log = logging.getLogger(__name__)

#: tag on every copied run, logged model and model version: the id (``name/version`` for a version) it copies
MIGRATED_FROM: Final = "nba_pra.migrated_from"
#: tag on a copy while it is being made ("copying") and once it is complete ("done")
COPY_STATE: Final = "nba_pra.migration"
_COPYING: Final = "copying"
_DONE: Final = "done"
#: MLflow's own tags that name a parent run / record registrations: mapped or left to the destination
_PARENT_TAG: Final = "mlflow.parentRunId"
_MODEL_VERSIONS_TAG: Final = "mlflow.modelVersions"
#: MLflow's per-request limits of ``log_batch``
_PARAMS_PER_BATCH: Final = 100
_METRICS_PER_BATCH: Final = 1000
#: the file of a logged model that names its run and model ids
_MLMODEL: Final = "MLmodel"
_LOGGED_MODEL_URI: Final = "models:/{model_id}"
_RUNS_URI_PREFIX: Final = "runs:/"
#: the logged-model states a copy can be finalized in (a PENDING source stays PENDING)
_FINAL_STATES: Final = ("READY", "FAILED")
#: what a copy counts, in the order its summary says it
_KINDS: Final = ("experiments", "runs", "logged models", "model versions")


@dataclass
class TrackingCopy:
    """What one copy wrote (``copied``) and found already there (``present``), by kind of object."""

    source: str
    destination: str
    copied: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    present: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))
    #: alias -> version, per registered model, as set in the destination
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)

    def count(self, kind: str, new: bool) -> None:
        (self.copied if new else self.present)[kind] += 1

    def summary(self) -> str:
        done = ", ".join(f"{self.copied[k]} {k}" for k in _KINDS)
        there = sum(self.present.values())
        aliases = "; ".join(f"{name}: " + ", ".join(f"@{a} -> {v}" for a, v in sorted(held.items()))
                            for name, held in sorted(self.aliases.items()) if held)
        return (f"tracking {redact_url(self.source)} -> {redact_url(self.destination)}: copied {done}"
                + (f" ({there} already there)" if there else "") + (f"; aliases {aliases}" if aliases else ""))



def logged_model_uri(model_id: str) -> str:
    return _LOGGED_MODEL_URI.format(model_id=model_id)


def copy_tracking(source_uri: str, destination_uri: str) -> TrackingCopy:
    """Copy every experiment, run, logged model and registered model of ``source_uri`` into ``destination_uri``
    (see the module docstring). Returns what was copied; raises :class:`TrackingError` on a conflict."""
    from mlflow.exceptions import MlflowException

    if source_uri == destination_uri:
        raise TrackingError(f"the source and the destination are the same store ({redact_url(source_uri)})")
    copier = _Copier(source_uri, destination_uri)
    try:
        copier.copy()
    except MlflowException as exc:
        lines = str(exc).splitlines()
        raise TrackingError(f"copying {redact_url(source_uri)} to {redact_url(destination_uri)} failed: "
                            f"{lines[0] if lines else type(exc).__name__}") from exc
    return copier.report


def _all(page: Callable[[str | None], Any]) -> list[Any]:
    """Every item of a paged MLflow search."""
    items: list[Any] = []
    token = None
    while True:
        found = page(token)
        items.extend(found)
        token = found.token
        if not token:
            return items


def _copies(found: Iterable[tuple[dict[str, str], str]], delete: Callable[[str], Any]) -> dict[str, str]:
    """source id -> destination id of the complete earlier copies among ``found`` (tags, id); a copy a crash
    left half-made is deleted (it is copied again)."""
    done: dict[str, str] = {}
    for tags, new in found:
        old = tags.get(MIGRATED_FROM)
        if not old:
            continue
        if tags.get(COPY_STATE) == _DONE:
            done[old] = new
        else:
            delete(new)
    return done


class _Copier:
    """One copy: the two stores' clients, the source -> destination ids found so far, and the report."""

    def __init__(self, source_uri: str, destination_uri: str) -> None:
        from mlflow import MlflowClient

        for key, value in QUIET_ENV.items():  # e.g. no run links (with the server's password) on stdout
            os.environ.setdefault(key, value)
        self.source_uri = source_uri
        self.src = MlflowClient(tracking_uri=source_uri, registry_uri=source_uri)
        self.dst = MlflowClient(tracking_uri=destination_uri, registry_uri=destination_uri)
        self.report = TrackingCopy(source_uri, destination_uri)
        #: source id -> destination id, of runs and of logged models
        self.runs: dict[str, str] = {}
        self.models: dict[str, str] = {}

    def copy(self) -> None:
        for experiment in _all(lambda token: self.src.search_experiments(page_token=token)):
            self.experiment(experiment)
        for registered in _all(lambda token: self.src.search_registered_models(page_token=token)):
            self.registered_model(registered.name)

    def experiment(self, experiment: Any) -> None:
        from mlflow.entities import ViewType

        src, dst = self.src, self.dst
        source_runs = _all(lambda token: src.search_runs(
            [experiment.experiment_id], run_view_type=ViewType.ACTIVE_ONLY, order_by=["attributes.start_time ASC"],
            page_token=token))
        source_models = _all(lambda token: src.search_logged_models([experiment.experiment_id], page_token=token))
        if not source_runs and not source_models:
            return  # e.g. MLflow's empty "Default" experiment
        target = dst.get_experiment_by_name(experiment.name)
        if target is None:
            tags = {k: v for k, v in experiment.tags.items() if not k.startswith("mlflow.")}
            experiment_id = str(dst.create_experiment(experiment.name, tags=tags))
        else:
            experiment_id = str(target.experiment_id)
        self.report.count("experiments", target is None)
        done_runs = _copies([(run.data.tags, run.info.run_id) for run in _all(lambda token: dst.search_runs(
            [experiment_id], run_view_type=ViewType.ACTIVE_ONLY, page_token=token))], dst.delete_run)
        done_models = _copies([(model.tags, model.model_id) for model in _all(
            lambda token: dst.search_logged_models([experiment_id], page_token=token))], dst.delete_logged_model)
        by_run: dict[str | None, list[Any]] = {}
        for model in source_models:
            by_run.setdefault(model.source_run_id, []).append(model)
        for run in source_runs:  # oldest first: a parent run is copied before its children
            old = run.info.run_id
            if old in done_runs:
                self.runs[old] = done_runs[old]
                self.report.count("runs", False)
            else:
                self.run(run, experiment_id, by_run.get(old, []), done_models)
        for model in by_run.get(None, []):  # logged models without a source run
            self.logged_model(model, experiment_id, None, done_models)

    def run(self, run: Any, experiment_id: str, run_models: Sequence[Any], done_models: dict[str, str]) -> None:
        from mlflow.entities import LoggedModelOutput, Metric, Param

        src, dst = self.src, self.dst
        old = run.info.run_id
        tags = {k: v for k, v in run.data.tags.items() if k != _PARENT_TAG}
        parent = run.data.tags.get(_PARENT_TAG)
        if parent:
            tags[_PARENT_TAG] = self.runs.get(parent, parent)
        tags |= {MIGRATED_FROM: old, COPY_STATE: _COPYING}
        new = str(dst.create_run(experiment_id, start_time=run.info.start_time, tags=tags,
                                 run_name=run.info.run_name).info.run_id)
        self.runs[old] = new
        params = [Param(k, v) for k, v in sorted(run.data.params.items())]
        for lo in range(0, len(params), _PARAMS_PER_BATCH):
            dst.log_batch(new, params=params[lo : lo + _PARAMS_PER_BATCH])
        for model in run_models:
            self.logged_model(model, experiment_id, (old, new), done_models)
        history = [Metric(m.key, m.value, m.timestamp, m.step) for key in sorted(run.data.metrics)
                   for m in src.get_metric_history(old, key)]
        # a logged model's metrics are run metrics that also name the model (and the dataset they were taken on)
        history += [Metric(m.key, m.value, m.timestamp, m.step, model_id=self.models[model.model_id],
                           dataset_name=m.dataset_name, dataset_digest=m.dataset_digest, run_id=new)
                    for model in run_models for m in (model.metrics or []) if m.run_id == old]
        for lo in range(0, len(history), _METRICS_PER_BATCH):
            dst.log_batch(new, metrics=history[lo : lo + _METRICS_PER_BATCH])
        if run.inputs is not None and run.inputs.dataset_inputs:
            dst.log_inputs(new, datasets=list(run.inputs.dataset_inputs))
        outputs = [LoggedModelOutput(self.models[o.model_id], o.step)
                   for o in (run.outputs.model_outputs if run.outputs is not None else [])
                   if o.model_id in self.models]
        if outputs:
            dst.log_outputs(new, outputs)
        if src.list_artifacts(old):
            with tempfile.TemporaryDirectory() as tmp:
                dst.log_artifacts(new, src.download_artifacts(old, "", tmp))
        dst.set_tag(new, COPY_STATE, _DONE)
        dst.set_terminated(new, status=run.info.status, end_time=run.info.end_time)
        self.report.count("runs", True)
        log.info("run %s (%s) -> %s", old, run.info.run_name, new)

    def logged_model(self, model: Any, experiment_id: str, run: tuple[str, str] | None,
                     done_models: dict[str, str]) -> None:
        import mlflow

        if model.model_id in done_models:
            self.models[model.model_id] = done_models[model.model_id]
            self.report.count("logged models", False)
            return
        dst = self.dst
        tags = {k: v for k, v in model.tags.items() if k != _MODEL_VERSIONS_TAG}
        tags |= {MIGRATED_FROM: model.model_id, COPY_STATE: _COPYING}
        created = dst.create_logged_model(experiment_id, name=model.name, source_run_id=run[1] if run else None,
                                          tags=tags, params=dict(model.params or {}), model_type=model.model_type)
        new = str(created.model_id)
        renames = {model.model_id: new, **({run[0]: run[1]} if run else {})}
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(mlflow.artifacts.download_artifacts(artifact_uri=model.artifact_location, dst_path=tmp,
                                                              tracking_uri=self.source_uri))
            mlmodel = local / _MLMODEL
            if mlmodel.is_file():  # it names the run and model it belongs to: the copies, from now on
                text = mlmodel.read_text()
                for before, after in renames.items():
                    text = text.replace(before, after)
                mlmodel.write_text(text)
            dst.log_model_artifacts(new, str(local))
        if str(model.status) in _FINAL_STATES:
            dst.finalize_logged_model(new, model.status)
        dst.set_logged_model_tags(new, {COPY_STATE: _DONE})
        self.models[model.model_id] = new
        self.report.count("logged models", True)
        log.info("logged model %s -> %s", model.model_id, new)

    def registered_model(self, name: str) -> None:
        from mlflow.exceptions import MlflowException

        src, dst = self.src, self.dst
        registered = src.get_registered_model(name)
        try:
            dst.get_registered_model(name)
        except MlflowException:
            dst.create_registered_model(name, tags=dict(registered.tags or {}), description=registered.description)
        there = {str(v.version): v for v in _all(lambda token: dst.search_model_versions(
            f"name = '{name}'", page_token=token))}
        versions = sorted(_all(lambda token: src.search_model_versions(f"name = '{name}'", page_token=token)),
                          key=lambda v: int(v.version))
        for version in versions:
            number = str(version.version)
            marker = f"{name}/{number}"
            if number in there:
                if (there[number].tags or {}).get(MIGRATED_FROM) != marker:
                    raise TrackingError(
                        f"the destination's registered model '{name}' already has a version {number} of its own; "
                        "copy into a store without that model (version numbers must stay the same)")
                self.report.count("model versions", False)
                continue
            created = dst.create_model_version(
                name, self.version_source(version), run_id=self.runs.get(version.run_id, version.run_id),
                tags={**{k: self.runs.get(v, v) for k, v in (version.tags or {}).items()}, MIGRATED_FROM: marker},
                description=version.description,
                model_id=self.models.get(self.version_model(version) or ""))
            if str(created.version) != number:
                raise TrackingError(f"version {number} of '{name}' became version {created.version} in the "
                                    "destination (it has versions this copy did not make)")
            self.report.count("model versions", True)
        held = {alias: str(number) for alias, number in (registered.aliases or {}).items()}
        for alias, number in sorted(held.items()):
            dst.set_registered_model_alias(name, alias, number)
        self.report.aliases[name] = held

    def version_model(self, version: Any) -> str | None:
        """The source logged model of ``version`` (MLflow 3: its source is ``models:/<model id>``), if any."""
        source = str(version.source)
        if version.model_id:
            return str(version.model_id)
        prefix = logged_model_uri("")
        return source[len(prefix):] if source.startswith(prefix) and "/" not in source[len(prefix):] else None

    def version_source(self, version: Any) -> str:
        """The copied version's source: the copied logged model (MLflow 3), else the copied run's path."""
        model = self.version_model(version)
        if model in self.models:
            return logged_model_uri(self.models[model])
        source = str(version.source)
        if source.startswith(_RUNS_URI_PREFIX):
            old = source[len(_RUNS_URI_PREFIX):].split("/", 1)[0]
            if old in self.runs:
                return source.replace(old, self.runs[old], 1)
        raise TrackingError(f"version {version.version} of '{version.name}' comes from {source}, which this copy "
                            "cannot carry over (neither a logged model nor a run of the source store)")
