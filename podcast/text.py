"""Plain-text helpers every stage uses: cutting long text at sentence ends, and the
start of a text for messages. Pure; imports nothing of the project."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+")


def split_long(text: str, max_words: int) -> list[str]:
    """Split text at sentence ends into pieces of at most about ``max_words`` words;
    a sentence longer than that is cut between words."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in _sentences(text, max_words):
        size = len(sentence.split())
        if current and count + size > max_words:
            pieces.append(" ".join(current))
            current, count = [], 0
        current.append(sentence)
        count += size
    if current:
        pieces.append(" ".join(current))
    return [piece for piece in pieces if piece.strip()]


def sentences(text: str) -> list[str]:
    """The text's sentences (split after ``.``, ``!``, ``?`` or ``…`` and a space)."""
    return [sentence for sentence in _SENTENCE_END.split(text.strip()) if sentence.strip()]


def _sentences(text: str, max_words: int) -> Iterator[str]:
    for sentence in _SENTENCE_END.split(text.strip()):
        tokens = sentence.split()
        for start in range(0, max(len(tokens), 1), max_words):
            yield " ".join(tokens[start : start + max_words])


def counted(number: int, thing: str, many: str | None = None) -> str:
    """``1 clip``, ``2 clips``; ``many`` replaces the last word in the plural."""
    if number == 1:
        return f"1 {thing}"
    head, _, last = thing.rpartition(" ")
    plural = many or f"{last}s"
    return f"{number} {head + ' ' if head else ''}{plural}"


def first_words(text: str, count: int = 8) -> str:
    """The start of a text, for tables and error messages."""
    tokens = text.split()
    return " ".join(tokens[:count]) + (" …" if len(tokens) > count else "")


def aligned(starts: Sequence[int], count: int) -> tuple[int, ...]:
    """Word starts for ``count`` words from those of the words spoken, which may be more
    or fewer (a respelled pronunciation, a phoneme string, digits said as several words):
    the same when they match, else each word takes the start at its share of the way."""
    if not starts or not count:
        return ()
    if len(starts) == count:
        return tuple(starts)
    return tuple(starts[index * len(starts) // count] for index in range(count))
