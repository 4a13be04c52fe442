"""A real local HTTP server speaking The Odds API v4 shapes, with injectable faults (for integration tests).

Runs ``http.server`` in a thread on 127.0.0.1 with a free port. Routes:

* ``GET /v4/sports/{sport}/events`` -> ``events`` (list of v4 event objects);
* ``GET /v4/sports/{sport}/events/{id}/odds`` -> ``odds[id]`` (v4 event-odds object), 404 when unknown.

Every response carries the quota headers (``x-requests-remaining/used/last``); an odds request costs
``markets x regions`` credits like the real API. A request without the expected ``apiKey`` gets 401.
Faults are queued per route (``"events"`` / ``"odds"``) and consumed one per request, so "429 twice, then
success" is ``server.fail("odds", Fault(status=429, ...), Fault(status=429, ...))``.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local_http import LocalHTTPServer, QuietHandler

_EVENTS = re.compile(r"^/v4/sports/(?P<sport>[^/]+)/events$")
_ODDS = re.compile(r"^/v4/sports/(?P<sport>[^/]+)/events/(?P<event>[^/]+)/odds$")


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour: an HTTP status (+ headers/body), a delay, or a broken body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # JSON-serialisable body to send instead of the normal one
    raw: bytes | None = None  # bytes sent verbatim (e.g. truncated JSON)
    delay_s: float = 0.0  # sleep before answering (timeouts)


@dataclass
class Seen:
    """A request the server received."""

    route: str
    path: str
    query: dict[str, list[str]]


class OddsApiServer(LocalHTTPServer):
    """Start with ``with OddsApiServer(api_key=...) as server:``; ``server.base_url`` points at it."""

    def __init__(self, *, api_key: str, events: list[dict] | None = None, odds: dict[str, dict] | None = None,
                 remaining: int = 500) -> None:
        self.api_key = api_key
        self.events = events or []
        self.odds = odds or {}
        self.remaining = remaining
        self.used = 0
        self.requests: list[Seen] = []
        self._faults: dict[str, deque[Fault]] = {"events": deque(), "odds": deque()}
        self._lock = threading.Lock()
        super().__init__(self._handler(), block_on_close=False)  # timeout faults sleep in their handler

    @property
    def base_url(self) -> str:
        return self.root_url

    def fail(self, route: str, *faults: Fault) -> None:
        """Queue faults for the next requests of ``route`` ("events" or "odds")."""
        with self._lock:
            self._faults[route].extend(faults)

    def count(self, route: str) -> int:
        return sum(1 for r in self.requests if r.route == route)

    # --- request handling ----------------------------------------------------------------------------------

    def _next_fault(self, route: str) -> Fault | None:
        with self._lock:
            return self._faults[route].popleft() if self._faults[route] else None

    def _answer(self, route: str, match: re.Match[str], query: dict[str, list[str]]) -> tuple[int, Any, int]:
        """(status, body, cost) of a well-behaved API."""
        if query.get("apiKey", [""])[0] != self.api_key:
            return 401, {"message": "API key is not valid or was not provided", "error_code": "INVALID_KEY"}, 0
        if route == "events":
            return 200, self.events, 0
        event = self.odds.get(match["event"])
        if event is None:
            return 404, {"message": "Event not found"}, 0
        markets = query.get("markets", [""])[0].split(",")
        regions = max(1, len(query.get("regions", [""])[0].split(",")))
        wanted = {
            **event,
            "bookmakers": [
                {**b, "markets": [m for m in b["markets"] if m["key"] in markets]} for b in event["bookmakers"]
            ],
        }
        return 200, wanted, len(markets) * regions

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                route, match = "unknown", None
                if m := _EVENTS.match(parts.path):
                    route, match = "events", m
                elif m := _ODDS.match(parts.path):
                    route, match = "odds", m
                server.requests.append(Seen(route, parts.path, query))
                if match is None:
                    self._send(404, {"message": "Unknown path"}, {})
                    return
                fault = server._next_fault(route)
                if fault and fault.delay_s:
                    time.sleep(fault.delay_s)
                status, body, cost = server._answer(route, match, query)
                if status == 200:
                    with server._lock:
                        server.remaining -= cost
                        server.used += cost
                headers = {
                    "x-requests-remaining": str(server.remaining),
                    "x-requests-used": str(server.used),
                    "x-requests-last": str(cost),
                }
                if fault and (fault.status != 200 or fault.body is not None or fault.raw is not None):
                    headers.update(fault.headers)
                    if fault.raw is not None:
                        self._send_raw(fault.status, fault.raw, headers)
                    else:
                        self._send(fault.status, fault.body if fault.body is not None else {"message": "fault"},
                                   headers)
                    return
                self._send(status, body, headers)

            def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
                self._send_raw(status, json.dumps(body).encode(), headers)

            def _send_raw(self, status: int, raw: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    return

        return Handler


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
