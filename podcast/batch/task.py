"""One episode of a batch: rendered, and what came of it (never an exception: a
failure is a line in the batch's table)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from podcast.batch.entries import Entry
from podcast.engines import Engines
from podcast.errors import PodcastError
from podcast.render import Options, render


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
    warnings: tuple[str, ...] = ()
    """What the render warned of (not UTF-8, a pause shortened, names not in it, ...)."""


def render_entry(
    entry: Entry,
    out_dir: Path,
    options: Options,
    engines: Engines,
    previous_key: str | None = None,
) -> Report:
    """Render one entry into ``out_dir`` with this process's ``engines`` (one process
    an episode: the batch's workers are the parallelism)."""
    start = time.perf_counter()
    own = replace(options, voices=entry.voices or options.voices, jobs=1)
    try:
        output = out_dir / f"{entry.name}.mp3"
        result = render(entry.transcript, output, own, engines=engines, previous_key=previous_key)
    except PodcastError as error:
        reason = " ".join(str(error).split())
        return Report(entry.name, entry.transcript, took=time.perf_counter() - start,
                      error=reason)  # fmt: skip
    except Exception as error:  # a bug, not bad input: still one line, and the batch goes on
        reason = f"unexpected {type(error).__name__}: {error}"
        return Report(entry.name, entry.transcript, took=time.perf_counter() - start,
                      error=reason)  # fmt: skip
    return Report(
        name=entry.name,
        transcript=entry.transcript,
        seconds=result.seconds,
        loudness=result.loudness,
        took=time.perf_counter() - start,
        synthesized=result.synthesized,
        up_to_date=result.up_to_date,
        files=(result.output, *result.side_files),
        warnings=result.warnings,
    )
