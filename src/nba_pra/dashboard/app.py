"""``create_app(project)``: the dashboard's FastAPI application; ``serve`` runs it with uvicorn.

The app holds the project's settings and its secrets (to mask them), nothing else: every request reads the
ledger, the artifacts and the registry afresh, so a pipeline run shows up on the next page load without a
restart. There are no write routes: only GET (HEAD answered as GET) and the static files.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from nba_pra import __version__
from nba_pra.config import Project
from nba_pra.dashboard import api, guard, pages
from nba_pra.redaction import secrets_of

log = logging.getLogger(__name__)

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
#: interfaces only this machine can reach; anything else exposes an unauthenticated ledger
LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})


def create_app(project: Project, bind_host: str | None = None) -> FastAPI:
    """The dashboard for ``project`` (pages at ``/``, JSON under ``/api``, schema at ``/openapi.json``), served
    on ``bind_host`` (default: ``dashboard.host``), which decides the ``Host`` names it accepts (:mod:`.guard`).

    The interactive ``/docs`` and ``/redoc`` pages are off: they load their JavaScript from a CDN, which leaves a
    blank page offline; ``/openapi.json`` is the published schema.
    """
    app = FastAPI(
        title="nba-pra dashboard",
        version=__version__,
        description="Read-only views of today's slate, the bet ledger, the registered models and pipeline health.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.project = project
    app.state.secrets = secrets_of(project.settings)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    settings = project.settings.dashboard
    hosts = guard.trusted_hosts(settings.trusted_hosts, bind_host or settings.host)
    guard.install(app, hosts, settings.max_query_chars)
    return app


def serve(project: Project, host: str | None = None, port: int | None = None) -> None:
    """Run the dashboard until interrupted, on ``host:port`` (default: ``conf/dashboard/``, i.e. 127.0.0.1:8050)."""
    import uvicorn

    settings = project.settings.dashboard
    host = host or settings.host
    port = port or settings.port
    if host not in LOOPBACK_HOSTS:
        log.warning("the dashboard listens on %s: anyone who can reach it sees the ledger (it has no login)", host)
        log.warning("requests must name one of these hosts (dashboard.trusted_hosts): %s",
                    ", ".join(guard.trusted_hosts(settings.trusted_hosts, host)))
    print(f"nba-pra dashboard: http://{host}:{port}/ (API schema /openapi.json; Ctrl+C stops it)", flush=True)
    uvicorn.run(create_app(project, host), host=host, port=port, log_level=settings.log_level)
