"""Which style a transcript is in, and the parsers of every style but Q&A. Pure.

* ``markdown``: ``**Name:**`` labels, headings as sections, stage directions unspoken
  (built on the Q&A parser);
* ``screenplay``: Fountain-like character cues, parentheticals, scene headings;
* ``captions``: WebVTT and SRT, speakers from ``<v Name>`` or ``Name:``;
* ``chat``: ``[10:02] alice: text`` or ``alice: text``;
* ``tagged``: ``<Person1>...</Person1>``, ``[S1]`` and ``Speaker 1:`` markers.

Every parser keeps the nothing-lost promise: each word of the input is in a turn,
a removed label, or ``skipped``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from podcast.errors import InputError
from podcast.transcript.lines import blocks, normalize_newlines
from podcast.transcript.model import NARRATOR, Pattern, Script, Turn, Unspoken
from podcast.transcript.qa import parse

STYLES = ("qa", "markdown", "screenplay", "captions", "chat", "tagged")
NAMES = {
    "qa": "Q&A transcript",
    "qa-letters": "Q&A transcript (Q:/A:)",
    "markdown": "Markdown script",
    "screenplay": "screenplay",
    "captions": "captions (WebVTT/SRT)",
    "chat": "chat log",
    "tagged": "tagged dialogue",
}
UNKNOWN_SPEAKER = "Speaker"


def detect(text: str) -> str:
    """The style a transcript is written in."""
    text = normalize_newlines(text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return "qa"
    if lines[0].startswith("WEBVTT") or sum(bool(_TIMING.match(x)) for x in lines) >= 2:
        return "captions"
    if len(_TAG_PAIR.findall(text)) >= 2 or len(_MARKER.findall(text)) >= 2:
        return "tagged"
    if sum(bool(_NUMBERED.match(x)) for x in lines) >= 2:
        return "tagged"
    if sum(bool(_chat_line(x)) for x in lines) >= max(2, 0.6 * len(lines)):
        return "chat"
    stamped = sum(bool(_STAMPED.match(x)) for x in lines)
    if stamped >= 3 and stamped >= 0.4 * len(lines):  # a transcript under its show notes
        return "chat"
    if _looks_like_screenplay(text):
        return "screenplay"
    if any(_HEADING.match(x) or _BOLD_LABEL.match(x) or _DIRECTION.match(x) for x in lines):
        return "markdown"
    return "qa"


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
    style = style or detect(text)
    text = normalize_newlines(text)
    if style == "qa":
        return parse(text, interviewer=interviewer, aliases=aliases, skip=skip)
    if style == "markdown":
        return markdown(text, interviewer, aliases or {}, skip)
    parsers = {"screenplay": screenplay, "captions": captions, "chat": chat, "tagged": tagged}
    if style not in parsers:
        raise InputError(f"unknown transcript style '{style}'; use one of {', '.join(STYLES)}")
    builder = _Builder(style, skip)
    parsers[style](text, builder, narration)
    return builder.script()


# ---------------------------------------------------------------- shared


@dataclass
class _Builder:
    """Collects turns, labels and skipped text for the non-Q&A parsers."""

    style: str
    """The style being parsed."""
    skip: Sequence[Pattern] = ()
    """voices.yaml's ``skip:`` patterns."""
    turns: list[Turn] = field(default_factory=list)
    """The turns so far."""
    labels: list[str] = field(default_factory=list)
    """Labels removed from the text."""
    skipped: list[Unspoken] = field(default_factory=list)
    """Text that is never spoken, and why."""

    def drop(self, text: str, why: str, line: int = 0) -> None:
        """Record text that is not spoken."""
        text = text.strip()
        if text:
            self.skipped.append(Unspoken(text, why, line))

    def skips(self, line: str, number: int = 0) -> bool:
        """True (and the line recorded) when voices.yaml says never to speak it."""
        if any(p.search(line) for p in self.skip):
            self.drop(line, "skip rule", number)
            return True
        return False

    def say(self, speaker: str, text: str, how: str, line: int, merge: bool = True) -> None:
        """Add text to the speaker's turn: the last one when it is theirs (and ``merge``)."""
        text = " ".join(text.split())
        if not text:
            return
        last = self.turns[-1] if self.turns else None
        if merge and last and last.speaker == speaker and last.how == how:
            self.turns[-1] = Turn(speaker, (*last.paragraphs, text), how, last.line)
        else:
            self.turns.append(Turn(speaker, (text,), how, line))

    def extend(self, speaker: str, text: str, how: str, line: int) -> None:
        """Add text to the speaker's running paragraph (a new turn when another spoke)."""
        text = " ".join(text.split())
        last = self.turns[-1] if self.turns else None
        if not text or not (last and last.speaker == speaker and last.how == how):
            self.say(speaker, text, how, line)
            return
        joined = f"{last.paragraphs[-1]} {text}"
        self.turns[-1] = Turn(speaker, (*last.paragraphs[:-1], joined), how, last.line)

    def script(self) -> Script:
        title = self.turns[0].text if self.turns and self.turns[0].how == "title" else None
        return Script(
            tuple(self.turns), title, None, tuple(self.labels), tuple(self.skipped), self.style
        )


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """The lines of every blank-line separated block."""
    return (block.lines for block in blocks(text.split("\n")))


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
    script = parse(
        "\n".join(lines),
        interviewer=interviewer,
        aliases=trusted,
        skip=skip,
        headings=headings,
        directions=(_DIRECTION, _ITALIC_LINE),  # stage directions are never spoken
    )
    first = script.turns[0] if script.turns else None
    title = first.paragraphs[0] if first and first.how == "heading" else script.title
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
    blocks = list(_blocks(text))
    scenes = sum(bool(_SCENE.match(b[0][1].strip())) for b in blocks)
    cues = sum(
        len(b) >= 2 and _is_cue(b[0][1]) and not b[0][1].strip().endswith(":") for b in blocks
    )
    return (scenes >= 1 and cues >= 1) or cues >= 3


