"""A server restarted on its own port waits for the old socket to go (CI of ac985d3: every broker
restart of both workers found its port "already in use" right after the stop, and five tests failed)."""

from __future__ import annotations

import os
import socket
import threading

from devstack import procs


def _listening() -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", procs.free_port()))
    sock.listen()
    return sock, sock.getsockname()[1]


def test_a_port_released_a_moment_after_the_stop_is_waited_for() -> None:
    sock, port = _listening()
    assert not procs.port_is_free(port)  # what the restart checked once, at once, before
    threading.Timer(0.5, sock.close).start()
    assert procs.wait_port_free(port, 10.0)


def test_a_port_still_held_is_not_waited_for_beyond_the_timeout_and_its_holder_is_named() -> None:
    sock, port = _listening()
    try:
        assert not procs.wait_port_free(port, 0.3)
        assert os.getpid() in [pid for pid, _ in procs.listeners(port)]
    finally:
        sock.close()
