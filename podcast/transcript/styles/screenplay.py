"""Screenplays (Fountain-like): character cues with their dialogue below, scene
headings and action lines as narration, parentheticals and transitions never spoken."""

from __future__ import annotations

import re

from podcast.transcript.builder import Builder, narrate, text_blocks
from podcast.transcript.model import NARRATOR, ParseSettings, Script, TurnKind

_SCENE = re.compile(r"^(?:\.(?=[A-Za-z])|(?:INT|EXT|EST|INT\.?/EXT|I/E)[. ])", re.I)
_TRANSITION = re.compile(r"^(?:>.*|[A-Z ]+TO:|FADE (?:IN|OUT|TO BLACK)[.:]?|THE END\.?)$")
_CUE_LINE = re.compile(r"^@?[A-Z][A-Z0-9 .'’#\-]*?(?:\s*\([^)]*\))*\s*\^?$")
_EXTENSIONS = re.compile(r"\s*\([^)]*\)")
_PARENTHETICAL = re.compile(r"^\s*\([^)]*\)\s*$")


def _is_cue(line: str) -> bool:
    stripped = line.strip()
    name = _EXTENSIONS.sub("", stripped).strip(" ^@")
    return (
        bool(_CUE_LINE.match(stripped))
        and not _TRANSITION.match(stripped)
        and not _SCENE.match(stripped)
        and any(c.isalpha() for c in name)
        and len(name.split()) <= 4
    )


def looks_like_screenplay(text: str) -> bool:
    blocks = list(text_blocks(text))
    scenes = sum(bool(_SCENE.match(b[0][1].strip())) for b in blocks)
    cues = sum(
        len(b) >= 2 and _is_cue(b[0][1]) and not b[0][1].strip().endswith(":") for b in blocks
    )
    return (scenes >= 1 and cues >= 1) or cues >= 3


_TITLE_PAGE = re.compile(
    r"^(Title|Credit|Authors?|Source|Draft date|Date|Contact|Copyright|Notes):\s*(.*)$", re.I
)


def build(text: str, out: Builder, narration: bool) -> None:
    for index, block in enumerate(text_blocks(text)):
        number, first = block[0][0], block[0][1].strip()
        if index == 0 and _TITLE_PAGE.match(first):
            _title_page(out, block)
        elif out.skips(first, number):
            for line_number, line in block[1:]:
                out.drop(line, "skip rule", line_number)
        elif _SCENE.match(first):
            narrate(out, first.lstrip("."), TurnKind.HEADING, number, narration)
            _action(out, block[1:], narration)
        elif _TRANSITION.match(first):
            out.drop(first, "transition", number)
            _action(out, block[1:], narration)
        elif len(block) >= 2 and _is_cue(first):
            _dialogue(out, block)
        else:
            _action(out, block, narration)


def _title_page(out: Builder, block: list[tuple[int, str]]) -> None:
    """Fountain's title page: the title is read, the rest (author, contact) is not."""
    for number, line in block:
        field = _TITLE_PAGE.match(line.strip())
        if field and field[1].casefold() == "title":
            out.label(field[1], "a title page field")
            out.say(NARRATOR, field[2], TurnKind.TITLE, number)
        elif field:
            out.label(field[1], "a title page field")
            out.drop(field[2], "title page", number)
        else:
            out.drop(line, "title page", number)


def _dialogue(out: Builder, block: list[tuple[int, str]]) -> None:
    cue = block[0][1].strip()
    speaker = _EXTENSIONS.sub("", cue).strip(" ^@")  # (V.O.), (CONT'D): the same speaker
    if speaker.casefold() == NARRATOR.casefold():
        speaker = NARRATOR
    out.label(cue, "a character cue")
    spoken = []
    for number, line in block[1:]:
        if _PARENTHETICAL.match(line):
            out.drop(line, "parenthetical", number)  # (quietly): how to say it, not what
        else:
            spoken.append(line.strip())
    out.say(speaker, " ".join(spoken), TurnKind.CUE, block[0][0])


def _action(out: Builder, lines: list[tuple[int, str]], narration: bool) -> None:
    if lines:
        text = " ".join(line.strip() for _, line in lines)
        narrate(out, text, TurnKind.NARRATION, lines[0][0], narration)


def parse(text: str, settings: ParseSettings) -> Script:
    """The script of ``text`` in this style."""
    out = Builder("screenplay", settings.skip)
    build(text, out, settings.narration)
    return out.script()
