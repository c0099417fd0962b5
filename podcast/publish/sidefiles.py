"""The files written beside the episode, all from the same timeline, so every timestamp
matches the audio to the sample: WebVTT and SRT captions, Podcasting 2.0 JSON chapters
(1.2.0), JSON transcript, and the episode page (``publish.page``)."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from podcast.audio import SAMPLE_RATE
from podcast.files import same_file, write_text
from podcast.publish.chapters import Chapter, chapters_json, timestamps
from podcast.publish.page import Heading, page_html
from podcast.publish.timeline import Cue, Span, clock, milliseconds
from podcast.text import aligned, split_long

LINE = 65  # characters per caption line
CUE_CHARACTERS = 2 * LINE  # a cue longer than two lines is split at sentence ends


class SideFile(StrEnum):
    """A file written beside an episode, named by the episode's stem and this suffix:
    the one home of the side files' names and kinds."""

    VTT = ".vtt"
    SRT = ".srt"
    CHAPTERS = ".chapters.json"
    TRANSCRIPT = ".transcript.json"
    NOTES = ".shownotes.md"
    PAGE = ".html"

    @property
    def mime(self) -> str:
        """Its media type, as a feed announces it."""
        return _MIMES[self]

    @property
    def transcript(self) -> bool:
        """A transcript of the episode (a feed's ``podcast:transcript``)."""
        return self in (SideFile.VTT, SideFile.SRT, SideFile.TRANSCRIPT)

    @property
    def captions(self) -> bool:
        """Captions that a player shows in time (``rel="captions"``)."""
        return self is SideFile.VTT


_MIMES = {
    SideFile.VTT: "text/vtt",
    SideFile.SRT: "application/x-subrip",
    SideFile.CHAPTERS: "application/json+chapters",
    SideFile.TRANSCRIPT: "application/json",
    SideFile.NOTES: "text/markdown",
    SideFile.PAGE: "text/html",
}
SUFFIXES = tuple(s for s in SideFile if s is not SideFile.PAGE)
PAGE = SideFile.PAGE
MOVED = "episode"  # what a side file that would overwrite an input is named with


def captions(cues: Sequence[Cue]) -> list[Cue]:
    """Cues short enough to read: a long clip is cut at sentence ends, each part starting
    at its first word (by the engine's word timings, else by its share of the characters)."""
    found = []
    for cue in cues:
        text = re.sub(r"\[\[[^\]]*\]\]", "", cue.text).strip()
        parts = _parts(text)
        words = aligned(cue.words, len(text.split()))
        total = sum(len(p) for p in parts) or 1
        start, first = cue.start, 0
        for index, part in enumerate(parts):
            count = len(part.split())
            following = first + count
            if index == len(parts) - 1:
                end = cue.end
            elif words and following < len(words):
                end = words[following]
            else:
                end = start + (cue.end - cue.start) * len(part) // total
            found.append(Cue(cue.turn, cue.speaker, start, end, part, words[first:following]))
            start, first = end, following
    return found


