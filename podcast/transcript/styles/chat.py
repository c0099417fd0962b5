"""Chat logs and timestamped transcripts: ``[10:02] alice: text``, ``alice: text``,
``[00:01:23] Marcus Bell: text``."""

from __future__ import annotations

import re

from podcast.transcript.builder import Builder, narrate
from podcast.transcript.lines import CLOCK
from podcast.transcript.model import ParseSettings, Script, TurnKind

_CHAT = re.compile(
    r"^(?P<stamp>\[[^\]\n]{1,25}\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\)?\s+)?"
    r"(?:<(?P<nick>[^>\s]{1,32})>|(?P<name>[A-Za-z][\w.\-]{0,31}):)\s*(?P<text>.*)$"
)
_SYSTEM = re.compile(r"^(?:\[[^\]]*\]\s*)?(?:\*{1,3}|-!-|--)\s")
STAMPED = re.compile(  # a timestamped transcript: [00:01:23] Marcus Bell: text
    rf"^(?P<stamp>\[{CLOCK}\]|\({CLOCK}\)|{CLOCK})\s+"
    r"(?P<name>[^\W\d_][\w.'’\-]*(?: [^\W\d_][\w.'’\-]*){0,4}):\s*(?P<text>.*)$"
)
_TRANSCRIPT_MARK = re.compile(r"^(?:full )?transcript\s*:?$", re.IGNORECASE)


def chat_line(line: str) -> re.Match[str] | None:
    """A chat message line: a lower-case name or a timestamp (or <nick>)."""
    match = _CHAT.match(line)
    if match and (match["stamp"] or match["nick"] or (match["name"] or "x")[0].islower()):
        return match
    return STAMPED.match(line)  # a name of several words after a timestamp


def build(text: str, out: Builder, narration: bool) -> None:
    """Chat logs and timestamped transcripts. Lines before the first message are the
    narrator's, unless a ``TRANSCRIPT`` line ends them: then they are show notes (title,
    blurb, links, sponsor) and are not spoken."""
    lines = [(number, raw.strip()) for number, raw in enumerate(text.split("\n"), start=1)]
    first = next((i for i, (_, line) in enumerate(lines) if chat_line(line)), len(lines))
    mark = next(
        (i for i, (_, line) in enumerate(lines[:first]) if _TRANSCRIPT_MARK.match(line)), -1
    )
    for number, line in lines[: mark + 1]:
        out.drop(line, "show notes", number)
    speaker = None
    for number, line in lines[mark + 1 :]:
        if not line or out.skips(line, number):
            continue
        match = chat_line(line)
        if _SYSTEM.match(line):
            out.drop(line, "system message", number)  # *** alice joined the channel
        elif match:
            speaker = match.groupdict().get("nick") or match["name"]
            out.label(speaker, "a chat name" if not match["stamp"] else "a timestamped name")
            if match["stamp"]:
                out.drop(match["stamp"], "timestamp", number)
            out.say(speaker, match["text"], TurnKind.CHAT, number)
        elif speaker is None:
            narrate(out, line, TurnKind.NARRATION, number, narration)
        else:
            out.say(speaker, line, TurnKind.CHAT, number)


def parse(text: str, settings: ParseSettings) -> Script:
    """The script of ``text`` in this style."""
    out = Builder("chat", settings.skip)
    build(text, out, settings.narration)
    return out.script()
