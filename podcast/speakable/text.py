"""Make parsed text speakable: what the engine is given, and what `podcast turns` shows.

The spoken text may hold three markers, which the planner turns into audio:
``[pause 300ms]`` (silence), ``[bleep]`` (a censored word) and ``[narrator: ...]`` (an
editorial aside read in the narrator's voice). A transcript's own ``[pause 800ms]``
is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from podcast.speakable.pronounce import Pronunciation, apply_pronunciations
from podcast.speakable.written import say_written_forms
from podcast.transcript.model import Script

MAX_WORD = 100
MARKER = re.compile(r"\[(?:pause (\d+)ms|(bleep)|narrator: ([^\[\]]+))\]")
_USER_PAUSE = re.compile(r"\[\s*pause\s+(\d+(?:\.\d+)?)\s*(ms|s)\s*\]", re.IGNORECASE)
_ASIDE = re.compile(r"\[([A-Z][^\[\]]*[.!?][\"”’)]?)\]")
_BRACKETED = re.compile(r"\[(?!\[)([^\[\]]*)\](?!\])")
_CENSORED = re.compile(
    r"(?<![\w*])(?:[A-Za-z]{1,3}(?:—|--)(?![\w—-])|[A-Za-z]+\*{1,}[A-Za-z]*|\*{3,})(?![\w*])"
)
_DASH = re.compile(r"\s*(?:—|–|\s--\s)\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\.?\s*")  # "held…." is one pause
_SPACES = re.compile(r"[ \t]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


@dataclass(frozen=True)
class Reading:
    """How to read text aloud (from voices.yaml)."""

    pronunciations: tuple[Pronunciation, ...] = ()
    """Whole words said another way, applied last."""
    censor: str = "bleep"
    """bleep, skip or read."""
    asides: str = "narrator"
    """narrator or read."""
    dash: int = 250
    """Pause for an em dash, in ms."""
    ellipsis: int = 450
    """Pause for an ellipsis, in ms."""


def speakable(
    text: str, speaker: str, reading: Reading | None = None, pronounce: bool = True
) -> str:
    """Text as it will be spoken (see the module's docstring for its markers); without
    ``pronounce``, as captions show it (no pronunciation respellings)."""
    reading = reading or Reading()
    text = _LONG_WORD.sub(" ", _CONTROL.sub("", text))  # nobody can read those aloud
    text = _USER_PAUSE.sub(_pause_marker, text)
    if reading.asides == "narrator":
        text = _ASIDE.sub(lambda m: f"[narrator: {m[1]}]", text)
    text = _BRACKETED.sub(lambda m: m[0] if MARKER.fullmatch(m[0]) else m[1], text)
    text = _censor(text, reading.censor)
    text = _ELLIPSIS.sub(f" [pause {reading.ellipsis}ms] ", text)
    text = _DASH.sub(f" [pause {reading.dash}ms] ", text)
    text = say_written_forms(text)
    if pronounce:
        text = apply_pronunciations(text, speaker, reading.pronunciations)
    return _tidy(text)


def _pause_marker(match: re.Match[str]) -> str:
    amount = float(match[1]) * (1000 if match[2].lower() == "s" else 1)
    return f"[pause {round(amount)}ms]"


def _censor(text: str, mode: str) -> str:
    if mode == "read":
        return text
    return _CENSORED.sub("[bleep]" if mode == "bleep" else " ", text)


def _tidy(text: str) -> str:
    """Single spaces; no pause at the very start or end, or before punctuation."""
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"^(?:\[pause \d+ms\]\s*)+|(?:\s*\[pause \d+ms\])+$", "", text)
    return text.strip()


def spoken_script(script: Script, reading: Reading | None = None) -> Script:
    """The script with every paragraph made speakable; empty paragraphs and turns dropped."""
    turns = []
    for turn in script.turns:
        both = [
            (speakable(t, turn.speaker, reading), speakable(t, turn.speaker, reading, False))
            for t in turn.paragraphs
        ]
        paragraphs = tuple(spoken for spoken, _ in both if spoken)
        captions = tuple(shown for spoken, shown in both if spoken)
        if _has_words(paragraphs):
            shown = captions if captions != paragraphs else ()
            turns.append(replace(turn, paragraphs=paragraphs, captions=shown))
    return replace(script, turns=tuple(turns))


def _has_words(paragraphs: Sequence[str]) -> bool:
    return any(any(c.isalnum() for c in MARKER.sub("", p)) for p in paragraphs)
