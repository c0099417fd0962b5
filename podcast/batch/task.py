"""One episode of a batch: rendered, and what came of it (never an exception: a
failure is a line in the batch's table)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from podcast.batch.entries import Entry
from podcast.engines import DEFAULT, Engines
from podcast.errors import PodcastError
from podcast.render import render


@dataclass(frozen=True)
class Options:
    """How every episode of the batch is rendered."""

    engine: str = DEFAULT
    """The engine for voices that name none."""
    voices: Path | None = None
    """One voices.yaml for every entry that names none (None: the usual lookup)."""
    bitrate: int | None = None
    """MP3 bitrate in kbit/s (None: render's default)."""
    style: str | None = None
    """The transcripts' style (None: detected per transcript)."""
    use_cache: bool = True
    """False makes every clip and segment again."""


@dataclass(frozen=True)
class Report:
    """What came of one episode."""

    name: str
    """The episode's name."""
    transcript: Path
    """Its transcript."""
    seconds: float = 0.0
    """Its length."""
    loudness: float | None = None
    """Its integrated loudness, LUFS."""
    took: float = 0.0
    """Wall seconds spent on it."""
    synthesized: int = 0
    """Clips the engine spoke for it."""
    up_to_date: bool = False
    """True when it was already up to date (nothing done)."""
    error: str | None = None
    """Why it failed: one line; None when it did not."""
    files: tuple[Path, ...] = ()
    """The files written: the episode and its side files."""


def render_entry(
    entry: Entry,
    out_dir: Path,
    options: Options,
    engines: Engines,
    previous_key: str | None = None,
) -> Report:
    """Render one entry into ``out_dir`` with this process's ``engines``."""
    start = time.perf_counter()
    extra = {"bitrate": options.bitrate} if options.bitrate else {}
    try:
        result = render(
            entry.transcript,
            output=out_dir / f"{entry.name}.mp3",
            voices=entry.voices or options.voices,
            engine=options.engine,
            jobs=1,
            use_cache=options.use_cache,
            style=options.style,
            engines=engines,
            previous_key=previous_key,
            **extra,
        )
    except PodcastError as error:
        reason = " ".join(str(error).split())
        return Report(entry.name, entry.transcript, took=time.perf_counter() - start,
                      error=reason)  # fmt: skip
    except Exception as error:  # a bug, not bad input: still one line, and the batch goes on
        reason = f"unexpected {type(error).__name__}: {error}"
        return Report(entry.name, entry.transcript, took=time.perf_counter() - start,
                      error=reason)  # fmt: skip
    return Report(
        entry.name,
        entry.transcript,
        result.seconds,
        result.loudness,
        time.perf_counter() - start,
        result.synthesized,
        result.up_to_date,
        None,
        (result.output, *result.side_files),
    )
