"""Who is calling a public endpoint, for rate limits: the client's address, through trusted proxies.

A public route has no token to tell callers apart, so it counts per client address. Behind the web
gateway or the ingress every request comes from the proxy: its `X-Forwarded-For` is believed only
when the direct peer is a trusted proxy (`VC_TRUSTED_PROXIES`), and read from the right, skipping
trusted hops, so a client cannot choose its own address by sending the header itself.
The address is kept only as a keyed hash (`client_key`): enough to count, not to identify anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Sequence

from fastapi import Request

FORWARDED_FOR = "x-forwarded-for"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_set(setting: str) -> tuple[Network, ...]:
    """The networks of `VC_TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks (in Kubernetes,
    the pod network the ingress controller and the web pods get their addresses from)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()
    )


def _address(text: str) -> str | None:
    """The IP address a hop or peer names, normalised (`[2001:db8::1]:443` → `2001:db8::1`,
    `203.0.113.9:5678` → `203.0.113.9`); None for anything else (`unknown`, obfuscated names, garbage)."""
    text = text.strip().strip('"')
    if text.startswith("["):  # bracketed IPv6, maybe with a port
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # IPv4 with a port (a bare IPv6 has two colons or more)
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in trusted)


def client_address(request: Request, trusted: Sequence[Network]) -> str:
    """The address of the client behind any trusted proxies, normalised ("unknown" when the server
    cannot tell at all).

    Read from the right: trusted hops are skipped and the first other hop is the client. A hop that
    names no address (`unknown`, garbage, a hop list with nothing in it) ends the walk at the peer:
    the nearest proxy could not name its client, so the request counts against that proxy. This
    never refuses a request, and a client cannot leave its rate-limit bucket by sending a header of
    its own, nor by varying a port or the spelling of its address.
    """
    peer = _address(request.client.host) if request.client else None
    if peer is None:
        return "unknown"
    if not _is_trusted(peer, trusted):
        return peer
    hops = [_address(h) for h in request.headers.get(FORWARDED_FOR, "").split(",")]
    for hop in reversed(hops):
        if hop is None:
            return peer
        if not _is_trusted(hop, trusted):
            return hop
    return peer  # every hop is a proxy of ours (or there was no header): the request is internal


def client_key(address: str, secret: str) -> str:
    """A keyed hash of the address: stable per client, useless without the service's secret."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
