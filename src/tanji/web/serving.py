"""Several worker processes, each with its own listening socket (``SO_REUSEPORT``).

uvicorn's own ``--workers`` hands every worker one shared listening socket. Whichever
process wakes first accepts every connection waiting in its queue: under 50 keep-alive
clients one worker held 48 connections and the other 2, so half the machine's workers
idled while the other's queue made the slowest answers slow (issue 19). Here each worker
binds its own socket to the address with ``SO_REUSEPORT``, and the kernel spreads new
connections over the workers' sockets by a hash of their addresses (Linux 3.9+; the
same option nginx's ``reuseport`` and gunicorn's ``--reuse-port`` use).

The supervisor (the process running :func:`serve_workers`) starts the workers, starts
again one that dies, stops when a worker cannot start (a bad address, a broken app),
and on SIGINT or SIGTERM asks each worker to finish its requests (SIGTERM, uvicorn's
graceful shutdown) and waits for it. A worker's code is :func:`_worker`; it builds the
app with the factory :func:`tanji.web.app.serve_app`.
"""

from __future__ import annotations

import logging
import logging.config
import multiprocessing
import signal
import socket
import sys
import threading
from multiprocessing.context import SpawnProcess
from types import FrameType
from typing import Any

__all__ = ["WORKER_STARTUP_FAILED", "reuse_port_socket", "serve_workers"]

_log = logging.getLogger("tanji.serve")

#: A worker's exit code when it could not start (uvicorn's ``STARTUP_FAILURE``): the
#: supervisor then stops rather than start it again and again.
WORKER_STARTUP_FAILED = 3
#: Seconds a stopping worker gets to finish its requests before it is killed.
STOP_SECONDS = 30.0
#: Seconds between the supervisor's looks at its workers.
WATCH_SECONDS = 0.5


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (not yet listening):
    each worker's own, among which the kernel spreads the connections."""
    return _bound_socket(host, port, reuse_port=True)


def _bound_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _worker(options: dict[str, Any]) -> None:
    """One worker process: its own socket, then uvicorn serving the app factory on it."""
    import uvicorn

    config = uvicorn.Config("tanji.web.app:serve_app", factory=True, **options)
    try:
        sock = reuse_port_socket(config.host, config.port)
    except OSError as error:
        logging.getLogger("uvicorn.error").error(
            "cannot listen on %s:%s: %s", config.host, config.port, error
        )
        sys.exit(WORKER_STARTUP_FAILED)
    uvicorn.Server(config).run(sockets=[sock])


class _Supervisor:
    def __init__(self, options: dict[str, Any], workers: int) -> None:
        self.options = options
        self.count = workers
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[SpawnProcess] = []
        self.stop = threading.Event()
        self.failed = False

    def _start(self) -> SpawnProcess:
        process = self.context.Process(target=_worker, args=(self.options,), daemon=False)
        process.start()
        _log.info("worker process %s started", process.pid)
        return process

    def _on_signal(self, number: int, _frame: FrameType | None) -> None:
        self.stop.set()

    def run(self) -> int:
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._on_signal)
        self.processes = [self._start() for _ in range(self.count)]
        while not self.stop.wait(WATCH_SECONDS):
            self._watch()
        self._stop_all()
        return 1 if self.failed else 0

    def _watch(self) -> None:
        for index, process in enumerate(self.processes):
            if process.is_alive():
                continue
            process.join()
            if process.exitcode == WORKER_STARTUP_FAILED:
                _log.error("worker process %s could not start; stopping", process.pid)
                self.failed = True
                self.stop.set()
                return
            _log.warning(
                "worker process %s ended (exit code %s); starting another",
                process.pid,
                process.exitcode,
            )
            self.processes[index] = self._start()

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for process in self.processes:
            process.join(STOP_SECONDS)
            if process.is_alive():
                _log.warning("worker process %s did not stop; killed", process.pid)
                process.kill()
                process.join()


def serve_workers(options: dict[str, Any], workers: int) -> int:
    """Serve the app in ``workers`` processes, each listening on ``options``' host and
    port with its own socket, until SIGINT or SIGTERM; the exit status (1 when a worker
    could not start). ``options`` are :class:`uvicorn.Config`'s (``host``, ``port``,
    logging…)."""
    if isinstance(options.get("log_config"), dict):
        logging.config.dictConfig(options["log_config"])
    host, port = options["host"], options["port"]
    # A taken address is told at once, not by every worker in turn. The probe does not
    # ask for SO_REUSEPORT: a second server started on the same address by mistake
    # would otherwise join this one's workers and take part of its connections.
    try:
        _bound_socket(host, port, reuse_port=False).close()
    except OSError as error:
        _log.error("cannot listen on %s:%s: %s", host, port, error)
        return 1
    return _Supervisor(options, workers).run()
