"""Turns -> encoded segments, in order, made by a pool of engine processes.

Each turn is one segment: its clips (from the clip cache, or synthesized), trimmed
and joined with their pauses, the pause after the turn, then encoded. Workers make
whole segments, so synthesis and encoding run in parallel and overlap; an unchanged
turn's encoded segment comes from the segment cache without touching the engine.

Workers are spawned (forking after the engine starts hangs), each with its own
engine. Results come back in submission order, so which audio belongs to which turn
never depends on timing, and only a few segments per worker are in flight, so
memory does not grow with the episode.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from podcast.audio.clips import bleep
from podcast.audio.codec import Encoding
from podcast.audio.turn import Others, Stored, make_turn
from podcast.engines import Clip, Engines, kind_of
from podcast.errors import EngineError
from podcast.plan import ClipJob, SegmentJob
from podcast.production.store import ClipCache, SegmentCache

IN_FLIGHT_PER_WORKER = 3
LOCAL = "made here"  # a segment made in the render's own process when its turn comes
MAX_PENDING = 64  # segments waiting for their turn to be written, at most


@dataclass(frozen=True)
class Made:
    """A finished segment."""

    stored: Stored
    """The encoded segment."""
    synthesized: int
    """Clips the engine spoke for it."""
    cached: int
    """Clips (or, for a cached segment, the clips it was made of) taken from the cache."""
    reused: bool = False
    """True when the whole encoded segment came from the segment cache."""
    corrupt: int = 0
    """Cached clips found damaged (and made again)."""
    trouble: str | None = None
    """Why the clip cache could not be written, if it could not."""


@dataclass(frozen=True)
class Setup:
    """What every worker needs: picklable, sent once per worker."""

    engine: str
    """The kind of engine that speaks voices naming none (``espeak``; ``fake`` in tests)."""
    cache: Path | None
    """The cache folder; None renders without a cache."""
    encoding: Encoding
    """How segments are encoded."""
    threads: int | None = None
    """Threads a model-running engine (Piper) may use in each worker."""


@dataclass
class Worker:
    """What one process makes segments with: its own engines (one of each kind, kept
    for every segment it makes) and its view of the clip cache."""

    setup: Setup
    """The render's settings."""
    engines: Engines
    """This process's engines."""
    clips: ClipCache | None = None
    """The clip cache; None without one."""

    @classmethod
    def of(cls, setup: Setup, engines: Engines | None = None) -> Worker:
        """A worker for ``setup``, with ``engines`` (made afresh when None)."""
        cache = ClipCache(setup.cache) if setup.cache else None
        return cls(setup, engines or Engines(setup.engine, setup.threads), cache)


_worker: Worker | None = None
"""In a pool's worker process only: that process's Worker, made once when it starts
(a process pool can hand a worker its state no other way)."""


def _start_worker(setup: Setup, kind: str) -> None:
    global _worker
    _worker = Worker.of(setup)
    if not kind_of(kind).models:
        keep_freed_memory()
    # Ctrl-C in a terminal reaches the whole process group: the parent stops the
    # workers, so they must not each print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
KEEP = 1 << 30


def keep_freed_memory() -> bool:
    """Have glibc keep freed memory for the next arrays instead of giving it back to
    the system. By default every array over a few MB is mapped afresh and its pages
    faulted in one by one: a sixth of a worker's time (the article: 3.75 s of CPU
    instead of 4.4). Peak memory is what it was: the same arrays, reused. Not for the
    workers of an engine that runs a model (EngineKind.models): its activations, freed
    after every piece, would stay pinned beside the turn's audio (a Piper worker: 402
    MB with it, 350 without). False where the C library is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, KEEP) and libc.mallopt(M_TRIM_THRESHOLD, KEEP))
    except (OSError, AttributeError):
        return False


def _work(job: SegmentJob) -> Made:
    assert _worker is not None, "a pool worker runs _start_worker first"
    return make_segment(job, _worker)


def make_segment(job: SegmentJob, worker: Worker) -> Made:
    """Speak (or fetch) the turn's clips, then make its encoded segment."""
    clips: list[Clip] = []
    synthesized = 0
    cache = worker.clips
    corrupt_before = cache.store.corrupt if cache else 0
    for clip_job in job.clips:
        if clip_job.bleep:
            clips.append(bleep(clip_job.bleep))
            continue
        clip, made = _clip(job, clip_job, worker)
        clips.append(clip)
        synthesized += made
    under = _clip(job, job.under.clip, worker)[0] if job.under else None
    reactions = tuple(_clip(job, reaction.clip, worker)[0] for reaction in job.reactions)
    stored = make_turn(job, clips, worker.setup.encoding, Others(under, reactions))
    cached = sum(1 for c in job.clips if not c.bleep) - synthesized
    corrupt = cache.store.corrupt - corrupt_before if cache else 0
    return Made(stored, synthesized, cached, False, corrupt, cache.store.trouble if cache else None)


