"""Text helpers every transcript parser shares: line endings, word tokens, and the
one splitter into blank-line separated blocks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")


def normalize_newlines(text: str) -> str:
    """Windows and old-Mac line endings to ``\\n``; drop a byte-order mark."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def words(text: str) -> list[str]:
    """The word tokens of a text, for checking that nothing was lost."""
    return _WORD.findall(text)


@dataclass
class Block:
    """Lines with no blank line between them."""

    lines: list[tuple[int, str]]
    """(1-based line number, the line without surrounding whitespace)."""
    gap: int
    """Blank lines before the block (0 for the first block after a leading block)."""


def blocks(lines: Iterable[str]) -> Iterator[Block]:
    """The blank-line separated blocks of ``lines``."""
    current: list[tuple[int, str]] = []
    gap = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line.strip()))
            continue
        if current:
            yield Block(current, gap)
            current, gap = [], 0
        gap += 1
    if current:
        yield Block(current, gap)


CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
"""A clock time or timestamp as transcripts write it: 1:23, 00:01:23, 01:23.450."""

_SYMBOLS = {"So", "Sk", "Cf", "Cn", "Co"}


def strip_symbols(text: str) -> str:
    """``text`` without emoji and other pictographs (and the joiners and variation
    selectors that build them): a label decorated with 🎙️ is still a label."""
    kept = (
        c
        for c in text
        if unicodedata.category(c) not in _SYMBOLS and not 0xFE00 <= ord(c) <= 0xFE0F
    )
    return "".join(kept)
