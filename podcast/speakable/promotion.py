"""Sentences a host would never read aloud: a publication's sales and navigation copy
("You can buy it on stands now", "Read on for the full conversation", "Subscribe for
more"). Judged sentence by sentence, and only in the narrator's text (intro, narration,
credits), so a guest who says "subscribe" in an answer is still heard. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator

_PROMOTION = re.compile(
    r"\bsubscribe\b"
    r"|\bbuy (?:it|a copy|the issue|your copy)\b"
    r"|\bon (?:news)?stands (?:now|today)\b"
    r"|\bpick up (?:a|your) copy\b"
    r"|\bread on\b|\bkeep reading\b|\bscroll down\b|\bcontinue reading\b"
    r"|\b(?:click|tap) (?:here|the link|below)\b"
    r"|\bsign(?:ing)? up for (?:our|the|a) (?:free )?newsletter\b"
    r"|\bfollow us on\b|\blike us on\b|\bshare this (?:article|story|post|interview)\b"
    r"|\b(?:has|have) been (?:edited|condensed|lightly edited)\b"
    r"|\b(?:edited|condensed) for (?:length|clarity)\b"
    r"|\bwatch the (?:full )?(?:video|interview|clip) (?:here|below|above)\b"
    r"|\b(?:listen|watch) (?:now|here) (?:on|at)\b"
    r"|\bdownload (?:the|our) app\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?…]*(?:[.!?…]+[\"”’)]*|$)\s*")


def sentences(text: str) -> Iterator[str]:
    """The sentences of ``text``, each with the space after it (joined, the text)."""
    for match in _SENTENCE.finditer(text):
        if match[0]:
            yield match[0]


def promotion(sentence: str) -> bool:
    """True for a sentence of sales or navigation copy."""
    return bool(_PROMOTION.search(sentence))


def without_promotion(paragraph: str) -> tuple[str, list[str]]:
    """The paragraph without its promotional sentences, and those sentences."""
    kept, dropped = [], []
    for sentence in sentences(paragraph):
        (dropped if promotion(sentence) else kept).append(sentence)
    return "".join(kept).strip(), [s.strip() for s in dropped]