def _parts(text: str) -> list[str]:
    if len(text) <= CUE_CHARACTERS:
        return [text]
    words = max(4, len(text.split()) * CUE_CHARACTERS // len(text))
    return split_long(text, words)


def _lines(text: str) -> str:
    return "\n".join(textwrap.wrap(text, LINE)) or text


def vtt(cues: Sequence[Cue]) -> str:
    """WebVTT with a ``<v Speaker>`` tag on every cue; ``&``, ``<`` and ``>`` escaped as
    WebVTT requires (so ``-->`` and markup in the text stay text)."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        timing = f"{clock(milliseconds(cue.start))} --> {clock(milliseconds(cue.end))}"
        speaker = _vtt_escaped(" ".join(cue.speaker.split()))
        blocks.append(f"{number}\n{timing}\n<v {speaker}>{_vtt_escaped(_lines(cue.text))}")
    return "\n\n".join(blocks) + "\n"


def _vtt_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def srt(cues: Sequence[Cue]) -> str:
    """SubRip, the speaker's name before each cue's text."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{clock(milliseconds(cue.start), ',')} --> {clock(milliseconds(cue.end), ',')}"
        text = f"{cue.speaker}: {cue.text}".replace("-->", "->")  # SubRip has no escapes
        blocks.append(f"{number}\n{timing}\n{_lines(text)}")
    return "\n\n".join(blocks) + "\n"


def transcript_json(cues: Sequence[Cue]) -> str:
    """Podcasting 2.0 JSON transcript: a segment per word where the engine gave word
    timings, else a segment per cue."""
    segments = []
    for cue in cues:
        tokens = cue.text.split()
        if len(cue.words) != len(tokens):
            segments.append(_segment(cue.speaker, cue.start, cue.end, cue.text))
            continue
        ends = (*cue.words[1:], cue.end)
        segments += [
            _segment(cue.speaker, start, end, token)
            for start, end, token in zip(cue.words, ends, tokens, strict=True)
        ]
    return (
        json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, indent=2) + "\n"
    )


def _segment(speaker: str, start: int, end: int, body: str) -> dict[str, object]:
    return {
        "speaker": speaker,
        "startTime": round(start / SAMPLE_RATE, 3),
        "endTime": round(end / SAMPLE_RATE, 3),
        "body": body,
    }


def side_paths(episode: Path, inputs: Sequence[Path] = (), page: bool = True) -> list[Path]:
    """The side files of an episode: ``<stem>.vtt`` and the rest (and the page,
    ``<stem>.html``, unless ``page`` is False), beside it; one that
    would land on an input (``talk.vtt`` rendered to ``talk.mp3``) is named
    ``<stem>.episode.vtt`` instead, so nothing the user gave is overwritten."""
    paths = []
    for suffix in (*SUFFIXES, PAGE) if page else SUFFIXES:
        path = episode.with_name(episode.stem + suffix)
        if any(same_file(path, given) for given in inputs):
            path = episode.with_name(f"{episode.stem}.{MOVED}{suffix}")
        paths.append(path)
    return paths


def write_side_files(
    paths: Sequence[Path],
    cues: Sequence[Cue],
    found: Sequence[Chapter],
    heading: Heading,
    episode: EpisodeFile,
) -> None:
    """Write every side file (at ``paths``, from side_paths) atomically."""
    shown = captions(cues)
    makers: dict[str, Callable[[], str]] = {
        ".vtt": lambda: vtt(shown),
        ".srt": lambda: srt(shown),
        ".chapters.json": lambda: chapters_json(found, heading.title),
        ".transcript.json": lambda: transcript_json(shown),
        SideFile.NOTES: lambda: show_notes(heading, found),
        PAGE: lambda: page_html(
            heading, episode.path.name, episode.seconds, shown, episode.spans, found
        ),
    }
    for path in paths:
        suffix = next(s for s in makers if path.name.endswith(s))
        write_text(path, makers[suffix]())


def show_notes(heading: Heading, found: Sequence[Chapter]) -> str:
    """Markdown to paste into a host's episode form: the title, the show, the
    description, the chapters as timestamps (the form Spotify and YouTube read), the
    cast with their voices, and the disclosure."""
    parts = [f"# {heading.title}"]
    byline = " · ".join(part for part in (heading.show, heading.author) if part)
    parts += [byline] if byline else []
    parts += [heading.description] if heading.description else []
    stamps = timestamps([(chapter.start / 1000, chapter.title) for chapter in found])
    if stamps:
        parts.append("## Chapters\n\n" + "\n".join(stamps))
    if heading.cast:
        parts.append("## Cast\n\n" + "\n".join(f"- {line}" for line in heading.cast))
    parts += [heading.disclosure] if heading.disclosure else []
    return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class EpisodeFile:
    """What the page needs to know of the episode file."""

    path: Path
    """The episode file (the page links to it by name)."""
    seconds: float
    """Its length."""
    spans: Sequence[Span]
    """Where each turn is."""
