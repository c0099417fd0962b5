"""The parsed transcript: turns of speech, each by one speaker. Pure data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

NARRATOR = "Narrator"
INTERVIEWER = "Interviewer"


class Pattern(Protocol):
    """A compiled regular expression (``re`` or RE2): lines it is found in are skipped."""

    def search(self, text: str) -> object | None:
        """A match anywhere in ``text``, or None."""
        ...


class TurnKind(StrEnum):
    """How a turn's speaker was decided (``podcast turns`` shows it)."""

    LABEL = "label"
    """A label in the transcript (``WILLIAMS:``)."""
    ALIAS = "alias"
    """A label that voices.yaml or the transcript names as another's."""
    QUESTION = "question"
    """An unlabeled question: the interviewer's."""
    NARRATION = "narration"
    """Intro, scene headings, action: the narrator's."""
    TITLE = "title"
    """The transcript's title: the narrator's."""
    HEADING = "heading"
    """A section heading: the narrator's."""
    CLOSING = "closing"
    """Credits and closing lines after the last answer: the narrator's."""
    CUE = "cue"
    """A screenplay's character cue."""
    TAG = "tag"
    """A speaker tag (``<Person1>``, ``[S1]``, ``Speaker 1:``)."""
    CAPTION = "caption"
    """A caption's voice (``<v Name>``) or name."""
    CHAT = "chat"
    """A chat message's sender."""
    EXPORT = "export"
    """A transcription service's name-and-timestamp line."""
    SEGMENT = "segment"
    """A JSON transcript's segment speaker."""
    DISCLOSURE = "disclosure"
    """The sentence at the end that says synthetic voices made the episode."""


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one speaker."""

    speaker: str
    """Canonical speaker name: the full label as first written, ``Narrator`` or the interviewer."""
    paragraphs: tuple[str, ...]
    """The turn's text as written, one entry per paragraph; labels removed."""
    how: TurnKind
    """How the speaker was decided."""
    line: int
    """1-based line of the transcript where the turn starts."""
    continued: int = 0
    """How many of the paragraphs were unlabeled paragraphs that continue the answer."""
    pause_before: int = 0
    """Extra silence before the turn, in ms: a production cue such as (LAUGHTER) stood here."""
    cue_before: str = ""
    """The production cue that stood before the turn, as written (``(LAUGHTER)``)."""
    captions: tuple[str, ...] = ()
    """The paragraphs as captions show them (speakable, without pronunciation respellings);
    empty when they are the paragraphs themselves."""
    broken_off: bool = False
    """The turn ends in a cue the text no longer shows (``[crosstalk]``): the next
    speaker cuts in."""

    @property
    def text(self) -> str:
        """The paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def shown(self) -> str:
        """The turn as captions show it (numbers as written), paragraphs joined."""
        return "\n\n".join(self.captions or self.paragraphs)


@dataclass(frozen=True)
class Unspoken:
    """Text of the transcript that is deliberately not spoken, and why."""

    text: str
    """The text as written."""
    why: str
    """The reason: production cue, photo credit, skip rule, caption timing, ..."""
    line: int = 0
    """1-based line where it stands (0 when not known)."""


@dataclass(frozen=True)
class Rewritten:
    """A written form that is read as words (``St.`` as ``Street``), and why."""

    text: str
    """The text as written."""
    said: str
    """What is said instead."""
    why: str
    """The rule's kind and the reason: "abbreviations: after a name"."""
    line: int = 0
    """1-based line of the turn it is in (0 when not known)."""


@dataclass(frozen=True)
class Script:
    """A parsed transcript."""

    turns: tuple[Turn, ...]
    """Every turn, in order."""
    title: str | None = None
    """The transcript's title line, when it has one."""
    interviewer: str | None = None
    """The speaker who asks the questions, if any question was found."""
    labels: tuple[str, ...] = ()
    """Every label removed from the text (kept so nothing is silently lost)."""
    skipped: tuple[Unspoken, ...] = ()
    """What is never spoken, and why: photo credits, rules, cues, caption timings, ..."""
    style: str = "qa"
    """The transcript style that was parsed."""
    decisions: tuple[str, ...] = ()
    """How the parse was decided, in words, for ``podcast turns``: why this style, what
    the labels looked like."""
    rewritten: tuple[Rewritten, ...] = ()
    """Written forms read as words, and why (numbers, dates, abbreviations, ...)."""

    @property
    def sections(self) -> tuple[tuple[int, str], ...]:
        """Where sections start: (index of the heading's turn, the heading as written)."""
        turns = enumerate(self.turns)
        return tuple((i, t.shown.split("\n\n")[0]) for i, t in turns if t.how == TurnKind.HEADING)

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speakers in order of first appearance."""
        return tuple(dict.fromkeys(turn.speaker for turn in self.turns))


def is_part_of(short: str, full: str) -> bool:
    """True when ``short`` is the first or last word of ``full`` (case-insensitive)."""
    tokens = full.casefold().split()
    return bool(tokens) and short.casefold() in (tokens[0], tokens[-1])


def find_speaker(wanted: str, names: Sequence[str]) -> str | None:
    """The name that ``wanted`` (typed by a user, or configured) means: one equal to it in
    any case, else the first full name it is the first or last word of (``okafor`` for
    ``DANA OKAFOR``). The one rule for matching speaker names."""
    key = wanted.casefold()
    exact = next((name for name in names if name.casefold() == key), None)
    return exact or next((name for name in names if is_part_of(wanted, name)), None)


@dataclass(frozen=True)
class ParseSettings:
    """What voices.yaml tells every parser: one value, handed from the voice book to
    whichever style's parser reads the transcript."""

    interviewer: str | None = None
    """The speaker who asks the unlabeled questions; detected when None."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Other labels -> the canonical speaker name."""
    skip: tuple[Pattern, ...] = ()
    """Lines never to speak (regular expressions searched in each line)."""
    narration: bool = True
    """Read scene headings and action lines of a screenplay (False: skip them)."""
    directions: bool = False
    """Read a stage play's directions (the narrator reads them)."""
