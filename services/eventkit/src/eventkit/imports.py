"""Progress of running bulk imports: each has an id; `GET /imports/{id}` shows how far it got.

An import is all-or-nothing (one transaction), so `written` counts rows inserted in that
transaction: nobody sees them until `state` is `done`. Progress is kept in the process that runs the
import (the caller polls the replica it uploaded to; the id also appears in the logs) and in the
metric `vc_import_rows_total{service,stage}`. The last `KEEP` imports are remembered.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import uuid4

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from prometheus_client import Counter

from eventkit.clock import now_cst
from eventkit.errors import AppError, NotFoundError, VersionConflictError
from eventkit.store import ConcurrencyError
from eventkit.web import CurrentPrincipal

KEEP = 100
STEP = 500  # rows counted at a time by `ImportProgress.counted`
T = TypeVar("T")
ROWS = Counter("vc_import_rows_total", "Rows of bulk imports by stage (parsed, checked, written)",
               ["service", "stage"])  # fmt: skip
log = logging.getLogger("eventkit.imports")
_WRITTEN = {"ledger": "台账", "registry": "名册或区划"}  # what an import of the service writes, in words


_GC = threading.Lock()
_gc_pauses = 0  # imports running inside `gc_paused`
_gc_was_enabled = False  # the collector's state when the first of them began


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a bulk import runs (nested and concurrent imports:
    the last one out turns it back on, if it was on before the first came in).

    Why: an import holds tens of thousands of rows, commands and events alive at once, and every
    700 allocations the collector walks the young objects, every so often all of them: a third of
    checking a 50,000-row file (`python -m bench.import_profile`), for no garbage, since an import
    makes no reference cycles worth collecting early. Reference counting still frees everything
    at once; cycles made meanwhile (by any request of the process) wait for the next collection
    after the import, a few seconds later."""
    global _gc_pauses, _gc_was_enabled  # noqa: PLW0603 (one collector per process)
    with _GC:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _GC:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@contextlib.contextmanager
def freed_aside() -> Iterator[list[Any]]:
    """`gc_paused` for a bulk import whose large objects, put into the list this yields, are freed
    in a thread once the block has ended, the collector coming back on after them.

    Why: refcounting frees a 50,000-row import's rows, facts and events in ~45 ms (issue 12's
    timeline), which the answer waited for. A block ended by an error frees them at once (the
    error's traceback holds them anyway). Put a large list or dict in as itself, not only inside
    another object: it is freed a slice at a time (`_free_in_steps`)."""
    kept: list[Any] = []
    stack = contextlib.ExitStack()
    stack.enter_context(gc_paused())
    stack.callback(_free_in_steps, kept)  # first: the collector comes back once they are gone
    try:
        yield kept
    except BaseException:
        stack.close()
        raise
    threading.Thread(target=stack.close, name="import-freeing", daemon=True).start()


FREE_STEP = 1000  # objects freed between two chances for another thread to take the interpreter lock


def _free_in_steps(kept: list[Any]) -> None:
    """Empty `kept` from its end, each list or dict in it a slice of FREE_STEP at a time. One call
    that frees a list of 50,000 rows keeps the interpreter lock until the last is gone: freed by
    `kept.clear()` in the thread, the answer still waited the ~40 ms for it."""
    while kept:
        item = kept.pop()
        if type(item) is list:
            while item:
                del item[-FREE_STEP:]
        elif type(item) is dict:
            while item:
                for _ in range(min(FREE_STEP, len(item))):
                    item.popitem()
        del item


@dataclass
class ImportProgress:
    """Counts are rows of the sheet; `state`: running, done, rejected or failed."""

    import_id: str
    service: str
    actor: str
    started_at: datetime
    rows: int = 0
    parsed: int = 0
    checked: int = 0
    written: int = 0
    state: str = "running"
    finished_at: datetime | None = field(default=None)

    def step(self, stage: str, rows: int) -> None:
        """Count `rows` more rows through `stage`; safe from a worker thread (plain int updates)."""
        setattr(self, stage, getattr(self, stage) + rows)
        ROWS.labels(self.service, stage).inc(rows)

    def counted(self, stage: str, items: Iterable[T], every: int = STEP) -> Iterator[T]:
        """`items` one by one, each counted through `stage` once taken, `every` rows at a time (and
        the rest when the iteration ends, also by an error): a per-row `step` cost about 3 µs, as
        much as reading the row's cells."""
        done = 0
        try:
            for item in items:
                yield item
                done += 1
                if done == every:
                    self.step(stage, done)
                    done = 0
        finally:
            if done:
                self.step(stage, done)

    def finish(self, state: str) -> None:
        self.state, self.finished_at = state, now_cst()
        log.info("import %s %s: %s", self.import_id, state, self.as_json())

    def as_json(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}


class Imports:
    """The imports of one service process, newest last."""

    def __init__(self, service: str) -> None:
        self.service, self._items = service, OrderedDict[str, ImportProgress]()

    def start(self, actor: str) -> ImportProgress:
        progress = ImportProgress(f"I-{uuid4().hex[:16]}", self.service, actor, now_cst())
        self._items[progress.import_id] = progress
        while len(self._items) > KEEP:
            self._items.popitem(last=False)
        log.info("import %s started by %s", progress.import_id, actor)
        return progress

    @contextlib.contextmanager
    def tracked(self, actor: str) -> Iterator[ImportProgress]:
        """An import's progress from start to its end state: done, rejected (an AppError: the caller's
        file was refused; or the streams it writes moved while it was checked: 409 version_conflict
        with no field, a request that sent no version) or failed (anything else, re-raised)."""
        progress = self.start(actor)
        try:
            yield progress
        except AppError:
            progress.finish("rejected")
            raise
        except ConcurrencyError as exc:  # streams moved under the import (after its own retries)
            progress.finish("rejected")
            raise VersionConflictError(
                f"核对文件期间{_WRITTEN.get(self.service, '数据')}已有变化（他人同时写入了相关记录），"
                "本次导入未写入任何记录，请重新上传该文件"
            ) from exc
        except BaseException:
            progress.finish("failed")
            raise
        progress.finish("done")

    def get(self, import_id: str, actor: str) -> ImportProgress:
        found = self._items.get(import_id)
        if found is None or found.actor != actor:
            raise NotFoundError(f"导入任务 {import_id} 不存在（只能查看本人发起的导入）", field="import_id")
        return found

    def of(self, actor: str) -> list[ImportProgress]:
        return [p for p in self._items.values() if p.actor == actor]


def imports_of(app: FastAPI) -> Imports:
    """The app's imports (created with the app, see `runtime.create_app`)."""
    imports: Imports = app.state.imports
    return imports


async def _imports(request: Request) -> Imports:  # async: no worker thread (no I/O)
    return imports_of(request.app)


ImportsDep = Annotated[Imports, Depends(_imports)]
router = APIRouter(tags=["imports"])


@router.get("/imports", summary="本人的导入任务及进度 My bulk imports and their progress")
async def list_imports(who: CurrentPrincipal, imports: ImportsDep) -> dict[str, Any]:
    return {"items": [p.as_json() for p in imports.of(who.subject)]}


@router.get("/imports/{import_id}", summary="导入任务进度 Progress of one bulk import")
async def get_import(
    who: CurrentPrincipal, imports: ImportsDep, import_id: Annotated[str, Path(max_length=64)]
) -> dict[str, Any]:
    return imports.get(import_id, who.subject).as_json()
