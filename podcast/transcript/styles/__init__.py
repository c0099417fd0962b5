"""Transcript styles: which style a transcript is in (``detection``), and one parser per
style, each ``parse(text, settings) -> Script``:

* ``qa``: magazine and radio Q&A (``transcript.qa``);
* ``markdown``: ``**Name:**`` labels, headings as sections, stage directions unspoken;
* ``screenplay``: Fountain-like character cues, parentheticals, scene headings;
* ``captions``: WebVTT and SRT, speakers from ``<v Name>`` or ``Name:``
  (``transcript.captions``);
* ``chat``: ``[10:02] alice: text`` or ``alice: text``;
* ``tagged``: ``<Person1>...</Person1>``, ``[S1]`` and ``Speaker 1:`` markers;
* ``export``: transcription services' exports (``transcript.exports``);
* ``json``: Podcasting 2.0 and Whisper-style JSON transcripts (``transcript.structured``);
* ``court``: depositions and court transcripts (numbered lines, ``Q.``/``A.``);
* ``record``: parliamentary and committee records (``Mr. SMITH.``, ``The CHAIRMAN.``);
* ``play``: stage plays (a cast list, name lines above speech, stage directions).

Every parser keeps the nothing-lost promise: each word of the input is in a turn,
a removed label, or ``skipped``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from podcast.errors import InputError
from podcast.transcript.builder import Builder
from podcast.transcript.captions import captions
from podcast.transcript.exports import export
from podcast.transcript.lines import normalize_newlines
from podcast.transcript.model import ParseSettings, Script
from podcast.transcript.qa import parse_qa
from podcast.transcript.structured import json_transcript
from podcast.transcript.styles import chat, court, markdown, play, record, screenplay, tagged
from podcast.transcript.styles.detection import detect, detect_why

Parser = Callable[[str, ParseSettings], Script]
"""Every style's parser: the text (newlines normalized) and the settings -> a Script."""

STYLES = (
    "qa",
    "markdown",
    "screenplay",
    "captions",
    "chat",
    "tagged",
    "export",
    "json",
    "court",
    "record",
    "play",
)
NAMES = {
    "qa": "Q&A transcript",
    "qa-letters": "Q&A transcript (Q:/A:)",
    "markdown": "Markdown script",
    "screenplay": "screenplay",
    "captions": "captions (WebVTT/SRT)",
    "chat": "chat log",
    "tagged": "tagged dialogue",
    "export": "transcription service export",
    "json": "JSON transcript",
    "court": "deposition or court transcript",
    "record": "parliamentary or committee record",
    "play": "stage play",
}
__all__ = ["NAMES", "STYLES", "ParseSettings", "Parser", "detect", "detect_why", "parse_transcript"]


def _built(style: str, build: Callable[[str, Builder, bool], None]) -> Parser:
    """A parser of the styles written on a Builder (captions, exports, JSON)."""

    def parse(text: str, settings: ParseSettings) -> Script:
        out = Builder(style, settings.skip)
        build(text, out, settings.narration)
        return out.script()

    return parse


PARSERS: dict[str, Parser] = {
    "qa": parse_qa,
    "markdown": markdown.parse,
    "screenplay": screenplay.parse,
    "captions": _built("captions", captions),
    "chat": chat.parse,
    "tagged": tagged.parse,
    "export": _built("export", export),
    "json": _built("json", json_transcript),
    "court": court.parse,
    "record": record.parse,
    "play": play.parse,
}
"""The parser of every style, by its name."""


def parse_transcript(
    text: str, style: str | None = None, settings: ParseSettings | None = None
) -> Script:
    """Parse ``text`` in ``style`` (detected when None) with ``settings`` (voices.yaml's
    interviewer, aliases, skip patterns and narration; the defaults when None)."""
    why = "chosen"
    if style is None:
        style, why = detect_why(text)
    parser = PARSERS.get(style)
    if parser is None:
        raise InputError(f"unknown transcript style '{style}'; use one of {', '.join(STYLES)}")
    script = parser(normalize_newlines(text), settings or ParseSettings())
    return replace(script, decisions=(f"style: {why}", *script.decisions))
