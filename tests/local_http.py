"""One real HTTP server on 127.0.0.1 (free port) serving in a daemon thread: the base of every test server.

Subclasses build their request handler (a :class:`QuietHandler`), then call ``super().__init__(handler)``;
``with server:`` (or ``start()``/``stop()``) runs and closes it; ``root_url`` is ``http://127.0.0.1:<port>``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps test output quiet (no access log lines on stderr)."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send_json(self, data: bytes, status: int = 200) -> None:
        """``data`` (JSON text, already encoded) as the response, with its type and length."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class LocalHTTPServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler], *, block_on_close: bool = True) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        # False when a handler may still be sleeping on an injected timeout: teardown must not wait for it
        self._httpd.block_on_close = block_on_close
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def root_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
