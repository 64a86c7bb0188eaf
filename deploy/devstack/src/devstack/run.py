"""`python -m devstack up|down`: the whole stack for `make run`, in the foreground until Ctrl-C."""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import psutil

from devstack import procs
from devstack.paths import repo_root, var_dir
from devstack.services import SERVICES, WEB, RunningService, Service, start_service, web_env
from devstack.stack import Infra, start_infra
from devstack.supervise import Supervisor

DEV_PG_PORT = 55432
DEV_KAFKA_PORT = 59092
DATABASE = "villagecounsel"
READY_TIMEOUT = 60.0
SEED_MODULE = "devstack.seed_demo"
LOCK_NAME = "devstack.lock"


class Shutdown(BaseException):
    """SIGTERM/SIGHUP: unwinds like Ctrl-C so the `finally` below stops every server."""


def _raise_shutdown(signum: int, _frame: FrameType | None) -> None:
    raise Shutdown(signal.Signals(signum).name)


def up(*, infra_only: bool = False) -> int:
    state = var_dir("dev")
    lock = procs.try_lock(state / LOCK_NAME)
    if lock is None:
        holder = procs.lock_holder(state / LOCK_NAME)
        _err(f"devstack is already running (pid {holder}); stop it with `make down`")
        return 1
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    # explicit, because a shell starting us in the background without job control leaves SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_shutdown)
    signal.signal(signal.SIGHUP, _raise_shutdown)
    infra: Infra | None = None
    running: list[RunningService] = []
    try:
        procs.kill_leftovers(state / "run")
        if busy := _busy_ports(infra_only):
            _err("cannot start, ports in use:\n  " + "\n  ".join(busy) + "\n(try `make down`)")
            return 1
        _say("starting PostgreSQL and Tansu ...")
        infra = start_infra(state, database=DATABASE, pg_port=DEV_PG_PORT, kafka_port=DEV_KAFKA_PORT)
        env = dict(os.environ) | infra.env() | {"VC_JWT_SECRET": jwt_secret(state)}
        if not infra_only:
            present = [s for s in SERVICES if s.module_exists()]
            for missing in (s for s in SERVICES if s not in present):
                _err(f"skipping {missing.name}: module {missing.module} not found (not written yet?)")
            if present:
                _say("starting services " + ", ".join(s.name for s in present) + " ...")
            for svc in present:  # appended one by one so a Ctrl-C midway still stops those started
                running.append(start_service(svc, env, state, repo_root()))
            _wait_ready(running)
            if WEB.module_exists():  # the pages and the gateway, once the APIs answer
                upstreams = {r.service.name: r.service.url for r in running}
                running.append(start_service(WEB, env | web_env(upstreams), state, repo_root()))
                _wait_ready(running[-1:])
            _seed(env)
        _banner(infra, state, [r.service for r in running])
        infra_processes = [
            ("PostgreSQL", infra.postgres.process, infra.postgres.log_path),
            ("Tansu", infra.kafka.process, infra.kafka.log_path),
        ]
        return Supervisor(running, state, repo_root(), infra=infra_processes, say=_say, err=_err).run()
    except (KeyboardInterrupt, Shutdown):
        _say("\nstopping ...")
        return 0
    except procs.StartupError as exc:
        _err(str(exc))
        return 1
    finally:
        # a second Ctrl-C must not cut the teardown short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for service in reversed(running):
            service.stop(state / "run")
        if infra is not None:
            infra.stop()
        procs.kill_leftovers(state / "run")  # anything started in a window before its handle existed
        lock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _say("all servers stopped")


def down() -> int:
    """Stop a running `devstack up` (gracefully, via SIGTERM) and leftovers of crashed runs and tests."""
    state = var_dir("dev")
    holder = procs.lock_holder(state / LOCK_NAME)
    if holder is not None and holder > 0:
        _say(f"stopping devstack up (pid {holder}) ...")
        os.kill(holder, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while procs.lock_holder(state / LOCK_NAME) is not None and time.monotonic() < deadline:
            time.sleep(0.2)
    stopped = [f"devstack up (pid {holder})"] if holder is not None and holder > 0 else []
    stopped += procs.kill_leftovers(state / "run")
    for slot in sorted(var_dir("test").glob("slot-*")):
        if procs.lock_holder(slot / "lock") is None:  # a live test session holds its slot's lock
            stopped += procs.kill_leftovers(slot / "run")
    _say(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
    return 0


def jwt_secret(state: Path) -> str:
    """A random signing secret created once (mode 600), so tokens stay valid across restarts."""
    path = state / "jwt-secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
    path.chmod(0o600)
    return path.read_text().strip()


def _busy_ports(infra_only: bool) -> list[str]:
    wanted: list[tuple[int, str]] = []
    if not os.environ.get("DATABASE_URL"):
        wanted.append((DEV_PG_PORT, "PostgreSQL"))
    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        wanted.append((DEV_KAFKA_PORT, "Tansu"))
    if not infra_only:
        wanted += [(s.port, s.name) for s in (*SERVICES, WEB)]
    busy = [(port, what) for port, what in wanted if not procs.port_is_free(port)]
    return [f"{port} ({what}) held by {_port_owner(port)}" for port, what in busy]


def _port_owner(port: int) -> str:
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                command = " ".join(" ".join(psutil.Process(conn.pid).cmdline()).split())
                return f"pid {conn.pid}: {command[:120]}"
    except psutil.Error:
        pass
    return "another process"


def _wait_ready(running: list[RunningService]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    for service in running:
        procs.wait_until(
            service.ready,
            what=f"{service.service.name} (GET {service.service.url}/readyz)",
            timeout=max(deadline - time.monotonic(), 1.0),
            proc=service.process,
            log_path=service.log_path,
            interval=0.25,
        )
        _say(f"  {service.service.name} ready")


def _seed(env: dict[str, str]) -> None:
    if importlib.util.find_spec(SEED_MODULE) is None:
        _say(f"note: no {SEED_MODULE} module yet, skipping demo data")
        return
    _say("seeding demo data ...")
    result = subprocess.run([sys.executable, "-m", SEED_MODULE], env=env, cwd=repo_root(), check=False)
    if result.returncode != 0:
        _err(f"warning: {SEED_MODULE} failed with code {result.returncode}; the stack keeps running")


def _banner(infra: Infra, state: Path, services: list[Service]) -> None:
    lines = ["", "Village Counsel dev stack is up."]
    if WEB in services:
        lines += ["", f"  Open {WEB.url}/   (sign in as a demo person of 正宁县)", ""]
    apis = [f"{s.name} {s.url}/docs" for s in services if s != WEB]
    lines += [f"  {'API docs':<11} " + "  ".join(apis)] if apis else []
    lines += [
        f"  {'PostgreSQL':<11} {infra.dsn}",
        f"  {'Kafka':<11} {infra.bootstrap}" + ("" if infra.kafka.external else "   (Tansu, memory only)"),
        f"  {'token':<11} make token ROLE=county_admin SCOPE=621025",
        f"  {'logs':<11} {_display(state / 'logs')}/",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    _say("\n".join(lines))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _say(message: str) -> None:
    print(message, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
