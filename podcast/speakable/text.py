"""Make parsed text speakable: what the engine is given, and what `podcast turns` shows.

The spoken text may hold three markers, which the planner turns into audio:
``[pause 300ms]`` (silence), ``[bleep]`` (a censored word) and ``[narrator: ...]`` (an
editorial aside read in the narrator's voice). A transcript's own ``[pause 800ms]``
is kept as it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from podcast.speakable import abbreviations, written
from podcast.speakable.promotion import without_promotion
from podcast.speakable.pronounce import Pronunciation, apply_pronunciations
from podcast.speakable.rules import ReadingRule, Record, apply_rules
from podcast.transcript.model import Rewritten, Script, Turn, TurnKind, Unspoken

MAX_WORD = 100
MAX_PAUSE = 60_000  # ms: the longest pause one [pause] marker (or a run of them) makes
MARKER = re.compile(r"\[(?:pause (\d+)ms|(bleep)|narrator: ([^\[\]]+)|sound ([a-z][a-z' -]*))\]")
_USER_PAUSE = re.compile(r"\[\s*pause\s+(\d+(?:\.\d+)?)\s*(ms|s)\s*\]", re.IGNORECASE)
_ASIDE = re.compile(r"\[([A-Z][^\[\]]*[.!?][\"”’)]?)\]")
_BRACKETED = re.compile(r"\[(?!\[)([^\[\]]*)\](?!\])")
_STAMP = r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?"
_NON_SPEECH = re.compile(  # never spoken, wherever they stand; a short pause instead
    r"[\[(]\s*(?:laugh(?:s|ter|ing)?|chuckles?|crosstalk|inaudible|unintelligible|"
    r"indiscernible|music(?: playing)?|applause|silence|pause|cough(?:s|ing)?|sighs?|"
    r"ad break|sound ?bite of [^\])\n]{1,60}|speaking [A-Za-z]+|through (?:an )?interpreter|"
    r"foreign language|no audio|background noise)"
    rf"{_STAMP}\s*[\])]",
    re.IGNORECASE,
)
_CROSSTALK_END = re.compile(r"[\[(]\s*crosstalk[^\])]*[\])]\W*$", re.IGNORECASE)
_CROSSTALK_START = re.compile(r"^\W*[\[(]\s*crosstalk", re.IGNORECASE)
_WORD_CUE = re.compile(r"[\[(]\s*([A-Za-z][A-Za-z' -]{0,40}?)\s*[\])]")
_CUE_NAMES = (  # a cue's many spellings -> the name sounds: gives it under
    (re.compile(r"laugh|chuckl|giggl", re.IGNORECASE), "laughs"),
    (re.compile(r"applau|clapping|cheer", re.IGNORECASE), "applause"),
    (re.compile(r"music", re.IGNORECASE), "music"),
    (re.compile(r"sigh", re.IGNORECASE), "sighs"),
    (re.compile(r"cough", re.IGNORECASE), "coughs"),
    (re.compile(r"crosstalk", re.IGNORECASE), "crosstalk"),
)
INLINE_CUE_PAUSE = 300  # ms where a non-speech cue stood inside the text ([laughs])
_CENSORED = re.compile(
    r"(?<![\w*])(?:[A-Za-z]{1,3}(?:—|--)(?![\w—-])|[A-Za-z]+\*{1,}[A-Za-z]*|\*{3,})(?![\w*])"
)
_DASH = re.compile(r"\s*(?:—|(?<!\d)(?<!\d )–|–(?! ?\d)|\s--\s)\s*")  # 3–2 is a range
_HIDDEN_DASH = "\ue000"  # a censored word's dash, kept from the dash rule while shown
_OPENING_PAUSE = re.compile(r"\s*(\[pause \d+ms\])")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\.?\s*")  # "held…." is one pause
_SPACES = re.compile(r"[ \t]+")
_CONTROL = re.compile(  # private use U+E000-U+E1FF: our stand-ins
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ue000-\ue1ff]"
)
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
_EMOJI = re.compile(  # pictographs, flags, dingbats and what joins them: never read aloud
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200d\u20e3]+"
)


class Censor(StrEnum):
    """What becomes of a censored word (``f***``, ``s—``)."""

    BLEEP = "bleep"
    SKIP = "skip"
    READ = "read"


class Promotion(StrEnum):
    """What becomes of a publication's sales and navigation copy in the narrator's text."""

    SKIP = "skip"
    """Not spoken; listed by ``podcast turns`` (the default)."""
    READ = "read"
    """Spoken like the rest."""


class Asides(StrEnum):
    """Who reads a whole bracketed sentence in an answer."""

    NARRATOR = "narrator"
    """The narrator, in its own voice."""
    READ = "read"
    """The speaker, as part of the answer."""


@dataclass(frozen=True)
class Reading:
    """How to read text aloud (from voices.yaml)."""

    pronunciations: tuple[Pronunciation, ...] = ()
    """Whole words said another way, applied last."""
    censor: Censor = Censor.BLEEP
    """What becomes of a censored word."""
    asides: Asides = Asides.NARRATOR
    """Who reads a bracketed sentence."""
    dash: int = 250
    """Pause for an em dash, in ms."""
    ellipsis: int = 450
    """Pause for an ellipsis, in ms."""
    as_written: frozenset[ReadingRule] = frozenset()
    """Kinds of written forms left as written (``reading: {dates: as_written}``)."""
    promotion: Promotion = Promotion.SKIP
    """Sales and navigation copy in the narrator's text ("Subscribe for more")."""
    sounds: frozenset[str] = frozenset()
    """Cues that voices.yaml gives a sound for (``laughs``, ``applause``, ``thunder``)."""


