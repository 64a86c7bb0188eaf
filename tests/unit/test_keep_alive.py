"""Idle connections between our own processes: the client lets go first (eventkit.keep_alive).

Found in session 18's CI: a browser test's unit page showed "名册服务暂时无法访问" (the web gateway's
502 upstream_unavailable) once under load: the gateway's pool kept idle connections 5 s, uvicorn
closed them after 5 s, so a request could leave on a connection the registry was closing. The race
itself cannot be timed in a test; what makes it impossible can: the gateway drops an idle connection
after CLIENT_KEEP_ALIVE_SECONDS (a real server counts the connections it is sent), and every service
is started with a longer keep-alive, in the devstack and in the container image.
"""

from __future__ import annotations

import asyncio
import time

from devstack.paths import repo_root
from devstack.services import Service, uvicorn_args
from eventkit.keep_alive import CLIENT_KEEP_ALIVE_SECONDS, SERVER_KEEP_ALIVE_SECONDS
from vc_web.gateway import new_client

_ANSWER = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


async def test_the_gateway_drops_an_idle_connection_before_a_service_would() -> None:
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """An HTTP/1.1 server that keeps every connection open (as a service does for 30 s)."""
        nonlocal connections
        connections += 1
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(_ANSWER)
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, new_client() as client:
        assert (await client.get(f"http://127.0.0.1:{port}/a")).status_code == 200
        assert (await client.get(f"http://127.0.0.1:{port}/b")).status_code == 200
        assert connections == 1  # reused while fresh
        started = time.monotonic()
        await asyncio.sleep(CLIENT_KEEP_ALIVE_SECONDS + 0.5)  # httpx's default (5 s) still reused it
        assert (await client.get(f"http://127.0.0.1:{port}/c")).status_code == 200
        assert time.monotonic() - started < SERVER_KEEP_ALIVE_SECONDS
        assert connections == 2


def test_every_service_keeps_idle_connections_longer_than_its_clients() -> None:
    assert CLIENT_KEEP_ALIVE_SECONDS * 2 <= SERVER_KEEP_ALIVE_SECONDS
    args = uvicorn_args(Service("registry", 8001))
    assert args[args.index("--timeout-keep-alive") + 1] == str(SERVER_KEEP_ALIVE_SECONDS)
    dockerfile = (repo_root() / "deploy" / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert f"--timeout-keep-alive {SERVER_KEEP_ALIVE_SECONDS} " in dockerfile
