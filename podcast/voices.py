"""voices.yaml -> a typed, frozen VoiceBook. Every problem names the file, the key and a fix."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from podcast.errors import ConfigError
from podcast.script import NARRATOR, is_part_of

VOICES_FILE = "voices.yaml"


@dataclass(frozen=True)
class Voice:
    """How one speaker sounds."""

    voice: str = "en-us"
    """eSpeak NG voice, optionally with a variant: ``en-us``, ``en-gb-x-rp``, ``en-us+f3``."""
    rate: int = 170
    """Speaking rate in words per minute (80-450)."""
    pitch: int = 50
    """Base pitch, 0-99 (50 is the voice's normal pitch)."""
    volume: float = 1.0
    """Volume, 0-1."""
    pan: float = 0.0
    """Stereo position, -1 (left) to 1 (right); used when output.channels is 2."""


@dataclass(frozen=True)
class Speaker:
    """A speaker configured in voices.yaml."""

    name: str
    """The speaker's canonical name, as written in the transcript's labels."""
    voice: Voice
    """The speaker's resolved voice (defaults filled in)."""
    aliases: tuple[str, ...] = ()
    """Other labels that mean this speaker (``WILLIAMS`` for ``ALLISON WILLIAMS``)."""
    gender: str | None = None
    """female or male: a speaker with no voice of their own gets one of this gender."""
    has_voice: bool = False
    """True when the entry sets the voice itself (not only rate, pitch or volume)."""


@dataclass(frozen=True)
class Pauses:
    """Silences between pieces of speech, in milliseconds."""

    paragraph: int = 350
    """Between paragraphs of one turn."""
    turn: int = 500
    """Between two turns of the same speaker."""
    speaker_change: int = 800
    """Between turns of different speakers."""
    dash: int = 250
    """For an em dash inside a sentence (``word — word``)."""
    ellipsis: int = 450
    """For an ellipsis (``...`` or ``…``)."""


@dataclass(frozen=True)
class Episode:
    """Tags written into the episode file."""

    title: str | None = None
    """Episode title; the transcript's first line or file name when unset."""
    show: str | None = None
    """The show's name (ID3 album)."""
    author: str | None = None
    """The host or author (ID3 artist)."""
    number: str | None = None
    """Episode number (ID3 track)."""
    date: str | None = None
    """Release date, 2026-11-25."""
    description: str | None = None
    """A sentence or two about the episode (ID3 comment)."""
    cover: str | None = None
    """Cover art: a JPEG or PNG file, relative to voices.yaml."""
    artist: str | None = None
    """Same as author (older name)."""
    album: str | None = None
    """Same as show (older name)."""


@dataclass(frozen=True)
class MusicSettings:
    """Music files (WAV works anywhere; FLAC, OGG and MP3 through libsndfile; others need
    ffmpeg), relative to voices.yaml."""

    intro: str | None = None
    """Played before the first words."""
    outro: str | None = None
    """Played after the last words."""
    between_sections: str | None = None
    """A short sting before every section after the first."""
    duck: bool = False
    """The intro goes on, quietly, under the first words."""
    lead: float = 3.0
    """With duck: seconds of intro before the first words."""
    fade_in: float = 0.5
    """Seconds."""
    fade_out: float = 2.0
    """Seconds."""


@dataclass(frozen=True)
class Output:
    """How the episode file is made."""

    loudness: float | None = -16.0
    """Integrated loudness in LUFS (-16 is Apple Podcasts' figure); null: leave levels."""
    true_peak: float = -1.0
    """Highest true peak, in dBTP."""
    channels: int = 1
    """1 (mono) or 2 (stereo, each speaker at their pan)."""
    chapters: str = "auto"
    """sections, questions, none, or auto (sections when the transcript has them)."""
    side_files: bool = True
    """Write .vtt, .srt, .chapters.json and .transcript.json beside the episode."""


@dataclass(frozen=True)
class Pronunciation:
    """A whole-word replacement applied before synthesis."""

    word: str
    """The word as written in the transcript."""
    say: str
    """What to say instead: a respelling, or eSpeak phonemes in ``[[...]]``."""
    match_case: bool = False
    """Replace only where the case matches exactly."""
    speakers: tuple[str, ...] = ()
    """Only in these speakers' turns (all speakers when empty)."""


# Distinct voices for speakers with no entry; chosen by name, the same on every render.
PALETTE: tuple[Voice, ...] = (
    Voice("en-us+m3", pitch=45),
    Voice("en-us+f3", pitch=55),
    Voice("en-gb+m7", pitch=40),
    Voice("en-us+f5", pitch=60),
    Voice("en-gb-scotland+m1", pitch=50),
    Voice("en-029+f2", pitch=55),
    Voice("en-us-nyc+m2", pitch=45),
    Voice("en-gb+f4", pitch=50),
)
NARRATOR_VOICE = Voice("en-gb-x-rp", rate=165, pitch=45)
GENDERS = ("female", "male")


def gender_of(voice: Voice) -> str | None:
    """female or male for a palette-style voice (``+f3`` or ``+m3``), else None."""
    variant = voice.voice.partition("+")[2][:1].lower()
    return {"f": "female", "m": "male"}.get(variant)


@dataclass(frozen=True)
class VoiceBook:
    """Everything voices.yaml configures."""

    defaults: Voice = Voice()
    """Settings every speaker starts from."""
    narrator: Voice = NARRATOR_VOICE
    """The narrator's voice (intro, closing lines, titles)."""
    interviewer: str | None = None
    """The speaker who asks the unlabeled questions; detected when unset."""
    speakers: tuple[Speaker, ...] = ()
    """Configured speakers."""
    pauses: Pauses = Pauses()
    """Silences between turns and paragraphs."""
    episode: Episode = Episode()
    """Tags for the episode file."""
    pronunciations: tuple[Pronunciation, ...] = ()
    """Whole-word replacements."""
    skip: tuple[re.Pattern[str], ...] = ()
    """Lines never to speak (regular expressions searched in each line)."""
    narration: bool = True
    """Read scene headings and action lines of a screenplay (false: skip them)."""
    censor: str = "bleep"
    """Censored words (``f***``, ``s—``): bleep, skip or read."""
    asides: str = "narrator"
    """A whole bracketed sentence in an answer: narrator (read in its voice) or read."""
    output: Output = Output()
    """Loudness, channels, chapters and side files."""
    music: MusicSettings = MusicSettings()
    """Intro, outro and between-section music."""
    source: Path | None = field(default=None, compare=False)
    """The file this was read from; None for the built-in defaults."""

    def aliases(self) -> dict[str, str]:
        """Every configured name and alias -> the canonical speaker name."""
        table: dict[str, str] = {}
        for speaker in self.speakers:
            for name in (speaker.name, *speaker.aliases):
                table[name] = speaker.name
        return table

    def speaker(self, name: str) -> Speaker | None:
        """The configured speaker with this name or alias (case-insensitive).

        A one-word entry also matches a full name it is the surname or first name of.
        """
        key = name.casefold()
        for speaker in self.speakers:
            if key in {n.casefold() for n in (speaker.name, *speaker.aliases)}:
                return speaker
        for speaker in self.speakers:
            if len(speaker.name.split()) == 1 and is_part_of(speaker.name, name):
                return speaker
        return None

    def cast(self, names: Sequence[str]) -> dict[str, Voice]:
        """A voice for every speaker name: configured, narrator, or a distinct palette voice."""
        voices: dict[str, Voice] = {}
        for name in names:
            configured = self.speaker(name)
            if configured and configured.has_voice:
                voices[name] = configured.voice
            elif name == NARRATOR:
                voices[name] = self.narrator
        taken = {v.voice for v in voices.values()}
        for name in names:
            if name not in voices:
                configured = self.speaker(name)
                voices[name] = self._palette_voice(name, taken, configured)
                taken.add(voices[name].voice)
        return voices

    def _palette_voice(self, name: str, taken: set[str], configured: Speaker | None) -> Voice:
        gender = configured.gender if configured else None
        palette = [v for v in PALETTE if not gender or gender_of(v) == gender]
        start = int(hashlib.sha1(name.casefold().encode()).hexdigest(), 16) % len(palette)
        order = palette[start:] + palette[:start]
        choice = next((v for v in order if v.voice not in taken), order[0])
        if configured:  # rate, pitch or volume set without a voice: keep them
            return replace(configured.voice, voice=choice.voice)
        return replace(choice, rate=self.defaults.rate, volume=self.defaults.volume)


def warnings(book: VoiceBook, speakers: Sequence[str], cast: Mapping[str, Voice]) -> list[str]:
    """Configured speakers the transcript never uses; speakers who would sound the same."""
    where = str(book.source or VOICES_FILE)
    found = []
    absent = [s.name for s in book.speakers if not any(book.speaker(n) is s for n in speakers)]
    if absent:
        found.append(f"{where}: not in this transcript: {', '.join(absent)}; check the names")
    same: dict[Voice, list[str]] = {}
    for name, voice in cast.items():
        same.setdefault(voice, []).append(name)
    for names in same.values():
        if len(names) > 1:
            found.append(f"{' and '.join(names)} have the same voice; give one of them another")
    return found


def find_voices_file(explicit: Path | None, transcript: Path | None) -> Path | None:
    """``--voices PATH``, else ./voices.yaml, else one beside the transcript, else None."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such voices file; check the --voices path")
        return explicit
    candidates = [Path(VOICES_FILE)]
    if transcript is not None:
        candidates.append(transcript.resolve().parent / VOICES_FILE)
    return next((c for c in candidates if c.is_file()), None)


def load(path: Path | None) -> VoiceBook:
    """Read and validate a voices file; the built-in defaults when ``path`` is None."""
    if path is None:
        return VoiceBook()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the voices file ({error})") from error
    return loads(text, path)


def loads(text: str, path: Path | None = None) -> VoiceBook:
    """Validate voices.yaml text. All problems are reported at once, one line each."""
    where = str(path or VOICES_FILE)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(_yaml_problem(where, error)) from error
    checker = _Checker(where)
    book = checker.book(data if data is not None else {})
    if checker.problems:
        raise ConfigError("\n".join(checker.problems))
    return replace(book, source=path)


def _yaml_problem(where: str, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or "invalid YAML"
    if mark is None:
        return f"{where}: {problem}; fix the YAML syntax"
    return f"{where}:{mark.line + 1}:{mark.column + 1}: {problem}; fix the YAML syntax there"


_TOP_KEYS = (
    "defaults",
    "narrator",
    "interviewer",
    "speakers",
    "pauses",
    "episode",
    "pronunciations",
    "skip",
    "narration",
    "censor",
    "asides",
    "output",
    "music",
)
_CHOICES = {
    "censor": ("bleep", "skip", "read"),
    "asides": ("narrator", "read"),
    "output.chapters": ("auto", "sections", "questions", "none"),
}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_RANGES: dict[str, tuple[float, float]] = {
    "rate": (80, 450),
    "pitch": (0, 99),
    "volume": (0, 1),
    "pan": (-1, 1),
    "loudness": (-40, -5),
    "true_peak": (-12, 0),
    "channels": (1, 2),
}


class _Checker:
    """Builds a VoiceBook from parsed YAML, collecting every problem."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.where}: {key}: {message}")

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, f"expected a mapping, got {type(value).__name__}")
            return {}
        return {str(k): v for k, v in value.items()}

    def unknown_keys(self, data: Mapping[str, Any], allowed: Iterable[str], key: str) -> None:
        allowed = list(allowed)
        for name in data:
            if name not in allowed:
                near = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean '{near[0]}'?" if near else f"use one of {', '.join(allowed)}"
                self.problem(f"{key}.{name}" if key else name, f"unknown key; {hint}")

    def book(self, data: Any) -> VoiceBook:
        top = self.mapping(data, "(top level)")
        self.unknown_keys(top, _TOP_KEYS, "")
        defaults = self.voice(top.get("defaults"), "defaults", Voice())
        narrator = self.voice(top.get("narrator"), "narrator", replace(NARRATOR_VOICE))
        interviewer = top.get("interviewer")
        if interviewer is not None and not isinstance(interviewer, str):
            self.problem("interviewer", "expected a speaker name")
            interviewer = None
        return VoiceBook(
            defaults=defaults,
            narrator=narrator,
            interviewer=interviewer,
            speakers=self.speakers(top.get("speakers"), defaults),
            pauses=self.dataclass(Pauses, top.get("pauses"), "pauses", self.pause),
            episode=self.dataclass(Episode, top.get("episode"), "episode", self.text),
            pronunciations=self.pronunciations(top.get("pronunciations")),
            skip=self.patterns(top.get("skip")),
            narration=self.flag(top.get("narration", True), "narration"),
            censor=self.choice(top.get("censor", "bleep"), "censor"),
            asides=self.choice(top.get("asides", "narrator"), "asides"),
            output=self.output(top.get("output")),
            music=self.dataclass(MusicSettings, top.get("music"), "music", self.music_field),
        )

    def music_field(self, key: str, name: str, value: Any) -> Any:
        if name == "duck":
            return self.flag(value, key)
        if name in ("lead", "fade_in", "fade_out"):
            if not _number(value) or value < 0:
                self.problem(key, f"expected seconds >= 0, got {value!r}")
                return None
            return float(value)
        return self.text(key, name, value)

    def output(self, value: Any) -> Output:
        data = self.mapping(value, "output")
        off = "loudness" in data and data["loudness"] is None  # null: leave the levels
        kept = {k: v for k, v in data.items() if not (off and k == "loudness")}
        found = self.dataclass(Output, kept, "output", self.output_field)
        return replace(found, loudness=None) if off else found

    def output_field(self, key: str, name: str, value: Any) -> Any:
        if name == "chapters":
            return self.choice(value, key)
        if name == "side_files":
            return self.flag(value, key)
        return self.voice_field(key, name, value)

    def patterns(self, value: Any) -> tuple[re.Pattern[str], ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem("skip", "expected a list of regular expressions, e.g. ['^Photo:']")
            return ()
        found = []
        for index, source in enumerate(value):
            try:
                found.append(re.compile(str(source)))
            except re.error as error:
                self.problem(f"skip[{index}]", f"not a regular expression ({error}); fix it")
        return tuple(found)

    def flag(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {value!r}")
            return True
        return value

    def choice(self, value: Any, key: str) -> str:
        allowed = _CHOICES[key]
        if value not in allowed:
            self.problem(key, f"expected one of {', '.join(allowed)}, got {value!r}")
            return allowed[0]
        return str(value)

    def voice(self, value: Any, key: str, base: Voice) -> Voice:
        return self.dataclass(Voice, value, key, self.voice_field, base)

    def dataclass(self, cls: type, value: Any, key: str, check: Callable, base: Any = None) -> Any:
        data = self.mapping(value, key)
        names = [f.name for f in fields(cls)]
        self.unknown_keys(data, names, key)
        base = base if base is not None else cls()
        changes = {}
        for name in names:
            if name in data:
                checked = check(f"{key}.{name}", name, data[name])
                if checked is not None:
                    changes[name] = checked
        return replace(base, **changes)

    def voice_field(self, key: str, name: str, value: Any) -> Any:
        if name == "voice":
            return self.text(key, name, value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"expected a number, got {value!r}")
            return None
        low, high = _RANGES[name]
        if not low <= value <= high:
            self.problem(key, f"{value} is out of range; use {low:g} to {high:g}")
            return None
        return int(value) if name in ("rate", "pitch", "channels") else float(value)

    def pause(self, key: str, name: str, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.problem(key, f"expected milliseconds >= 0, got {value!r}")
            return None
        return int(value)

    def text(self, key: str, name: str, value: Any) -> str | None:
        if isinstance(value, datetime.date):  # YAML reads 2026-11-25 as a date
            return value.isoformat()
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, f"expected text, got {value!r}")
            return None
        return str(value)

    def speakers(self, value: Any, defaults: Voice) -> tuple[Speaker, ...]:
        result = []
        for name, entry in self.mapping(value, "speakers").items():
            key = f"speakers.{name}"
            data = self.mapping(entry, key)
            aliases = data.pop("aliases", [])
            if isinstance(aliases, str):
                aliases = [aliases]
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.problem(f"{key}.aliases", "expected a list of names, e.g. [WILLIAMS]")
                aliases = []
            gender = data.pop("gender", None)
            if gender is not None and gender not in GENDERS:
                self.problem(f"{key}.gender", f"expected female or male, got {gender!r}")
                gender = None
            voice = self.voice(data, key, defaults)
            result.append(Speaker(name, voice, tuple(aliases), gender, "voice" in data))
        return tuple(result)

    def pronunciations(self, value: Any) -> tuple[Pronunciation, ...]:
        result = []
        for word, entry in self.mapping(value, "pronunciations").items():
            key = f"pronunciations.{word}"
            if isinstance(entry, str):
                result.append(Pronunciation(word, entry))
                continue
            data = self.mapping(entry, key)
            self.unknown_keys(data, ("say", "match_case", "speakers"), key)
            say = data.get("say")
            if not isinstance(say, str) or not say.strip():
                self.problem(f"{key}.say", "expected the text to say, e.g. say: Sheppard")
                continue
            speakers = data.get("speakers", [])
            if not isinstance(speakers, list):
                self.problem(f"{key}.speakers", "expected a list of speaker names")
                speakers = []
            match_case = bool(data.get("match_case", False))
            result.append(Pronunciation(word, say, match_case, tuple(map(str, speakers))))
        return tuple(result)