RULES = (*written.EARLY, *abbreviations.RULES, *written.LATE)
"""Every reading rule, in the order they are applied."""
_PAUSE_MARKER = re.compile(r"\[pause \d+ms\]")


class _StandIns:
    """Stand-ins for text the reading rules must not touch (a pause marker's number, a
    user's pronunciation): private-use characters, no letter or digit among them, put
    back after the rules."""

    def __init__(self, mark: str) -> None:
        self.mark = mark
        self.kept: list[str] = []
        self.found = re.compile(f"{mark}([\ue100-\ue109]+){mark}")

    def keep(self, text: str) -> str:
        self.kept.append(text)
        number = "".join(chr(0xE100 + int(d)) for d in str(len(self.kept) - 1))
        return f"{self.mark}{number}{self.mark}"

    def restored(self, text: str) -> str:
        def original(match: re.Match[str]) -> str:
            return self.kept[int("".join(str(ord(c) - 0xE100) for c in match[1]))]

        return self.found.sub(original, text)


def read_written_forms(
    text: str,
    as_written: frozenset[ReadingRule] = frozenset(),
    record: Record | None = None,
) -> str:
    """Numbers, dates, times, money, units, abbreviations, initialisms and addresses as a
    person says them (every kind but those in ``as_written``); ``record`` is told of
    each rewrite."""
    kept = _StandIns("\ue0f0")  # pause markers, and what is kept as written
    text = _PAUSE_MARKER.sub(lambda m: kept.keep(m[0]), text)
    for rule in RULES:
        keep = kept.keep if rule.kind in as_written else None
        text = apply_rules(text, [rule], record, keep)
    return kept.restored(text.replace("&", " and ").replace("%", " percent"))


def _pronounced_first(text: str, speaker: str, reading: Reading, record: Record | None) -> str:
    """Pronunciations from voices.yaml applied before the reading rules, and kept from
    them, so that a user's entry wins over every rule."""
    said = _StandIns("\ue0f1")
    text = apply_pronunciations(text, speaker, reading.pronunciations, said.keep)
    return said.restored(read_written_forms(text, reading.as_written, record))


