"""Chapters and the files written beside the episode, all from the same timeline, so
every timestamp matches the audio to the sample: WebVTT and SRT captions, Podcasting
2.0 JSON chapters (1.2.0) and JSON transcript."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from podcast.assembly import OUTPUT_RATE, Span
from podcast.export import Chapter
from podcast.files import write_text
from podcast.script import Script, split_long
from podcast.timeline import Cue

LINE = 65  # characters per caption line
CUE_CHARACTERS = 2 * LINE  # a cue longer than two lines is split at sentence ends
TITLE_WORDS = 8
SUFFIXES = (".vtt", ".srt", ".chapters.json", ".transcript.json")


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
    if mode == "auto":
        mode = "sections" if script.sections else "questions"
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
        Chapter(_ms(start), _ms(end), title)
        for (start, title), end in zip(found, ends, strict=True)
    )


def _marks(script: Script, mode: str) -> list[tuple[int, str]]:
    if mode == "sections":
        return list(script.sections)
    if mode == "questions" and script.interviewer:
        return [
            (index, _title(turn.text))
            for index, turn in enumerate(script.turns)
            if turn.speaker == script.interviewer
        ]
    return []


def _title(text: str) -> str:
    words = re.sub(r"\[[^\]]*\]", " ", text).split()
    return " ".join(words[:TITLE_WORDS]) + (" …" if len(words) > TITLE_WORDS else "")


def _ms(samples: int) -> int:
    return round(samples * 1000 / OUTPUT_RATE)


def captions(cues: Sequence[Cue]) -> list[Cue]:
    """Cues short enough to read: a long clip is cut at sentence ends, its time shared
    out by characters."""
    found = []
    for cue in cues:
        text = re.sub(r"\[\[[^\]]*\]\]", "", cue.text).strip()
        parts = _parts(text)
        total = sum(len(p) for p in parts) or 1
        start = cue.start
        for part in parts:
            end = (
                cue.end if part is parts[-1] else start + (cue.end - cue.start) * len(part) // total
            )
            found.append(Cue(cue.turn, cue.speaker, start, end, part))
            start = end
    return found


def _parts(text: str) -> list[str]:
    if len(text) <= CUE_CHARACTERS:
        return [text]
    words = max(4, len(text.split()) * CUE_CHARACTERS // len(text))
    return split_long(text, words)


def _lines(text: str) -> str:
    return "\n".join(textwrap.wrap(text, LINE)) or text


def vtt(cues: Sequence[Cue]) -> str:
    """WebVTT with a ``<v Speaker>`` tag on every cue."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        timing = f"{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}"
        blocks.append(f"{number}\n{timing}\n<v {cue.speaker}>{_lines(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def srt(cues: Sequence[Cue]) -> str:
    """SubRip, the speaker's name before each cue's text."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}"
        blocks.append(f"{number}\n{timing}\n{_lines(f'{cue.speaker}: {cue.text}')}")
    return "\n\n".join(blocks) + "\n"


def _clock(samples: int, comma: str) -> str:
    milliseconds = _ms(samples)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, rest = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{comma}{rest:03d}"


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


def transcript_json(cues: Sequence[Cue]) -> str:
    """Podcasting 2.0 JSON transcript."""
    segments = [
        {
            "speaker": cue.speaker,
            "startTime": round(cue.start / OUTPUT_RATE, 3),
            "endTime": round(cue.end / OUTPUT_RATE, 3),
            "body": cue.text,
        }
        for cue in cues
    ]
    return (
        json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, indent=2) + "\n"
    )


def side_paths(episode: Path) -> list[Path]:
    """The side files of an episode: ``<stem>.vtt`` and the rest, beside it."""
    return [episode.with_name(episode.stem + suffix) for suffix in SUFFIXES]


def write_side_files(
    episode: Path, cues: Sequence[Cue], found: Sequence[Chapter], title: str
) -> list[Path]:
    """Write every side file atomically; return their paths."""
    shown = captions(cues)
    texts = [vtt(shown), srt(shown), chapters_json(found, title), transcript_json(shown)]
    paths = side_paths(episode)
    for path, text in zip(paths, texts, strict=True):
        write_text(path, text)
    return paths