_TITLE_PAGE = re.compile(
    r"^(Title|Credit|Authors?|Source|Draft date|Date|Contact|Copyright|Notes):\s*(.*)$", re.I
)


def screenplay(text: str, out: _Builder, narration: bool) -> None:
    for index, block in enumerate(_blocks(text)):
        number, first = block[0][0], block[0][1].strip()
        if index == 0 and _TITLE_PAGE.match(first):
            _title_page(out, block)
        elif out.skips(first, number):
            for line_number, line in block[1:]:
                out.drop(line, "skip rule", line_number)
        elif _SCENE.match(first):
            _narrate(out, first.lstrip("."), "heading", number, narration)
            _action(out, block[1:], narration)
        elif _TRANSITION.match(first):
            out.drop(first, "transition", number)
            _action(out, block[1:], narration)
        elif len(block) >= 2 and _is_cue(first):
            _dialogue(out, block)
        else:
            _action(out, block, narration)


def _title_page(out: _Builder, block: list[tuple[int, str]]) -> None:
    """Fountain's title page: the title is read, the rest (author, contact) is not."""
    for number, line in block:
        field = _TITLE_PAGE.match(line.strip())
        if field and field[1].casefold() == "title":
            out.labels.append(field[1])
            out.say(NARRATOR, field[2], "title", number)
        elif field:
            out.labels.append(field[1])
            out.drop(field[2], "title page", number)
        else:
            out.drop(line, "title page", number)


def _dialogue(out: _Builder, block: list[tuple[int, str]]) -> None:
    cue = block[0][1].strip()
    speaker = _EXTENSIONS.sub("", cue).strip(" ^@")  # (V.O.), (CONT'D): the same speaker
    if speaker.casefold() == NARRATOR.casefold():
        speaker = NARRATOR
    out.labels.append(cue)
    spoken = []
    for number, line in block[1:]:
        if _PARENTHETICAL.match(line):
            out.drop(line, "parenthetical", number)  # (quietly): how to say it, not what
        else:
            spoken.append(line.strip())
    out.say(speaker, " ".join(spoken), "cue", block[0][0])


def _action(out: _Builder, lines: list[tuple[int, str]], narration: bool) -> None:
    if lines:
        text = " ".join(line.strip() for _, line in lines)
        _narrate(out, text, "narration", lines[0][0], narration)


def _narrate(out: _Builder, text: str, how: str, number: int, narration: bool) -> None:
    if narration:
        out.say(NARRATOR, text, how, number, merge=how == "narration")
    else:
        out.drop(text, "narration: false", number)


# ---------------------------------------------------------------- captions

_TIMESTAMP = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*{_TIMESTAMP}\s*-->\s*{_TIMESTAMP}.*$")
_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&#?\w+;")
_PREFIX = re.compile(r"^(?:>>\s*)?([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3}):\s+")


def captions(text: str, out: _Builder, narration: bool) -> None:
    speaker = None
    for block in _blocks(text):
        first = block[0][1].strip()
        if first.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            for number, line in block:
                out.drop(line, "caption header", number)
            continue
        timing = next((i for i, (_, line) in enumerate(block) if _TIMING.match(line)), None)
        if timing is None:  # not a cue: text without timing continues the speaker
            timing = -1
        for number, line in block[: timing + 1]:
            out.drop(line, "caption timing", number)
        for number, line in block[timing + 1 :]:
            speaker = _caption_line(out, number, line.strip(), speaker)


