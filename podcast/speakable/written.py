"""Written forms a person reads differently from how they are spelled: money, times,
ordinals, percentages, ``&``, URLs and e-mail addresses, turned into words. Pure."""

from __future__ import annotations

import re

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_WORDS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
}


def number_words(n: int) -> str:
    """``1984`` -> ``one thousand nine hundred eighty-four``."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    for size, name in _SCALES:
        if n >= size:
            high, rest = divmod(n, size)
            return f"{number_words(high)} {name}" + (f" {number_words(rest)}" if rest else "")
    raise AssertionError(n)


def ordinal_words(n: int) -> str:
    """``3`` -> ``third``, ``21`` -> ``twenty-first``."""
    words = number_words(n)
    head, sep, last = words.rpartition("-") if "-" in words.split()[-1] else words.rpartition(" ")
    if last in _ORDINAL_WORDS:
        last = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def decimal_words(text: str) -> str:
    """``5.25`` -> ``five point two five``; ``1,200`` -> ``one thousand two hundred``."""
    whole, _, fraction = text.replace(",", "").partition(".")
    spoken = number_words(int(whole or "0"))
    if fraction:
        spoken += " point " + " ".join(_ONES[int(d)] for d in fraction)
    return spoken


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONEY = re.compile(
    rf"([$£€])\s?({_NUMBER})(?:\s+(thousand|million|billion|trillion)\b)?", re.IGNORECASE
)
_DURATION = re.compile(r"(?<![\d:])(\d{1,2}):([0-5]\d):([0-5]\d)(?![\d:])")
_TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)(?:\s*([AaPp])\.?\s?[Mm]\.?(?=\W|$))?")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_PERCENT = re.compile(rf"({_NUMBER})\s?%")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]]", re.IGNORECASE)


def money(match: re.Match[str]) -> str:
    one, many, small_one, small_many = _CURRENCIES[match[1]]
    amount, scale = match[2].replace(",", ""), match[3]
    if scale:
        return f"{decimal_words(amount)} {scale.lower()} {many}"
    whole, _, cents = amount.partition(".")
    spoken = f"{number_words(int(whole))} {one if whole == '1' else many}"
    if cents and int(cents[:2].ljust(2, "0")):
        count = int(cents[:2].ljust(2, "0"))
        spoken += f" and {number_words(count)} {small_one if count == 1 else small_many}"
    return spoken


def time_of_day(match: re.Match[str]) -> str:
    hour, minute, half = int(match[1]), int(match[2]), match[3]
    spoken = number_words(hour)
    if minute:
        spoken += (" oh " if minute < 10 else " ") + number_words(minute)
    elif not half:
        spoken += " hundred" if hour > 12 else " o'clock"
    return spoken + (f" {half.lower()} m" if half else "")


def duration(match: re.Match[str]) -> str:
    """``2:03:45`` -> ``two hours, three minutes and forty-five seconds``; zero parts
    left out (``00:00:05`` -> ``five seconds``)."""
    parts = []
    for amount, unit in zip(map(int, match.groups()), ("hour", "minute", "second"), strict=True):
        if amount:
            parts.append(f"{number_words(amount)} {unit}{'' if amount == 1 else 's'}")
    if not parts:
        return "zero seconds"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def address(text: str) -> str:
    """A URL or e-mail address as it is read aloud."""
    text = re.sub(r"^https?://", "", text, flags=re.IGNORECASE)
    names = {".": " dot ", "/": " slash ", "@": " at ", "-": " dash ", "_": " underscore "}
    return re.sub(r"[./@\-_]", lambda m: names[m[0]], text).strip()


def say_written_forms(text: str) -> str:
    """Money, durations (H:MM:SS), times, ordinals, percentages, ``&``, URLs and e-mail
    addresses as words."""
    text = _URL.sub(lambda m: address(m[0]), text)
    text = _EMAIL.sub(lambda m: address(m[0]), text)
    text = _MONEY.sub(money, text)
    text = _DURATION.sub(duration, text)
    text = _TIME.sub(time_of_day, text)
    text = _ORDINAL.sub(lambda m: ordinal_words(int(m[1])), text)
    text = _PERCENT.sub(lambda m: f"{decimal_words(m[1])} percent", text)
    return text.replace("&", " and ").replace("%", " percent")
