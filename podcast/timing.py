"""When each turn starts: the gap after every turn chosen by what the turn was (a
question is answered sooner than a statement, a long answer or a new topic leaves more
room), spread as people's timing is, and the cut-ins where a turn breaks off and the
next speaker talks over its end. The ``pauses:`` of voices.yaml are the centres. Pure
and seeded: the same transcript and settings give the same timing in every process."""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from podcast.config.model import Pauses
from podcast.speakable.text import cue_name
from podcast.transcript.model import Script, Turn, TurnKind

SHORT_REPLY = 8  # words: a turn this short is a quick reply ("Right." "Exactly, yes.")
LONG_ANSWER = 120  # words: a turn this long is a long answer
SPREAD_LIMIT = 2.0  # standard deviations: the widest a seeded gap strays from its centre
OVERLAP_RANGE = (100, 600)  # ms: the least and most a cut-in overlaps
_QUESTION = re.compile(r"\?[\"”’')\]]*$")
_BROKEN_OFF = re.compile(r"(?:—|--|-|…|\.\.\.)[\"”’')\]]*$")
_SOUND_MARKER = re.compile(r"\[sound ([^\]]+)\]")


class Gap(StrEnum):
    """Why the gap after a turn is as long as it is (``podcast turns`` shows it)."""

    SAME = "same speaker"
    """The same speaker goes on: ``pauses.turn``."""
    QUESTION = "after a question"
    """An answer comes quickly."""
    SHORT = "after a short reply"
    """A quick exchange stays quick."""
    REPLY = "after a statement"
    """``pauses.speaker_change`` itself."""
    LONG = "after a long answer"
    """The listener lets it land."""
    TOPIC = "before a new topic"
    """A section heading follows."""
    CUT_IN = "cut in"
    """The turn breaks off and the next speaker talks over its end."""
    END = "end"
    """The last turn."""


FACTORS = {
    Gap.QUESTION: 0.6,
    Gap.SHORT: 0.7,
    Gap.REPLY: 1.0,
    Gap.LONG: 1.4,
    Gap.TOPIC: 2.0,
}
"""Each context's gap as a share of ``pauses.speaker_change``."""


@dataclass(frozen=True)
class Timing:
    """What follows one turn."""

    gap: int
    """Milliseconds of silence after the turn (before the next one)."""
    why: Gap
    """The context that chose it."""
    overlap: int = 0
    """Milliseconds the next speaker talks over the end of this turn (a cut-in)."""


def timings(script: Script, pauses: Pauses) -> list[Timing]:
    """The timing after every turn, in order."""
    headings = {index for index, _ in script.sections}
    turns = script.turns
    return [
        _after(turns[i], turns[i + 1] if i + 1 < len(turns) else None, i + 1 in headings, i, pauses)
        for i in range(len(turns))
    ]


def _after(turn: Turn, following: Turn | None, topic: bool, index: int, pauses: Pauses) -> Timing:
    if following is None:
        return Timing(0, Gap.END)
    seed = _seed(index, turn)
    if following.speaker == turn.speaker:
        return Timing(_spread(pauses.turn, pauses.spread, seed), Gap.SAME)
    why = context(turn, following, topic) if pauses.by_context else Gap.REPLY
    if why == Gap.CUT_IN:
        if not pauses.overlap:
            return Timing(0, why)
        low, high = OVERLAP_RANGE
        overlap = min(high, max(low, _spread(pauses.overlap, pauses.spread, seed)))
        return Timing(0, why, overlap)
    return Timing(_spread(round(pauses.speaker_change * FACTORS[why]), pauses.spread, seed), why)


def context(turn: Turn, following: Turn, topic: bool) -> Gap:
    """What the turn was, for the gap after it when another speaker follows."""
    if topic or following.how == TurnKind.HEADING:
        return Gap.TOPIC
    shown = turn.shown.rstrip()
    if broken_off(turn):
        return Gap.CUT_IN
    if _QUESTION.search(shown):
        return Gap.QUESTION
    words = len(shown.split())
    if words <= SHORT_REPLY:
        return Gap.SHORT
    return Gap.LONG if words >= LONG_ANSWER else Gap.REPLY