def _caption_line(out: _Builder, number: int, line: str, speaker: str | None) -> str | None:
    if out.skips(line, number):
        return speaker
    voice = _VOICE.match(line)
    if voice:
        speaker = voice[1].strip()
        out.labels.append(voice[0])
        line = line[voice.end() :]
    for markup in _TAG.findall(line) + _ENTITY.findall(line):
        out.drop(markup, "caption markup", number)
    line = html.unescape(_TAG.sub("", line)).strip()
    prefix = _PREFIX.match(line)
    if prefix and not voice:
        speaker = prefix[1]
        out.labels.append(speaker)
        line = line[prefix.end() :]
    if line.startswith(("- ", "– ")):
        out.drop(line[0], "caption markup", number)
        line = line[2:]
    out.extend(speaker or UNKNOWN_SPEAKER, line, "caption", number)
    return speaker


# ---------------------------------------------------------------- chat

_CHAT = re.compile(
    r"^(?P<stamp>\[[^\]\n]{1,25}\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?\)?\s+)?"
    r"(?:<(?P<nick>[^>\s]{1,32})>|(?P<name>[A-Za-z][\w.\-]{0,31}):)\s*(?P<text>.*)$"
)
_SYSTEM = re.compile(r"^(?:\[[^\]]*\]\s*)?(?:\*{1,3}|-!-|--)\s")
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_STAMPED = re.compile(  # a timestamped transcript: [00:01:23] Marcus Bell: text
    rf"^(?P<stamp>\[{_CLOCK}\]|\({_CLOCK}\)|{_CLOCK})\s+"
    r"(?P<name>[^\W\d_][\w.'’\-]*(?: [^\W\d_][\w.'’\-]*){0,4}):\s*(?P<text>.*)$"
)
_TRANSCRIPT_MARK = re.compile(r"^(?:full )?transcript\s*:?$", re.IGNORECASE)


def _chat_line(line: str) -> re.Match[str] | None:
    """A chat message line: a lower-case name or a timestamp (or <nick>)."""
    match = _CHAT.match(line)
    if match and (match["stamp"] or match["nick"] or (match["name"] or "x")[0].islower()):
        return match
    return _STAMPED.match(line)  # a name of several words after a timestamp


def chat(text: str, out: _Builder, narration: bool) -> None:
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
            out.labels.append(speaker)
            if match["stamp"]:
                out.drop(match["stamp"], "timestamp", number)
            out.say(speaker, match["text"], "chat", number)
        elif speaker is None:
            _narrate(out, line, "narration", number, narration)
        else:
            out.say(speaker, line, "chat", number)


# ---------------------------------------------------------------- tagged

_TAG_PAIR = re.compile(r"<([A-Za-z][\w ]{0,30})>(.*?)</\1>", re.S)
_MARKER = re.compile(r"\[(S\d{1,2}|Speaker ?\d{1,2})\]")
_NUMBERED = re.compile(r"^(Speaker ?\d{1,2}|S\d{1,2}|Person ?\d{1,2}):\s*")


def tagged(text: str, out: _Builder, narration: bool) -> None:
    if _TAG_PAIR.search(text):
        _tag_pairs(text, out, narration)
    elif _MARKER.search(text):
        _markers(text, out, narration)
    else:
        _numbered(text, out, narration)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _tag_pairs(text: str, out: _Builder, narration: bool) -> None:
    position = 0
    for match in _TAG_PAIR.finditer(text):
        _between(out, text[position : match.start()], _line_of(text, position), narration)
        out.labels += [match[1], match[1]]
        for paragraph in re.split(r"\n\s*\n", match[2]):
            out.say(match[1], paragraph, "tag", _line_of(text, match.start()))
        position = match.end()
    _between(out, text[position:], _line_of(text, position), narration)


def _markers(text: str, out: _Builder, narration: bool) -> None:
    parts = _MARKER.split(text)
    _between(out, parts[0], 1, narration)
    offset = len(parts[0])
    for speaker, body in zip(parts[1::2], parts[2::2], strict=True):
        out.labels.append(speaker)
        line = _line_of(text, offset)
        for paragraph in re.split(r"\n\s*\n", body):
            out.say(speaker, paragraph, "tag", line, merge=False)
        offset += len(speaker) + 2 + len(body)


def _numbered(text: str, out: _Builder, narration: bool) -> None:
    speaker = None
    for block in _blocks(text):
        for index, (number, line) in enumerate(block):
            match = _NUMBERED.match(line.strip())
            if match:
                speaker = match[1]
                out.labels.append(speaker)
                out.say(speaker, line.strip()[match.end() :], "tag", number, merge=False)
            elif speaker and index == 0:  # a new paragraph of the same speaker
                out.say(speaker, line, "tag", number)
            elif speaker:
                out.extend(speaker, line, "tag", number)
            else:
                _narrate(out, line, "narration", number, narration)


def _between(out: _Builder, text: str, line: int, narration: bool) -> None:
    """Text outside any speaker's tags: narration (a title or an intro), if anything."""
    for paragraph in re.split(r"\n\s*\n", text):
        if paragraph.strip() and not out.skips(paragraph.strip(), line):
            _narrate(out, paragraph, "narration", line, narration)
