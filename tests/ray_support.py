"""A Ray head on this machine for the scale-out tests: `ray start --head --block` in its own process group, stopped by
interrupting that group (never `ray stop`, which stops every Ray on the machine).

Asked for 127.0.0.1, Ray 2.60 advertises the machine's own address instead (``services.resolve_ip_for_localhost``:
its nodes must be reachable from other nodes); drivers here connect through 127.0.0.1:PORT."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: seconds a head may take to start its processes (measured ~5-8 s idle, more under load)
READY_TIMEOUT_S = 180.0
#: seconds the head may take to stop on an interrupt before it is killed (idle: ~2 s)
STOP_TIMEOUT_S = 10.0
AUTH_MODE = "RAY_AUTH_MODE"
TOKEN_PATH = "RAY_AUTH_TOKEN_PATH"
#: what `ray start` prints once the head's processes are up (a driver's ray.init then waits for the node itself)
STARTED = "Ray runtime started"


def ray_missing() -> str | None:
    """Why Ray cannot run here (None if it can): the tests say so and skip."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:  # not imported here: ray reads its switches when imported
        return "Ray is not installed; install the extra: uv sync --extra ray"
    if shutil.which("ray", path=str(Path(sys.executable).parent)) is None:
        return "the `ray` command is not beside this Python"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def ray_head(num_cpus: int) -> Iterator[str]:
    """A Ray head with ``num_cpus`` CPUs; yields its address (``127.0.0.1:PORT``)."""
    port = free_port()
    # a short temp dir: Ray's unix socket paths must fit in 107 bytes
    temp_dir = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    # token authentication (Ray's default since 2.5x): a driver that joins by address sends the token only when
    # told to, as a user joining a cluster must (README, "Scale-out on Ray"). The head and this process's drivers
    # share a token of their own (not ~/.ray/auth_token, which a fresh machine does not have)
    token = Path(temp_dir) / "auth_token"
    token.write_text(secrets.token_hex(32))
    saved = {name: os.environ.get(name) for name in (AUTH_MODE, TOKEN_PATH)}
    os.environ[AUTH_MODE] = "token"
    os.environ[TOKEN_PATH] = str(token)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    command = [str(Path(sys.executable).parent / "ray"), "start", "--head", "--block",
               "--node-ip-address=127.0.0.1", f"--port={port}", f"--num-cpus={num_cpus}",
               "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp_dir}"]
    log = Path(temp_dir) / "head.log"
    with log.open("wb") as out:
        head = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while STARTED not in log.read_text(errors="replace"):
            if head.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Ray head did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(1.0)
        yield address
    finally:
        with suppress(ProcessLookupError):  # a head that failed to start may have taken its group with it
            os.killpg(head.pid, signal.SIGINT)
        try:
            head.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        shutil.rmtree(temp_dir, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
