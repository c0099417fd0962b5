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
import hashlib
import json
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from podcast import loudness
from podcast.assembly import Joined, at_output_rate, bleep, joined, pcm16, samples
from podcast.cache import ClipCache, SegmentCache, Stored
from podcast.engines import Clip, Engine, create
from podcast.errors import EngineError
from podcast.export import Encoding
from podcast.music import Music, bed, under
from podcast.voices import Voice

IN_FLIGHT_PER_WORKER = 3
CODEC_MARGIN = 0.5  # dB below the true-peak limit, for the peaks MP3 encoding adds
PEAK_RETRIES = 2  # times a segment is made again when the codec overshot even that
MAX_PENDING = 64  # segments waiting for their turn to be written, at most


@dataclass(frozen=True)
class ClipJob:
    """One paragraph to speak."""

    key: str
    text: str
    voice: Voice
    bleep: int = 0
    """Milliseconds of bleep tone instead of speech (a censored word)."""
    aside: bool = False
    """An editorial aside, read by the narrator."""
    caption: str = ""
    """The text as captions show it, when it differs from what is said."""


@dataclass(frozen=True)
class SegmentJob:
    """One turn (or part of a very long turn) to turn into encoded audio."""

    clips: tuple[ClipJob, ...]
    gaps: tuple[int, ...]
    """Milliseconds between consecutive clips."""
    after: int
    """Milliseconds of pause after the turn."""
    label: str
    """How to name the turn in an error: ``turn 12 ("I imagine this...")``."""
    turn: int | None = 0
    """Index of the turn this segment is (part of); None for music on its own."""
    pan: float = 0.0
    """Stereo position of the speaker, -1 (left) to 1 (right)."""
    music: Music | None = None
    """Music: on its own (no clips), or under the start of the turn (``music.lead``)."""

    def key(self, encoding: Encoding) -> str:
        """Segment cache key: the clips, the pauses and the encoding."""
        music = asdict(self.music) if self.music else None
        payload = [[c.key for c in self.clips], self.gaps, self.after, self.pan, music]
        payload.append(asdict(encoding))
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@dataclass(frozen=True)
class Made:
    """A finished segment."""

    stored: Stored
    synthesized: int
    """Clips the engine spoke for it."""
    cached: int
    """Clips (or, for a cached segment, the clips it was made of) taken from the cache."""
    reused: bool = False
    """True when the whole encoded segment came from the segment cache."""


@dataclass(frozen=True)
class Setup:
    """What every worker needs: picklable, sent once per worker."""

    engine: str
    cache: Path | None
    encoding: Encoding


_engines: dict[str, Engine] = {}


def use_engine(name: str, engine: Engine) -> None:
    """Let segments made in this process use an engine that already exists."""
    _engines[name] = engine


def _engine(name: str) -> Engine:
    if name not in _engines:
        _engines[name] = create(name)
    return _engines[name]


_setup: Setup | None = None


def _start_worker(setup: Setup) -> None:
    global _setup
    _setup = setup
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
    instead of 4.4). Peak memory is what it was: the same arrays, reused. False where
    the C library is not glibc (nothing changes there)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, KEEP) and libc.mallopt(M_TRIM_THRESHOLD, KEEP))
    except (OSError, AttributeError):
        return False


def _work(job: SegmentJob) -> Made:
    assert _setup is not None
    return make_segment(job, _setup)


def make_segment(job: SegmentJob, setup: Setup) -> Made:
    """Speak (or fetch) the turn's clips, join them, add the pause after, encode."""
    clips_cache = ClipCache(setup.cache) if setup.cache else None
    clips: list[Clip] = []
    synthesized = 0
    for clip_job in job.clips:
        if clip_job.bleep:
            clips.append(bleep(clip_job.bleep))
            continue
        clip = clips_cache.get(clip_job.key) if clips_cache else None
        if clip is None:
            clip = _synthesize(job, clip_job, setup.engine)
            synthesized += 1
            if clips_cache:
                clips_cache.put(clip_job.key, clip)
        clips.append(clip)
    stored = finish(joined(clips, job.gaps), job, setup.encoding)
    cached = sum(1 for c in job.clips if not c.bleep) - synthesized
    return Made(stored, synthesized, cached)


def finish(turn: Joined, job: SegmentJob, encoding: Encoding) -> Stored:
    """Level the turn's speech, bring it to the output rate, add the pause after it,
    pan it, encode it, and measure the loudness and true peak of what was encoded
    (decoded again, for MP3). The codec's own overshoot is nearly always under
    CODEC_MARGIN; a segment that still ends up over the true-peak limit is made
    again with the limiter that much lower."""
    codec = encoding.codec_gain
    target = None if encoding.loudness is None else encoding.loudness - codec
    ceiling = encoding.true_peak - CODEC_MARGIN - codec
    for _ in range(1 + PEAK_RETRIES):
        stored = _encoded(turn, job, encoding, target, ceiling)
        over = loudness.db(stored.peak) - encoding.true_peak
        if target is None or over <= 0:
            break
        ceiling -= over + 0.1
    return stored


def _encoded(
    turn: Joined, job: SegmentJob, encoding: Encoding, target: float | None, ceiling: float
) -> Stored:
    """Samples are float32: a turn of several minutes is millions of them, and memory
    must stay small."""
    if target is not None:
        turn = level_turn(turn, target, ceiling)
    speech, spans = at_output_rate(turn)
    if job.music:
        speech, spans = _with_music(speech, spans, job.music, target, ceiling)
    spoken = len(speech)
    count = spoken + encoding.trailing(spoken, samples(job.after))
    audio = np.zeros(count, dtype=np.float32)
    audio[:spoken] = speech
    del speech
    frames = pcm16(_panned(audio, job.pan) if encoding.channels == 2 else audio)
    data = encoding.encode(frames)
    del frames
    heard = encoding.decode(data) if encoding.fmt == "mp3" else None
    if heard is None:
        heard = audio * 10 ** (encoding.codec_gain / 20)
    power = tuple(float(p) for p in loudness.sub_blocks(heard))
    return Stored(data, count, spoken, power, loudness.true_peak(heard), tuple(spans))


