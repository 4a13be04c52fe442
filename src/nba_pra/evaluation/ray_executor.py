"""The walk-forward's retrain blocks as Ray tasks (``backtest.executor: ray``).

Every block's fit is independent of the others (:class:`~nba_pra.evaluation.walkforward.BlockFit`), so the blocks
run as parallel tasks on a Ray cluster: the history frame goes to the object store once, each task reserves as
many CPUs as its fit uses library threads (``backtest.model.threads``), and returns its ensemble in the library's
own file format (:meth:`~nba_pra.model.ensemble.Ensemble.to_files`, no pickled models). The driver stores and
predicts each block as soon as its task returns, so the predictions are the local executor's, bit for bit, and an
interrupted run keeps every finished block in the cache.

``backtest.ray.address`` null starts a Ray instance on this machine for the run (``num_cpus`` of them) and stops
it afterwards; ``auto`` or ``ray://HOST:PORT`` joins a running cluster, whose nodes must have this package (the
same ``uv.lock``) and the project's environment.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from nba_pra.backtest.settings import RaySettings
from nba_pra.errors import ConfigError, NbaPraError
from nba_pra.evaluation.walkforward import BlockFit, FitExecutor
from nba_pra.model.backends import backend_for
from nba_pra.model.ensemble import Ensemble

log = logging.getLogger(__name__)


class RemoteFitError(NbaPraError):
    """A retrain block's fit failed inside a Ray task (the message names the block and the task's error)."""


def fit_files(fit: BlockFit, history: pd.DataFrame, day: pd.Timestamp) -> tuple[dict[str, bytes], float]:
    """One block's fit, run inside a Ray task: the ensemble as its saved files, and the fit's own seconds (what
    one worker spends per block, beside the run's wall time)."""
    started = time.perf_counter()
    files = fit(history, day).to_files()
    return files, time.perf_counter() - started


#: Ray's switch for replicating a ``uv run`` driver's environment on the workers (read when ray is imported)
UV_RUN_SWITCH = "RAY_ENABLE_UV_RUN_RUNTIME_ENV"


def use_cluster_python() -> None:
    """Unless the user chose otherwise, turn off Ray's ``uv run`` replication before ray is imported: with it, a
    driver started by ``uv run`` makes every worker build a fresh environment from a copy of the project folder
    (minutes, and impossible in a project folder without ``pyproject.toml``). Workers then run the Python that
    ``ray start`` ran, which on this machine is the project's own environment. Set the variable to 1 to have Ray
    replicate the environment on the nodes of a cluster that lacks the package."""
    os.environ.setdefault(UV_RUN_SWITCH, "0")


def _import_ray() -> Any:
    use_cluster_python()
    try:
        import ray
    except ImportError as exc:  # the optional extra is missing
        raise ConfigError("backtest.executor=ray needs Ray: install it with pip install 'nba-pra[ray]' "
                          "(or uv sync --extra ray), or set backtest.executor=local") from exc
    return ray


@contextmanager
def ray_session(settings: RaySettings) -> Iterator[Any]:
    """The ``ray`` module connected to ``settings.address`` (or to a Ray started here); a connection made here is
    closed on exit (a started instance is stopped; a joined cluster keeps running)."""
    ray = _import_ray()
    if ray.is_initialized():  # e.g. inside a Hydra Ray-launcher job: use the session already there
        yield ray
        return
    options: dict[str, Any] = {"address": settings.address, "log_to_driver": False,
                               "logging_level": logging.WARNING}
    if settings.address is None:
        options |= {"num_cpus": settings.num_cpus, "include_dashboard": False}
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot connect to Ray at backtest.ray.address={settings.address!r}: {exc} (a cluster "
                          "with token authentication, Ray's default, needs RAY_AUTH_MODE=token here when joined by "
                          "address)") from exc
    log.info("Ray %s: %s CPUs", "started here" if settings.address is None else f"at {settings.address}",
             ray.cluster_resources().get("CPU"))
    try:
        yield ray
    finally:
        ray.shutdown()


def ray_executor(settings: RaySettings) -> FitExecutor:
    """A :data:`~nba_pra.evaluation.walkforward.FitExecutor` running each fit as a Ray task on ``settings``'
    cluster; yields the blocks in the order their tasks finish."""

    def run(fit: BlockFit, history: pd.DataFrame,
            days: Sequence[pd.Timestamp]) -> Iterator[tuple[pd.Timestamp, Ensemble]]:
        if not days:
            return
        if fit.threads is None:
            param = backend_for(fit.model.kind).threads_param
            raise ConfigError(f"backtest.executor=ray needs each fit's thread count: set backtest.model.threads "
                              f"(or the model's {param}); unset, every fit takes all of a node's cores while "
                              "Ray reserves one CPU for it")
        with ray_session(settings) as ray:
            task = ray.remote(num_cpus=fit.threads, max_retries=0)(fit_files)
            shared = ray.put(history)
            pending = {task.remote(fit, shared, day): day for day in days}
            log.info("Ray: %d retrain block(s) submitted, %d CPU(s) each", len(pending), fit.threads)
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                day = pending.pop(ready[0])
                try:
                    files, seconds = ray.get(ready[0])
                except ray.exceptions.RayError as exc:
                    for ref in pending:
                        ray.cancel(ref)
                    raise RemoteFitError(f"the retrain as of {day.date()} failed in its Ray task: {exc}") from exc
                log.info("Ray: retrain as of %s fitted in %.1f s in its task", day.date(), seconds,
                         extra={"task_fit_s": seconds})
                yield day, Ensemble.from_files(files)

    return run