def speakable(
    text: str,
    speaker: str,
    reading: Reading | None = None,
    pronounce: bool = True,
    notes: Notes | None = None,
) -> str:
    """Text as it will be spoken (see the module's docstring for its markers); without
    ``pronounce``, as captions show it (no pronunciation respellings, numbers and
    abbreviations as written). ``notes`` collects
    what was dropped or shortened."""
    reading = reading or Reading()
    notes = notes or Notes()
    text = _readable(html.unescape(text), notes)  # &amp; &lt; &#8217; as the characters
    text = text.replace("[[", "[").replace("]]", "]")  # phonemes come only from voices.yaml
    text = _USER_PAUSE.sub(notes.pause, text)
    opening = _OPENING_PAUSE.match(text)  # a pause the writer put first is theirs to keep
    if reading.sounds:  # any bracketed word the user gave a sound for
        text = _WORD_CUE.sub(lambda m: notes.sound(m, reading.sounds), text)
    text = _NON_SPEECH.sub(lambda m: notes.cue(m, reading.sounds), text)
    if reading.asides == Asides.NARRATOR:
        text = _ASIDE.sub(lambda m: f"[narrator: {m[1]}]", text)
    text = _BRACKETED.sub(lambda m: m[0] if MARKER.fullmatch(m[0]) else m[1], text)
    shown = not pronounce  # as captions and the page show it: the writer's punctuation kept
    text = _censor(text, reading.censor, shown)
    text = _ELLIPSIS.sub(_kept(f"[pause {reading.ellipsis}ms]", shown), text)
    text = _DASH.sub(_kept(f"[pause {reading.dash}ms]", shown), text)
    if pronounce:  # as shown (captions, the page), the written forms are kept
        text = _pronounced_first(text, speaker, reading, notes.rewrite)
    text = _tidy(text).replace(_HIDDEN_DASH, "—")
    return f"{opening[1]} {text}" if opening and text else text


@dataclass
class Notes:
    """What making a paragraph speakable left out or changed, for ``podcast turns`` and
    the warnings: ``line`` is where its turn starts."""

    line: int = 0
    """Where the turn starts in the transcript."""
    dropped: list[Unspoken] = field(default_factory=list)
    """Text that will not be spoken."""
    warnings: list[str] = field(default_factory=list)
    """What the user should hear about."""
    rewritten: list[Rewritten] = field(default_factory=list)
    """Written forms read as words, and why."""

    def rewrite(self, rewritten: Rewritten) -> None:
        """A reading rule's rewrite, at this turn's line."""
        self.rewritten.append(replace(rewritten, line=self.line))

    def cue(self, match: re.Match[str], sounds: frozenset[str] = frozenset()) -> str:
        """A non-speech cue (``[laughs]``, ``(Speaking Ukrainian)``): its sound, when
        ``sounds:`` gives one, else a short pause."""
        if cue_name(match[0]) in sounds:
            return self.sound(match, sounds)
        self.dropped.append(Unspoken(match[0], "non-speech cue", self.line))
        return f" [pause {INLINE_CUE_PAUSE}ms] "

    def sound(self, match: re.Match[str], sounds: frozenset[str]) -> str:
        """A cue that ``sounds:`` gives a sound for: its marker (any other bracketed
        word is left as it is)."""
        name = cue_name(match[0])
        return f" [sound {name}] " if name in sounds else match[0]

    def pause(self, match: re.Match[str]) -> str:
        """A transcript's ``[pause 2s]`` as a marker, at most MAX_PAUSE long."""
        amount = float(match[1]) * (1000 if match[2].lower() == "s" else 1)
        if amount > MAX_PAUSE:
            self.warnings.append(
                f"line {self.line}: {match[0]} is longer than {MAX_PAUSE // 1000} s; "
                f"shortened to {MAX_PAUSE // 1000} s"
            )
            amount = MAX_PAUSE
        return f"[pause {round(amount)}ms]"


def cue_name(cue: str) -> str:
    """The name ``sounds:`` knows a cue by: ``[Laughter]``, ``(LAUGHS)`` and ``[chuckles]``
    are all ``laughs``; ``[thunder]`` is ``thunder``."""
    for pattern, name in _CUE_NAMES:
        if pattern.search(cue):
            return name
    return " ".join(re.sub(r"[^a-z' -]", " ", cue.casefold()).split())


def _readable(text: str, notes: Notes) -> str:
    """The text without what nobody can read aloud: control and invisible characters,
    "words" longer than MAX_WORD characters (each one reported), and emoji (eSpeak would
    read 🎙️ as "studio microphone")."""
    controls = sorted(set(_CONTROL.findall(text)))
    if controls:
        codes = " ".join(f"U+{ord(c):04X}" for c in controls)
        notes.dropped.append(Unspoken(codes, "control characters", notes.line))
        text = _CONTROL.sub("", text)
    for match in _LONG_WORD.finditer(text):
        token = match[0]
        shown = token if len(token) <= 40 else f"{token[:40]}…"
        why = f"over-long token ({len(token)} characters)"
        notes.dropped.append(Unspoken(shown, why, notes.line))
        notes.warnings.append(
            f"line {notes.line}: a {len(token)}-character token is not spoken ({shown})"
        )
    text = _LONG_WORD.sub(" ", text)
    emoji = _EMOJI.findall(text)
    if emoji:
        notes.dropped.append(Unspoken(" ".join(emoji), "emoji", notes.line))
    return _EMOJI.sub(" ", text)


