"""Markdown scripts: ``**Name:**`` or ``Name:`` labels, headings read by the narrator
and starting sections, stage directions (``*[music fades]*``) never spoken, emphasis
markers and link targets never read out. Built on the Q&A parser."""

from __future__ import annotations

import re
from dataclasses import replace

from podcast.transcript.model import ParseSettings, Script, TurnKind, Unspoken
from podcast.transcript.qa import parse_qa

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BOLD_LABEL = re.compile(r"^\s*(\*\*|__)([^*_:\n]{1,60}?)(?::\1|\1\s*:)\s*")
DIRECTION = re.compile(
    r"^\s*(?:[*_]+\s*[\[(][^\]\)]*[\])]\s*[*_]+|\[[^\[\]]+\]|[*_]\([^)]*\)[*_])\s*$"
)
_INLINE_DIRECTION = re.compile(r"[*_]+\s*[\[(][^\]\)\n]*[\])]\s*[*_]+")
_ITALIC_LINE = re.compile(r"^\s*([*_])(?!\1)[^*_]+\1\s*$")
_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def parse(text: str, settings: ParseSettings) -> Script:
    """A Markdown script: the Q&A parser over the text with its Markdown taken out."""
    removed: list[Unspoken] = []
    headings: dict[int, str] = {}
    trusted: dict[str, str] = dict(settings.aliases)
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        heading = HEADING.match(line)
        if heading:
            headings[number] = _plain(heading[2], removed, number)
            lines.append(headings[number])
        elif DIRECTION.match(line) or _ITALIC_LINE.match(line):
            lines.append(line)  # kept, so the blank lines around it still count the same
        else:
            lines.append(_markdown_line(line, trusted, removed, number))
    script = parse_qa(
        "\n".join(lines),
        replace(settings, aliases=trusted),
        headings=headings,
        directions=(DIRECTION, _ITALIC_LINE),  # stage directions are never spoken
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
    label = BOLD_LABEL.match(line)
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
