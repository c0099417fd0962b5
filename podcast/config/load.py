"""voices.yaml -> a VoiceBook. Every problem names the file, the key and a fix, and
all of them are reported at once."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import re2
import yaml

from podcast.config.model import (
    DISCLOSURE,
    GENDERS,
    NARRATOR_VOICE,
    VOICES_FILE,
    ChapterMode,
    Episode,
    MusicSettings,
    Output,
    Pauses,
    Person,
    Preset,
    Reactions,
    Role,
    Speaker,
    Voice,
    VoiceBook,
)
from podcast.errors import ConfigError
from podcast.files import Unreadable, UserFile, read_user_text
from podcast.speakable.pronounce import Pronunciation
from podcast.speakable.rules import ReadingRule, Treatment
from podcast.speakable.text import MAX_PAUSE, Asides, Censor, Promotion, cue_name
from podcast.transcript.model import Pattern

MAX_BYTES = 1024 * 1024  # a voices file is a few kilobytes
VOICES = UserFile(
    MAX_BYTES,
    "give a voices.yaml file",
    {
        "device": "not a regular file; give a voices.yaml file",
        "large": f"larger than {MAX_BYTES // 1024} KB; a voices file is a few KB",
        "unreadable": "cannot read the voices file ({reason})",
    },
)
MAX_VALUES = 100_000  # values the file may expand to through YAML aliases
MAX_DEPTH = 64  # levels of nesting
SHOWN = 60  # characters of a bad value quoted in a message


def find_voices_file(explicit: Path | None, transcript: Path | None) -> Path | None:
    """``--voices PATH``, else ./voices.yaml, else one beside the transcript, else None."""
    if explicit is not None:
        if not explicit.exists():
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
        text = read_user_text(path, VOICES)
    except Unreadable as problem:
        raise ConfigError(f"{path}: {problem}") from problem
    return loads(text, path)


def loads(text: str, path: Path | None = None) -> VoiceBook:
    """Validate voices.yaml text. All problems are reported at once, one line each."""
    where = str(path or VOICES_FILE)
    data = _parsed(text, where)
    checker = _Checker(where)
    book = checker.book(data if data is not None else {})
    if checker.problems:
        raise ConfigError("\n".join(checker.problems))
    return replace(book, source=path)


def _parsed(text: str, where: str) -> Any:
    """The YAML document, checked before it is built: no key twice in one mapping, and
    no more than MAX_VALUES values once aliases are expanded (an alias bomb is a few
    lines that expand to billions), nested at most MAX_DEPTH deep."""
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        _NodeCheck(where).check(node)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise ConfigError(_yaml_problem(where, error)) from error
    except RecursionError as error:
        raise ConfigError(f"{where}: nested too deeply; write it out plainly") from error
    finally:
        if loader is not None:
            loader.dispose()


class _NodeCheck:
    """Walks a composed YAML document, counting values as aliases expand them."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.sizes: dict[int, int] = {}

    def check(self, node: yaml.Node) -> None:
        if self.size(node, 0) > MAX_VALUES:
            raise ConfigError(
                f"{self.where}: expands to more than {MAX_VALUES} values through YAML "
                "aliases (&name, *name); write the values out plainly"
            )

    def size(self, node: yaml.Node, depth: int) -> int:
        """Values in ``node`` with aliases expanded; each node is counted once and its
        count reused, so this takes time in proportion to the text, not the expansion."""
        known = self.sizes.get(id(node))
        if known is not None:
            if known < 0:
                raise ConfigError(f"{self.where}: an alias refers to itself; remove it")
            return known
        if depth > MAX_DEPTH:
            raise ConfigError(f"{self.where}: nested more than {MAX_DEPTH} levels deep")
        self.sizes[id(node)] = -1
        total = 1
        if isinstance(node, yaml.MappingNode):
            self.unique_keys(node)
            for key, value in node.value:
                total += self.size(key, depth + 1) + self.size(value, depth + 1)
                total = min(total, MAX_VALUES + 1)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total = min(total + self.size(item, depth + 1), MAX_VALUES + 1)
        self.sizes[id(node)] = total
        return total

    def unique_keys(self, node: yaml.MappingNode) -> None:
        seen: dict[str, int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag.endswith(":merge"):
                continue
            if key.value in seen:
                line = key.start_mark.line + 1
                raise ConfigError(
                    f"{self.where}:{line}: {_shown(key.value)} is given twice (first on "
                    f"line {seen[key.value]}); keep one"
                )
            seen[key.value] = key.start_mark.line + 1


def _shown(value: Any) -> str:
    """A value for a one-line message: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


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
    "reading",
    "output",
    "music",
    "sounds",
    "reactions",
)
_CHOICES: dict[str, type[StrEnum]] = {
    "censor": Censor,
    "asides": Asides,
    "output.chapters": ChapterMode,
    "narration.promotion": Promotion,
    "output.preset": Preset,
}
_NARRATION = ("action", "promotion", "directions")


_EXPONENT = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+")


def _numeric(value: Any) -> Any:
    """The value, with a number YAML 1.1 reads as text made a number (``1e308``: YAML
    wants ``1.0e+308``), so the message speaks of its range, not of its type."""
    if isinstance(value, str) and _EXPONENT.fullmatch(value.strip()):
        return float(value)
    return value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_RANGES: dict[str, tuple[float, float]] = {
    "rate": (80, 450),
    "pitch": (0, 99),
    "volume": (0, 1),
    "pan": (-1, 1),
    "speaker": (0, 10_000),
    "variation": (0, 2),
    "timing_variation": (0, 2),
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
        narration = top.get("narrator")
        narration = dict(narration) if isinstance(narration, dict) else narration
        named = self.narrator_name(narration)
        person = self.person(narration, "narrator") if isinstance(narration, dict) else None
        narrator = self.voice(narration, "narrator", replace(NARRATOR_VOICE))
        interviewer = top.get("interviewer")
        if interviewer is not None and not isinstance(interviewer, str):
            self.problem("interviewer", "expected a speaker name")
            interviewer = None
        return VoiceBook(
            defaults=defaults,
            narrator=narrator,
            narrator_set=isinstance(top.get("narrator"), dict) and "voice" in top["narrator"],
            narrator_name=named,
            narrator_person=person,
            interviewer=interviewer,
            speakers=self.speakers(top.get("speakers"), defaults),
            pauses=self.dataclass(Pauses, top.get("pauses"), "pauses", self.pause_field),
            episode=self.dataclass(Episode, top.get("episode"), "episode", self.episode_field),
            pronunciations=self.pronunciations(top.get("pronunciations")),
            skip=self.patterns(top.get("skip")),
            narration=self.narration(top.get("narration", True)),
            promotion=self.promotion(top.get("narration")),
            directions=self.directions(top.get("narration")),
            censor=self.choice(top.get("censor", "bleep"), "censor"),
            asides=self.choice(top.get("asides", "narrator"), "asides"),
            as_written=self.as_written(top.get("reading")),
            output=self.output(top.get("output")),
            music=self.dataclass(MusicSettings, top.get("music"), "music", self.music_field),
            sounds=self.sounds(top.get("sounds")),
            reactions=self.reactions(top.get("reactions")),
        )

    def music_field(self, key: str, name: str, value: Any) -> Any:
        if name == "duck":
            return self.flag(value, key)
        if name in ("lead", "fade_in", "fade_out"):
            if not _number(value) or not 0 <= value <= MAX_PAUSE / 1000:
                limit = MAX_PAUSE // 1000
                self.problem(key, f"expected seconds from 0 to {limit}, got {_shown(value)}")
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
        if name in ("chapters", "preset"):
            return self.choice(value, key)
        if name in ("side_files", "page"):
            return self.flag(value, key)
        return self.voice_field(key, name, value)

    def patterns(self, value: Any) -> tuple[Pattern, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem("skip", "expected a list of regular expressions, e.g. ['^Photo:']")
            return ()
        found = []
        for index, source in enumerate(value):
            pattern = self.pattern(f"skip[{index}]", source)
            if pattern is not None:
                found.append(pattern)
        return tuple(found)

    def pattern(self, key: str, source: Any) -> Pattern | None:
        """A regular expression matched in linear time (RE2), so no line can make it run
        away; Python's own parser first, for its clearer messages."""
        if isinstance(source, list):
            self.problem(
                key,
                f"expected a regular expression in quotes, got a list ({_shown(source)}): YAML "
                "reads - [AD BREAK] as one; quote it: - '\\[AD BREAK\\]'",
            )
            return None
        if not isinstance(source, str):
            self.problem(key, f"expected a regular expression, got {_shown(source)}; quote it")
            return None
        try:
            re.compile(source)
        except re.error as error:
            self.problem(key, f"not a regular expression ({error}); fix it")
            return None
        options = re2.Options()
        options.log_errors = False
        try:
            return re2.compile(source, options)
        except re2.error:
            self.problem(
                key,
                "uses lookaround or a backreference, which cannot be matched safely; "
                "rewrite it without them",
            )
            return None

    def reactions(self, value: Any) -> Reactions:
        """``reactions: all``, ``reactions: [NAME, ...]``, or a mapping of ``speakers``,
        ``words`` and ``level``; off when absent (or ``none``)."""
        if value is None or value is False or value == "none":
            return Reactions()
        if not isinstance(value, dict):
            value = {"speakers": value}
        self.unknown_keys(value, ("speakers", "words", "level"), "reactions")
        found = Reactions()
        who = value.get("speakers", "all")
        if who == "all" or who is True:
            found = replace(found, everyone=True)
        elif isinstance(who, list) and all(isinstance(n, str) for n in who):
            found = replace(found, speakers=tuple(who))
        else:
            self.problem("reactions", "expected all, none, or a list of speakers, e.g. [RUIZ]")
        words = value.get("words", list(found.words))
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            self.problem("reactions.words", "expected a list of words, e.g. [mm-hm, right]")
        else:
            found = replace(found, words=tuple(words))
        level = _numeric(value.get("level", found.level))
        if not _number(level) or not -40 <= level <= 0:
            self.problem("reactions.level", f"expected dB from -40 to 0, got {_shown(level)}")
        else:
            found = replace(found, level=float(level))
        return found

    def sounds(self, value: Any) -> dict[str, str]:
        """``sounds: {laughs: laugh.wav}``: cue names (as ``cue_name`` gives them, so
        ``laughter`` is ``laughs``) -> files."""
        found = {}
        for name, file in self.mapping(value, "sounds").items():
            if not isinstance(file, str) or not file.strip():
                self.problem(f"sounds.{name}", f"expected an audio file, e.g. {name}: {name}.wav")
                continue
            found[cue_name(name)] = file
        return found

    def narration(self, value: Any) -> bool:
        """``narration: false``, or ``narration: {action: false}``: a screenplay's scene
        headings and action lines are not read."""
        if isinstance(value, dict):
            self.unknown_keys({str(k): v for k, v in value.items()}, _NARRATION, "narration")
            return self.flag(value.get("action", True), "narration.action")
        return self.flag(value, "narration")

    def directions(self, value: Any) -> bool:
        """``narration: {directions: read}``: a stage play's directions are read."""
        if not isinstance(value, dict) or "directions" not in value:
            return False
        if value["directions"] not in ("read", "skip"):
            self.problem(
                "narration.directions", f"expected read or skip, got {_shown(value['directions'])}"
            )
            return False
        return value["directions"] == "read"

    def promotion(self, value: Any) -> Promotion:
        """``narration: {promotion: read}``: sales copy in the narrator's text is read."""
        if not isinstance(value, dict) or "promotion" not in value:
            return Promotion.SKIP
        return self.choice(value["promotion"], "narration.promotion")  # type: ignore[return-value]

    def as_written(self, value: Any) -> frozenset[ReadingRule]:
        """``reading: {phone_numbers: as_written}``: the kinds left as written."""
        data = self.mapping(value, "reading")
        self.unknown_keys(data, list(ReadingRule), "reading")
        kept = set()
        for name, treatment in data.items():
            if name not in list(ReadingRule):
                continue
            if treatment not in list(Treatment):
                choices = " or ".join(Treatment)
                self.problem(f"reading.{name}", f"expected {choices}, got {_shown(treatment)}")
            elif treatment == Treatment.AS_WRITTEN:
                kept.add(ReadingRule(name))
        return frozenset(kept)

    def flag(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {_shown(value)}")
            return True
        return value

    def choice(self, value: Any, key: str) -> StrEnum:
        allowed = _CHOICES[key]
        if value not in [member.value for member in allowed]:
            self.problem(key, f"expected one of {', '.join(allowed)}, got {_shown(value)}")
            return next(iter(allowed))
        return allowed(value)

    def voice(self, value: Any, key: str, base: Voice) -> Voice:
        """The voice of one entry; which settings it gives itself is kept, so that the
        engine that speaks it can say which of them it has not (engines/)."""
        voice = self.dataclass(Voice, value, key, self.voice_field, base)
        data = self.mapping(value, key) if isinstance(value, dict) else {}
        given = frozenset(data)
        return replace(voice, given=given, origin=key)

    def dataclass(self, cls: type, value: Any, key: str, check: Callable, base: Any = None) -> Any:
        data = self.mapping(value, key)
        names = [f.name for f in fields(cls) if f.compare]
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
        value = _numeric(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"expected a number, got {_shown(value)}")
            return None
        low, high = _RANGES[name]
        if not low <= value <= high:
            self.problem(key, f"{value} is out of range; use {low:g} to {high:g}")
            return None
        return int(value) if name in ("rate", "pitch", "channels", "speaker") else float(value)

    def pause_field(self, key: str, name: str, value: Any) -> Any:
        if name == "by_context":
            return self.flag(value, key)
        if name == "spread":
            value = _numeric(value)
            if not _number(value) or not 0 <= value <= 1:
                self.problem(key, f"expected a number from 0 to 1, got {_shown(value)}")
                return None
            return float(value)
        return self.pause(key, name, value)

    def pause(self, key: str, name: str, value: Any) -> int | None:
        value = _numeric(value)
        if not _number(value) or not 0 <= value <= MAX_PAUSE:
            self.problem(key, f"expected milliseconds from 0 to {MAX_PAUSE}, got {_shown(value)}")
            return None
        return int(value)

    def text(self, key: str, name: str, value: Any) -> str | None:
        if isinstance(value, datetime.date):  # YAML reads 2026-11-25 as a date
            return value.isoformat()
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, f"expected text, got {_shown(value)}")
            return None
        return str(value)

    def speakers(self, value: Any, defaults: Voice) -> tuple[Speaker, ...]:
        result = []
        names: dict[str, str] = {}
        for name, entry in self.mapping(value, "speakers").items():
            key = f"speakers.{name}"
            if name.casefold() in names:
                self.problem(
                    key,
                    f"the same speaker as {names[name.casefold()]} (names match in any case); "
                    "merge the two entries",
                )
                continue
            names[name.casefold()] = name
            data = self.mapping(entry, key)
            aliases = data.pop("aliases", [])
            if isinstance(aliases, str):
                aliases = [aliases]
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.problem(f"{key}.aliases", "expected a list of names, e.g. [WILLIAMS]")
                aliases = []
            gender = data.pop("gender", None)
            if gender is not None and gender not in GENDERS:
                self.problem(f"{key}.gender", f"expected female or male, got {_shown(gender)}")
                gender = None
            person = self.person(data, key)
            voice = self.voice(data, key, defaults)
            result.append(Speaker(name, voice, tuple(aliases), gender, "voice" in data, person))
        return tuple(result)

    def episode_field(self, key: str, name: str, value: Any) -> Any:
        if name == "disclosure":  # false: none; true: the usual words; text: these words
            if isinstance(value, bool):
                return DISCLOSURE if value else ""
            if not isinstance(value, str) or not value.strip():
                self.problem(key, f"expected words, or false, got {_shown(value)}")
                return None
        return self.text(key, name, value)

    def narrator_name(self, data: Any) -> str | None:
        """``narrator: {name: ...}`` (taken out of ``data``)."""
        if not isinstance(data, dict) or "name" not in data:
            return None
        name = data.pop("name")
        if not isinstance(name, str) or not name.strip():
            self.problem("narrator.name", f"expected the narrator's name, got {_shown(name)}")
            return None
        return " ".join(name.split())

    def person(self, data: dict[str, Any], key: str) -> Person | None:
        """``role``, ``img`` and ``href`` of a speaker (taken out of ``data``)."""
        role, img, href = data.pop("role", None), data.pop("img", None), data.pop("href", None)
        if role is not None and role not in list(Role):
            self.problem(f"{key}.role", f"expected one of {', '.join(Role)}, got {_shown(role)}")
            role = None
        for name, url in (("img", img), ("href", href)):
            if url is not None and not (isinstance(url, str) and url.startswith("https://")):
                self.problem(f"{key}.{name}", f"expected an https:// address, got {_shown(url)}")
        if role is img is href is None:
            return None
        good = [u if isinstance(u, str) and u.startswith("https://") else None for u in (img, href)]
        return Person(Role(role) if role else None, *good)

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
