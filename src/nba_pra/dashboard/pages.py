"""The HTML pages: each renders the view its API route returns (Jinja2 templates under ``templates/``).

Sorting, filtering and paging are query parameters (links and a GET form), so every page works without
JavaScript. Text leaves through :func:`_page`, which masks the app's secrets like the API does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel

from nba_pra import __version__
from nba_pra.betting.decisions import reason_help
from nba_pra.dashboard import readers, views
from nba_pra.dashboard.api import Page, health_of, project_of, safe_dump
from nba_pra.formatting import clv_points, interval, p_value
from nba_pra.redaction import redact_value
from nba_pra.reporting.timestamps import human_time

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
#: the bankroll chart's drawing box (SVG user units; the browser scales it to the page width)
CHART_WIDTH: Final = 800
CHART_HEIGHT: Final = 280
CHART_PAD: Final = 10
#: room for the y tick labels and axis title (left), the x tick labels and axis title (bottom) and half of the
#: last date label, which is centred on the last point (right)
CHART_MARGIN_LEFT: Final = 70
CHART_MARGIN_BOTTOM: Final = 45
CHART_MARGIN_RIGHT: Final = 40
#: at most this many labelled dates on the x axis, and about this many round values on the y axis
CHART_X_TICKS: Final = 6
CHART_Y_TICKS: Final = 5
MISSING: Final = "–"

#: slate table: (field, header, format) -- formats are the filters below
SLATE_COLUMNS: Final = (
    ("player_name", "player", "text"), ("team", "team", "text"), ("opponent", "opp", "text"),
    ("mean", "mean", "num1"), ("std", "sd", "num1"), ("line", "line", "num1"),
    ("p_over", "P(over)", "prob"), ("p_under", "P(under)", "prob"), ("p_push", "P(push)", "prob"),
    ("side", "side", "text"), ("best_book", "best book", "text"), ("price", "price", "american"),
    ("edge", "edge", "pct"), ("stake_pct", "stake %", "num2"), ("stake_units", "stake (u)", "num2"),
    ("decision", "decision", "text"), ("state", "state", "text"), ("reason", "reason", "text"),
    ("gate_reason", "why paper", "text"),
)
LEDGER_COLUMNS: Final = (
    ("game_date", "date", "text"), ("player_name", "player", "text"), ("team", "team", "text"),
    ("phase", "phase", "text"),
    ("bookmaker", "book", "text"), ("side", "side", "text"), ("line", "line", "num1"),
    ("price", "price", "american"), ("state", "state", "text"), ("stake", "stake (u)", "num2"),
    ("edge", "edge", "pct"), ("p_win", "P(win)", "prob"), ("result", "result", "text"), ("actual_pra", "PRA", "num0"),
    ("profit", "profit (u)", "signed2"), ("close_line", "close", "num1"), ("clv_price", "CLV price", "spct"),
    ("clv_prob", "CLV prob", "spct"), ("clv_line", "CLV line", "signed2"), ("gate_reason", "why paper", "text"),
)
LIVE_COLUMNS: Final = (
    ("game_date", "date", "text"), ("player_name", "player", "text"), ("team", "team", "text"),
    ("live_period", "period", "num0"), ("live_clock_s", "clock (s)", "num0"), ("live_minutes", "min", "num1"),
    ("live_pra", "PRA so far", "num0"), ("live_pf", "PF", "num0"), ("live_margin", "margin", "signed0"),
    ("bookmaker", "book", "text"), ("side", "side", "text"), ("line", "line", "num1"),
    ("price", "price", "american"), ("state", "state", "text"), ("stake", "stake (u)", "num2"),
    ("edge", "edge", "pct"), ("p_win", "P(win)", "prob"), ("result", "result", "text"),
    ("actual_pra", "final PRA", "num0"), ("profit", "profit (u)", "signed2"),
)
#: the mark after a suspect edge (its meaning is the footnote under the table)
SUSPECT_MARK: Final = "!"

router = APIRouter(include_in_schema=False)


def _fmt(value: Any, kind: str) -> str:
    """One cell as text; missing values are a dash, never a misleading 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    formats = {
        "num0": "{:.0f}", "num1": "{:.1f}", "num2": "{:.2f}", "signed0": "{:+.0f}", "signed2": "{:+.2f}",
        # a log-loss difference: its interval's ends can be a few hundred-thousandths from 0
        "signed5": "{:+.5f}",
        "signed3": "{:+.3f}",
        "prob": "{:.3f}",
        "pct": "{:.1%}", "pct0": "{:.0%}", "spct": "{:+.2%}", "american": "{:+.0f}",
    }
    # as on the CLI: p-values and Holm levels, probability CLV
    figures: dict[str, Callable[[float], str]] = {"p": p_value, "spp": clv_points}
    if kind in figures:
        return figures[kind](value)
    return formats[kind].format(value) if kind in formats else str(value)


def _interval(lo: Any, hi: Any, kind: str = "spct") -> str:
    """``[lo, hi]`` in a cell format, or ``[n/a]`` when it has no ends (:func:`nba_pra.formatting.interval`)."""
    return interval(lo, hi, lambda value: _fmt(value, kind))