def _clip(job: SegmentJob, clip_job: ClipJob, worker: Worker) -> tuple[Clip, bool]:
    """A clip from the cache, else synthesized (and cached); whether it was made."""
    cache = worker.clips
    clip = cache.get(clip_job.key) if cache else None
    if clip is not None:
        return clip, False
    clip = _synthesize(job, clip_job, worker.engines)
    if cache:
        cache.put(clip_job.key, clip)
    return clip, True


def _synthesize(job: SegmentJob, clip_job: ClipJob, engines: Engines) -> Clip:
    try:
        return engines.speaking(clip_job.voice).synthesize(clip_job.text, clip_job.voice)
    except EngineError as error:
        raise EngineError(f"{job.label}: {error}") from error
    except Exception as error:  # the engine failed in a way it does not report itself
        reason = f"{type(error).__name__}: {error}"
        raise EngineError(f"{job.label}: the speech engine failed ({reason})") from error


def _submit(pool: ProcessPoolExecutor, job: SegmentJob) -> Future[Made]:
    """The job handed to a worker; if a worker has already died, a future holding that
    failure, met in turn order like any other (so the turn that crashed is named)."""
    try:
        return pool.submit(_work, job)
    except BrokenProcessPool as error:
        failed: Future[Made] = Future()
        failed.set_exception(error)
        return failed


class _Crashed(Exception):
    """A worker process died; which turn killed it is not known yet."""


