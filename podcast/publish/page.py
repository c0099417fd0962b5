"""The episode page: ``<stem>.html``, one self-contained file (inline CSS and script,
no network) with the audio, the chapters, a speaker timeline and the transcript, the
cue being spoken marked as it plays (``aria-current``), the word being spoken within it
(``data-now``, from the engine's word timings), and ``#t=SECONDS`` links.

Everything in it that comes from a transcript, a tag, a file name or voices.yaml is
text escaped for where it stands (element text or a quoted attribute); the script reads
only numbers from ``data-`` attributes, and a Content-Security-Policy allows no code but
the page's own (by its hash), so markup in a transcript shows as text and runs nothing.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from urllib.parse import quote

from podcast.audio import SAMPLE_RATE
from podcast.publish.chapters import Chapter
from podcast.publish.timeline import Cue, Span
from podcast.transcript.model import NARRATOR

COLOURS = 8
"""Speaker colours in the stylesheet (``.s0`` to ``.s7``); the narrator is grey."""

GENERATOR = '<meta name="generator" content="podcast">'
"""Marks a page as an episode page this program wrote (a batch never reads it as a
saved web page)."""


@dataclass(frozen=True)
class Heading:
    """What the page says about the episode."""

    title: str
    """The episode's title."""
    show: str | None = None
    """The show it belongs to."""
    author: str | None = None
    """The host or author."""
    description: str | None = None
    """A paragraph about the episode."""
    language: str = "en"
    """The page's language (``lang``)."""
    cast: tuple[str, ...] = ()
    """Who speaks, a line each: ``Dana Okafor (guest): kokoro:af_heart``."""
    disclosure: str = ""
    """The words that say synthetic voices made the episode."""


def page_html(
    heading: Heading,
    audio: str,
    seconds: float,
    cues: Sequence[Cue],
    spans: Sequence[Span],
    chapters: Sequence[Chapter],
) -> str:
    """The page for an episode whose file is named ``audio`` (beside the page)."""
    script, style = _asset("page.js"), _asset("page.css")
    classes = _speaker_classes([cue.speaker for cue in cues] + [span.speaker for span in spans])
    parts = [
        "<!doctype html>",
        f'<html lang="{_attr(heading.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        GENERATOR,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_policy(script, style)}">',
        f"<title>{_text(heading.title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
        _header(heading),
        '<div class="player">',
        f'<audio id="player" controls preload="metadata" src="{_attr(quote(audio))}"></audio>',
        _timeline(spans, classes, seconds),
        "</div>",
        _legend(classes),
        _chapters(chapters),
        _transcript(cues, classes),
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _asset(name: str) -> str:
    return resources.files("podcast").joinpath("data", name).read_text(encoding="utf-8")


def _policy(script: str, style: str) -> str:
    """Nothing from the network; no code but this page's own script and stylesheet."""

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest(script)}'; "
        f"style-src 'sha256-{digest(style)}'; "
        "media-src 'self' file: https: http:; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'"
    )


def _text(text: str) -> str:
    return escape(text, quote=False)


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _seconds(samples: int) -> str:
    return f"{samples / SAMPLE_RATE:.3f}"


def _speaker_classes(speakers: Sequence[str]) -> dict[str, str]:
    """A colour class per speaker, in order of first appearance."""
    classes: dict[str, str] = {}
    for speaker in dict.fromkeys(speakers):
        if speaker == NARRATOR:
            classes[speaker] = "narrator"
        else:
            classes[speaker] = f"s{sum(c != 'narrator' for c in classes.values()) % COLOURS}"
    return classes


def _header(heading: Heading) -> str:
    lines = ["<header>"]
    if heading.show:
        lines.append(f'<p class="show">{_text(heading.show)}</p>')
    lines.append(f"<h1>{_text(heading.title)}</h1>")
    if heading.author:
        lines.append(f'<p class="author">{_text(heading.author)}</p>')
    if heading.description:
        lines.append(f'<p class="description">{_text(heading.description)}</p>')
    lines.append("</header>")
    return "\n".join(lines)


def _timeline(spans: Sequence[Span], classes: dict[str, str], seconds: float) -> str:
    bars = "".join(
        f'<a class="bar {classes[span.speaker]}" href="#t={_seconds(span.start)}" '
        f'data-start="{_seconds(span.start)}" data-end="{_seconds(span.end)}" '
        f'title="{_attr(span.speaker)}" aria-label="{_attr(span.speaker)} at '
        f'{_seconds(span.start)} seconds"></a>'
        for span in spans
    )
    return (
        f'<nav id="timeline" aria-label="Who speaks when" data-seconds="{seconds:.3f}">{bars}</nav>'
    )


def _legend(classes: dict[str, str]) -> str:
    items = "".join(f'<li class="{css}">{_text(speaker)}</li>' for speaker, css in classes.items())
    return f'<ul class="legend" aria-label="Speakers">{items}</ul>'


def _chapters(chapters: Sequence[Chapter]) -> str:
    if not chapters:
        return ""
    items = "".join(
        f'<li><a href="#t={chapter.start / 1000:.3f}" data-start="{chapter.start / 1000:.3f}">'
        f"{_text(chapter.title)}</a></li>"
        for chapter in chapters
    )
    return f'<nav class="chapters" aria-label="Chapters"><h2>Chapters</h2><ol>{items}</ol></nav>'


def _words(cue: Cue) -> str:
    """The cue's text, each word in a span with its start when the engine gave them."""
    tokens = cue.text.split()
    if len(cue.words) != len(tokens):
        return _text(cue.text)
    return " ".join(
        f'<span class="w" data-t="{_seconds(start)}">{_text(token)}</span>'
        for start, token in zip(cue.words, tokens, strict=True)
    )


def _transcript(cues: Sequence[Cue], classes: dict[str, str]) -> str:
    """The transcript by speaker: a section per turn, a clickable span per cue."""
    sections = []
    turn: int | None = None
    who: str | None = None
    for cue in cues:
        if cue.turn != turn or cue.speaker != who:
            if sections:
                sections.append("</p></section>")
            turn, who = cue.turn, cue.speaker
            sections.append(
                f'<section class="turn {classes[cue.speaker]}"><h2>{_text(cue.speaker)}</h2><p>'
            )
        sections.append(
            f'<span class="cue" tabindex="0" data-start="{_seconds(cue.start)}" '
            f'data-end="{_seconds(cue.end)}">{_words(cue)}</span> '
        )
    if sections:
        sections.append("</p></section>")
    return '<main id="transcript">' + "".join(sections) + "</main>"
