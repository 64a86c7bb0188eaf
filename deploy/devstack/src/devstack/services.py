"""The four Village Counsel services and the web service as `devstack up` runs them: names and ports."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eventkit.keep_alive import SERVER_KEEP_ALIVE_SECONDS

from devstack import procs

HOST = "127.0.0.1"
# no proxies: an http_proxy from the developer's shell must not intercept requests to 127.0.0.1
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Service:
    name: str  # the VC_SERVICE value, and the Python package unless `package` names another
    port: int
    package: str | None = None
    factory: str | None = None  # an app factory in <package>.main, started with uvicorn --factory

    @property
    def module(self) -> str:
        return f"{self.package or self.name}.main"

    @property
    def app(self) -> str:
        return f"{self.module}:{self.factory or 'app'}"

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
# The pages and, in the dev stack, the gateway to the four APIs: the one address people open.
WEB = Service("web", 8000, package="vc_web", factory="app_factory")


def web_env(upstreams: Mapping[str, str]) -> dict[str, str]:
    """The web service's settings in the dev stack: gateway and demo sign-in on, the services' URLs."""
    env = {"VC_WEB_GATEWAY": "true", "VC_WEB_DEV_SIGNIN": "true"}
    return env | {f"VC_WEB_{name.upper()}_URL": url for name, url in upstreams.items()}


@dataclass
class RunningService:
    service: Service
    process: subprocess.Popen[bytes]
    log_path: Path
    record: procs.PidRecord = field(repr=False)
    env: dict[str, str] = field(default_factory=dict, repr=False)  # what it was started with, to restart it

    def ready(self) -> bool:
        try:
            with _OPENER.open(f"{self.service.url}/readyz", timeout=2) as response:
                return bool(response.status == 200)
        except urllib.error.URLError:  # includes HTTPError (503 while starting)
            return False

    def stop(self, run_dir: Path) -> None:
        procs.stop_pid(self.record, timeout=10.0, popen=self.process)
        procs.remove_pidfile(run_dir, self.service.name)


def uvicorn_args(service: Service) -> list[str]:
    """The command line that runs `service` under uvicorn."""
    args = [sys.executable, "-m", "uvicorn", service.app, "--host", HOST, "--port", str(service.port)]
    args += ["--factory"] if service.factory else []
    # the app reads X-Forwarded-For itself (eventkit.clients, VC_TRUSTED_PROXIES); uvicorn's reading
    # would replace the peer address with whatever the header says before the app can check it
    args += ["--no-proxy-headers"]
    # longer than any of our clients keeps an idle connection (eventkit.keep_alive)
    return [*args, "--timeout-keep-alive", str(SERVER_KEEP_ALIVE_SECONDS)]


def start_service(service: Service, env: Mapping[str, str], state_dir: Path, cwd: Path) -> RunningService:
    """`python -m uvicorn <package>.main:app` with the shared env plus VC_SERVICE; log in logs/<name>.log."""
    log_path = state_dir / "logs" / f"{service.name}.log"
    args = uvicorn_args(service)
    full_env = dict(env) | {"VC_SERVICE": service.name, "PYTHONUNBUFFERED": "1"}
    proc = procs.spawn(args, log_path, env=full_env, cwd=cwd)
    record = procs.write_pidfile(state_dir / "run", service.name, proc.pid, stop_signal="SIGTERM", group=True)
    return RunningService(service, proc, log_path, record, dict(env))
