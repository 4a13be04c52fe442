"""The team stack's compose file (deploy/docker-compose.yml, docs/deploy.md) wires every variable the project reads
for a deployment into the containers that need it, and commits no secret: credentials only arrive through
``${VAR}`` interpolation from deploy/.env, whose example leaves them empty.

The variables expected here come from the composed configuration (the ``${oc.env:...}`` references of
``tracking=server`` and ``ledger=postgres``, the odds key and alert variables conf/ names), not from a list kept
beside the compose file, so a renamed variable fails this test until the stack follows it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from nba_pra.config import load_project
from nba_pra.credentials import env_references

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
GUIDE = DEPLOY.parent / "docs" / "deploy.md"
#: ``${NAME}``, ``${NAME:-default}``, ``${NAME:?message}`` (``$$`` escapes a dollar for the container's shell)
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}")
#: a variable whose value is a credential
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY|WEBHOOK")
#: S3 client variables: DVC's (boto) in the job container, MLflow's artifact proxy in the server
S3_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def deployment_variables(project_root: Path) -> set[str]:
    """What the project reads from the environment in a team deployment (tracking server, ledger on PostgreSQL)."""
    settings = load_project(project_root, ["tracking=server", "ledger=postgres"]).settings
    alerts = settings.alerts
    theoddsapi = settings.odds.theoddsapi
    assert theoddsapi is not None
    return {*env_references(settings.tracking.uri), *env_references(settings.ledger.url), theoddsapi.api_key_env[0],
            alerts.webhook.url_env, alerts.smtp.username_env, alerts.smtp.password_env}


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    return dict(env) if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in (str(key), *_strings(value))]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [str(node)] if node is not None else []


def test_the_scheduled_jobs_get_every_variable_the_project_reads(compose, deployment_variables) -> None:
    assert {"MLFLOW_TRACKING_URI", "NBA_PRA_LEDGER_URL"} <= deployment_variables
    jobs = _environment(compose["services"]["scheduler"])
    assert deployment_variables <= jobs.keys()
    assert {*S3_CREDENTIALS, "AWS_ENDPOINT_URL"} <= jobs.keys()  # `dvc push` of the morning run
    assert jobs["MLFLOW_TRACKING_URI"] == "http://mlflow:5000"
    ledger = make_url(jobs["NBA_PRA_LEDGER_URL"])
    assert (ledger.drivername, ledger.host) == ("postgresql+psycopg", "postgres")
    # cron hands a job only the variables scheduler.sh writes at the top of the crontab: each of them must pass
    script = (DEPLOY / "scheduler.sh").read_text()
    kept = re.search(r"grep -E '([^']+)'", script)
    assert kept is not None and "nba-pra schedule --install" in script
    dropped = [name for name in jobs if not re.match(kept.group(1), f"{name}=value")]
    assert dropped == []
    # compose sets unused ones (ODDS_API_KEY, alerts) empty, and cron refuses the whole crontab for a `NAME=` line
    assert not re.match(kept.group(1), "ODDS_API_KEY=")


def test_the_mlflow_server_keeps_runs_in_postgres_and_artifacts_in_the_s3_store(compose) -> None:
    server = compose["services"]["mlflow"]
    env = _environment(server)
    command = " ".join(server["command"])
    assert "--backend-store-uri" in command and "--artifacts-destination s3://" in command
    assert make_url(env["MLFLOW_BACKEND_STORE_URI"]).drivername == "postgresql+psycopg"
    assert env["MLFLOW_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert set(S3_CREDENTIALS) <= env.keys()


def test_no_secret_is_written_in_the_compose_file(compose) -> None:
    for name, service in compose["services"].items():
        for key, value in _environment(service).items():
            value = str(value)
            if SECRET_NAME.search(key):
                # the whole value is one interpolation, with no default that could hold a secret
                match = re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*(:-|:\?[^}]*)?\}", value)
                assert match is not None, f"{name}.{key} = {value!r}"
            if "://" in value and "@" in value:  # credentials inside a URL
                url = make_url(value)
                for part in (url.username, url.password):
                    assert part is not None and INTERPOLATION.fullmatch(part), f"{name}.{key}: {part!r}"
    text = COMPOSE.read_text()
    defaults = re.findall(r"\$\{([A-Z_]+):-([^}]+)\}", text)
    assert [var for var, _ in defaults if SECRET_NAME.search(var)] == []


def test_every_variable_of_the_stack_is_in_the_example_env_and_the_guide(compose) -> None:
    used = {m.group(1) for s in _strings(compose) for m in INTERPOLATION.finditer(s)}
    example = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in ENV_EXAMPLE.read_text().splitlines()
               if line and not line.startswith("#")}
    assert used <= example.keys()
    assert [var for var, value in example.items() if SECRET_NAME.search(var) and value] == []
    guide = GUIDE.read_text()
    assert [var for var in sorted(used) if f"`{var}`" not in guide] == []


def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    """``docker compose config`` (or Debian's ``docker-compose``) validates and interpolates it: no daemon needed."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        command = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        command = ["docker-compose"]
    else:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    env = tmp_path / ".env"
    filled = {"POSTGRES_PASSWORD": "pw-0", "AWS_ACCESS_KEY_ID": "key-0", "AWS_SECRET_ACCESS_KEY": "secret-0"}
    env.write_text("".join(f"{k}={filled.get(k, v)}\n" for k, v in (
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if line and not line.startswith("#"))))
    done = subprocess.run([*command, "-f", str(COMPOSE), "--env-file", str(env), "config"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    rendered = yaml.safe_load(done.stdout)
    assert set(rendered["services"]) == {"postgres", "minio", "bucket", "mlflow", "scheduler", "backup"}
    ledger = make_url(rendered["services"]["scheduler"]["environment"]["NBA_PRA_LEDGER_URL"])
    assert (ledger.username, ledger.password, ledger.database) == ("nba_pra", "pw-0", "nba_pra")
    # without the secrets compose refuses to start, naming the variable
    env.write_text(env.read_text().replace("POSTGRES_PASSWORD=pw-0", "POSTGRES_PASSWORD="))
    refused = subprocess.run([*command, "-f", str(COMPOSE), "--env-file", str(env), "config"], capture_output=True,
                             text=True, check=False)
    assert refused.returncode != 0 and "POSTGRES_PASSWORD" in refused.stderr + refused.stdout
