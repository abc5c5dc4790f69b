"""``tanji.web.serving``: each worker's own listening socket (``SO_REUSEPORT``), and the
supervisor's refusal of an address already taken (the workers themselves, started by
``tanji serve --workers 2``, are tested in ``tests/web/test_workers.py``)."""

from __future__ import annotations

import select
import socket
from collections import Counter

import pytest

from tanji.web.serving import reuse_port_socket, serve_workers


def test_the_kernel_spreads_connections_over_sockets_sharing_a_port() -> None:
    first = reuse_port_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = reuse_port_socket("127.0.0.1", port)
    listeners = {first.fileno(): "first", second.fileno(): "second"}
    clients: list[socket.socket] = []
    accepted: Counter[str] = Counter()
    try:
        for sock in (first, second):
            sock.listen(64)
        clients.extend(socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(40))
        while sum(accepted.values()) < 40:
            ready, _, _ = select.select([first, second], [], [], 5)
            assert ready, accepted
            for sock in ready:
                sock.accept()[0].close()
                accepted[listeners[sock.fileno()]] += 1
    finally:
        for sock in (*clients, first, second):
            sock.close()
    # A fair hash gives 20 ± 3 each; under 8 has odds below 1 in 10,000.
    assert min(accepted["first"], accepted["second"]) >= 8, accepted


def test_a_taken_address_is_refused_before_any_worker_starts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level("ERROR", logger="tanji.serve"):
            assert serve_workers({"host": "127.0.0.1", "port": port}, 2) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in caplog.text
