"""Speech engines: a small protocol, one registry of the kinds of engine, and the
``Engines`` of one process.

Engines synthesize, nothing else: text and a Voice in, a Clip of 16-bit mono PCM out.
Each engine lives in a module of this package that declares its kind as ``KIND``, an
``EngineKind`` (its name, its settings, how it runs, how to install it); the registry
finds them all, so a new engine is a new module here and an extra in pyproject.toml,
nothing else. Today: ``espeak`` (eSpeak NG through pyttsx3, the default), ``kokoro``
and ``piper`` (neural voices) and ``fake`` (tones, for tests); ``phonemes`` is a helper
the neural ones share, no engine.

A voice names its engine (``kind:name``; a plain name is the default engine's), and
``Engines`` holds one engine of each kind, made when first needed, for one process.
"""

from __future__ import annotations

import difflib
import importlib
import os
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from podcast.config.cast import Choice, Palette
from podcast.config.model import Voice
from podcast.errors import ConfigError, EngineError

DEFAULT = "espeak"
"""The kind that speaks voices naming no engine, unless a render says otherwise."""


@dataclass(frozen=True)
class Clip:
    """Synthesized speech: 16-bit signed little-endian mono PCM."""

    pcm: bytes
    """The samples."""
    sample_rate: int
    """Samples per second."""
    words: tuple[int, ...] = ()
    """Where each word of the text starts, as a sample index: one per whitespace-separated
    token of the text synthesized; empty when the engine does not tell."""

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return len(self.pcm) / 2 / self.sample_rate


@dataclass(frozen=True)
class VoiceInfo:
    """A voice the engine offers."""

    name: str
    """The name to put in voices.yaml (``en-us``)."""
    language: str
    """Language code."""
    description: str
    """The engine's own description (``English (America)``)."""
    gender: str
    """male, female or unknown."""
    engine: str = DEFAULT
    """The engine that speaks it."""
    quality: str = ""
    """The model's quality (Piper: x_low, low, medium, high)."""
    speakers: int = 1
    """Speakers in the model (Piper: pick one with ``#N``)."""
    sample_rate: int = 22050
    """Samples per second it speaks at."""
    licence: str = ""
    """The licence of the voice's data, as its model card gives it."""

    def matches(self, language: str | None, gender: str | None) -> bool:
        """True when the voice is of this language (a prefix: ``en`` matches ``en-us``)
        and gender; None matches anything."""
        if language and not self.language.casefold().startswith(language.casefold()):
            return False
        return not gender or self.gender.casefold() == gender.casefold()


