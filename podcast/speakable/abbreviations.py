"""Written forms made of letters, read as a person reads them: Roman numerals after
names and in titles, abbreviations by their context, and initialisms spelled out. Pure."""

from __future__ import annotations

import functools
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
from podcast.speakable.words import number_words, ordinal_words

# Roman numerals


_ROMAN = re.compile(
    r"(?<![\w.'’-])(?=[MDCLXVI])(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
    r"(?![\w'’-]|\.\w)"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_TITLED = {  # "World War II", "Super Bowl LVIII", "Part II": a plain number
    "war",
    "bowl",
    "part",
    "chapter",
    "act",
    "scene",
    "volume",
    "vol",
    "book",
    "phase",
    "episode",
    "season",
    "series",
    "type",
    "class",
    "level",
    "stage",
    "round",
    "title",
    "article",
    "amendment",
    "mark",
    "apollo",
    "vatican",
    "rocky",
    "fantasy",
    "wrestlemania",
}


def _listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


_REGNAL_NAMES = _listed(  # monarchs and popes: "Henry VIII", "Pius XII", "Elizabeth I"
    "henry edward george william richard charles james elizabeth mary anne victoria john "
    "louis philip philippe felipe ferdinand frederick friedrich wilhelm napoleon alexander "
    "nicholas ivan peter catherine paul pius benedict leo gregory innocent clement urban "
    "boniface sixtus julius alfonso juan carlos carl gustav gustaf christian frederik "
    "haakon harald olav olaf constantine otto ludwig rudolf ramesses ramses thutmose "
    "amenhotep cyrus darius xerxes ptolemy david robert edmund harold stephen isabella "
    "isabel manuel pedro sancho umberto vittorio emmanuel leopold albert baudouin willem "
    "sigismund casimir vladimir basil justinian theodosius mehmed suleiman selim murad "
    "king queen pope emperor empress tsar czar pharaoh sultan"
)
_GENERATIONS = {"II", "III", "IV"}  # "Davis Love III": a family's second, third, fourth
_LETTERS_FIRST = _listed(  # read as letters even after a name ("Washington DC")
    "DC CD MD CV MC CC CM MI LV XL MM DI CI LI DL MIX CIV DIV LCD"
)


def roman_value(numeral: str) -> int:
    """``XIV`` -> 14 (the numeral is already known to be well formed)."""
    values = [_ROMAN_VALUES[c] for c in numeral]
    pairs = zip(values, [*values[1:], 0], strict=True)
    return sum(-v if v < after else v for v, after in pairs)


def _roman(match: re.Match[str]) -> Said:
    numeral = match[1]
    if not numeral:
        return None
    before = word_before(match)
    value = roman_value(numeral)
    if before.casefold() in _TITLED:
        return number_words(value), f"a number in a title (after '{before}')"
    if before.casefold() in _REGNAL_NAMES:
        return f"the {ordinal_words(value)}", f"after a monarch's name ('{before}')"
    earlier = word_before(match, match.start() - len(before) - 1) if before else ""
    if numeral in _GENERATIONS and capitalized(before) and capitalized(earlier):
        return f"the {ordinal_words(value)}", "after a full name (a generation)"
    if len(numeral) > 1 and numeral not in _LETTERS_FIRST and capitalized(before):
        return number_words(value), f"a number after a name (a title: '{before}')"
    return None


# Abbreviations


_TITLES = {  # before a name
    "Mr.": "Mister",
    "Mrs.": "Missus",
    "Ms.": "Miz",
    "MR.": "Mister",
    "MRS.": "Missus",
    "MS.": "Miz",
    "Prof.": "Professor",
    "Gen.": "General",
    "Gov.": "Governor",
    "Sen.": "Senator",
    "Rep.": "Representative",
    "Lt.": "Lieutenant",
    "Sgt.": "Sergeant",
    "Capt.": "Captain",
    "Col.": "Colonel",
    "Mt.": "Mount",
    "Ft.": "Fort",
    "Pres.": "President",
}
_WORDS = {  # anywhere
    "vs.": "versus",
    "vs": "versus",
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "a.k.a.": "also known as",
    "approx.": "approximately",
    "Jr.": "Junior",
    "Sr.": "Senior",
    "Ave.": "Avenue",
    "Blvd.": "Boulevard",
    "Rd.": "Road",
    "Hwy.": "Highway",
    "Inc.": "Incorporated",
    "Ltd.": "Limited",
    "Corp.": "Corporation",
    "Dept.": "Department",
    "PhD": "P H D",
    "Ph.D.": "P H D",
}
_INSIDE = {"vs.", "vs", "e.g.", "i.e.", "a.k.a."}  # never the end of a sentence
_EITHER = {"St.": ("Saint", "Street"), "Dr.": ("Doctor", "Drive")}
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(re.escape(a) for a in sorted({*_TITLES, *_WORDS, *_EITHER}, key=len, reverse=True))
    + r")(?![\w])"
)
_NUMBER_SIGN = re.compile(r"\b(No|no|Nos)\.\s?(?=\d)")
_DOTTED = re.compile(r"(?<![\w.])((?:[A-Z]\.){2,})(?![\w])")


