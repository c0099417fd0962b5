"""Numbers as words, the way an American reader says them: num2words does the work
(cardinals, ordinals, years); this module only trims its British "and" and commas
("one hundred and five, ..." -> "one hundred five ..."). Pure."""

from __future__ import annotations

import re

from num2words import num2words

DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_AND = re.compile(r",|\band\b")
_SPACES = re.compile(r"\s+")


def _american(words: str) -> str:
    return _SPACES.sub(" ", _AND.sub(" ", words)).strip()


def number_words(n: int) -> str:
    """``1984`` -> ``one thousand nine hundred eighty-four``."""
    if n < 0:
        return "minus " + number_words(-n)
    return _american(num2words(n))


def ordinal_words(n: int) -> str:
    """``3`` -> ``third``, ``21`` -> ``twenty-first``."""
    return _american(num2words(n, to="ordinal"))


def year_words(n: int) -> str:
    """``2019`` -> ``twenty nineteen``, ``1905`` -> ``nineteen oh five``, ``2001`` ->
    ``two thousand one``, ``1900`` -> ``nineteen hundred``."""
    return _american(num2words(n, to="year")).replace("oh-", "oh ")


def plural_words(words: str) -> str:
    """A number's words as a plural noun (decades, centuries): ``nineteen ninety`` ->
    ``nineteen nineties``, ``two thousand`` -> ``two thousands``."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + ("es" if words.endswith("x") else "s")


def decimal_words(text: str) -> str:
    """``5.25`` -> ``five point two five``; ``1,200`` -> ``one thousand two hundred``."""
    whole, _, fraction = text.replace(",", "").partition(".")
    spoken = number_words(int(whole or "0"))
    if fraction:
        spoken += " point " + digit_words(fraction)
    return spoken


def digit_words(digits: str) -> str:
    """``0199`` -> ``zero one nine nine``: one word a digit (phone numbers, decimals)."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())