def broken_off(turn: Turn) -> bool:
    """The turn ends mid-word or mid-sentence: a dash, or an ellipsis with no full stop
    after it (as shown), or a [crosstalk] cue at its end or the next turn's start (which
    the speakable stage marked)."""
    return bool(_BROKEN_OFF.search(turn.shown.rstrip()) or turn.broken_off)


def _seed(index: int, turn: Turn) -> int:
    """A seed from the turn itself: the same turn gets the same spread in any process."""
    digest = hashlib.sha256(f"{index}\0{turn.speaker}\0{turn.text}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _spread(centre: int, spread: float, seed: int) -> int:
    """``centre`` moved as people's timing moves: a seeded log-normal factor."""
    if not spread or not centre:
        return centre
    deviation = max(-SPREAD_LIMIT, min(SPREAD_LIMIT, random.Random(seed).gauss(0, 1)))
    return round(centre * math.exp(spread * deviation))


REACTION_WORDS = 60  # a turn at least this long may hear its listener react
REACTION_EVERY = 3  # sentences at least between two reactions
REACTION_CHANCE = 0.4  # of reacting at a sentence end that may have one
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")


@dataclass(frozen=True)
class Spot:
    """Where the listener reacts in a turn: after a sentence's last word."""

    piece: int
    """Which of the turn's pieces (its clips, in order)."""
    word: int
    """Index of the sentence's last word in the piece's text."""
    said: str
    """What the listener says."""


def reaction_spots(
    index: int, turn: Turn, texts: Sequence[str], words: Sequence[str]
) -> list[Spot]:
    """Sentence ends of a long turn where its listener reacts, sparse and seeded: at
    most one in REACTION_EVERY sentences, never after the last. ``texts``: the turn's
    pieces as spoken (empty for a bleep or a sound)."""
    if sum(len(text.split()) for text in texts) < REACTION_WORDS:
        return []
    ends = [
        (piece, word)
        for piece, text in enumerate(texts)
        for word, token in enumerate(text.split())
        if _SENTENCE_END.search(token)
    ][:-1]
    chance = random.Random(_seed(index, turn) ^ 0x5EAC7)
    spots = []
    since = 1
    for piece, word in ends:
        since += 1
        if since > REACTION_EVERY and chance.random() < REACTION_CHANCE:
            spots.append(Spot(piece, word, chance.choice(words)))
            since = 0
    return spots


def explained(script: Script, pauses: Pauses, sounds: Mapping[str, str] | None = None) -> list[str]:
    """How every turn is placed, for ``podcast turns``: the gap before it (or the
    overlap of a cut-in) and why, and where a cue's sound plays (``sounds``: voices.yaml's)."""
    sounds = sounds or {}
    before = [Timing(0, Gap.END), *timings(script, pauses)[:-1]]  # what comes before each
    lines = []
    for number, (timing, turn) in enumerate(zip(before, script.turns, strict=True), start=1):
        cue = cue_name(turn.cue_before) if turn.cue_before else ""
        if cue in sounds:
            lines.append(f"{number:>4}  sound: {cue} ({sounds[cue]}) before the turn")
        if number > 1:
            lines.append(f"{number:>4}  {_gap(timing, turn, cue in sounds, number)}")
        for name in _SOUND_MARKER.findall(" ".join(turn.paragraphs)):
            lines.append(f"{number:>4}  sound: {name} ({sounds.get(name, '?')}) in the turn")
    return lines


def _gap(timing: Timing, turn: Turn, sounded: bool, number: int) -> str:
    if timing.overlap:
        return f"-{timing.overlap:>4} ms  {timing.why}: talks over turn {number - 1}"
    if turn.pause_before and not sounded:
        extra = f" (+{turn.pause_before} ms: a cue line)"
        return f"{timing.gap + turn.pause_before:>5} ms  {timing.why}{extra}"
    return f"{timing.gap:>5} ms  {timing.why}"
