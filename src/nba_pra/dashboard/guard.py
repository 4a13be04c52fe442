"""What every request passes before a route sees it: a trusted ``Host``, a bounded query string, ``HEAD`` as ``GET``.

* **Host.** The dashboard has no login and trusts its network position (loopback by default). A web page on any
  site can point its own DNS name at 127.0.0.1 (DNS rebinding) and then read the dashboard as same-origin; the
  browser still sends the attacker's name in ``Host``, so refusing unknown hosts closes that door.
* **Query length.** The slate echoes its filter into every sort link: an unbounded query string multiplies into a
  page many times its size. Longer queries than ``dashboard.max_query_chars`` are refused with 414 before any
  route parses them.
* **HEAD.** FastAPI registers GET routes only; HTTP says HEAD is GET without the body, so it is served that way
  (monitors and link checkers probe with HEAD).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Final

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: HTTP status for a request target longer than the server accepts (RFC 9110 §15.5.15)
URI_TOO_LONG: Final = 414
#: the ``trusted_hosts`` entry that turns the Host check off (e.g. behind a proxy that checks it)
ANY_HOST: Final = "*"


def _is_wildcard_or_loopback(bind_host: str) -> bool:
    if bind_host in ("", "localhost"):
        return True
    try:
        address = ipaddress.ip_address(bind_host)
    except ValueError:
        return False  # a host name: it is what clients will send
    return address.is_loopback or address.is_unspecified


def trusted_hosts(configured: Sequence[str], bind_host: str) -> tuple[str, ...]:
    """The ``Host`` names the app accepts: ``configured`` plus the address it is bound to, when that is a specific
    non-loopback address (clients reaching ``--host 192.168.1.5`` send that address). IPv6 literals are written
    in brackets, as they appear in a ``Host`` header."""
    hosts = list(configured)
    if not _is_wildcard_or_loopback(bind_host):
        hosts.append(f"[{bind_host}]" if ":" in bind_host else bind_host)
    return tuple(dict.fromkeys(h.lower() for h in hosts))


def query_too_long(query_string: bytes, max_chars: int) -> bool:
    """Whether the raw (still percent-encoded) query string exceeds ``max_chars`` bytes."""
    return len(query_string) > max_chars


class QueryAndHeadGuard:
    """ASGI middleware: 414 for a query string over ``max_query_chars``; HEAD answered as GET without a body."""

    def __init__(self, app: ASGIApp, max_query_chars: int) -> None:
        self.app = app
        self.max_query_chars = max_query_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if query_too_long(scope.get("query_string", b""), self.max_query_chars):
            response = PlainTextResponse(
                f"query string longer than {self.max_query_chars} characters", status_code=URI_TOO_LONG
            )
            await response(scope, receive, send)
            return
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            # keep the status and headers (Content-Length included, as RFC 9110 allows) and drop the body
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def install(app: FastAPI, hosts: Sequence[str], max_query_chars: int) -> None:
    """Put ``app`` behind the query/HEAD guard and, outermost, the Host check (an untrusted host learns nothing,
    not even that its query was too long); :data:`ANY_HOST` among ``hosts`` leaves the Host check out."""
    app.add_middleware(QueryAndHeadGuard, max_query_chars=max_query_chars)
    if ANY_HOST not in hosts:
        # added last = outermost; the www redirect would send a rebinding page somewhere else instead of refusing
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(hosts), www_redirect=False)
