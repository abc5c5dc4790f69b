"""Security headers on every answer: a pure ASGI middleware.

- ``Content-Security-Policy``: scripts only from the platform itself (no inline script,
  no ``eval``: htmx runs with ``allowEval`` off, confirmations are
  ``static/js/confirm.js``); styles from the platform and inline ``style`` attributes
  (progress bars, ECharts); no plugins; forms post only to the platform; no framing
  (``frame-ancestors 'none'``, and ``X-Frame-Options: DENY`` for older browsers).
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``.
- ``Strict-Transport-Security`` when the platform is served over HTTPS (the
  ``TANJI_SECURE_COOKIES`` setting says so: it is set behind the TLS proxy).
- ``Cache-Control: no-store`` on answers to a signed-in person or an API token (private
  data must not stay in shared or browser caches), unless the handler chose otherwise;
  the static files stay cacheable.

Design note: a middleware rather than per-route headers, so no route can forget them; a
pure ASGI one (not ``BaseHTTPMiddleware``) so streaming answers stream.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "SecurityHeaders"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_ALWAYS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _private(scope: Scope, session_cookie: bytes) -> bool:
    if scope["path"].startswith("/static/"):
        return False
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            return True
        if name == b"cookie" and session_cookie in value:
            return True
    return False


class SecurityHeaders:
    """Add the headers of the module docstring to every HTTP answer."""

    def __init__(self, app: ASGIApp, *, https: bool, session_cookie: str) -> None:
        self.app = app
        self.extra = [*_ALWAYS, *([_HSTS] if https else [])]
        self.session_cookie = f"{session_cookie}=".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = _private(scope, self.session_cookie)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.extra if n not in present]
                if private and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
