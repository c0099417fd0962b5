"""Parliamentary and committee records: a speaker named as the record names them, in
capitals, with a full stop (``Mr. BELL.``, ``Ms. FISCHER.``, ``Chairman OKONKWO.``,
``The CHAIRMAN.``, ``Senator WARD.``), then what they said. Bracketed editorial notes
(``[Gavel.]``, ``[Whereupon, the committee adjourned.]``) are never spoken; ``The
CHAIRMAN.`` is the chair named earlier (``Chairman OKONKWO.``) when there is one."""

from __future__ import annotations

import re

from podcast.transcript.builder import Builder, narrate, text_blocks
from podcast.transcript.model import ParseSettings, Script, TurnKind

_TITLE = r"(?:Mr|Ms|Mrs|Dr|Miss)\.|Chairman|Chairwoman|Chair|Senator|Representative|Speaker"
_SPEAKER = re.compile(
    rf"^((?:{_TITLE})\s+[A-Z][A-Z'’-]+(?:\s(?:of\s[A-Z][a-z]+|[A-Z][A-Z'’-]+))?"
    r"|The (?:CHAIRMAN|CHAIRWOMAN|CHAIR|SPEAKER|PRESIDENT|CLERK|PRESIDING OFFICER))\.\s+(.+)$"
)
_NOTE = re.compile(r"^\[[^\[\]]*\]$")
_PRESIDING = re.compile(r"^The (?:CHAIRMAN|CHAIRWOMAN|CHAIR)$")
_CHAIR = re.compile(r"^(?:Chairman|Chairwoman|Chair)\s")


def looks_like_record(lines: list[str]) -> bool:
    """Three paragraphs or more begin with a speaker named as a record names them."""
    return sum(bool(_SPEAKER.match(line)) for line in lines) >= 3


def build(text: str, out: Builder, narration: bool) -> None:
    """Turns of every member and witness; the title and headings before the first are
    the narrator's."""
    chair = None
    for block in text_blocks(text):
        number = block[0][0]
        paragraph = " ".join(line for _, line in block)
        found = _SPEAKER.match(paragraph)
        if out.skips(paragraph, number):
            continue
        if _NOTE.match(paragraph):
            out.drop(paragraph, "editorial note", number)
        elif found:
            speaker = found[1]
            chair = speaker if chair is None and _CHAIR.match(speaker) else chair
            out.label(f"{speaker}.", "a record's speaker (Mr. SMITH.)")
            if _PRESIDING.match(speaker) and chair:
                speaker = chair  # The CHAIRMAN. is the chair named before
            out.say(speaker, found[2], TurnKind.LABEL, number, merge=False)
        elif out.turns and out.turns[-1].how == TurnKind.LABEL:
            last = out.turns[-1]
            out.say(last.speaker, paragraph, TurnKind.LABEL, number)
        else:
            how = TurnKind.TITLE if not out.turns else TurnKind.NARRATION
            narrate(out, paragraph, how, number, narration)


def parse(text: str, settings: ParseSettings) -> Script:
    """The script of ``text`` in this style."""
    out = Builder("record", settings.skip)
    build(text, out, settings.narration)
    return out.script()
