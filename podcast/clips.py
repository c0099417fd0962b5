"""Utterances -> clips, in order: from the cache, or synthesized by a pool of engine processes.

Workers are spawned (forking after the engine starts hangs), each with its own
engine; results come back in submission order, so which clip belongs to which
utterance never depends on timing. At most a few clips per worker are in flight,
so memory does not grow with the episode.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from podcast.cache import ClipCache
from podcast.engines import Clip, Engine, create
from podcast.errors import EngineError
from podcast.voices import Voice

IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class Job:
    """One utterance to turn into a clip."""

    key: str
    text: str
    voice: Voice
    label: str
    """How to name this utterance in an error (``turn 12 ("I imagine this...")``)."""


@dataclass
class Tally:
    """How many clips were synthesized and how many came from the cache."""

    synthesized: int = 0
    cached: int = 0


_worker_engine: Engine | None = None


def _start_worker(engine_name: str) -> None:
    global _worker_engine
    _worker_engine = create(engine_name)


def _work(text: str, voice: Voice) -> Clip:
    assert _worker_engine is not None
    return _worker_engine.synthesize(text, voice)


class ClipSource:
    """Yields the clip of every job, in order."""

    def __init__(
        self,
        engine_name: str,
        engine: Engine,
        cache: ClipCache | None,
        jobs: int,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.engine_name = engine_name
        self.engine = engine
        self.cache = cache
        self.workers = max(1, jobs)
        self.progress = progress or (lambda n: None)
        self.tally = Tally()

    def clips(self, jobs: Sequence[Job]) -> Iterator[Clip]:
        missing = [job for job in jobs if not (self.cache and self.cache.has(job.key))]
        if self.workers == 1 or len(missing) < 2:
            yield from (self._local(job) for job in jobs)
            return
        context = multiprocessing.get_context("spawn")
        workers = min(self.workers, len(missing))
        with ProcessPoolExecutor(workers, context, _start_worker, (self.engine_name,)) as pool:
            yield from self._pooled(pool, jobs, workers * IN_FLIGHT_PER_WORKER)

    def _local(self, job: Job) -> Clip:
        clip = self._cached(job)
        if clip is None:
            clip = self._store(job, self._synthesize(job))
        self.progress(1)
        return clip

    def _pooled(
        self, pool: ProcessPoolExecutor, jobs: Sequence[Job], window: int
    ) -> Iterator[Clip]:
        pending: deque[tuple[Job, Clip | Future[Clip]]] = deque()
        queue = iter(jobs)
        for job in queue:
            pending.append((job, self._cached(job) or pool.submit(_work, job.text, job.voice)))
            while len(pending) >= window or (pending and isinstance(pending[0][1], Clip)):
                yield self._finish(*pending.popleft())
        while pending:
            yield self._finish(*pending.popleft())

    def _finish(self, job: Job, result: Clip | Future[Clip]) -> Clip:
        if isinstance(result, Future):
            try:
                result = self._store(job, result.result())
            except EngineError as error:
                raise EngineError(f"{job.label}: {error}") from error
            except BrokenProcessPool as error:
                raise EngineError(f"{job.label}: the speech engine crashed") from error
        self.progress(1)
        return result

    def _cached(self, job: Job) -> Clip | None:
        clip = self.cache.get(job.key) if self.cache else None
        if clip is not None:
            self.tally.cached += 1
        return clip

    def _synthesize(self, job: Job) -> Clip:
        try:
            return self.engine.synthesize(job.text, job.voice)
        except EngineError as error:
            raise EngineError(f"{job.label}: {error}") from error

    def _store(self, job: Job, clip: Clip) -> Clip:
        self.tally.synthesized += 1
        if self.cache:
            self.cache.put(job.key, clip)
        return clip
