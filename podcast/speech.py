"""Make parsed text speakable: what the engine is given, and what `podcast turns` shows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from podcast.script import Script, Turn
from podcast.voices import Pronunciation

_BRACKETED = re.compile(r"\[(?!\[)([^\[\]]*)\](?!\])")
_SPACES = re.compile(r"[ \t]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
MAX_WORD = 100
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def speakable(text: str, speaker: str, pronunciations: Sequence[Pronunciation] = ()) -> str:
    """Text as it will be spoken: control characters and "words" longer than MAX_WORD
    characters dropped, editorial brackets removed, pronunciations applied."""
    text = _LONG_WORD.sub(" ", _CONTROL.sub("", text))  # nobody can read those aloud
    text = _BRACKETED.sub(r"\1", text)
    for rule in pronunciations:
        if rule.speakers and speaker.casefold() not in {s.casefold() for s in rule.speakers}:
            continue
        flags = 0 if rule.match_case else re.IGNORECASE
        pattern = rf"(?<!\w){re.escape(rule.word)}(?!\w)"
        text = re.sub(pattern, rule.say.replace("\\", "\\\\"), text, flags=flags)
    return _SPACES.sub(" ", text).strip()


def spoken_script(script: Script, pronunciations: Sequence[Pronunciation] = ()) -> Script:
    """The script with every paragraph made speakable; empty paragraphs and turns dropped."""
    turns = []
    for turn in script.turns:
        paragraphs = tuple(
            p for p in (speakable(t, turn.speaker, pronunciations) for t in turn.paragraphs) if p
        )
        if _has_words(paragraphs):
            turns.append(replace(turn, paragraphs=paragraphs))
    return replace(script, turns=tuple(turns))


def _has_words(paragraphs: Sequence[str]) -> bool:
    return any(any(c.isalnum() for c in p) for p in paragraphs)


def first_words(turn: Turn, count: int = 8) -> str:
    """The start of a turn, for tables and error messages."""
    tokens = turn.text.split()
    return " ".join(tokens[:count]) + (" …" if len(tokens) > count else "")
