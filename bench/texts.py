"""Benchmark inputs: the turns both baselines speak, and longer transcripts made from one."""

from __future__ import annotations

import re
from pathlib import Path

from podcast.source import load_transcript

_SENTENCE_LINE = re.compile(r"[.!?…”’\"]$")


def turn_texts(transcript: Path) -> list[tuple[str, str]]:
    """(voice, text) of every paragraph, exactly as our render speaks them."""
    loaded = load_transcript(transcript)
    cast = loaded.cast
    return [
        (cast[turn.speaker].voice, paragraph)
        for turn in loaded.script.turns
        for paragraph in turn.paragraphs
    ]


def scaled(text: str, times: int) -> str:
    """``times`` copies of a transcript, every spoken line made unique so no clip repeats."""
    copies = []
    for copy in range(1, times + 1):
        lines = [
            f"{line} Take {copy}." if copy > 1 and _SENTENCE_LINE.search(line) else line
            for line in text.splitlines()
        ]
        copies.append("\n".join(lines))
    return "\n\n\n".join(copies)
