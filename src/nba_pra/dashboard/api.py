"""The JSON API behind the pages (``/api/...``): GET only, every response typed (see ``/openapi.json``).

Each route returns the same view its page renders, with every configured secret masked
(:func:`nba_pra.redaction.redact_value`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Final

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from nba_pra.config import Project
from nba_pra.dashboard import readers, schemas, views
from nba_pra.redaction import redact_value

API_PREFIX = "/api"
# the guard (dashboard/guard.py) refuses long query strings before any route runs: documented on every route
_TOO_LONG: Final[dict[int | str, dict[str, Any]]] = {
    414: {"description": "query string longer than dashboard.max_query_chars",
          "content": {"text/plain": {"schema": {"type": "string"}}}},
}
router = APIRouter(prefix=API_PREFIX, tags=["api"], responses=_TOO_LONG)

Page = Annotated[int, Query(ge=1, description="1-based page number (clamped to the last page)")]
PNG = "image/png"


def project_of(request: Request) -> Project:
    return request.app.state.project


def health_of(project: Project) -> schemas.Health:
    """The health view as of now (the artifacts' ages are measured against the request's time)."""
    return views.health_view(readers.read_health(project, pd.Timestamp.now(tz="UTC")), project.settings)


def safe_dump(request: Request, view: BaseModel) -> dict[str, Any]:
    """The view as JSON-ready values with the app's secrets masked (the one way a view leaves the server)."""
    return redact_value(_measured(view.model_dump(mode="json")), request.app.state.secrets)


def _measured(value: Any) -> Any:
    """``value`` with every NaN or infinite number as None: a figure that could not be measured (an interval over
    too few days) is ``null`` like every other missing value; NaN is not JSON, and answered a 500."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _measured(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_measured(v) for v in value]
    return value


def _json(request: Request, view: BaseModel) -> JSONResponse:
    return JSONResponse(safe_dump(request, view))


@router.get("/slate", response_model=schemas.Slate, summary="Today's slate: predictions, best book, decisions")
def slate(
    request: Request,
    player: Annotated[str, Query(description="player name contains (case-insensitive)")] = "",
    team: Annotated[str, Query(description="team tricode, e.g. BOS")] = "",
    sort: Annotated[views.SlateSort | None, Query(description="column to sort by")] = None,
    descending: bool = True,
    page: Page = 1,
) -> JSONResponse:
    project = project_of(request)
    view = views.slate_view(
        readers.read_slate(project), project.settings, player=player, team=team,
        sort=sort.value if sort else None, descending=descending, page=page,
    )
    return _json(request, view)


@router.get("/ledger", response_model=schemas.Ledger, summary="Ledger: bets, settlement, CLV, bankroll, buckets")
def ledger(request: Request, page: Page = 1) -> JSONResponse:
    project = project_of(request)
    return _json(request, views.ledger_view(readers.read_ledger(project), project.settings, page=page))


@router.get("/live", response_model=schemas.Live, summary="Live (in-game) bets with their game state and results")
def live(request: Request, page: Page = 1) -> JSONResponse:
    project = project_of(request)
    return _json(request, views.live_view(readers.read_live(project), project.settings, page=page))


@router.get("/models", response_model=schemas.Models, summary="Champion and challenger with calibration metrics")
def models(request: Request) -> JSONResponse:
    project = project_of(request)
    return _json(request, views.models_view(readers.read_models(project), project.settings))


@router.get(
    views.PLOT_ROUTE.removeprefix(API_PREFIX),
    response_class=Response,
    responses={
        200: {"content": {PNG: {}}, "description": "the PNG the version's training run logged"},
        404: {"model": schemas.NotFound, "description": "not a configured plot, or no such version or plot"},
    },
    summary="A calibration plot of a model version",
)
def model_plot(request: Request, version: str, name: str) -> Response:
    png = readers.model_plot(project_of(request), version, name)
    if png is None:
        allowed = ", ".join(project_of(request).settings.dashboard.model_plots)
        raise HTTPException(404, f"no plot {name!r} for version {version!r} (plots: {allowed})")
    return Response(png, media_type=PNG)


@router.get("/health", response_model=schemas.Health, summary="Data freshness, odds quota, health warnings")
def health(request: Request) -> JSONResponse:
    return _json(request, health_of(project_of(request)))
