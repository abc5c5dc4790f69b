"""How large a request body may be: a pure ASGI middleware that refuses larger ones
with 413 before the application reads them.

Product models, activity-data workbooks and forms are small; a background database
(an ecoSpold2 or openLCA archive) can be a gigabyte or two. So data imports
(:data:`IMPORT_PATHS`) may send up to :data:`IMPORT_LIMIT` bytes and everything else up to
:data:`DEFAULT_LIMIT`. A body that declares its length is refused at once; one sent in
chunks is counted as it arrives and cut off at the limit. Design note: a middleware
rather than a check in each handler, because by the time a handler runs the multipart
parser has already spooled the whole upload to disk.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEFAULT_LIMIT", "IMPORT_LIMIT", "IMPORT_PATHS", "BodyLimit", "limit_for"]

MIB = 1 << 20
DEFAULT_LIMIT = 32 * MIB
IMPORT_LIMIT = 4096 * MIB
IMPORT_PATHS = ("/data/import", "/api/v1/data/imports")


def limit_for(path: str) -> int:
    """The largest body a request to ``path`` may send, in bytes."""
    return IMPORT_LIMIT if path.startswith(IMPORT_PATHS) else DEFAULT_LIMIT


def _message(limit: int) -> str:
    return (
        f"The request is larger than the {limit // MIB} MiB this address accepts; "
        "send a smaller file (data imports accept larger archives at /data/import)."
    )


class BodyLimit:
    """Refuse request bodies over :func:`limit_for` their path (413)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(scope, send, limit)
            return
        received = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer now and tell the application the client has gone: whatever
                    # it makes of that (FastAPI: a parsing error) is not sent.
                    refused = True
                    if not started:
                        await _refuse(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    message = _message(limit)
    if scope["path"].startswith("/api/"):
        body = json.dumps(
            {"error": {"code": "too_large", "message": message}}, ensure_ascii=False
        ).encode()
        kind = b"application/json"
    else:
        body = message.encode()
        kind = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
