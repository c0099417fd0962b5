"""A batch on a Dask distributed cluster: a task per episode. The client sends each
task what the episode is made of (the transcript, its voices.yaml and the files that
names: cover, music) and writes the files the task sends back into OUT_DIR, so the
workers need no shared file system. Each worker keeps its engines from one task to the
next, and its own clip cache (or a shared one, where PODCAST_CACHE_DIR points at shared
storage); it renders one episode at a time (eSpeak NG is one engine per process), so
start workers with ``--nthreads 1`` and as many ``--nworkers`` as cores, and, for Piper
voices (which speak in a process of their own), with
``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (a daemon process may not start others).

An episode already in OUT_DIR with all its side files sends its render key along, and
a task that finds nothing changed sends no files back: a re-run only does new work.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from podcast.batch.entries import Entry
from podcast.batch.task import Report, render_entry
from podcast.config.load import find_voices_file, load
from podcast.config.model import VoiceBook
from podcast.engines import Engines, kind_of
from podcast.errors import ConfigError, InputError, PodcastError
from podcast.files import write_atomically
from podcast.production.pool import keep_freed_memory
from podcast.publish.sidefiles import side_paths
from podcast.publish.tags import stored_render_key
from podcast.render import Options, stored_summary

INSTALL = "pip install -e '.[dask]' (dask[distributed])"
DAEMON = (
    "Piper voices speak in a process of their own, which a Dask worker started as a daemon "
    "cannot start: run the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False"
)


@dataclass(frozen=True)
class Parcel:
    """One episode's task: everything it is made of, as bytes."""

    entry: Entry
    """The entry, its paths relative to the parcel's own folder."""
    files: dict[str, bytes]
    """Every input file by its path relative to that folder."""
    options: Options
    """How to render it (voices: the parcel's own copy, if any)."""
    previous_key: str | None = None
    """The render key of the episode the client already has, if any."""


@dataclass(frozen=True)
class Returned:
    """What a task sends back."""

    report: Report
    """What came of the episode (its paths as the worker saw them)."""
    files: dict[str, bytes]
    """The episode and side files, by name; empty when up to date or failed."""


def run_cluster(
    entries: Sequence[Entry], out_dir: Path, options: Options, address: str
) -> Iterator[Report]:
    """Every entry's report as its task finishes; the files written into ``out_dir``."""
    try:
        from distributed import Client, as_completed
    except ImportError as error:
        raise ConfigError(f"--scheduler needs Dask's distributed: {INSTALL}") from error
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(
            f"cannot reach the Dask scheduler at {address} ({error}); start it with "
            "'dask scheduler' and give its address"
        ) from error
    with client:
        window = 2 * max(1, sum(client.nthreads().values()))  # parcels in memory, at most
        queue = deque(entries)
        running = as_completed()
        futures: dict[Any, Entry] = {}
        while queue or futures:
            while queue and len(futures) < window:
                entry = queue.popleft()
                try:
                    parcel = _parcel(entry, out_dir, options)
                except PodcastError as error:
                    yield Report(entry.name, entry.transcript, error=" ".join(str(error).split()))
                    continue
                future = client.submit(deliver, parcel, pure=False, key=f"podcast-{entry.name}")
                futures[future] = entry
                running.add(future)
            if futures:
                future = next(running)
                yield _outcome(future, futures.pop(future), out_dir)


def _outcome(future: Any, entry: Entry, out_dir: Path) -> Report:
    try:
        returned: Returned = future.result()
    except Exception as error:  # a worker died or the task was lost
        reason = f"the cluster lost the task ({type(error).__name__}: {error})"
        return Report(entry.name, entry.transcript, error=reason)
    return _received(returned, entry, out_dir)


def _parcel(entry: Entry, out_dir: Path, options: Options) -> Parcel:
    """The entry's inputs as bytes, laid out as they lie relative to its voices.yaml
    (music in ``../music/`` included: voices.yaml goes as deep in the parcel as its names
    climb), with the episode's render key when it is already complete in ``out_dir``."""
    voices = find_voices_file(entry.voices or options.voices, entry.transcript)
    book = load(voices)
    names = _named_files(book)
    depth = max((Path(name).parts.count("..") for name in names), default=0)
    folder = Path(*["voices"] * depth)
    local_voices = folder / "voices.yaml"  # always one: a worker's own folder may hold another
    files = {
        "transcript" + entry.transcript.suffix: _read(entry.transcript),
        str(local_voices): _read(voices) if voices else b"",
    }
    for name in names:
        files[os.path.normpath(folder / name)] = _read(book.path_of(name))
    episode = out_dir / f"{entry.name}.mp3"
    wanted = side_paths(episode, page=book.output.page) if book.output.side_files else []
    complete = episode.is_file() and all(path.is_file() for path in wanted)
    moved = Entry(Path("transcript" + entry.transcript.suffix), entry.name, local_voices)
    return Parcel(
        moved,
        files,
        replace(options, voices=None),
        stored_render_key(episode) if complete else None,
    )


def _named_files(book: VoiceBook) -> list[str]:
    """Files voices.yaml names (the cover, music), as written (relative to it)."""
    music = book.music
    found = [book.episode.cover, music.intro, music.outro, music.between_sections]
    for name in found:
        if name and Path(name).is_absolute():
            raise ConfigError(
                f"{name}: a cluster worker cannot read an absolute path; name it relative "
                "to voices.yaml"
            )
    return [name for name in found if name]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error})") from error


def deliver(parcel: Parcel) -> Returned:
    """The task, on a worker: lay the parcel out in a temporary folder, render it with
    this worker's engines, send the files back."""
    from distributed import get_worker

    worker = get_worker()
    state = getattr(worker, "_podcast", None)
    if state is None:
        state = (Engines(parcel.options.engine), threading.Lock())
        worker._podcast = state  # type: ignore[attr-defined]
        if not kind_of(parcel.options.engine).models:
            keep_freed_memory()
    engines, lock = state
    with lock, tempfile.TemporaryDirectory(prefix="podcast-") as folder:
        root = Path(folder)
        for name, data in parcel.files.items():
            path = root / name
            if name.startswith("..") or Path(name).is_absolute():
                raise ValueError(f"{name}: outside the parcel")  # never from our own client
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        entry = Entry(
            root / parcel.entry.transcript,
            parcel.entry.name,
            root / parcel.entry.voices if parcel.entry.voices else None,
        )
        out = root / "out"
        report = render_entry(entry, out, parcel.options, engines, parcel.previous_key)
        if report.error and "daemonic" in report.error:  # multiprocessing's own words
            report = replace(report, error=DAEMON)
        files = {} if report.error or report.up_to_date else {
            path.name: path.read_bytes() for path in report.files
        }  # fmt: skip
    return Returned(report, files)


def _received(returned: Returned, entry: Entry, out_dir: Path) -> Report:
    """Write the files a task sent back (each atomically) and report with local paths."""
    report = returned.report
    written = []
    for name, data in returned.files.items():
        path = out_dir / name
        write_atomically(path, lambda out, data=data: out.write(data))  # type: ignore[misc]
        written.append(path)
    if report.up_to_date:
        kept = stored_summary(out_dir / f"{entry.name}.mp3")
        report = replace(report, seconds=kept["seconds"], loudness=kept.get("loudness"))
    return replace(report, transcript=entry.transcript, files=tuple(written))