class Engine(Protocol):
    """What the renderer needs of a speech engine."""

    name: str
    """Short engine name, part of every cache key."""
    version: str
    """Engine version, part of every cache key."""

    def voices(self) -> list[VoiceInfo]:
        """The voices on offer."""
        ...

    def variants(self) -> list[VoiceInfo]:
        """Voice variants that may follow a ``+`` (``f3`` in ``en-us+f3``)."""
        ...

    def unusable(self) -> dict[str, str]:
        """Voices found that cannot be used (a broken model), each with why."""
        ...

    def check(self, voice: Voice) -> list[str]:
        """What is wrong with ``voice`` for this engine (an unknown name, ...), a line each."""
        ...

    def identity(self, voice: Voice) -> str:
        """The engine, its version and (for a model) the model, for cache keys."""
        ...

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak ``text`` with ``voice``; raise EngineError when no audio comes out."""
        ...


@dataclass(frozen=True)
class EngineKind:
    """What the rest of the program knows of a kind of engine: declared once, as
    ``KIND``, by the module that holds the engine."""

    name: str
    """The kind, as voices name it (``piper`` in ``piper:en_US-joe-medium``)."""
    make: Callable[[int | None], Engine]
    """Makes the engine; its argument is the threads a model may use (None: its own
    choice). Raises EngineError saying what to install when the engine is missing."""
    settings: tuple[str, ...]
    """The voice settings this kind has beside ``voice`` (rate, pitch, ...)."""
    models: bool = False
    """Runs a neural model: speaks in worker processes of its own (never beside
    another kind's engine), its threads bounded by the cores, and its workers give
    freed memory back (a model's activations would otherwise stay pinned)."""
    natural: bool = False
    """Its voices sound like people: preferred for speakers without a voice of their
    own whenever it is installed."""
    listed: bool = True
    """Shown by ``podcast voices`` and offered by ``--engine`` (the fake is not)."""
    install: str = ""
    """How to get it, for messages: ``pip install 'podcast[piper]'``."""
    label: str = ""
    """Its name for people: ``eSpeak NG``."""
    add_voices: Callable[[Path | None], str] | None = None
    """Installs its voices (``podcast voices add KIND [SOURCE]``) from SOURCE, or from
    where it fetches them by itself when None; says what it did in a line."""

    def unsupported(self, voice: Voice) -> list[str]:
        """Settings given for ``voice`` that this kind has not, a line each."""
        extra = [n for n in voice.given if n in all_settings() and n not in self.settings]
        return [
            f"{voice.origin}.{name}: {self.name} voices have no {name}; they have "
            f"{', '.join(self.settings)}"
            for name in extra
        ]


@cache
def kinds() -> dict[str, EngineKind]:
    """Every kind of engine, by name: the ``KIND`` of each module of this package (its
    name the kind's), imported once (an engine module imports nothing heavy until it is
    made)."""
    found: dict[str, EngineKind] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        kind = _own_module(module.name)
        if kind is not None:
            found[kind.name] = kind
    return dict(sorted(found.items(), key=lambda item: (item[0] != DEFAULT, item[0])))


def listed() -> tuple[str, ...]:
    """The kinds a user chooses among (``--engine``), the default first."""
    return tuple(name for name, kind in kinds().items() if kind.listed)


def natural() -> tuple[str, ...]:
    """The kinds whose voices sound like people."""
    return tuple(name for name, kind in kinds().items() if kind.natural)


@cache
def all_settings() -> frozenset[str]:
    """Every voice setting some kind has."""
    return frozenset(name for kind in kinds().values() for name in kind.settings)


def either(names: Iterable[str]) -> str:
    """``espeak or piper``; ``espeak, kokoro or piper``."""
    *head, last = names
    return f"{', '.join(head)} or {last}" if head else last


def kind_of(name: str) -> EngineKind:
    """The kind named ``name``; EngineError listing the kinds there are otherwise. Only
    its own module is imported (an engine's module is named as its kind), so a worker
    process that speaks with one engine does not import them all."""
    found = _own_module(name)
    if found is None:
        raise EngineError(f"unknown engine '{name}'; use one of: {', '.join(listed())}")
    return found


@cache
def _own_module(name: str) -> EngineKind | None:
    if not name.isidentifier() or name not in {m.name for m in pkgutil.iter_modules(__path__)}:
        return None
    kind = getattr(importlib.import_module(f"{__name__}.{name}"), "KIND", None)
    return kind if isinstance(kind, EngineKind) and kind.name == name else None


def create(name: str, threads: int | None = None) -> Engine:
    """An engine of the kind ``name`` (``threads``: what a model may use)."""
    return kind_of(name).make(threads)


def unknown_voices(engine: Engine, wanted: Iterable[str]) -> list[str]:
    """One message per voice name the engine does not know, each with the closest real names."""
    names = {v.name.casefold() for v in engine.voices()}
    variants = {v.name.casefold() for v in engine.variants()}
    problems = []
    for spec in dict.fromkeys(wanted):
        base, _, variant = spec.partition("+")
        if base.casefold() not in names:
            near = difflib.get_close_matches(base.casefold(), sorted(names), n=3, cutoff=0.4)
            hint = f"closest: {', '.join(near)}" if near else "run 'podcast voices' to list them"
            problems.append(f"unknown voice '{spec}'; {hint}")
        elif variant and variant.casefold() not in variants:
            near = difflib.get_close_matches(variant.casefold(), sorted(variants), n=3, cutoff=0.4)
            hint = f"closest: {', '.join(near)}" if near else "run 'podcast voices' to list them"
            problems.append(f"unknown voice variant '+{variant}' in '{spec}'; {hint}")
    return problems


class Engines:
    """One engine of each kind, made when first asked for, for this process only: the
    render's process has its own, and so does every worker."""

    def __init__(self, default: str = DEFAULT, threads: int | None = None) -> None:
        self.default = default
        """The kind that speaks voices that name no engine."""
        self.threads = threads
        """Threads a model-running engine (Piper) may use in this process."""
        self._made: dict[str, Engine] = {}

    def kind(self, voice: Voice) -> str:
        """Which kind of engine speaks ``voice``."""
        return voice.engine or self.default

    def get(self, kind: str) -> Engine:
        """The engine of this kind, made on first use."""
        if kind not in self._made:
            self._made[kind] = create(kind, self.threads)
        return self._made[kind]

    def speaking(self, voice: Voice) -> Engine:
        """The engine that speaks ``voice``."""
        return self.get(self.kind(voice))

    def identify(self, voice: Voice) -> str:
        """The engine of ``voice``, its version and model, for cache keys."""
        return self.speaking(voice).identity(voice)

    def check(self, voices: Mapping[str, Voice], where: str) -> None:
        """Every voice must exist before anything is synthesized (a typo would keep the
        previous voice); all problems at once, each naming the speaker."""
        problems = [f"{where}: {line}" for line in settings_problems(voices.values(), self)]
        if problems:
            raise ConfigError("\n".join(dict.fromkeys(problems)))
        for speaker, voice in voices.items():
            try:
                found = self.speaking(voice).check(voice)
            except EngineError as error:  # the engine itself is missing
                found = [str(error)]
            problems += [f"{where}: {speaker}: {problem}" for problem in found]
        if problems:
            raise ConfigError("\n".join(dict.fromkeys(problems)))


PALETTE_ENV = "PODCAST_PALETTE"
"""``espeak``: speakers without a voice of their own keep eSpeak NG's voices even where
a natural engine is installed (the tests set it; voices.yaml's ``defaults: {voice: ...}``
does the same for one show)."""


def palette(defaults: Voice, engines: Engines) -> Palette | None:
    """The voices for speakers without one of their own: those of the default voice's
    engine when voices.yaml names a default voice (None for eSpeak NG's own palette);
    else, when the render's default engine is eSpeak NG, every natural voice installed
    (the engine with the most voices first); else None."""
    if "voice" in defaults.given:
        kind = kind_of(engines.kind(defaults))
        if not kind.natural:
            return None
        found = _choices([kind.name])
        first = [c for c in found if c.voice == defaults.voice]
        return Palette((*first, *(c for c in found if c not in first)), shared=True)
    if not wants_natural(defaults, engines):
        return None
    found = _choices(natural())
    return Palette(found) if found else None


def wants_natural(defaults: Voice, engines: Engines) -> bool:
    """Speakers without a voice of their own would get natural voices, were any
    installed: no default voice names an engine, the render's default engine is eSpeak
    NG, and PODCAST_PALETTE does not say espeak."""
    return (
        "voice" not in defaults.given
        and engines.default == DEFAULT
        and os.environ.get(PALETTE_ENV) != DEFAULT
    )


def palette_of(name: str) -> Palette:
    """Every installed voice of the kind ``name``; EngineError saying how to get some
    when it has none."""
    kind = kind_of(name)
    found = _choices([name])
    if not found:
        create(name)  # says what to install when the engine itself is missing
        how = f"podcast voices add {name}" if kind.add_voices else kind.install
        raise EngineError(f"no {kind.label} voices are installed; run: {how}")
    return Palette(found)


def _choices(names: Iterable[str]) -> tuple[Choice, ...]:
    """Every installed voice of these kinds, the kind with the most voices first, each
    kind's own order within it; kinds that are not installed give none."""
    lists = []
    for name in names:
        try:
            voices = create(name).voices()
        except EngineError:
            continue
        settings = frozenset(kind_of(name).settings)
        lists.append([Choice(v.name, v.gender, v.language, settings) for v in voices])
    lists.sort(key=len, reverse=True)
    return tuple(choice for found in lists for choice in found)


def natural_advice() -> str | None:
    """One line on how to get natural voices, when none is installed; None otherwise."""
    if _choices(natural()):
        return None
    ways = [f"{k.install}, then podcast voices add {k.name}" for k in kinds().values()
            if k.natural and k.add_voices]  # fmt: skip
    if not ways:
        return None
    return f"speakers without a voice of their own speak with eSpeak NG; natural voices: {ways[0]}"


def settings_problems(voices: Iterable[Voice], engines: Engines) -> list[str]:
    """Settings given to a voice that its kind has not, and voices of no known kind; a
    line each, naming the key in voices.yaml."""
    problems: list[str] = []
    for voice in voices:
        kind = kinds().get(engines.kind(voice))
        if kind is None:
            problems.append(
                f"{voice.origin}.voice: unknown engine '{engines.kind(voice)}'; use "
                f"{either(listed())} voices"
            )
        else:
            problems += kind.unsupported(voice)
    return list(dict.fromkeys(problems))


@dataclass(frozen=True)
class Catalogue:
    """The voices of the engines asked for."""

    voices: list[VoiceInfo]
    """Every voice that matched, by engine then name."""
    variants: list[VoiceInfo]
    """eSpeak NG's variants (``+f3``)."""
    missing: dict[str, str]
    """Engines that could not be listed, and why (one line each)."""
    unusable: dict[str, str]
    """Voices found that cannot be used, and why (one line each)."""


def catalogue(kinds: Iterable[str], language: str | None, gender: str | None) -> Catalogue:
    """Voices of every engine in ``kinds`` of this language and gender (None: any). An
    engine that is not installed is named in ``missing`` rather than failing the list."""
    voices: list[VoiceInfo] = []
    variants: list[VoiceInfo] = []
    missing: dict[str, str] = {}
    unusable: dict[str, str] = {}
    for kind in kinds:
        try:
            engine = create(kind)
        except EngineError as error:
            missing[kind] = str(error)
            continue
        voices += sorted((v for v in engine.voices() if v.matches(language, gender)), key=_name)
        variants += [v for v in engine.variants() if v.matches(None, gender)]
        unusable |= engine.unusable()
    return Catalogue(voices, variants, missing, unusable)


def _name(voice: VoiceInfo) -> str:
    return voice.name
