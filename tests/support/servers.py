"""The four services (and the web service) as real processes on free ports, started as `make run` does."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from devstack import procs
from devstack.paths import repo_root
from devstack.services import SERVICES, WEB, RunningService, Service, start_service, web_env


def wait_ready(running: list[RunningService], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    for r in running:
        procs.wait_until(
            r.ready,
            what=f"{r.service.name} ready",
            timeout=max(deadline - time.monotonic(), 1),
            proc=r.process,
            log_path=r.log_path,
        )


@contextlib.contextmanager
def running_services(
    env: Mapping[str, str], state: Path, *, web: bool = False, pages: Callable[[], object] | None = None
) -> Iterator[dict[str, str]]:
    """Start registry, ledger, assessment, reporting (and, with `web`, the web service with its gateway
    and dev sign-in) on free ports; yield name → base URL; stop them all on exit.

    `env` must carry DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS and VC_JWT_SECRET. Logs: state / "logs".
    `pages`: called once the four are starting and before the web service starts (which is ready
    only with the built pages), e.g. waiting for a build that ran meanwhile.
    """
    (state / "run").mkdir(parents=True, exist_ok=True)
    running: list[RunningService] = []
    try:
        for service in SERVICES:
            running.append(start_service(Service(service.name, procs.free_port()), env, state, repo_root()))
        urls = {r.service.name: r.service.url for r in running}
        if web:  # started with the others: it only needs their addresses, not their readiness
            if pages is not None:
                pages()
            web_service = Service(WEB.name, procs.free_port(), WEB.package, WEB.factory)
            running.append(start_service(web_service, {**env, **web_env(urls)}, state, repo_root()))
            urls[WEB.name] = web_service.url
        wait_ready(running)
        yield urls
    finally:
        for r in running:
            r.stop(state / "run")
