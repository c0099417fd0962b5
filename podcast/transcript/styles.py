"""Which style a transcript is in, and the parsers of every style but Q&A. Pure.

* ``markdown``: ``**Name:**`` labels, headings as sections, stage directions unspoken
  (built on the Q&A parser);
* ``screenplay``: Fountain-like character cues, parentheticals, scene headings;
* ``captions``: WebVTT and SRT, speakers from ``<v Name>`` or ``Name:``;
* ``chat``: ``[10:02] alice: text`` or ``alice: text``;
* ``tagged``: ``<Person1>...</Person1>``, ``[S1]`` and ``Speaker 1:`` markers;
* ``export``: transcription services' exports (in ``exports``);
* ``json``: Podcasting 2.0 and Whisper-style JSON transcripts (in ``structured``).

Every parser keeps the nothing-lost promise: each word of the input is in a turn,
a removed label, or ``skipped``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from podcast.errors import InputError
from podcast.transcript.builder import Builder, narrate, text_blocks
from podcast.transcript.captions import TIMING, captions
from podcast.transcript.exports import export, looks_like_export
from podcast.transcript.lines import CLOCK, normalize_newlines
from podcast.transcript.model import NARRATOR, Pattern, Script, TurnKind, Unspoken
from podcast.transcript.qa import parse_qa
from podcast.transcript.structured import json_transcript, segments_of

STYLES = ("qa", "markdown", "screenplay", "captions", "chat", "tagged", "export", "json")
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
}


def detect(text: str) -> str:
    """The style a transcript is written in."""
    return detect_why(text)[0]


def detect_why(text: str) -> tuple[str, str]:
    """The style a transcript is written in, and what gave it away."""
    text = normalize_newlines(text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return "qa", "empty"
    if segments_of(text) is not None:
        return "json", "JSON with a list of segments"
    if lines[0].startswith("WEBVTT"):
        return "captions", "the first line is WEBVTT"
    timings = sum(bool(TIMING.match(x)) for x in lines)
    if timings >= 2:
        return "captions", f"{timings} caption timings (00:00:01,000 --> ...)"
    if looks_like_export(lines):
        return "export", "lines of a name and a timestamp, each with text below"
    if len(_TAG_PAIR.findall(text)) >= 2 or len(_MARKER.findall(text)) >= 2:
        return "tagged", "speaker tags (<Person1>, [S1])"
    if sum(bool(_NUMBERED.match(x)) for x in lines) >= 2:
        return "tagged", "numbered speakers (Speaker 1:)"
    chat_lines = sum(bool(_chat_line(x)) for x in lines)
    if chat_lines >= max(2, 0.6 * len(lines)):
        return "chat", f"{chat_lines} of {len(lines)} lines are chat messages"
    stamped = sum(bool(_STAMPED.match(x)) for x in lines)
    if stamped >= 3 and stamped >= 0.4 * len(lines):  # a transcript under its show notes
        return "chat", f"{stamped} lines begin with a timestamp and a name"
    if _looks_like_screenplay(text):
        return "screenplay", "scene headings or character cues in capitals above dialogue"
    if any(_HEADING.match(x) or _BOLD_LABEL.match(x) or _DIRECTION.match(x) for x in lines):
        return "markdown", "Markdown headings, **bold** labels or [directions]"
    return "qa", "labels (NAME:) and paragraphs, no other style's marks"


def parse_transcript(
    text: str,
    style: str | None = None,
    *,
    interviewer: str | None = None,
    aliases: Mapping[str, str] | None = None,
    skip: Sequence[Pattern] = (),
    narration: bool = True,
) -> Script:
    """Parse ``text`` in ``style`` (detected when None)."""
    why = "chosen"
    if style is None:
        style, why = detect_why(text)
    script = _parse(normalize_newlines(text), style, interviewer, aliases or {}, skip, narration)
    return replace(script, decisions=(f"style: {why}", *script.decisions))


def _parse(
    text: str,
    style: str,
    interviewer: str | None,
    aliases: Mapping[str, str],
    skip: Sequence[Pattern],
    narration: bool,
) -> Script:
    if style == "qa":
        return parse_qa(text, interviewer=interviewer, aliases=aliases, skip=skip)
    if style == "markdown":
        return markdown(text, interviewer, aliases, skip)
    if style not in _PARSERS:
        raise InputError(f"unknown transcript style '{style}'; use one of {', '.join(STYLES)}")
    builder = Builder(style, skip)
    _PARSERS[style](text, builder, narration)
    return builder.script()


# ---------------------------------------------------------------- markdown

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LABEL = re.compile(r"^\s*(\*\*|__)([^*_:\n]{1,60}?)(?::\1|\1\s*:)\s*")
_DIRECTION = re.compile(
    r"^\s*(?:[*_]+\s*[\[(][^\]\)]*[\])]\s*[*_]+|\[[^\[\]]+\]|[*_]\([^)]*\)[*_])\s*$"
)
_INLINE_DIRECTION = re.compile(r"[*_]+\s*[\[(][^\]\)\n]*[\])]\s*[*_]+")
_ITALIC_LINE = re.compile(r"^\s*([*_])(?!\1)[^*_]+\1\s*$")
_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def markdown(
    text: str,
    interviewer: str | None,
    aliases: Mapping[str, str],
    skip: Sequence[Pattern],
) -> Script:
    removed: list[Unspoken] = []
    headings: dict[int, str] = {}
    trusted: dict[str, str] = dict(aliases)
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        heading = _HEADING.match(line)
        if heading:
            headings[number] = _plain(heading[2], removed, number)
            lines.append(headings[number])
        elif _DIRECTION.match(line) or _ITALIC_LINE.match(line):
            lines.append(line)  # kept, so the blank lines around it still count the same
        else:
            lines.append(_markdown_line(line, trusted, removed, number))
    script = parse_qa(
        "\n".join(lines),
        interviewer=interviewer,
        aliases=trusted,
        skip=skip,
        headings=headings,
        directions=(_DIRECTION, _ITALIC_LINE),  # stage directions are never spoken
    )
    first = script.turns[0] if script.turns else None
    title = first.paragraphs[0] if first and first.how == TurnKind.HEADING else script.title
    return Script(
        script.turns,
        title,
        script.interviewer,
        script.labels,
        (*script.skipped, *removed),
        "markdown",
    )


def _markdown_line(line: str, trusted: dict[str, str], removed: list[Unspoken], number: int) -> str:
    """A Markdown line as plain text; a bold label becomes a trusted ``Name:`` label."""
    line = _QUOTE.sub("", line)
    bullet = _BULLET.match(line)
    if bullet:
        removed.append(Unspoken(line[: bullet.end()].strip(), "list marker", number))
        line = line[bullet.end() :]
    label = _BOLD_LABEL.match(line)
    if label:
        name = label[2].strip()
        trusted.setdefault(name, name)
        line = f"{name}: {line[label.end() :]}"
    return _plain(line, removed, number)


def _plain(text: str, removed: list[Unspoken], number: int) -> str:
    """Inline Markdown without its markers: directions and link targets removed."""
    removed.extend(
        Unspoken(m.group(0), "stage direction", number) for m in _INLINE_DIRECTION.finditer(text)
    )
    text = _INLINE_DIRECTION.sub(" ", text)
    removed.extend(Unspoken(m[2], "link target", number) for m in _LINK.finditer(text) if m[2])
    text = _LINK.sub(r"\1", text)
    for _ in range(3):  # nested emphasis: ***both***
        text = _EMPHASIS.sub(r"\2", text)
    return text


# ---------------------------------------------------------------- screenplay

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


def _looks_like_screenplay(text: str) -> bool:
    blocks = list(text_blocks(text))
    scenes = sum(bool(_SCENE.match(b[0][1].strip())) for b in blocks)
    cues = sum(
        len(b) >= 2 and _is_cue(b[0][1]) and not b[0][1].strip().endswith(":") for b in blocks
    )
    return (scenes >= 1 and cues >= 1) or cues >= 3


_TITLE_PAGE = re.compile(
    r"^(Title|Credit|Authors?|Source|Draft date|Date|Contact|Copyright|Notes):\s*(.*)$", re.I
)


def screenplay(text: str, out: Builder, narration: bool) -> None:
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


# ---------------------------------------------------------------- captions

# ---------------------------------------------------------------- chat

_CHAT = re.compile(
    r"^(?P<stamp>\[[^\]\n]{1,25}\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\)?\s+)?"
    r"(?:<(?P<nick>[^>\s]{1,32})>|(?P<name>[A-Za-z][\w.\-]{0,31}):)\s*(?P<text>.*)$"
)
_SYSTEM = re.compile(r"^(?:\[[^\]]*\]\s*)?(?:\*{1,3}|-!-|--)\s")
_STAMPED = re.compile(  # a timestamped transcript: [00:01:23] Marcus Bell: text
    rf"^(?P<stamp>\[{CLOCK}\]|\({CLOCK}\)|{CLOCK})\s+"
    r"(?P<name>[^\W\d_][\w.'’\-]*(?: [^\W\d_][\w.'’\-]*){0,4}):\s*(?P<text>.*)$"
)
_TRANSCRIPT_MARK = re.compile(r"^(?:full )?transcript\s*:?$", re.IGNORECASE)


def _chat_line(line: str) -> re.Match[str] | None:
    """A chat message line: a lower-case name or a timestamp (or <nick>)."""
    match = _CHAT.match(line)
    if match and (match["stamp"] or match["nick"] or (match["name"] or "x")[0].islower()):
        return match
    return _STAMPED.match(line)  # a name of several words after a timestamp


def chat(text: str, out: Builder, narration: bool) -> None:
    """Chat logs and timestamped transcripts. Lines before the first message are the
    narrator's, unless a ``TRANSCRIPT`` line ends them: then they are show notes (title,
    blurb, links, sponsor) and are not spoken."""
    lines = [(number, raw.strip()) for number, raw in enumerate(text.split("\n"), start=1)]
    first = next((i for i, (_, line) in enumerate(lines) if _chat_line(line)), len(lines))
    mark = next(
        (i for i, (_, line) in enumerate(lines[:first]) if _TRANSCRIPT_MARK.match(line)), -1
    )
    for number, line in lines[: mark + 1]:
        out.drop(line, "show notes", number)
    speaker = None
    for number, line in lines[mark + 1 :]:
        if not line or out.skips(line, number):
            continue
        match = _chat_line(line)
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


# ---------------------------------------------------------------- tagged

_TAG_PAIR = re.compile(r"<([A-Za-z][\w ]{0,30})>(.*?)</\1>", re.S)
_MARKER = re.compile(r"\[(S\d{1,2}|Speaker ?\d{1,2})\]")
_NUMBERED = re.compile(r"^(Speaker ?\d{1,2}|S\d{1,2}|Person ?\d{1,2}):\s*")


def tagged(text: str, out: Builder, narration: bool) -> None:
    if _TAG_PAIR.search(text):
        _tag_pairs(text, out, narration)
    elif _MARKER.search(text):
        _markers(text, out, narration)
    else:
        _numbered(text, out, narration)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _tag_pairs(text: str, out: Builder, narration: bool) -> None:
    position = 0
    for match in _TAG_PAIR.finditer(text):
        _between(out, text[position : match.start()], _line_of(text, position), narration)
        out.label(match[1], "an opening tag")
        out.label(match[1], "a closing tag")
        for paragraph in re.split(r"\n\s*\n", match[2]):
            out.say(match[1], paragraph, TurnKind.TAG, _line_of(text, match.start()))
        position = match.end()
    _between(out, text[position:], _line_of(text, position), narration)


def _markers(text: str, out: Builder, narration: bool) -> None:
    parts = _MARKER.split(text)
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
            match = _NUMBERED.match(line.strip())
            if match:
                speaker = match[1]
                out.label(speaker, "a numbered speaker")
                out.say(speaker, line.strip()[match.end() :], TurnKind.TAG, number, merge=False)
            elif speaker and index == 0:  # a new paragraph of the same speaker
                out.say(speaker, line, TurnKind.TAG, number)
            elif speaker:
                out.extend(speaker, line, "tag", number)
            else:
                narrate(out, line, TurnKind.NARRATION, number, narration)


def _between(out: Builder, text: str, line: int, narration: bool) -> None:
    """Text outside any speaker's tags: narration (a title or an intro), if anything."""
    for paragraph in re.split(r"\n\s*\n", text):
        if paragraph.strip() and not out.skips(paragraph.strip(), line):
            narrate(out, paragraph, TurnKind.NARRATION, line, narration)


_PARSERS: dict[str, Callable[[str, Builder, bool], None]] = {
    "screenplay": screenplay,
    "captions": captions,
    "chat": chat,
    "tagged": tagged,
    "export": export,
    "json": json_transcript,
}