def svg_points(values: list[float], width: float = CHART_WIDTH, height: float = CHART_HEIGHT,
               pad: float = CHART_PAD) -> str:
    """``x,y`` pairs of a polyline through ``values`` spread evenly across the box (y grows downward in SVG)."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def share_below_top(v: float) -> float:
        return (hi - v) / (hi - lo) if hi > lo else 0.5  # a flat curve is drawn mid-height

    return " ".join(
        f"{pad + i * step:.1f},{pad + (height - 2 * pad) * share_below_top(v):.1f}" for i, v in enumerate(values)
    )


def nice_ticks(lo: float, hi: float, most: int = CHART_Y_TICKS) -> list[float]:
    """At most ``most`` (+1) round tick values covering ``[lo, hi]``: a step of 1, 2 or 5 times a power of ten."""
    if hi <= lo:
        return [lo]
    rough = (hi - lo) / most
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    first = math.floor(lo / step) * step
    count = math.ceil(hi / step - first / step - 1e-9)  # float noise must not add a tick
    return [round(first + i * step, 10) for i in range(count + 1)]


def line_chart(labels: list[str], values: list[float], *, width: float = CHART_WIDTH,
               height: float = CHART_HEIGHT, x_ticks: int = CHART_X_TICKS) -> dict[str, Any]:
    """Geometry of a line chart with axes: the polyline, the plot box and the ticks of both axes.

    Points are spread evenly along x (one per label); y runs over round tick values covering the values.
    Returns ``points`` (SVG polyline), ``box`` (left, top, right, bottom of the plot area), ``x_ticks`` and
    ``y_ticks`` (lists of ``(position, text)``).
    """
    left, top, right, bottom = CHART_MARGIN_LEFT, CHART_PAD, width - CHART_MARGIN_RIGHT, height - CHART_MARGIN_BOTTOM
    if not values:
        return {"points": "", "box": (left, top, right, bottom), "x_ticks": [], "y_ticks": []}
    ticks = nice_ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]
    inner_w, inner_h = right - left, bottom - top
    step = inner_w / max(len(values) - 1, 1)
    shown = sorted({round(i * (len(values) - 1) / max(x_ticks - 1, 1)) for i in range(min(x_ticks, len(values)))})

    def y_of(v: float) -> float:
        return top + inner_h * ((hi - v) / (hi - lo) if hi > lo else 0.5)  # a flat curve is drawn mid-height

    return {
        "points": " ".join(f"{left + i * step:.1f},{y_of(v):.1f}" for i, v in enumerate(values)),
        "box": (left, top, right, bottom),
        "x_ticks": [(round(left + i * step, 1), labels[i]) for i in shown],
        "y_ticks": [(round(y_of(v), 1), f"{v:g}") for v in ticks],
    }


def _query(params: dict[str, Any], **changes: Any) -> str:
    """A query string: ``params`` updated with ``changes``, empty values dropped."""
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})


_env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]))
_env.filters["fmt"] = _fmt
_env.globals["interval"] = _interval
_env.filters["when"] = lambda value: human_time(value) or MISSING
_env.globals.update(
    query=_query, svg_points=svg_points, line_chart=line_chart, reason_help=reason_help, version=__version__,
    chart={"w": CHART_WIDTH, "h": CHART_HEIGHT},
    SLATE_COLUMNS=SLATE_COLUMNS, LEDGER_COLUMNS=LEDGER_COLUMNS, LIVE_COLUMNS=LIVE_COLUMNS, MISSING=MISSING,
    SUSPECT_MARK=SUSPECT_MARK,
)


def _page(request: Request, template: str, view: BaseModel, **extra: Any) -> HTMLResponse:
    html = _env.get_template(template).render(view=safe_dump(request, view), active=template, **extra)
    return HTMLResponse(redact_value(html, request.app.state.secrets))


@router.get("/", response_class=HTMLResponse)
def slate_page(
    request: Request,
    player: str = "",
    team: str = "",
    sort: Annotated[views.SlateSort | None, Query()] = None,
    descending: bool = True,
    page: Page = 1,
) -> HTMLResponse:
    project = project_of(request)
    view = views.slate_view(
        readers.read_slate(project), project.settings, player=player, team=team,
        sort=sort.value if sort else None, descending=descending, page=page,
    )
    params = {"player": view.player, "team": view.team, "sort": view.sort, "descending": str(view.descending).lower()}
    return _page(request, "slate.html", view, params=params)


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, page: Page = 1) -> HTMLResponse:
    project = project_of(request)
    view = views.ledger_view(readers.read_ledger(project), project.settings, page=page)
    return _page(request, "ledger.html", view)


@router.get("/live", response_class=HTMLResponse)
def live_page(request: Request, page: Page = 1) -> HTMLResponse:
    project = project_of(request)
    return _page(request, "live.html", views.live_view(readers.read_live(project), project.settings, page=page))


@router.get("/models", response_class=HTMLResponse)
def models_page(request: Request) -> HTMLResponse:
    project = project_of(request)
    return _page(request, "models.html", views.models_view(readers.read_models(project), project.settings))


@router.get("/health", response_class=HTMLResponse)
def health_page(request: Request) -> HTMLResponse:
    return _page(request, "health.html", health_of(project_of(request)))