def _abbreviation(match: re.Match[str]) -> Said:
    written = match[0]
    if written in _EITHER:
        return _street_or_title(match)
    if written in _TITLES:
        if not word_after(match)[:1].isupper():  # a name follows, in capitals or not
            return None
        return _TITLES[written], "a title before a name"
    stop = "." if written not in _INSIDE and ends_sentence(match) else ""
    return _WORDS[written] + stop, "an abbreviation"


def _street_or_title(match: re.Match[str]) -> Said:
    """``St.``/``Dr.``: Saint and Doctor before a name; Street and Drive after one (``42
    Elm St.``, ``Ocean Dr. last spring``)."""
    title, place = _EITHER[match[0]]
    before, after = word_before(match), word_after(match)
    earlier = word_before(match, match.start() - len(before) - 1) if before else ""
    after_name = capitalized(before) or before.isdigit() or bool(re.fullmatch(r"\d+\w\w", before))
    if after_name and (earlier.isdigit() or not capitalized(after)):
        why = "after a number and a name" if earlier.isdigit() else "after a name"
        return place + ("." if ends_sentence(match) else ""), why
    if capitalized(after):
        return title, "before a name"
    return None


def _number_sign(match: re.Match[str]) -> Said:
    return "numbers " if match[1] == "Nos" else "number ", "'No.' before a number"


def _dotted(match: re.Match[str]) -> Said:
    letters = " ".join(match[1].replace(".", ""))
    return letters + ("." if ends_sentence(match) else ""), "letters with full stops"


# Initialisms


_WORD_LIKE = _listed(  # acronyms people say as words, though a rule would spell them
    "NASA NATO UNESCO UNICEF NAFTA OPEC LASER RADAR SCUBA AIDS COVID FIFA NASDAQ FEMA OSHA "
    "DARPA SWAT ZIP PIN SIM GIF JPEG IKEA LEGO POTUS FLOTUS SCOTUS NIMBY YOLO WASP OK ASAP "
    "NOAA CAPTCHA ANSI ASCII SARS MERS TED SAT GOAT"
)
_COMMON = _listed(  # short words a writer puts in capitals for emphasis or shouting
    "AH AM AN AS AT BE BY DO GO HA HE HI IF IN IS IT ME MY NO OF OH ON OR OW SO TO UH UM UP "
    "WE YA YO ALL AND ANY ARE ASK BAD BIG BOY BUT CAN DAD DID DOG EAT END FOR FUN GET GOD "
    "GOT GUY HAD HAS HER HEY HIM HIS HOT HOW ITS LET LOT MAN MOM NEW NOT NOW OFF OLD ONE OUR "
    "OUT OWN PUT RAN RED RUN SAD SAW SAY SEE SHE SIR SIX TEN THE TOO TRY TWO WAS WAY WHO "
    "WHY WIN WON WOW YAY YEA YES YET YOU"
)
_ONSETS = _listed(
    "B BL BR C CH CL CR D DR F FL FR G GL GR H J K KL KN KR L M N P PH PL PR QU R S SC SCH SCR "
    "SH SK SL SM SN SP SPL SPR ST STR SW T TH THR TR TW V W WH WR Y Z"
)
_CODAS = _listed("RTH NTH NTS NDS RST NGS RDS STS LDS RLD NCH RCH TCH GHT NKS MPS")
_INITIALISM = re.compile(r"(?<![\w'’.-])([A-Z]{2,6})(s|['’]s)?(?![\w'’-]|\.\w)")
_VOWELS = re.compile(r"[AEIOUY]+")


def pronounceable(word: str) -> bool:
    """Capitals a reader would say as a word (NATO, OPEC) rather than spell (NCAA, ESPN):
    a vowel, a consonant cluster English starts words with, none of more than three
    consonants inside, and at most two at the end (or a common ending: NORTH, WORLD)."""
    runs = _VOWELS.split(word)
    if len(runs) < 2:
        return False
    first, inner, last = runs[0], runs[1:-1], runs[-1]
    if first and first not in _ONSETS:
        return False
    return all(len(run) <= 3 for run in inner) and (len(last) <= 2 or last in _CODAS)


@functools.lru_cache(maxsize=8)  # asked once per capitalized word of the same paragraph
def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(text.split()) >= 4 and sum(c.isupper() for c in letters) > len(letters) / 2


def _initialism(match: re.Match[str]) -> Said:
    word, ending = match[1], match[2] or ""
    if word in _WORD_LIKE or word in _COMMON or _shouting(match.string):
        return None
    if word == "US" and word_before(match).casefold() != "the":
        return None
    if len(word) >= 4 and pronounceable(word):
        return None
    letters = " ".join(word)
    if ending:
        letters += "'s"
    return letters, "an initialism, spelled"


RULES = (
    Rule(ReadingRule.ROMAN_NUMERALS, _ROMAN, _roman),
    Rule(ReadingRule.ABBREVIATIONS, _NUMBER_SIGN, _number_sign),
    Rule(ReadingRule.ABBREVIATIONS, _ABBREVIATION, _abbreviation),
    Rule(ReadingRule.ABBREVIATIONS, _DOTTED, _dotted),
    Rule(ReadingRule.INITIALISMS, _INITIALISM, _initialism),
)
"""The letters' rules, in the order they are read."""
