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


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # not an address (a forged header, "unknown"): never a proxy of ours
        return False
    return any(ip in network for network in trusted)


def client_address(request: Request, trusted: Sequence[Network]) -> str:
    """The address of the client behind any trusted proxies ("unknown" when the server cannot tell)."""
    peer = request.client.host if request.client else "unknown"
    if not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get(FORWARDED_FOR, "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else peer


def client_key(address: str, secret: str) -> str:
    """A keyed hash of the address: stable per client, useless without the service's secret."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
