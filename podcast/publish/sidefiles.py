"""The files written beside the episode, all from the same timeline, so every timestamp
matches the audio to the sample: WebVTT and SRT captions, Podcasting 2.0 JSON chapters
(1.2.0) and JSON transcript."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

from podcast.files import write_text
from podcast.publish.chapters import Chapter, chapters_json
from podcast.publish.timeline import RATE, Cue, clock, milliseconds
from podcast.text import split_long

LINE = 65  # characters per caption line
CUE_CHARACTERS = 2 * LINE  # a cue longer than two lines is split at sentence ends
SUFFIXES = (".vtt", ".srt", ".chapters.json", ".transcript.json")


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
        timing = f"{clock(milliseconds(cue.start))} --> {clock(milliseconds(cue.end))}"
        blocks.append(f"{number}\n{timing}\n<v {cue.speaker}>{_lines(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def srt(cues: Sequence[Cue]) -> str:
    """SubRip, the speaker's name before each cue's text."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{clock(milliseconds(cue.start), ',')} --> {clock(milliseconds(cue.end), ',')}"
        blocks.append(f"{number}\n{timing}\n{_lines(f'{cue.speaker}: {cue.text}')}")
    return "\n\n".join(blocks) + "\n"


def transcript_json(cues: Sequence[Cue]) -> str:
    """Podcasting 2.0 JSON transcript."""
    segments = [
        {
            "speaker": cue.speaker,
            "startTime": round(cue.start / RATE, 3),
            "endTime": round(cue.end / RATE, 3),
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
