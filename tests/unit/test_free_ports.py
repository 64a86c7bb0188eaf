"""Ports for the servers the tests and `make run` start (devstack.procs.free_port): never one the
kernel could give an outgoing connection, so a server restarted on its port finds it free."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from devstack import procs


def test_a_free_port_is_outside_the_ephemeral_range_and_can_be_bound() -> None:
    # before: bind(port 0) always gave an ephemeral port, which a client connection could take while
    # the broker on it restarted ("Tansu: port … is already in use", two xdist workers side by side)
    ephemeral = procs.ephemeral_ports()
    for _ in range(50):
        port = procs.free_port()
        assert port not in ephemeral and port >= 1024, port
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("32768\t60999\n", range(32768, 61000)),
        ("1024 65535", range(1024, 65536)),
        ("odd", range(32768, 61000)),
    ],
)
def test_the_ephemeral_range_is_read_from_the_kernel_else_linux_s_default(
    tmp_path: Path, text: str, expected: range
) -> None:
    source = tmp_path / "ip_local_port_range"
    source.write_text(text)
    assert procs.ephemeral_ports(source) == expected
    assert procs.ephemeral_ports(tmp_path / "missing") == range(32768, 61000)


def test_when_every_other_port_is_ephemeral_the_kernel_s_choice_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(procs, "ephemeral_ports", lambda: range(1024, 65536))
    assert 1024 <= procs.free_port() <= 65535
