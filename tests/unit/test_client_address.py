"""Which address a public endpoint counts a request under (eventkit.clients): the forwarded client
only when a trusted proxy forwarded it, read from the right so a client cannot pick its own."""

from __future__ import annotations

import pytest
from eventkit.clients import client_address, client_key, trusted_set
from starlette.requests import Request

TRUSTED = trusted_set("127.0.0.1, 10.0.0.0/16")


def request(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode("latin-1"))] if forwarded is not None else []
    return Request(
        {"type": "http", "client": (peer, 5000), "headers": headers, "method": "POST", "path": "/"}
    )


@pytest.mark.parametrize(
    ("peer", "forwarded", "counted_as"),
    [
        ("203.0.113.9", None, "203.0.113.9"),  # straight from the client
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # an untrusted peer's header is ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),  # through the gateway
        ("10.0.0.5", "6.6.6.6, 198.51.100.1, 127.0.0.1", "198.51.100.1"),  # ingress → gateway; 6.6.6.6 forged
        ("127.0.0.1", "127.0.0.1", "127.0.0.1"),  # a browser on the gateway's own machine
        ("127.0.0.1", None, "127.0.0.1"),
        ("10.0.7.1", "198.51.100.1, 10.0.3.3", "198.51.100.1"),  # pods of the trusted network
        ("127.0.0.1", "nonsense, 198.51.100.1", "198.51.100.1"),
        # a hop that names no address ends the walk at the peer: never refused, never a bucket of its own
        ("127.0.0.1", "198.51.100.1, nonsense", "127.0.0.1"),
        ("127.0.0.1", "unknown", "127.0.0.1"),
        ("127.0.0.1", "unknown, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.5", "198.51.100.1, unknown, 10.0.3.3", "10.0.0.5"),
        ("127.0.0.1", ", ,", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "caf\xe9", "127.0.0.1"),
        ("127.0.0.1", "x" * 5000, "127.0.0.1"),
        ("127.0.0.1", "for=192.0.2.60;proto=http", "127.0.0.1"),
        # one address however it is spelt: a port or the IPv6 notation does not make a new client
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("127.0.0.1", "2001:DB8:0::1", "2001:db8::1"),
        ("127.0.0.1", "198.51.100.1:5678", "198.51.100.1"),
        ("127.0.0.1", '"198.51.100.1"', "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, 127.0.0.1:8000", "198.51.100.1"),
        ("10.0.0.9", "10.0.0.8, 10.0.0.7", "10.0.0.9"),  # only proxies of ours: an internal request
        ("unknown", "198.51.100.1", "unknown"),  # a peer the server cannot name
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(
    peer: str, forwarded: str | None, counted_as: str
) -> None:
    assert client_address(request(peer, forwarded), TRUSTED) == counted_as


def test_the_stored_key_is_stable_per_address_and_does_not_show_it() -> None:
    secret = "s" * 40
    assert client_key("198.51.100.1", secret) == client_key("198.51.100.1", secret)
    assert client_key("198.51.100.1", secret) != client_key("198.51.100.2", secret)
    assert "198" not in client_key("198.51.100.1", secret)
