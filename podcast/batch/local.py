"""A batch on this machine: one pool of worker processes for the whole batch, each
keeping its engines from one episode to the next and rendering whole episodes, so the
cores stay busy across episodes and nothing starts again per episode.

Ctrl-C (or SIGTERM) stops the workers within a second: each is told to end, which
unwinds its render and removes its temporary file; one that does not end in time (the
signal's exception can be lost in a C library's callback) is killed and its temporary
files removed here. Finished episodes stay, so the next run
resumes where this one stopped.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from podcast.batch.entries import Entry
from podcast.batch.task import Report, render_entry
from podcast.engines import Engines, kind_of
from podcast.production.pool import keep_freed_memory, stop
from podcast.render import Options

GRACE = 0.4  # seconds the workers have to end by themselves once told to

_engines: Engines | None = None
"""In a batch worker process only: its engines, made once when it starts (a process
pool can hand a worker its state no other way)."""


def _end(signum: int, frame: Any) -> None:
    """A batch worker told to end (SIGTERM) ends at once. Raising here instead could land
    inside a C callback (soundfile's cffi reader), which prints the exception as a
    traceback and swallows it; what an ended worker leaves is only its temporary files,
    which the batch removes (``_stop``), and clips it cached whole."""
    os._exit(128 + signum)


def _start_worker(engine: str) -> None:
    global _engines
    _engines = Engines(engine)
    if not kind_of(engine).models:
        keep_freed_memory()  # as a render's workers do: a sixth of their time
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the batch
    signal.signal(signal.SIGTERM, _end)


def _work(entry: Entry, out_dir: Path, options: Options) -> Report:
    assert _engines is not None, "a batch worker runs _start_worker first"
    return render_entry(entry, out_dir, options, _engines)


def run_local(
    entries: Sequence[Entry], out_dir: Path, options: Options, jobs: int
) -> Iterator[Report]:
    """Every entry's report, as each finishes (in the order they finish)."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max(1, jobs), context, _start_worker, (options.engine,))
    window = 2 * max(1, jobs)  # queued ahead: enough to keep every worker busy
    pending: dict[Future[Report], Entry] = {}
    queue = deque(
        sorted(entries, key=_size, reverse=True)
    )  # longest first: short ones fill the end
    try:
        while queue or pending:
            while queue and len(pending) < window:
                entry = queue.popleft()
                pending[pool.submit(_work, entry, out_dir, options)] = entry
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield _report(future, pending.pop(future))
    except BaseException:
        _stop(pool, out_dir, entries)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _size(entry: Entry) -> int:
    try:
        return entry.transcript.stat().st_size
    except OSError:
        return 0  # reported when its turn comes


def _report(future: Future[Report], entry: Entry) -> Report:
    try:
        return future.result()
    except BrokenProcessPool:
        reason = "a worker process died while rendering it (out of memory?); run it again"
        return Report(entry.name, entry.transcript, error=reason)


def _stop(pool: ProcessPoolExecutor, out_dir: Path, entries: Sequence[Entry]) -> None:
    """End every worker (SIGTERM, then SIGKILL after GRACE) and remove what a killed
    one may have left: its temporary files (``.NAME.*.part``)."""
    stop(pool, GRACE)
    names = {entry.name for entry in entries}
    for path in out_dir.glob(".*.part"):
        if any(path.name.startswith(f".{name}.") for name in names):
            path.unlink(missing_ok=True)