def _censor(text: str, mode: str, shown: bool = False) -> str:
    """Censored words as a bleep, or nothing; as shown, the word as written (its dash
    hidden from the dash rule until the end), before the bleep."""
    if mode == Censor.READ:
        return text
    marker = "[bleep]" if mode == Censor.BLEEP else " "
    if not shown:
        return _CENSORED.sub(marker, text)
    return _CENSORED.sub(lambda m: f"{m[0].replace('—', _HIDDEN_DASH)} {marker}", text)


def _kept(marker: str, shown: bool) -> Callable[[re.Match[str]], str]:
    """A pause marker in place of a dash or an ellipsis; as shown, after the mark itself
    (the page shows what was written, the audio what is spoken)."""
    if not shown:
        return lambda match: f" {marker} "
    return lambda match: f"{match[0].rstrip()} {marker} "


def _tidy(text: str) -> str:
    """Single spaces; no pause at the very start or end, or before punctuation."""
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"^(?:\[pause \d+ms\]\s*)+|(?:\s*\[pause \d+ms\])+$", "", text)
    return text.strip()


def spoken_script(script: Script, reading: Reading | None = None) -> tuple[Script, list[str]]:
    """The script with every paragraph made speakable (empty paragraphs and turns
    dropped, and what was left out added to ``skipped``), and warnings about it."""
    reading = reading or Reading()
    turns = []
    dropped: list[Unspoken] = []
    rewritten: list[Rewritten] = []
    warnings: list[str] = []
    for index, turn in enumerate(script.turns):
        notes = Notes(turn.line)
        if reading.promotion == Promotion.SKIP and turn.how in _NARRATORS:
            turn = _without_promotion(turn, notes)
        both = [
            (
                speakable(t, turn.speaker, reading, notes=notes),
                speakable(t, turn.speaker, reading, False),
            )
            for t in turn.paragraphs
        ]
        dropped += notes.dropped
        rewritten += notes.rewritten
        warnings += notes.warnings
        paragraphs = tuple(spoken for spoken, _ in both if spoken)
        captions = tuple(shown for spoken, shown in both if spoken)
        if _has_words(paragraphs):
            shown = captions if captions != paragraphs else ()
            cut = _cut_off(turn, script.turns[index + 1 : index + 2])
            turns.append(replace(turn, paragraphs=paragraphs, captions=shown, broken_off=cut))
        elif any(paragraph.strip() for paragraph in turn.paragraphs):
            dropped.append(Unspoken(turn.text, "nothing speakable left", turn.line))
    skipped = (*script.skipped, *dropped)
    script = replace(script, turns=tuple(turns), skipped=skipped, rewritten=tuple(rewritten))
    return script, warnings


def _cut_off(turn: Turn, following: Sequence[Turn]) -> bool:
    """A [crosstalk] cue ends the turn or opens the next: the next speaker cuts in (the
    cue itself is never spoken, so only the turn as written shows it)."""
    first = following[0].paragraphs[0] if following and following[0].paragraphs else ""
    return bool(_CROSSTALK_START.match(first) or _CROSSTALK_END.search(turn.paragraphs[-1]))


_NARRATORS = {TurnKind.NARRATION, TurnKind.CLOSING}  # the publication's own voice


def _without_promotion(turn: Turn, notes: Notes) -> Turn:
    """The turn without its sentences of sales copy, each listed as not spoken."""
    paragraphs = []
    for paragraph in turn.paragraphs:
        kept, dropped = without_promotion(paragraph)
        notes.dropped += [Unspoken(sentence, "promotion", turn.line) for sentence in dropped]
        paragraphs.append(kept)
    return replace(turn, paragraphs=tuple(paragraphs))


def _has_words(paragraphs: Sequence[str]) -> bool:
    """Something to hear: words, or a cue's sound."""
    return any(any(c.isalnum() for c in MARKER.sub("", p)) or "[sound " in p for p in paragraphs)
