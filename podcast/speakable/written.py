"""Written forms made of numbers, read as a person reads them: addresses, phone numbers,
money, dates, times, units, ranges and scores, years and decades, and every other number.
Each rule is a pattern and what to say for it (rules.py); their order matters, and is
the order of ``EARLY`` and ``LATE`` (letters come between them, in abbreviations.py).
Pure."""

from __future__ import annotations

import re

from podcast.speakable.rules import (
    ReadingRule,
    Rule,
    Said,
    capitalized,
    ends_sentence,
    word_after,
    word_before,
)
from podcast.speakable.words import (
    decimal_words,
    digit_words,
    number_words,
    ordinal_words,
    plural_words,
    year_words,
)

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NAMES = {m.casefold(): m for m in MONTHS} | {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "sept": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)"  # noqa: E501
_DAY = r"(3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"


def _month(name: str) -> str:
    return _MONTH_NAMES[name.rstrip(".").casefold()]


def _year_like(digits: str) -> bool:
    return len(digits) == 4 and 1100 <= int(digits) <= 2099


def _number(text: str) -> str:
    """Digits (with commas, a decimal point, a leading minus) as words."""
    if text.startswith(("-", "−")):
        return "minus " + _number(text[1:])
    return decimal_words(text)


# Addresses


_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]]"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|fm|tv|co\.uk|org\.uk)\b"
    r"(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]])?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_ADDRESS_MARKS = {".": " dot ", "/": " slash ", "@": " at ", "-": " dash ", "_": " underscore "}


def address(text: str) -> str:
    """A URL or e-mail address as it is read aloud."""
    text = re.sub(r"^https?://", "", text, flags=re.IGNORECASE).rstrip("/")
    text = re.sub(r"^www\.", "W W W.", text, flags=re.IGNORECASE)
    return re.sub(r"[./@\-_]", lambda m: _ADDRESS_MARKS[m[0]], text).strip()


def _address(match: re.Match[str]) -> Said:
    kind = "an e-mail address" if "@" in match[0] else "a web address"
    return address(match[0]), kind


# Phone numbers


_PHONE = re.compile(
    r"(?<![\w+.,/-])(?:"
    r"\+\d{1,3}(?:[ .-]\(?\d{1,4}\)?){2,4}"  # +44 20 7946 0958
    r"|\(\d{3}\)\s?\d{3}[ .-]\d{4}"  # (555) 123-4567
    r"|(?:1([.-]))?\d{3}([.-])\d{3}\2\d{4}"  # 1-800-555-0199, 555.867.5309
    r"|\d{3}-\d{4}"  # 555-0199
    r")(?![\w-]|[.,]\d)"
)


def _phone(match: re.Match[str]) -> Said:
    groups = re.findall(r"\+?\d+", match[0])
    spoken = []
    for group in groups:
        words = "eight hundred" if group == "800" else digit_words(group)
        spoken.append(f"plus {words}" if group.startswith("+") else words)
    return ", ".join(spoken), "a phone number, digit by digit"


# Money


_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
}
_SCALES = {
    "k": "thousand",
    "m": "million",
    "mn": "million",
    "b": "billion",
    "bn": "billion",
    "tn": "trillion",
    "thousand": "thousand",
    "million": "million",
    "billion": "billion",
    "trillion": "trillion",
}
_SCALE = r"(?:\s?(k|K|m|M|mn|bn|B|tn)\b|\s+(thousand|million|billion|trillion)\b)?"
_MONEY_BEFORE = re.compile(rf"(US\$|[$£€¥₹])\s?({NUMBER}){_SCALE}")
_MONEY_AFTER = re.compile(rf"(?<![\w.,])({NUMBER})\s?([€¢£])")


def _amount(symbol: str, amount: str, scale: str | None) -> str:
    one, many, small_one, small_many = _CURRENCIES[symbol]
    amount = amount.replace(",", "")
    if scale:
        return f"{decimal_words(amount)} {_SCALES[scale.casefold()]} {many}"
    whole, _, cents = amount.partition(".")
    count = int(cents[:2].ljust(2, "0")) if cents else 0
    small = f"{number_words(count)} {small_one if count == 1 else small_many}"
    if whole in ("", "0") and count:
        return small
    spoken = f"{number_words(int(whole))} {one if int(whole) == 1 else many}"
    return f"{spoken} and {small}" if count else spoken


