"""Speech engines: a small protocol, the eSpeak NG adapter (via pyttsx3) and a fake for tests.

Engines synthesize, nothing else: text and a Voice in, a Clip of 16-bit mono PCM out.
A voice names its engine (``kind:name``; a plain name is the default engine's), and
``Engines`` holds one engine of each kind, made when first needed, for one process.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from podcast.config.model import Voice
from podcast.errors import ConfigError, EngineError

ENGINES = ("espeak", "piper", "fake")


@dataclass(frozen=True)
class Clip:
    """Synthesized speech: 16-bit signed little-endian mono PCM."""

    pcm: bytes
    """The samples."""
    rate: int
    """Samples per second."""
    words: tuple[int, ...] = ()
    """Where each word of the text starts, as a sample index: one per whitespace-separated
    token of the text synthesized; empty when the engine does not tell."""

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return len(self.pcm) / 2 / self.rate


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
    engine: str = "espeak"
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

    def check(self, voice: Voice) -> list[str]:
        """What is wrong with ``voice`` for this engine (an unknown name, ...), a line each."""
        ...

    def identity(self, voice: Voice) -> str:
        """The engine, its version and (for a model) the model, for cache keys."""
        ...

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak ``text`` with ``voice``; raise EngineError when no audio comes out."""
        ...


def create(name: str, threads: int | None = None) -> Engine:
    """An engine by name: ``espeak``, ``piper`` (``threads``: onnxruntime's per model) or
    ``fake`` (fast tones, for tests)."""
    if name == "espeak":
        from podcast.engines.espeak import EspeakEngine

        return EspeakEngine()
    if name == "piper":
        from podcast.engines.piper import PiperEngine

        return PiperEngine(threads)
    if name == "fake":
        from podcast.engines.fake import FakeEngine

        return FakeEngine()
    raise EngineError(f"unknown engine '{name}'; use one of: {', '.join(ENGINES)}")


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

    def __init__(self, default: str = "espeak", threads: int | None = None) -> None:
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
        problems = []
        for speaker, voice in voices.items():
            try:
                found = self.speaking(voice).check(voice)
            except EngineError as error:  # the engine itself is missing
                found = [str(error)]
            problems += [f"{where}: {speaker}: {problem}" for problem in found]
        if problems:
            raise ConfigError("\n".join(dict.fromkeys(problems)))


@dataclass(frozen=True)
class Catalogue:
    """The voices of the engines asked for."""

    voices: list[VoiceInfo]
    """Every voice that matched, by engine then name."""
    variants: list[VoiceInfo]
    """eSpeak NG's variants (``+f3``)."""
    missing: dict[str, str]
    """Engines that could not be listed, and why (one line each)."""


def catalogue(kinds: Iterable[str], language: str | None, gender: str | None) -> Catalogue:
    """Voices of every engine in ``kinds`` of this language and gender (None: any). An
    engine that is not installed is named in ``missing`` rather than failing the list."""
    voices: list[VoiceInfo] = []
    variants: list[VoiceInfo] = []
    missing: dict[str, str] = {}
    for kind in kinds:
        try:
            engine = create(kind)
        except EngineError as error:
            missing[kind] = str(error)
            continue
        voices += sorted((v for v in engine.voices() if v.matches(language, gender)), key=_name)
        variants += [v for v in engine.variants() if v.matches(None, gender)]
    return Catalogue(voices, variants, missing)


def _name(voice: VoiceInfo) -> str:
    return voice.name
