"""Structured logs: one JSON object a line, each naming the request it belongs to.

:class:`RequestContext` (a pure ASGI middleware, outermost) gives every HTTP request an
id — the client's ``X-Request-ID`` when it is a plain token of up to 128 characters
(``[A-Za-z0-9._:-]``, so a proxy's id carries through), a new random one otherwise —
keeps it in a context variable for the request's duration, echoes it in the answer's
``X-Request-ID`` header and, when the answer is complete, logs one ``request`` line
(method, path, route template, status, duration). :class:`JsonFormatter` writes every
log record — the platform's, uvicorn's, SQLAlchemy's — as JSON with that id, so
``grep`` on an id finds every line of one request, also those logged from the handler's
worker thread (Starlette copies the context into it).

Design note: the standard :mod:`logging` with a formatter rather than a structured
logging library (structlog): every library the platform uses logs through
:mod:`logging` already, and one formatter covers them all.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "REQUEST_ID_HEADER",
    "JsonFormatter",
    "RequestContext",
    "current_request_id",
    "logging_config",
    "request_id_of",
]

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class _RequestIds:
    """A request's own id: this process's random prefix and a count, 32 hex digits,
    unique across processes (a forked worker draws its own prefix) and restarts. An id
    is not a secret: no system call per request."""

    def __init__(self) -> None:
        self.reseed()
        os.register_at_fork(after_in_child=self.reseed)

    def reseed(self) -> None:
        self.prefix = secrets.token_hex(8)
        self.count = itertools.count(1)

    def next(self) -> str:
        return f"{self.prefix}{next(self.count):016x}"


_request_ids = _RequestIds()
_request_id: ContextVar[str | None] = ContextVar("tanji_request_id", default=None)
access_log = logging.getLogger("tanji.request")

#: Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
#: uvicorn's ``color_message`` (the message with terminal colours) is dropped too.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


def current_request_id() -> str | None:
    """The id of the request being handled, or ``None`` outside a request."""
    return _request_id.get()


@contextmanager
def request_id_of(request_id: str | None) -> Iterator[None]:
    """Log as part of request ``request_id`` meanwhile (a job run for that request)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def route_template(scope: Scope) -> str:
    """The template of the route that answered (``/api/v1/jobs/{job_id}``), after routing.

    The route knows its own template but not the prefixes of the routers it was
    included with (FastAPI includes routers lazily), so the prefix is taken from the
    concrete path: everything before as many segments as the template has. A template
    whose parameter may hold slashes (``{name:path}``) cannot be aligned so and is
    labelled by its own template; a mount (the static files) by its prefix.
    """
    route = scope.get("route")
    template = getattr(route, "path", None)
    if not isinstance(template, str):
        return "<unmatched>"
    if isinstance(route, Mount):
        return template + "/{path}"
    if ":path}" in template:
        return template
    segments = template.count("/")
    prefix = "/".join(str(scope["path"]).split("/")[:-segments]) if segments else ""
    return prefix + template


class RequestContext:
    """Give each HTTP request an id, echo it, and log the request when it is answered.

    ``on_response(scope, status, seconds)`` is called for every answered request (the
    metrics use it).
    """

    def __init__(self, app: ASGIApp, on_response: Any = None) -> None:
        self.app = app
        self.on_response = on_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _ACCEPTED_ID.fullmatch(given) else _request_ids.next()
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or [])
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            access_log.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            if self.on_response is not None:
                self.on_response(scope["method"], route, status, seconds)
            _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time (UTC, ISO 8601), level, logger, message, the
    request id (when in a request), the ``extra=`` fields, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id is not None:
            entry["request_id"] = request_id
        entry.update((key, value) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(level: str = "INFO", *, json_lines: bool = True) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` mapping (uvicorn's ``log_config``): every
    record to stderr, as JSON lines (or plain text for a terminal); uvicorn's own access
    log is off, the ``request`` lines replace it."""
    formatter = "json" if json_lines else "text"
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
    return config
