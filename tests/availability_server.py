"""A real local HTTP server publishing injury report PDFs like the NBA's CDN (for integration tests).

``GET /referee/injury/<file name>`` answers the PDF bytes when published, 403 otherwise (S3 behind CloudFront
answers 403 for a missing key). Faults (an HTTP status) can be queued per file name and are consumed one per
request; every request is recorded (its file name in ``requests``, its arrival time in ``times``).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler

from local_http import LocalHTTPServer, QuietHandler

PREFIX = "/referee/injury/"


class ReportServer(LocalHTTPServer):
    """``with ReportServer({"Injury-Report_2025-03-08_12PM.pdf": b"%PDF..."}) as server:``."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = dict(files)
        self.requests: list[str] = []
        self.times: list[float] = []
        self._faults: dict[str, deque[int]] = defaultdict(deque)
        self._lock = threading.Lock()
        super().__init__(self._handler())

    @property
    def url_pattern(self) -> str:
        return f"{self.root_url}{PREFIX}Injury-Report_{{published:%Y-%m-%d_%I%p}}.pdf"

    def fail(self, name: str, *statuses: int) -> None:
        with self._lock:
            self._faults[name].extend(statuses)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                name = self.path[len(PREFIX):] if self.path.startswith(PREFIX) else ""
                server.times.append(time.monotonic())
                server.requests.append(name)
                with server._lock:
                    fault = server._faults[name].popleft() if server._faults[name] else None
                if fault is not None:
                    self._send(fault, b"fault", "text/plain")
                elif name in server.files:
                    self._send(200, server.files[name], "application/pdf")
                else:
                    self._send(403, b"<Error><Code>AccessDenied</Code></Error>", "application/xml")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
