"""Tagged dialogue: ``<Person1>...</Person1>``, ``[S1]`` and ``Speaker 1:`` markers."""

from __future__ import annotations

import re

from podcast.transcript.builder import Builder, narrate, text_blocks
from podcast.transcript.model import ParseSettings, Script, TurnKind

TAG_PAIR = re.compile(r"<([A-Za-z][\w ]{0,30})>(.*?)</\1>", re.S)
MARKER = re.compile(r"\[(S\d{1,2}|Speaker ?\d{1,2})\]")
NUMBERED = re.compile(r"^(Speaker ?\d{1,2}|S\d{1,2}|Person ?\d{1,2}):\s*")


def build(text: str, out: Builder, narration: bool) -> None:
    if TAG_PAIR.search(text):
        _tag_pairs(text, out, narration)
    elif MARKER.search(text):
        _markers(text, out, narration)
    else:
        _numbered(text, out, narration)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _tag_pairs(text: str, out: Builder, narration: bool) -> None:
    position = 0
    for match in TAG_PAIR.finditer(text):
        _between(out, text[position : match.start()], _line_of(text, position), narration)
        out.label(match[1], "an opening tag")
        out.label(match[1], "a closing tag")
        for paragraph in re.split(r"\n\s*\n", match[2]):
            out.say(match[1], paragraph, TurnKind.TAG, _line_of(text, match.start()))
        position = match.end()
    _between(out, text[position:], _line_of(text, position), narration)


def _markers(text: str, out: Builder, narration: bool) -> None:
    parts = MARKER.split(text)
    _between(out, parts[0], 1, narration)
    offset = len(parts[0])
    for speaker, body in zip(parts[1::2], parts[2::2], strict=True):
        out.label(speaker, "a speaker marker")
        line = _line_of(text, offset)
        for paragraph in re.split(r"\n\s*\n", body):
            out.say(speaker, paragraph, TurnKind.TAG, line, merge=False)
        offset += len(speaker) + 2 + len(body)


def _numbered(text: str, out: Builder, narration: bool) -> None:
    speaker = None
    for block in text_blocks(text):
        for index, (number, line) in enumerate(block):
            match = NUMBERED.match(line.strip())
            if match:
                speaker = match[1]
                out.label(speaker, "a numbered speaker")
                out.say(speaker, line.strip()[match.end() :], TurnKind.TAG, number, merge=False)
            elif speaker and index == 0:  # a new paragraph of the same speaker
                out.say(speaker, line, TurnKind.TAG, number)
            elif speaker:
                out.extend(speaker, line, TurnKind.TAG, number)
            else:
                narrate(out, line, TurnKind.NARRATION, number, narration)


def _between(out: Builder, text: str, line: int, narration: bool) -> None:
    """Text outside any speaker's tags: narration (a title or an intro), if anything."""
    for paragraph in re.split(r"\n\s*\n", text):
        if paragraph.strip() and not out.skips(paragraph.strip(), line):
            narrate(out, paragraph, TurnKind.NARRATION, line, narration)


def parse(text: str, settings: ParseSettings) -> Script:
    """The script of ``text`` in this style."""
    out = Builder("tagged", settings.skip)
    build(text, out, settings.narration)
    return out.script()