def level_turn(turn: Joined, target: float, ceiling: float) -> Joined:
    """The turn levelled, at the output rate. A turn made at half that rate (eSpeak's)
    is measured and limited at its own rate: half the samples."""
    audio, spans = at_output_rate(turn)
    if turn.rate * 2 == loudness.RATE:
        audio = loudness.leveled(turn.audio, target, ceiling, doubled=audio)
    else:
        audio = loudness.leveled(audio, target, ceiling)
    return Joined(audio, loudness.RATE, spans)


def _with_music(
    speech: np.ndarray,
    spans: list[tuple[int, int]],
    music: Music,
    target: float | None,
    ceiling: float,
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Music on its own, or the turn's speech over a ducked intro (clips shifted)."""
    backing = bed(music, target, ceiling)
    if music.lead is None:
        return backing, spans
    mixed, start = under(speech, backing, music.lead)
    mixed = loudness.limit(mixed, 10 ** (ceiling / 20))
    return mixed, [(a + start, b + start) for a, b in spans]


def _panned(audio: np.ndarray, pan: float) -> np.ndarray:
    """Constant-power pan: -1 left, 0 centre, 1 right; interleaved stereo."""
    angle = (pan + 1) * np.pi / 4
    return np.column_stack((audio * np.cos(angle), audio * np.sin(angle))).ravel()


def _synthesize(job: SegmentJob, clip_job: ClipJob, engine: str) -> Clip:
    try:
        return _engine(engine).synthesize(clip_job.text, clip_job.voice)
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


def _stop(pool: ProcessPoolExecutor) -> None:
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
    for process in processes:
        process.join(timeout=1)
    if writer is not None:
        writer.close()
    if manager is not None:
        manager.join(timeout=1)


class Producer:
    """Yields every turn's encoded segment, in order."""

    def __init__(
        self, setup: Setup, workers: int, progress: Callable[[int], None] | None = None
    ) -> None:
        self.setup = setup
        self.workers = max(1, workers)
        self.progress = progress or (lambda n: None)
        self.segments = SegmentCache(setup.cache) if setup.cache else None
        self.synthesized = 0
        self.cached = 0
        self.pool_size = 0

    def made(self, jobs: Sequence[SegmentJob]) -> Iterator[Stored]:
        """The encoded segment of every job, in order."""
        cached = [self._has(job) for job in jobs]
        missing = cached.count(False)
        if self.workers == 1 or missing < 2:
            for job, hit in zip(jobs, cached, strict=True):
                yield self._finish(job, None if hit else make_segment(job, self.setup))
            return
        done = 0
        try:
            for stored in self._in_pool(jobs, cached, min(self.workers, missing)):
                yield stored
                done += 1
        except _Crashed:
            # A worker died and took every pending turn with it: go on one turn at a
            # time in a fresh worker, which names the turn that crashes it (if any).
            yield from self._in_pool(jobs[done:], cached[done:], 1)

    def _in_pool(
        self, jobs: Sequence[SegmentJob], cached: list[bool], workers: int
    ) -> Iterator[Stored]:
        self.pool_size = workers
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, context, _start_worker, (self.setup,)) as pool:
            try:
                yield from self._pooled(pool, jobs, cached, workers * IN_FLIGHT_PER_WORKER)
            except BaseException:
                _stop(pool)
                raise

    def _pooled(
        self, pool: ProcessPoolExecutor, jobs: Sequence[SegmentJob], cached: list[bool], window: int
    ) -> Iterator[Stored]:
        """Keep ``window`` segments in the works however many cached ones lie between
        them; cached segments are read only when their turn comes."""
        pending: deque[tuple[SegmentJob, Future[Made] | None]] = deque()
        running = 0
        for job, hit in zip(jobs, cached, strict=True):
            pending.append((job, None if hit else _submit(pool, job)))
            running += not hit
            while pending and (
                pending[0][1] is None or running >= window or len(pending) >= MAX_PENDING
            ):
                head, result = pending.popleft()
                running -= result is not None
                yield self._finish(head, result)
        while pending:
            yield self._finish(*pending.popleft())

    def _has(self, job: SegmentJob) -> bool:
        if not self.segments or self.setup.encoding.fmt != "mp3":
            return False  # WAV segments are as large as the audio: not worth keeping
        return self.segments.has(job.key(self.setup.encoding))

    def _from_cache(self, job: SegmentJob) -> Made:
        stored = self.segments.get(job.key(self.setup.encoding)) if self.segments else None
        if stored is None:  # removed or corrupt since: make it here
            return make_segment(job, self.setup)
        return Made(stored, 0, sum(1 for c in job.clips if not c.bleep), reused=True)

    def _finish(self, job: SegmentJob, result: Made | Future[Made] | None) -> Stored:
        if result is None:
            result = self._from_cache(job)
        elif isinstance(result, Future):
            try:
                result = result.result()
            except BrokenProcessPool as error:
                if self.pool_size > 1:
                    raise _Crashed from error
                raise EngineError(f"{job.label}: the speech engine crashed") from error
        if self.segments and not result.reused and self.setup.encoding.fmt == "mp3":
            self.segments.put(job.key(self.setup.encoding), result.stored)
        self.synthesized += result.synthesized
        self.cached += result.cached
        self.progress(1)
        return result.stored
