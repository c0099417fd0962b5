"""Stage plays: a title page, a cast list (``CHARACTERS`` or ``CAST``, a name and a
description on each line) that introduces the characters but is not dialogue, then
each character's name in capitals on its own line above what they say. Stage
directions, on their own lines in parentheses or as ``SCENE:`` lines, are not spoken
unless voices.yaml asks for them (``narration: {directions: read}``): then the
narrator reads them."""

from __future__ import annotations

import re

from podcast.transcript.builder import Builder, narrate, text_blocks
from podcast.transcript.model import NARRATOR, ParseSettings, Script, TurnKind, find_speaker

_CAST = re.compile(r"^(?:CHARACTERS|CAST|DRAMATIS PERSONAE|CAST OF CHARACTERS)\s*:?$", re.I)
_MEMBER = re.compile(r"^([A-Z][A-Z.'’ -]*[A-Z])\b\s*(?:,|—|–|-|:)\s*(.+)$")
_NAME = re.compile(r"^([A-Z][A-Z.'’ -]*[A-Z])(?:\s*\(([^()]*)\))?$")
_DIRECTION = re.compile(r"^\((?:[^()]|\([^()]*\))*\)$")
_SETTING = re.compile(r"^(?:SCENE|SETTING|TIME|PLACE|AT RISE)\s*:|^(?:ACT|SCENE) [A-Z0-9]+$", re.I)
_END = re.compile(r"^(?:THE )?END(?: OF (?:THE )?(?:PLAY|ACT [A-Z0-9]+|SCENE))?\.?$", re.I)


def looks_like_play(lines: list[str]) -> bool:
    """A cast list, and names in capitals on lines of their own."""
    named = sum(bool(_NAME.match(line)) for line in lines)
    return any(_CAST.match(line) for line in lines) and named >= 3


def build(text: str, out: Builder, directions: bool) -> None:
    """The characters' speeches; the title page (the narrator reads its first line, the
    title) and the cast list are not dialogue; directions per ``directions``."""
    cast: list[str] = []
    in_cast = False
    speaker: str | None = None
    for block in text_blocks(text):
        for number, line in block:
            if out.skips(line, number):
                continue
            member = None if _SETTING.match(line) else _MEMBER.match(line) or _NAME.match(line)
            if _CAST.match(line) or (in_cast and member):
                in_cast = True
                if member and not _CAST.match(line):
                    cast.append(member[1])
                out.drop(line, "cast list", number)
                continue
            in_cast = False
            speaker = _line(out, line, number, cast, speaker, directions)


def _line(
    out: Builder, line: str, number: int, cast: list[str], speaker: str | None, directions: bool
) -> str | None:
    """One line of the play; who is speaking after it."""
    name = _NAME.match(line)
    character = find_speaker(name[1], cast) if name else None  # the cast list's full name
    if character:
        out.label(name[1], "a character's name above the speech")  # type: ignore[index]
        if name[2]:  # type: ignore[index]
            _direction(out, f"({name[2]})", number, directions)  # type: ignore[index]
        return character
    if _DIRECTION.match(line) or _SETTING.match(line) or _END.match(line):
        _direction(out, line, number, directions)
    elif speaker:
        out.extend(speaker, line, TurnKind.CUE, number)
    elif not out.turns:
        out.say(NARRATOR, line, TurnKind.TITLE, number)
    else:
        out.drop(line, "title page", number)
    return speaker


def _direction(out: Builder, line: str, number: int, directions: bool) -> None:
    if directions:
        narrate(out, line.strip("()"), TurnKind.NARRATION, number, True)
    else:
        out.drop(line, "stage direction", number)


def parse(text: str, settings: ParseSettings) -> Script:
    """The script of ``text`` in this style."""
    out = Builder("play", settings.skip)
    build(text, out, settings.directions)
    return out.script()
