"""A job kind for tests: runs a Python function of the test (kept in this process's
memory, so only runners of the test process can run it)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tanji.bootstrap import App
from tanji.domain.accounts import Actor
from tanji.web.jobs import Job, JobKind, JobRunner, Report, register

_CALLS: dict[str, tuple[Callable[[Report], Any], str | None]] = {}


def _run(app: App, actor: Actor, payload: dict[str, Any], report: Report) -> str | None:
    fn, url = _CALLS.pop(payload["call"])
    value = fn(report)
    return url.format(value) if url is not None else None


CALL = register(JobKind("test.call", "Computing the footprint", _run))


def submit_call(
    runner: JobRunner, actor: Actor, fn: Callable[[Report], Any], url: str | None = None
) -> Job:
    """Run ``fn(report)`` as a job; ``url`` (``"/r/{}"``) is formatted with its value."""
    key = secrets.token_hex(8)
    _CALLS[key] = (fn, url)
    return runner.submit(actor, CALL.name, {"call": key})
