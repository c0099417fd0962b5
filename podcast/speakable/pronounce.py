"""Pronunciations: whole words said another way, for one speaker or all. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Pronunciation:
    """A whole-word replacement applied before synthesis."""

    word: str
    """The word as written in the transcript."""
    say: str
    """What to say instead: a respelling, or eSpeak phonemes in ``[[...]]``."""
    match_case: bool = False
    """Replace only where the case matches exactly."""
    speakers: tuple[str, ...] = ()
    """Only in these speakers' turns (all speakers when empty)."""


def apply_pronunciations(
    text: str,
    speaker: str,
    rules: Sequence[Pronunciation],
    keep: Callable[[str], str] | None = None,
) -> str:
    """``text`` with every rule that applies to ``speaker`` applied, in order; ``keep``,
    when given, turns each replacement into what stands in for it."""
    for rule in rules:
        if rule.speakers and speaker.casefold() not in {s.casefold() for s in rule.speakers}:
            continue
        flags = 0 if rule.match_case else re.IGNORECASE
        pattern = rf"(?<!\w){re.escape(rule.word)}(?!\w)"
        say = keep(rule.say) if keep else rule.say
        text = re.sub(pattern, lambda _, say=say: say, text, flags=flags)
    return text
