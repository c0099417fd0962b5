"""``--split chapters``: one MP3 file per chapter beside the episode, each numbered,
tagged and with side files of its own. A chapter file is the episode's own encoded
segments from the one its chapter starts in to the next chapter's: nothing is encoded
twice (MP3 segments are whole streams, so they join), and every time in its side files
is the episode's, moved to the file's start."""

from __future__ import annotations

import bisect
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from podcast.audio import SAMPLE_RATE
from podcast.audio.codec import Format
from podcast.files import write_atomically
from podcast.publish.chapters import Chapter
from podcast.publish.page import Heading
from podcast.publish.sidefiles import EpisodeFile, side_paths, write_side_files
from podcast.publish.tags import Tags, tag_file
from podcast.publish.timeline import Cue, Span

BLOCK = 1024 * 1024  # bytes copied at a time from the spool


class Spool:
    """The episode's encoded segments kept, as they stream past, in a temporary file
    (never in memory), with where each one is in it."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.offsets: list[int] = []

    def tee(self, segments: Iterator[bytes]) -> Iterator[bytes]:
        """The segments, each also written to the spool."""
        for data in segments:
            self.offsets.append(self.file.tell())
            self.file.write(data)
            yield data

    def copy(self, first: int, end: int, out: BinaryIO) -> None:
        """Segments ``first`` to ``end`` (exclusive) into ``out``, a block at a time."""
        stop = self.offsets[end] if end < len(self.offsets) else self.file.seek(0, os.SEEK_END)
        self.file.seek(self.offsets[first])
        left = stop - self.offsets[first]
        while left:
            block = self.file.read(min(left, BLOCK))
            out.write(block)
            left -= len(block)

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class Part:
    """One chapter's file."""

    path: Path
    """Where it is written: ``<stem>-NN.mp3`` beside the episode."""
    chapter: Chapter
    """Its chapter."""
    first: int
    """The first segment it holds."""
    end: int
    """The segment after its last."""


def parts(episode: Path, found: Sequence[Chapter], starts: Sequence[int], lead: int) -> list[Part]:
    """The chapter files: each chapter from the segment it starts in (``starts``: where
    each segment starts, in samples; ``lead``: samples a player hears before a segment's
    own)."""
    firsts = [
        max(0, bisect.bisect_right(starts, chapter.start * SAMPLE_RATE // 1000 - lead + 50) - 1)
        for chapter in found
    ]
    firsts[0] = 0
    ends = [*firsts[1:], len(starts)]
    width = max(2, len(str(len(found))))
    return [
        Part(episode.with_name(f"{episode.stem}-{n:0{width}d}.mp3"), chapter, first, end)
        for n, (chapter, first, end) in enumerate(zip(found, firsts, ends, strict=True), start=1)
        if end > first
    ]


@dataclass(frozen=True)
class Placed:
    """What the episode's timeline says the chapter files need."""

    starts: Sequence[int]
    """Where each segment starts (samples)."""
    total: int
    """The episode's length (samples)."""
    cues: Sequence[Cue]
    """Every cue."""
    spans: Sequence[Span]
    """Every turn's span."""


def write_parts(
    found: list[Part], spool: Spool, placed: Placed, tags: Tags, heading: Heading
) -> list[Path]:
    """Every chapter file, tagged (its chapter's title, its number of all), with its side
    files; each written atomically."""
    bounds = [*placed.starts, placed.total]
    written = []
    for number, part in enumerate(found, start=1):
        origin, end = bounds[part.first], bounds[part.end]
        episode = replace(tags.episode, number=f"{number}/{len(found)}")
        own = replace(tags, title=part.chapter.title, episode=episode, chapters=())

        def write(out: BinaryIO, part: Part = part) -> None:
            spool.copy(part.first, part.end, out)

        write_atomically(part.path, write, lambda temp, own=own: tag_file(temp, Format.MP3, own))
        moved = [
            replace(c, start=c.start - origin, end=c.end - origin,
                    words=tuple(w - origin for w in c.words))
            for c in placed.cues if origin <= c.start < end
        ]  # fmt: skip
        held = [
            replace(s, start=s.start - origin, end=s.end - origin)
            for s in placed.spans if origin <= s.start < end
        ]  # fmt: skip
        seconds = (end - origin) / SAMPLE_RATE
        page = replace(heading, title=part.chapter.title)
        paths = side_paths(part.path)
        write_side_files(paths, moved, [], page, EpisodeFile(part.path, seconds, held))
        written += [part.path, *paths]
    return written
