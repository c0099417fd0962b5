"""Who is a woman and who a man, as far as a transcript tells: so that a cast chosen for
the user gives a woman a woman's voice. Pure, and only a guess: a ``gender:`` in
voices.yaml always wins.

In this order: a title in the speaker's label (``MS. OKAFOR``, ``Mr. Bell``, ``Sir``);
pronouns right after the speaker's name in the narration (``Dana Okafor, who ... her``);
the first name, from the name list of the ``gender-guesser`` package (its data is inside
its wheel; part of the natural-voice extras), where it is installed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

from podcast.transcript.model import NARRATOR, Script

FEMALE, MALE = "female", "male"
_TITLES = {
    "ms": FEMALE, "mrs": FEMALE, "miss": FEMALE, "madam": FEMALE, "lady": FEMALE,
    "dame": FEMALE, "mr": MALE, "sir": MALE, "lord": MALE,
}  # fmt: skip
_PRONOUNS = {"she": FEMALE, "her": FEMALE, "hers": FEMALE, "herself": FEMALE,
             "he": MALE, "him": MALE, "his": MALE, "himself": MALE}  # fmt: skip
_NOT_NAMES = {"the", "a", "an", "our", "my", "your", "this", "that", "dr", "prof", "doctor",
              "professor", "speaker", "host", "guest", "unidentified", "unknown"}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NEAR = 12  # words after a name in which a pronoun is taken to be about that person


def sexes(script: Script, names: Iterable[str]) -> dict[str, str]:
    """female or male for each of ``names`` the transcript tells about (others left out)."""
    narration = " ".join(t.text for t in script.turns if t.speaker == NARRATOR)
    found = {}
    for name in names:
        sex = _titled(name) or _pronouns(name, narration) or _first_name(name)
        if sex:
            found[name] = sex
    return found


def _titled(name: str) -> str | None:
    first = _WORD.findall(name.casefold())
    return _TITLES.get(first[0]) if first else None


def _pronouns(name: str, narration: str) -> str | None:
    """The pronouns in the few words after the speaker's full name or surname, where
    they clearly lean one way."""
    words = [w.casefold() for w in _WORD.findall(narration)]
    parts = [w.casefold() for w in _WORD.findall(name)]
    if not parts or not words:
        return None
    counts: Counter[str] = Counter()
    for index, word in enumerate(words):
        if word == parts[-1] and (len(parts) == 1 or words[index - 1 : index] == parts[-2:-1]):
            near = words[index + 1 : index + 1 + _NEAR]
            counts.update(_PRONOUNS[w] for w in near if w in _PRONOUNS)
    if not counts:
        return None
    (sex, count), *rest = counts.most_common()
    return sex if not rest or count >= 2 * rest[0][1] else None


def _first_name(name: str) -> str | None:
    parts = _WORD.findall(name)
    detector = _detector()
    if len(parts) < 2 or detector is None:  # a lone word is a surname or a show's name
        return None
    if parts[0].casefold() in _NOT_NAMES:  # THE HARBOR REVIEW is nobody's first name
        return None
    guess = detector.get_gender(parts[0].title())
    return {"female": FEMALE, "mostly_female": FEMALE, "male": MALE, "mostly_male": MALE}.get(guess)


@cache
def _detector() -> Any:
    try:
        import gender_guesser.detector
    except ImportError:
        return None
    return gender_guesser.detector.Detector(case_sensitive=False)
