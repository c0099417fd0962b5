"""Chapters: where they start (by section heading or by interviewer question), and
how they are written: ID3 CHAP frames under a CTOC, in time order, and Podcasting 2.0
JSON chapters."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags

from podcast.config.model import ChapterMode
from podcast.publish.timeline import Span, milliseconds
from podcast.transcript.model import Script

TITLE_WORDS = 8


@dataclass(frozen=True)
class Chapter:
    """A chapter of the episode."""

    start: int
    """Where it starts, in milliseconds."""
    end: int
    """Where it ends, in milliseconds."""
    title: str
    """Its title: the heading, or the question's first words."""


def chapters(
    script: Script,
    spans: Sequence[Span],
    mode: str,
    total: int,
    music_before: Mapping[int, int] | None = None,
) -> tuple[Chapter, ...]:
    """Chapters by section heading or by question (``auto``: sections when there are
    any); the first starts at 0, and one that music leads into starts with the music.
    ``total`` is the episode's length in samples."""
    if mode == ChapterMode.AUTO:
        mode = ChapterMode.SECTIONS if script.sections else ChapterMode.QUESTIONS
    first: dict[int, int] = dict(music_before or {})
    for span in spans:
        first.setdefault(span.turn, span.start)
    marks = [(turn, title) for turn, title in _marks(script, mode) if turn in first]
    if not marks:
        return ()
    found = [(first[turn] if turn else 0, title) for turn, title in marks]
    if marks[0][0]:  # turns before the first chapter: the introduction
        found.insert(0, (0, script.title or "Introduction"))
    ends = [start for start, _ in found[1:]] + [total]
    return tuple(
        Chapter(milliseconds(start), milliseconds(end), title)
        for (start, title), end in zip(found, ends, strict=True)
    )


def _marks(script: Script, mode: str) -> list[tuple[int, str]]:
    if mode == ChapterMode.SECTIONS:
        return list(script.sections)
    if mode == ChapterMode.QUESTIONS and script.interviewer:
        return [
            (index, _title(turn.text))
            for index, turn in enumerate(script.turns)
            if turn.speaker == script.interviewer
        ]
    return []


def _title(text: str) -> str:
    words = re.sub(r"\[[^\]]*\]", " ", text).split()
    return " ".join(words[:TITLE_WORDS]) + (" …" if len(words) > TITLE_WORDS else "")


def chapters_json(found: Sequence[Chapter], title: str) -> str:
    """Podcasting 2.0 JSON chapters, version 1.2.0."""
    data = {
        "version": "1.2.0",
        "title": title,
        "chapters": [
            {"startTime": c.start / 1000, "endTime": c.end / 1000, "title": c.title} for c in found
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def add_to_tag(id3: ID3, found: Sequence[Chapter]) -> None:
    """A CTOC table of contents, then the CHAP frames, in time order. Element IDs are
    zero-padded so any reader sorting them by name still gets them in order."""
    if not found:
        return
    ids = [f"chp{index:03d}" for index in range(len(found))]
    id3.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text="Chapters")],
        )
    )
    for element, chapter in zip(ids, found, strict=True):
        id3.add(
            CHAP(
                element_id=element,
                start_time=chapter.start,
                end_time=chapter.end,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )


def order_chapters(path: Path) -> None:
    """Put the CTOC frame first and the CHAP frames after it in time order, in place.

    mutagen sorts frames by size when it saves, and players such as Overcast list CHAP
    frames in the order they meet them. The tag keeps its size, so the audio stays put.
    """
    with path.open("r+b") as file:
        header = file.read(10)
        if header[:3] != b"ID3" or header[3] != 3:
            return
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(header[6:10]))
        body = file.read(size)
        frames = _frames(body)
        chapters = sorted((f for f in frames if f[:4] == b"CHAP"), key=_chapter_start)
        tables = [f for f in frames if f[:4] == b"CTOC"]
        others = [f for f in frames if f[:4] not in (b"CHAP", b"CTOC")]
        ordered = b"".join(others + tables + chapters)
        file.seek(10)
        file.write(ordered + bytes(size - len(ordered)))


def _frames(body: bytes) -> list[bytes]:
    """The ID3v2.3 frames of a tag body, each with its 10-byte header (padding dropped)."""
    frames, position = [], 0
    while position + 10 <= len(body) and body[position : position + 4].strip(b"\x00"):
        length = int.from_bytes(body[position + 4 : position + 8], "big")
        frames.append(body[position : position + 10 + length])
        position += 10 + length
    return frames


def _chapter_start(frame: bytes) -> int:
    element_end = frame.index(b"\x00", 10)
    return int.from_bytes(frame[element_end + 1 : element_end + 5], "big")


def timestamps(chapters: Sequence[tuple[float, str]]) -> list[str]:
    """``0:00 Title`` lines: the first at 0:00 (where the episode starts), each later
    one at least a second after the one before."""
    lines: list[str] = []
    last = -1
    for index, (start, title) in enumerate(chapters):
        second = 0 if index == 0 else int(start)
        if second > last and title.strip():
            lines.append(f"{_short(second)} {' '.join(title.split())}")
            last = second
    return lines


def _short(second: int) -> str:
    hours, rest = divmod(second, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