def _money_before(match: re.Match[str]) -> Said:
    return _amount(match[1], match[2], match[3] or match[4]), "an amount of money"


def _money_after(match: re.Match[str]) -> Said:
    if match[2] == "¢":
        count = match[1].replace(",", "")
        return f"{decimal_words(count)} {'cent' if count == '1' else 'cents'}", "an amount of money"
    return _amount(match[2], match[1], None), "an amount of money"


# Dates


_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+{_DAY}\b(?:(,?\s+)(\d{{4}})\b)?(?![:.,/-]?\d)")
_DAY_MONTH = re.compile(rf"(?<![\d,.])\b{_DAY}\s+({_MONTH})(?:,?\s+(\d{{4}})\b)?")
_ISO_DATE = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_NUMERIC_DATE = re.compile(r"(?<![\d/])\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b(?!/)")


def _month_day(match: re.Match[str]) -> Said:
    spoken = f"{_month(match[1])} {ordinal_words(int(match[2]))}"
    if match[4]:
        spoken += f", {year_words(int(match[4]))}"
    return spoken, "a date, month first"


def _day_month(match: re.Match[str]) -> Said:
    the = "" if word_before(match).casefold() == "the" else "the "
    spoken = f"{the}{ordinal_words(int(match[1]))} of {_month(match[2])}"
    if match[3]:
        spoken += f" {year_words(int(match[3]))}"
    return spoken, "a date, day first"


def _full_date(year: int, month: int, day: int) -> str:
    return f"{MONTHS[month - 1]} {ordinal_words(day)}, {year_words(year)}"


def _iso_date(match: re.Match[str]) -> Said:
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    return _full_date(year, month, day), "a date, year-month-day"


def _numeric_date(match: re.Match[str]) -> Said:
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    if len(match[3]) == 2:
        year += 2000 if year < 50 else 1900
    if 1 <= first <= 12 and 1 <= second <= 31:
        return _full_date(year, first, second), "a date, month/day/year (American order)"
    if 1 <= second <= 12 and 1 <= first <= 31:
        return _full_date(year, second, first), "a date, day/month/year (the day is over 12)"
    return None


# Times


_HALF = r"\s?([AaPp])\.?\s?[Mm](?:\.|\b)"
_DURATION = re.compile(r"(?<![\d:])(\d{1,2}):([0-5]\d):([0-5]\d)(?![\d:])")
_CLOCK = re.compile(rf"\b([01]?\d|2[0-3]):([0-5]\d)\b(?:{_HALF})?")
_HOUR = re.compile(rf"(?<![\d:.,])\b(1[0-2]|0?[1-9]){_HALF}")


def _half(match: re.Match[str], letter: str | None) -> str:
    if not letter:
        return ""
    stop = "." if ends_sentence(match) else ""
    return f" {letter.upper()} M{stop}"


def _clock(match: re.Match[str]) -> Said:
    hour, minute, half = int(match[1]), int(match[2]), match[3]
    spoken = number_words(hour)
    if minute:
        spoken += (" oh " if minute < 10 else " ") + number_words(minute)
    elif not half:
        spoken += " hundred" if hour > 12 else " o'clock"
    return spoken + _half(match, half), "a time of day"


def _hour(match: re.Match[str]) -> Said:
    return number_words(int(match[1])) + _half(match, match[2]), "a time of day"


def _duration(match: re.Match[str]) -> Said:
    """``2:03:45`` -> ``two hours, three minutes and forty-five seconds``; zero parts
    left out (``00:00:05`` -> ``five seconds``)."""
    parts = []
    for amount, unit in zip(map(int, match.groups()), ("hour", "minute", "second"), strict=True):
        if amount:
            parts.append(f"{number_words(amount)} {unit}{'' if amount == 1 else 's'}")
    if not parts:
        return "zero seconds", "a duration"
    spoken = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return spoken, "a duration"


# Units (only the unit is rewritten; the number is read by the rules after it)


