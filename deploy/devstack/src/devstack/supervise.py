"""Keeping `devstack up` running: a service that dies is started again, the others stay up.

A service that exits on its own (a crash, the OOM killer, a developer's `kill`) is restarted on the same
port after a back-off that doubles with each quick death (1 s, 2 s, 4 s …), with a line on stderr saying
so and the end of its log. A service that keeps dying soon after each start (a syntax error, a port taken)
is given up on: the whole stack then stops with the log tail, as before. PostgreSQL and Tansu are not
restarted here: every service depends on them, so losing one still ends the stack, loudly.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from devstack import procs
from devstack.services import RunningService, start_service


@dataclass(frozen=True)
class RestartPolicy:
    """Seconds, and how many quick deaths in a row end the stack."""

    first_delay: float = 1.0  # before the first restart; doubled for each further quick death
    longest_delay: float = 30.0
    quick: float = 60.0  # a run shorter than this counts as a quick death
    give_up_after: int = 5  # quick deaths in a row

    def delay(self, quick_deaths: int) -> float:
        """Seconds before a restart after `quick_deaths` in a row (0: a death after a long run)."""
        return float(min(self.first_delay * 2 ** max(quick_deaths - 1, 0), self.longest_delay))


@dataclass
class _Watch:
    started_at: float
    quick_deaths: int = 0
    restart_at: float | None = None  # set while a dead service waits out its back-off
    announce: bool = False  # restarted, not yet seen ready: say so once it answers


# name, process (None: an external server), log
InfraProcess = tuple[str, subprocess.Popen[bytes] | None, Path | None]


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


class Supervisor:
    """Watches `running` (the caller's list: restarted services replace their entries in it, so the
    caller's teardown stops the current processes) and the infrastructure processes.

    `tick()` does one round and returns None while the stack runs, or the exit code once it must
    stop; `run()` ticks until then. Messages go to `say` (restarts) and `err` (deaths, giving up).
    """

    def __init__(
        self,
        running: list[RunningService],
        state_dir: Path,
        cwd: Path,
        *,
        infra: Sequence[InfraProcess] = (),
        policy: RestartPolicy | None = None,
        say: Callable[[str], None] = print,
        err: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.running, self.state_dir, self.cwd, self.infra = running, state_dir, cwd, list(infra)
        self.policy = policy or RestartPolicy()
        self.say, self.err, self.clock = say, err, clock
        self._watches = [_Watch(started_at=clock()) for _ in running]

    def run(self, interval: float = 0.5) -> int:
        while (code := self.tick()) is None:
            time.sleep(interval)
        return code

    def tick(self) -> int | None:
        for name, proc, log_path in self.infra:
            if proc is not None and proc.poll() is not None:
                tail = procs.log_tail(log_path) if log_path else ""
                self.err(
                    f"{name} exited unexpectedly (code {proc.returncode}); every service needs it, so the "
                    f"stack stops. End of {log_path}:\n{tail}"
                )
                return 1
        now = self.clock()
        for index, watch in enumerate(self._watches):
            service = self.running[index]
            if watch.restart_at is None:
                if service.process.poll() is not None and not self._died(service, watch, now):
                    return 1
                if watch.announce and service.process.poll() is None and service.ready():
                    watch.announce = False
                    self.say(f"{service.service.name} is back: it answers on {service.service.url} "
                             f"({now - watch.started_at:.0f} s after its restart)")  # fmt: skip
            elif now >= watch.restart_at:
                self._restart(index, watch, now)
        return None

    def _died(self, service: RunningService, watch: _Watch, now: float) -> bool:
        """Note a death and schedule the restart; False when it is time to give up."""
        name, lived = service.service.name, now - watch.started_at
        # only a death within `quick` of starting counts (a crash loop); one after a long run starts
        # the count afresh at none (1,074 s was reported as the "1st quick death")
        watch.quick_deaths = watch.quick_deaths + 1 if lived < self.policy.quick else 0
        tail = procs.log_tail(service.log_path)
        headline = f"{name} exited unexpectedly (code {service.process.returncode}) after {lived:.0f} s"
        if watch.quick_deaths >= self.policy.give_up_after:
            self.err(
                f"{headline}: the {_ordinal(watch.quick_deaths)} time in a row within "
                f"{self.policy.quick:.0f} s of starting; giving up, the stack stops. "
                f"End of {service.log_path}:\n{tail}"
            )
            return False
        delay = self.policy.delay(watch.quick_deaths)
        watch.restart_at = now + delay
        counted = (
            f"{_ordinal(watch.quick_deaths)} quick death of {self.policy.give_up_after} allowed"
            if watch.quick_deaths
            else f"not a quick death: it ran longer than {self.policy.quick:.0f} s"
        )
        self.err(
            f"{headline}; restarting it in {delay:g} s, the other servers keep running ({counted}). "
            f"End of {service.log_path}:\n{tail}"
        )
        return True

    def _restart(self, index: int, watch: _Watch, now: float) -> None:
        dead = self.running[index]
        dead.stop(self.state_dir / "run")  # reaps it and clears what is left of its process group
        fresh = start_service(dead.service, dead.env, self.state_dir, self.cwd)
        self.running[index] = fresh
        watch.started_at, watch.restart_at, watch.announce = now, None, True
        # started is not answering yet (tens of seconds): "is back" follows once it is ready
        self.say(f"{dead.service.name} restarting (pid {fresh.process.pid}); it answers on "
                 f"{dead.service.url} once it is ready")  # fmt: skip
