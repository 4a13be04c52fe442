"""A team's shared services on loopback, for tests: an S3-compatible store (moto in server mode) and an MLflow
tracking server on PostgreSQL (a throwaway database) whose artifacts go to that store.

PostgreSQL is the CI server (``NBA_PRA_TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/
test``); when it does not answer, the fixtures using this module skip with the reason, like the other PostgreSQL
tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("NBA_PRA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: moto accepts any credentials; the MLflow server (and DVC) read these from the environment
S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
BUCKET = "nba-pra-team"
#: an MLflow server starts in ~10 s alone and over a minute on a busy 2-core machine
SERVER_START_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class S3Store:
    endpoint: str
    bucket: str

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, **{
            "aws_access_key_id": S3_ENV["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": S3_ENV["AWS_SECRET_ACCESS_KEY"],
            "region_name": S3_ENV["AWS_DEFAULT_REGION"]})

    def object_keys(self, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [obj["Key"] for page in pages for obj in page.get("Contents", [])]


@contextmanager
def s3_store() -> Iterator[S3Store]:
    """moto's S3 in a thread on a free loopback port, with one empty bucket."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        store = S3Store(f"http://127.0.0.1:{port}", BUCKET)
        store.client().create_bucket(Bucket=BUCKET)
        yield store
    finally:
        server.stop()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database on the test server (dropped afterwards); its SQLAlchemy URL."""
    import psycopg

    url = make_url(PG_URL)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"nba_pra_mlflow_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {PG_URL} ({exc.__class__.__name__}); set NBA_PRA_TEST_POSTGRES_URL")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def mlflow_server(backend_uri: str, store: S3Store, prefix: str = "mlflow") -> Iterator[str]:
    """``mlflow server`` on a free loopback port: runs and registry in ``backend_uri``, artifacts proxied to
    ``s3://<bucket>/<prefix>``. Yields its URL."""
    port = free_port()
    env = {**os.environ, **S3_ENV, "MLFLOW_S3_ENDPOINT_URL": store.endpoint,
           # the server's background job runner (and its worker pool) is not needed here
           "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    cmd = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", backend_uri,
           "--artifacts-destination", f"s3://{store.bucket}/{prefix}", "--host", "127.0.0.1", "--port", str(port),
           "--workers", "1"]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"mlflow server exited with {process.returncode}: {process.stderr.read()[-2000:]}")
            try:
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server not healthy after {SERVER_START_TIMEOUT_S:g} s")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A command of this venv (its ``bin/`` first on PATH) in ``cwd``, output captured."""
    bin_dir = str(Path(sys.executable).parent)
    full = {**os.environ, **(env or {}), "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")])}
    return subprocess.run(args, cwd=cwd, env=full, capture_output=True, text=True, check=False)


def git_commit_all(root: Path, message: str) -> None:
    for cmd in (["git", "add", "-A"], ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message]):
        done = run(cmd, root)
        assert done.returncode == 0, done.stderr


def git_project(root: Path, project_root: Path) -> Path:
    """``root`` (a project copy) as a git + DVC repository with one commit: ``.dvc`` and ``.gitignore`` come from
    ``project_root``."""
    shutil.copytree(project_root / ".dvc", root / ".dvc", ignore=shutil.ignore_patterns("tmp", "cache"))
    shutil.copy2(project_root / ".gitignore", root / ".gitignore")
    assert run(["git", "init", "-q"], root).returncode == 0
    git_commit_all(root, "copy")
    return root
