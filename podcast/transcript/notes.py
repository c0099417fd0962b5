"""What `podcast turns` tells about a parse: labels that look like typos, lone speakers,
and the attributions that were guesses. Pure."""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter

from podcast.transcript.model import NARRATOR, Script, TurnKind


def label_warnings(script: Script) -> list[str]:
    """Labels that look like typos of another speaker's (a speaker heard once is no
    problem in itself: a radio piece has many one-off voices)."""
    counts = Counter(turn.speaker for turn in script.turns)
    order = sorted((n for n in counts if n != NARRATOR), key=lambda n: counts[n])
    heard = [counts[n] for n in order]
    found = []
    for name in counts:
        # only a label heard more often can be the one this is a typo of: with thousands
        # of one-off voices (a meeting's export) there are none to compare, not millions
        heavier = order[bisect.bisect_right(heard, counts[name]) :]
        if not heavier:
            continue
        louder = set(heavier)
        near = _near_name(name, [n for n in counts if n in louder])
        if near:
            found.append(
                f"label '{name}' looks like a typo of '{near}'; "
                "fix it, or list it under that speaker's aliases in voices.yaml"
            )
    return found


def _near_name(name: str, others: list[str]) -> str | None:
    """Another speaker whose name, or a word of it, is one slip away from ``name``."""
    key = name.casefold()
    for other in others:
        candidates = [other.casefold(), *other.casefold().split()]
        if key in candidates or re.sub(r"\d+", "", key) == re.sub(r"\d+", "", other.casefold()):
            continue  # SPEAKER 1 and SPEAKER 2 are different people, not typos
        if any(_alike(key, candidate) for candidate in candidates):
            return other
    return None


def _alike(one: str, other: str) -> bool:
    """One slip apart: difflib's ratio of at least 0.8, its cheap upper bounds first."""
    matcher = difflib.SequenceMatcher(None, one, other)
    bounds = (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio)
    return all(bound() >= 0.8 for bound in bounds)


def guesses(script: Script) -> list[str]:
    """Attributions the parser inferred rather than read off a label."""
    questions = [i for i, t in enumerate(script.turns, 1) if t.how == TurnKind.QUESTION]
    continued = [i for i, t in enumerate(script.turns, 1) if t.continued]
    found = []
    if questions:
        what = "a question" if len(questions) == 1 else "questions"
        found.append(f"{_numbers(questions)}: no label; read as {what} from {script.interviewer}")
    if continued:
        found.append(f"{_numbers(continued)}: unlabeled paragraphs read as the answer going on")
    closing = [i for i, t in enumerate(script.turns, 1) if t.how == TurnKind.CLOSING]
    if closing:
        found.append(
            f"{_numbers(closing)}: closing matter (credits, an editor's note), "
            "read by the narrator, not the last speaker"
        )
    return found


def _numbers(turns: list[int]) -> str:
    return ("turn " if len(turns) == 1 else "turns ") + ", ".join(map(str, turns))


SHOWN = 60  # characters of each unspoken text shown
LISTED = 5  # entries of one kind listed before the rest are counted


def not_spoken(script: Script) -> list[str]:
    """What will not be spoken and why, one line each (a kind with many entries, such as
    caption timings, is listed LISTED times and then counted)."""
    found = []
    shown: Counter[str] = Counter()
    for unspoken in script.skipped:
        shown[unspoken.why] += 1
        if shown[unspoken.why] > LISTED:
            continue
        text = " ".join(unspoken.text.split())
        text = text if len(text) <= SHOWN else f"{text[: SHOWN - 1]}…"
        where = f"line {unspoken.line}: " if unspoken.line else ""
        found.append(f"{where}{text} [{unspoken.why}]")
    found += [f"… and {n - LISTED} more [{why}]" for why, n in shown.items() if n > LISTED]
    return found


def read_as(script: Script) -> list[str]:
    """What the reading rules rewrote and why, one line each: the same rewrite once, with
    how often it was made; a kind with many entries listed LISTED times and then counted."""
    times = Counter((r.text, r.said, r.why) for r in script.rewritten)
    found = []
    shown: Counter[str] = Counter()
    firsts = {}
    for rewritten in script.rewritten:
        firsts.setdefault((rewritten.text, rewritten.said, rewritten.why), rewritten)
    for rewritten in firsts.values():
        kind = rewritten.why.partition(":")[0]
        shown[kind] += 1
        if shown[kind] > LISTED:
            continue
        count = times[rewritten.text, rewritten.said, rewritten.why]
        again = f" ({count} times)" if count > 1 else ""
        found.append(
            f"line {rewritten.line}: '{rewritten.text}' read as '{rewritten.said}' "
            f"[{rewritten.why}]{again}"
        )
    found += [f"… and {n - LISTED} more [{kind}]" for kind, n in shown.items() if n > LISTED]
    return found