_UNITS = {
    "km": ("kilometer", "kilometers"),
    "m": ("meter", "meters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "L": ("liter", "liters"),
    "mi": ("mile", "miles"),
    "ft": ("foot", "feet"),
    "yd": ("yard", "yards"),
    "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "%": ("percent", "percent"),
    "KB": ("kilobyte", "kilobytes"),
    "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"),
    "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "mAh": ("milliamp hour", "milliamp hours"),
    "ms": ("millisecond", "milliseconds"),
    "sec": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
}
_UNIT_NAMES = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_UNIT = re.compile(rf"(?<![\w.,])(-?(?:{NUMBER}))(\s?)({_UNIT_NAMES})(?![\w/]|\.\w)")
_FEET_INCHES = re.compile(r"\b(\d)['’](\d{1,2})(?:\"|”|'')")


def _unit(match: re.Match[str]) -> Said:
    number, _, unit = match.groups()
    one, many = _UNITS[unit]
    words = one if number in ("1", "-1") else many
    return f"{number} {words}", f"a unit after a number ({unit})"


def _feet_inches(match: re.Match[str]) -> Said:
    feet, inches = int(match[1]), int(match[2])
    return f"{number_words(feet)} foot {number_words(inches)}", "a height in feet and inches"


# Ranges and scores


_SCORE_WORDS = {"won", "lost", "beat", "beats", "score", "scored", "vote", "was", "trailing"}
_SCORE_AFTER = {"win", "victory", "loss", "defeat", "vote", "lead", "decision", "final"}
_RANGE = re.compile(rf"(?<![\w.,/+-])({NUMBER})\s?[–-]\s?({NUMBER})(?![\w/–-]|[.,]\d)")


def _range(match: re.Match[str]) -> Said:
    low, high = match[1], match[2]
    if _year_like(low) and (_year_like(high) or len(high) == 2):
        high_words = year_words(int(high)) if len(high) == 4 else number_words(int(high))
        return f"{year_words(int(low))} to {high_words}", "a range of years"
    before, after = word_before(match).casefold(), word_after(match).casefold()
    what = "a score" if before in _SCORE_WORDS or after in _SCORE_AFTER else "a range"
    return f"{_number(low)} to {_number(high)}", what


# Years and decades


_DECADE = re.compile(r"(?<![\w$£€.,])(?:['’‘](\d)0|\b(1[1-9]|20)(\d)0|\b(\d)0)['’]?s\b")
_YEAR_BEFORE = {
    "in",
    "since",
    "by",
    "from",
    "until",
    "till",
    "of",
    "during",
    "year",
    "circa",
    "before",
    "after",
    "around",
    "between",
    "and",
    "to",
    "summer",
    "spring",
    "autumn",
    "fall",
    "winter",
    "early",
    "late",
    "mid",
    "through",
}
_YEAR = re.compile(r"(?<![\w$£€.,/-])(1[1-9]\d\d|20\d\d)(?![\w%°]|[.,]\d|\s?[-–]\s?\d)(['’]s)?")


def _decade(match: re.Match[str]) -> Said:
    short, century, decade, bare = match.groups()
    if century:
        words = year_words(int(f"{century}{decade}0"))
    else:
        words = number_words(int(f"{short or bare}0"))
        if words == "zero":
            return None
    return plural_words(words), "a decade"


def _year(match: re.Match[str]) -> Said:
    before, after = word_before(match).casefold(), word_after(match)
    counted = after.casefold().endswith("s") or after.casefold() in ("people", "men", "women")
    if before not in _YEAR_BEFORE and not match[2] and counted:
        return None  # "1500 copies": a count, read by the number rules
    return year_words(int(match[1])) + (match[2] or ""), "a year"


# Every other number


_SHARP = re.compile(r"(?<![\w&])#(\d+)\b")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_FRACTION = re.compile(r"(?<![\w/.])(\d+)/(\d+)(?![\w/]|\.\d)")
_NAMED_FRACTIONS = {"24/7": "twenty-four seven", "9/11": "nine eleven", "50/50": "fifty-fifty"}
_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
_SCALED = re.compile(rf"(?<![\w.,])({NUMBER})(K|k|M|B|bn)\b")
_SCREENS = {"tv", "tvs", "video", "videos", "resolution", "display", "screen", "camera"}
_WITH_LETTER = re.compile(r"\b(\d+)([A-Z])\b")
_RATIO = re.compile(r"(?<![\w.,:])(\d+):(\d+)(?![\w:]|[.,]\d)")  # not a time: 16:9, 3:2
_CARDINAL = re.compile(rf"(?<![\w.,<])([-−]?)({NUMBER})(?![\w])")
_LEADING_ZERO = re.compile(r"\b0\d+\b")


