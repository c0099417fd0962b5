"""What the reading rules share: their kinds (the keys of ``reading:`` in voices.yaml),
a rule (a pattern and what to say for a match), and how a list of them is applied with
every rewrite recorded for ``podcast turns``. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from podcast.transcript.model import Rewritten


class ReadingRule(StrEnum):
    """A kind of written form read as words; each can be left as written
    (``reading: {phone_numbers: as_written}``)."""

    ADDRESSES = "addresses"
    """Web and e-mail addresses: "jane dot doe at example dot com"."""
    PHONE_NUMBERS = "phone_numbers"
    """Digit by digit, in their groups: "five five five, one two three, ..."."""
    MONEY = "money"
    """Currencies before and after numbers, with scales: "$1.2M", "30€", "99¢"."""
    DATES = "dates"
    """Month and day (either order), ISO and numeric dates: "May twenty-fourth"."""
    TIMES = "times"
    """Clock times and durations: "ten thirty A M", "fourteen hundred"."""
    UNITS = "units"
    """Units and symbols after numbers: km, kg, ml, °C, mph, %, GB and the others."""
    RANGES = "ranges"
    """Ranges and scores with a dash or hyphen: "ten to twenty", "three to two"."""
    YEARS = "years"
    """Years and decades: "twenty nineteen", "the nineteen nineties", "the seventies"."""
    ROMAN_NUMERALS = "roman_numerals"
    """After monarchs and names ("the eighth") and in titles ("World War two")."""
    ABBREVIATIONS = "abbreviations"
    """St., Dr., Mt., vs., e.g., i.e., etc., Mr., Jr., No. and the others, by context."""
    INITIALISMS = "initialisms"
    """Capitals spelled out (F B I) unless said as a word (NASA, NATO)."""
    NUMBERS = "numbers"
    """Every other number: cardinals, decimals, ordinals, fractions, #1, minus."""


class Treatment(StrEnum):
    """What ``reading:`` does with one kind."""

    SPOKEN = "spoken"
    """Read as a person says it (the default)."""
    AS_WRITTEN = "as_written"
    """Left as written, for the engine to read as it will."""


Said = tuple[str, str] | None
"""What a match is read as and why, or None to leave it as written."""


@dataclass(frozen=True)
class Rule:
    """One pattern of one kind, and what a match is read as."""

    kind: ReadingRule
    """Which kind it is (what ``reading:`` names)."""
    pattern: re.Pattern[str]
    """Where it applies."""
    say: Callable[[re.Match[str]], Said]
    """What a match is read as, and why; None leaves it as written."""


Record = Callable[[Rewritten], None]
_NEAR = 200  # characters looked at either side of a match (longer words are dropped)
_NEXT_WORD = re.compile(r"\s+([\w'’-]+)")


def apply_rules(
    text: str,
    rules: Iterable[Rule],
    record: Record | None = None,
    as_written: Callable[[str], str] | None = None,
) -> str:
    """``text`` with every rule applied in order; each rewrite handed to ``record``. A
    rule whose kind is kept as written still finds its matches, and ``as_written`` turns
    them into what stands in for them, so no later rule reads a part of them."""
    for rule in rules:
        text = rule.pattern.sub(_replacer(rule, record, as_written), text)
    return text


def _replacer(
    rule: Rule, record: Record | None, as_written: Callable[[str], str] | None
) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        if as_written is not None:
            return match[0] if rule.say(match) is None else as_written(match[0])
        said = rule.say(match)
        if said is None:
            return match[0]
        words, why = said
        if record is not None:
            record(Rewritten(match[0].strip(), words.strip(), f"{rule.kind}: {why}"))
        return words

    return replace


def word_before(match: re.Match[str], start: int | None = None) -> str:
    """The word just before the match (or before ``start``), without its punctuation;
    empty at the start of the text or after a sentence's end."""
    end = match.start() if start is None else start
    before = match.string[max(0, end - _NEAR) : end].rstrip()  # a word is never longer
    if not before or before[-1] in '.!?:;\n"“':
        return ""
    found = re.search(r"([\w'’.-]+)[,)]?$", before)
    return found[1].rstrip(".") if found else ""


def word_after(match: re.Match[str]) -> str:
    """The word just after the match, without its punctuation."""
    found = _NEXT_WORD.match(match.string, match.end())
    return found[1] if found else ""


def ends_sentence(match: re.Match[str]) -> bool:
    """True when the match's last full stop also ends the sentence: nothing but space
    follows, or a capital after a space (``etc. The``)."""
    if not match[0].endswith("."):
        return False
    rest = match.string[match.end() : match.end() + _NEAR]
    return not rest.strip() or bool(re.match(r"\s+[\"“‘(]?[A-Z]", rest))


def capitalized(word: str) -> bool:
    """A word that starts with a capital and is not all capitals (a name, a title)."""
    return bool(word) and word[0].isupper() and not word.isupper()
