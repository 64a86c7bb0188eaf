"""The four Village Counsel services as `devstack up` runs them: the one list of names and ports."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devstack import procs

HOST = "127.0.0.1"
# no proxies: an http_proxy from the developer's shell must not intercept requests to 127.0.0.1
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Service:
    name: str  # also the Python package and the VC_SERVICE value
    port: int

    @property
    def module(self) -> str:
        return f"{self.name}.main"

    @property
    def app(self) -> str:
        return f"{self.module}:app"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def module_exists(self) -> bool:
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False


SERVICES: tuple[Service, ...] = (
    Service("registry", 8001),
    Service("ledger", 8002),
    Service("assessment", 8003),
    Service("reporting", 8004),
)


@dataclass
class RunningService:
    service: Service
    process: subprocess.Popen[bytes]
    log_path: Path
    record: procs.PidRecord = field(repr=False)

    def ready(self) -> bool:
        try:
            with _OPENER.open(f"{self.service.url}/readyz", timeout=2) as response:
                return bool(response.status == 200)
        except urllib.error.URLError:  # includes HTTPError (503 while starting)
            return False

    def stop(self, run_dir: Path) -> None:
        procs.stop_pid(self.record, timeout=10.0, popen=self.process)
        procs.remove_pidfile(run_dir, self.service.name)


def start_service(service: Service, env: Mapping[str, str], state_dir: Path, cwd: Path) -> RunningService:
    """`python -m uvicorn <name>.main:app` with the shared env plus VC_SERVICE; log in logs/<name>.log."""
    log_path = state_dir / "logs" / f"{service.name}.log"
    args = [sys.executable, "-m", "uvicorn", service.app, "--host", HOST, "--port", str(service.port)]
    full_env = dict(env) | {"VC_SERVICE": service.name, "PYTHONUNBUFFERED": "1"}
    proc = procs.spawn(args, log_path, env=full_env, cwd=cwd)
    record = procs.write_pidfile(state_dir / "run", service.name, proc.pid, stop_signal="SIGTERM", group=True)
    return RunningService(service, proc, log_path, record)