def _sharp(match: re.Match[str]) -> Said:
    return f"number {number_words(int(match[1]))}", "a number sign"


def _ordinal(match: re.Match[str]) -> Said:
    return ordinal_words(int(match[1])), "an ordinal"


def _fraction(match: re.Match[str]) -> Said:
    if match[0] in _NAMED_FRACTIONS:
        return _NAMED_FRACTIONS[match[0]], "said as a name"
    top, bottom = int(match[1]), int(match[2])
    if not 2 <= bottom <= 10 or top == 0 or top >= bottom * 10:
        return f"{number_words(top)} over {number_words(bottom)}", "a fraction"
    one, many = _DENOMINATORS.get(bottom) or (ordinal_words(bottom), ordinal_words(bottom) + "s")
    return f"{number_words(top)} {one if top == 1 else many}", "a fraction"


def _scaled(match: re.Match[str]) -> Said:
    if word_after(match).casefold() in _SCREENS:
        return None  # a 4K screen: read by the number-and-letter rule
    return f"{decimal_words(match[1])} {_SCALES[match[2].casefold()]}", "a number with a scale"


def _with_letter(match: re.Match[str]) -> Said:
    return f"{number_words(int(match[1]))} {match[2]}", "a number and a letter (3D, 5G)"


def _ratio(match: re.Match[str]) -> Said:
    first, second = number_words(int(match[1])), number_words(int(match[2]))
    if capitalized(word_before(match)):
        return f"{first} {second}", "a chapter and verse"
    return f"{first} to {second}", "a ratio"


def _cardinal(match: re.Match[str]) -> Said:
    sign, digits = match.groups()
    if _LEADING_ZERO.fullmatch(digits):
        return digit_words(digits), "digits with a leading zero"
    minus = "minus " if sign and not word_before(match).replace(",", "").isdigit() else ""
    return minus + decimal_words(digits), "a number"


EARLY = (
    Rule(ReadingRule.ADDRESSES, _EMAIL, _address),
    Rule(ReadingRule.ADDRESSES, _URL, _address),
    Rule(ReadingRule.PHONE_NUMBERS, _PHONE, _phone),
    Rule(ReadingRule.MONEY, _MONEY_BEFORE, _money_before),
    Rule(ReadingRule.MONEY, _MONEY_AFTER, _money_after),
    Rule(ReadingRule.DATES, _ISO_DATE, _iso_date),
    Rule(ReadingRule.DATES, _NUMERIC_DATE, _numeric_date),
    Rule(ReadingRule.DATES, _MONTH_DAY, _month_day),
    Rule(ReadingRule.DATES, _DAY_MONTH, _day_month),
    Rule(ReadingRule.TIMES, _DURATION, _duration),
    Rule(ReadingRule.TIMES, _CLOCK, _clock),
    Rule(ReadingRule.TIMES, _HOUR, _hour),
    Rule(ReadingRule.UNITS, _FEET_INCHES, _feet_inches),
    Rule(ReadingRule.UNITS, _UNIT, _unit),
    Rule(ReadingRule.RANGES, _RANGE, _range),
    Rule(ReadingRule.YEARS, _DECADE, _decade),
    Rule(ReadingRule.YEARS, _YEAR, _year),
)
"""Rules read before the letters' rules (abbreviations need the numbers they follow)."""

LATE = (
    Rule(ReadingRule.NUMBERS, _SHARP, _sharp),
    Rule(ReadingRule.NUMBERS, _ORDINAL, _ordinal),
    Rule(ReadingRule.NUMBERS, _FRACTION, _fraction),
    Rule(ReadingRule.NUMBERS, _SCALED, _scaled),
    Rule(ReadingRule.NUMBERS, _WITH_LETTER, _with_letter),
    Rule(ReadingRule.NUMBERS, _RATIO, _ratio),
    Rule(ReadingRule.NUMBERS, _CARDINAL, _cardinal),
)
"""Rules read last: whatever number is still written in digits."""