def stop(pool: ProcessPoolExecutor, grace: float = 1.0) -> None:
    """Stop at once: drop queued work and end the workers mid-clip. Every clip they
    finished is already in the cache (written atomically), so the next render resumes.

    A worker ended while it was sending a result leaves half a message in the pipe,
    and the pool's manager thread would wait for the rest forever (and the interpreter
    with it, at exit). Once the workers are gone, this process closes its own end of
    that pipe, so the manager reads end-of-file, marks the pool broken and ends.
    """
    processes = list(getattr(pool, "_processes", {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)  # shutdown drops it
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():  # busy where the signal cannot stop it (C code): kill it
            process.kill()
            process.join(timeout=1)
    if writer is not None:
        writer.close()
    if manager is not None:
        manager.join(timeout=1)


class Producer:
    """Yields every turn's encoded segment, in order."""

    def __init__(
        self,
        setup: Setup,
        engines: Engines,
        workers: int,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.setup = setup
        self.local = Worker.of(setup, engines)
        """Makes segments in this process, with the render's own engines."""
        self.workers = max(1, workers)
        self.progress = progress or (lambda n: None)
        self.segments = SegmentCache(setup.cache) if setup.cache else None
        self.synthesized = 0
        self.cached = 0
        self.corrupt = 0
        """Cache entries found damaged and made again."""
        self.trouble: str | None = None
        """Why the clip cache could not be written in a worker, first reason only."""
        self.pool_size = 0
        self._key = setup.encoding.fingerprint

    def made(self, jobs: Sequence[SegmentJob]) -> Iterator[Stored]:
        """The encoded segment of every job, in order.

        Segments of the default engine are made in this process when there are too few
        to be worth a pool; every other engine (Piper) speaks in worker processes of its
        own, one pool per kind of engine: engines of different kinds are never loaded
        in one process (piper-tts's own espeak-ng crashes beside pyttsx3's)."""
        cached = [self._has(job) for job in jobs]
        kinds = [self._kind(job) for job in jobs]
        missing = [kind for kind, hit in zip(kinds, cached, strict=True) if not hit]
        local = self.workers == 1 or len(missing) < 2
        sizes = self._sizes(missing, local)
        done = 0
        try:
            for stored in self._with_pools(jobs, cached, kinds, sizes):
                yield stored
                done += 1
        except _Crashed:
            # A worker died and took every pending turn with it: go on one turn at a
            # time in a fresh worker, which names the turn that crashes it (if any).
            ones = dict.fromkeys(sizes, 1)
            yield from self._with_pools(jobs[done:], cached[done:], kinds[done:], ones)

    def _kind(self, job: SegmentJob) -> str:
        """The kind of engine a segment's speech needs (the default for music)."""
        engines = self.local.engines
        return next((engines.kind(c.voice) for c in job.clips if not c.bleep), engines.default)

    def _sizes(self, missing: list[str], local: bool) -> dict[str, int]:
        """Workers for each kind of engine that needs a pool. One kind: every worker (none
        when so few segments are missing that this process makes them). Two: the other
        kind (Piper, far slower) gets every worker, and this process makes the default
        engine's segments when their turn comes, between waiting for the others."""
        needed = dict.fromkeys(missing)
        default = self.local.engines.default
        if local or len(needed) > 1:
            needed.pop(default, None)
        count = len([kind for kind in missing if kind in needed])
        size = 1 if local else min(self.workers, max(1, count))
        return dict.fromkeys(needed, size)

    def _with_pools(
        self,
        jobs: Sequence[SegmentJob],
        cached: list[bool],
        kinds: list[str],
        sizes: dict[str, int],
    ) -> Iterator[Stored]:
        self.pool_size = max(sizes.values(), default=1)
        total = sum(sizes.values()) or 1
        cores = os.cpu_count() or 1
        setup = replace(self.setup, threads=max(1, cores // total))
        context = multiprocessing.get_context("spawn")
        pools = {
            kind: ProcessPoolExecutor(size, context, _start_worker, (setup, kind))
            for kind, size in sizes.items()
        }
        try:
            window = total * IN_FLIGHT_PER_WORKER
            yield from self._pooled(pools, jobs, cached, kinds, window)
        except BaseException:
            for pool in pools.values():
                stop(pool)
            raise
        finally:
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)

    def _pooled(
        self,
        pools: dict[str, ProcessPoolExecutor],
        jobs: Sequence[SegmentJob],
        cached: list[bool],
        kinds: list[str],
        window: int,
    ) -> Iterator[Stored]:
        """Keep ``window`` segments in the works however many cached ones lie between
        them; cached segments (and those made in this process) when their turn comes."""
        pending: deque[tuple[SegmentJob, Future[Made] | str | None]] = deque()
        running = 0
        for job, hit, kind in zip(jobs, cached, kinds, strict=True):
            work: Future[Made] | str | None = None
            if not hit:
                work = _submit(pools[kind], job) if kind in pools else LOCAL
            pending.append((job, work))
            running += isinstance(work, Future)
            while pending and (
                not isinstance(pending[0][1], Future)
                or running >= window
                or len(pending) >= MAX_PENDING
            ):
                head, result = pending.popleft()
                running -= isinstance(result, Future)
                yield self._finish(head, result, pools)
        while pending:
            yield self._finish(*pending.popleft(), pools)

    def _has(self, job: SegmentJob) -> bool:
        if not self.segments or not self.setup.encoding.fmt.encoded_per_turn:
            return False  # WAV segments are as large as the audio: not worth keeping
        return self.segments.has(job.key(self._key))

    def _from_cache(self, job: SegmentJob, pools: dict[str, ProcessPoolExecutor]) -> Made:
        stored = self.segments.get(job.key(self._key)) if self.segments else None
        if stored is None:  # removed or damaged since: make it now
            return self._make_now(job, pools)
        return Made(stored, 0, sum(1 for c in job.clips if not c.bleep), reused=True)

    def _make_now(self, job: SegmentJob, pools: dict[str, ProcessPoolExecutor]) -> Made:
        """Make a segment at once: here for the default engine, else by a worker of
        its kind (a pool of one made for it when there is none)."""
        kind = self._kind(job)
        if kind == self.local.engines.default:
            return make_segment(job, self.local)
        if kind not in pools:
            setup = replace(self.setup, threads=os.cpu_count() or 1)
            context = multiprocessing.get_context("spawn")
            pools[kind] = ProcessPoolExecutor(1, context, _start_worker, (setup, kind))
        return pools[kind].submit(_work, job).result()

    def _finish(
        self,
        job: SegmentJob,
        result: Made | Future[Made] | str | None,
        pools: dict[str, ProcessPoolExecutor],
    ) -> Stored:
        if result is None:
            result = self._from_cache(job, pools)
        elif result == LOCAL:
            result = self._make_now(job, pools)
        elif isinstance(result, Future):
            try:
                result = result.result()
            except BrokenProcessPool as error:
                if self.pool_size > 1:
                    raise _Crashed from error
                raise EngineError(f"{job.label}: the speech engine crashed") from error
        if self.segments and not result.reused and self.setup.encoding.fmt.encoded_per_turn:
            self.segments.put(job.key(self._key), result.stored)
        self.synthesized += result.synthesized
        self.cached += result.cached
        self.corrupt += result.corrupt
        self.trouble = self.trouble or result.trouble
        self.progress(1)
        return result.stored

    def cache_report(self) -> tuple[int, str | None]:
        """Damaged entries made again, and why the cache could not be written (the first
        reason: once one write fails, the render goes on without writing)."""
        corrupt = self.corrupt + (self.segments.store.corrupt if self.segments else 0)
        segment_trouble = self.segments.store.trouble if self.segments else None
        return corrupt, self.trouble or segment_trouble
