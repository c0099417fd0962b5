"""Casting: a voice for every speaker of a transcript (configured, the narrator's, or a
distinct one from the palette), and warnings about the cast."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from podcast.config.model import Speaker, Voice, VoiceBook
from podcast.config.sexes import sexes
from podcast.transcript.model import NARRATOR, Script

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


def gender_of(voice: Voice) -> str | None:
    """female or male for a palette-style voice (``+f3`` or ``+m3``), else None."""
    variant = voice.voice.partition("+")[2][:1].lower()
    return {"f": "female", "m": "male"}.get(variant)


@dataclass(frozen=True)
class Choice:
    """A voice a cast may give to a speaker with none of their own."""

    voice: str
    """As voices.yaml names it: ``kokoro:af_heart``."""
    gender: str
    """female, male or unknown."""
    accent: str
    """Its language code: ``en-us``, ``en-gb``."""
    settings: frozenset[str] = frozenset({"rate", "volume", "pan"})
    """The settings its engine has (what may be carried over from defaults)."""


@dataclass(frozen=True)
class Palette:
    """Natural voices for the speakers without a voice of their own, best first."""

    choices: tuple[Choice, ...]
    """The voices, in the order they are preferred."""
    narrator: bool = True
    """The narrator gets one too, unless voices.yaml sets the narrator's voice."""
    shared: bool = False
    """When the voices run out, speakers share them in turn (voices.yaml's default voice
    chose this engine) rather than taking eSpeak NG's."""


def cast(
    book: VoiceBook,
    names: Sequence[str],
    script: Script | None = None,
    palette: Palette | None = None,
) -> dict[str, Voice]:
    """A voice for every speaker name: configured, narrator, or a distinct voice chosen
    for them: from ``palette`` (natural voices: women on women's voices, as far as
    ``script`` tells, then the voices farthest apart) when given, else from eSpeak NG's."""
    voices: dict[str, Voice] = {}
    for name in names:
        configured = book.speaker(name)
        if configured and configured.has_voice:
            voices[name] = configured.voice
        elif name == NARRATOR and (book.narrator_set or palette is None):
            voices[name] = book.narrator
    if palette is not None and palette.choices:
        rest = [name for name in names if name not in voices]
        return voices | _natural(book, rest, script, palette, voices)
    taken = {v.voice for v in voices.values()}
    for name in names:
        if name not in voices:
            configured = book.speaker(name)
            voices[name] = _palette_voice(book, name, taken, configured)
            taken.add(voices[name].voice)
    return voices


def _natural(
    book: VoiceBook,
    names: list[str],
    script: Script | None,
    palette: Palette,
    chosen: dict[str, Voice],
) -> dict[str, Voice]:
    """Natural voices for ``names``: the speakers heard most first, the narrator last.
    Each takes the voice that shares sex and accent with the fewest voices chosen so
    far (a known sex is kept to), the palette's order breaking ties; when the natural
    voices run out, the rest share them (``Palette.shared``) or keep eSpeak NG's (the
    narrator its own)."""
    told = sexes(script, names) if script else {}
    told |= {n: s.gender for n in names if (s := book.speaker(n)) and s.gender}
    turns = {n: sum(t.speaker == n for t in script.turns) if script else 0 for n in names}
    order = sorted(names, key=lambda n: (n == NARRATOR, -turns[n], names.index(n)))
    taken = {voice.voice for voice in chosen.values()}
    picked = [choice for choice in palette.choices if choice.voice in taken]
    found: dict[str, Voice] = {}
    for name in order:
        choice = _pick(palette.choices, picked, told.get(name))
        if choice is None and palette.shared:
            choice = palette.choices[len(picked) % len(palette.choices)]
        if choice is None and name == NARRATOR:
            found[name] = book.narrator
        elif choice is None:  # more speakers than natural voices: eSpeak NG's for the rest
            found[name] = _palette_voice(book, name, taken, book.speaker(name))
        else:
            picked.append(choice)
            found[name] = _natural_voice(book, name, choice)
        taken.add(found[name].voice)
    return found


def _pick(choices: Sequence[Choice], picked: list[Choice], sex: str | None) -> Choice | None:
    free = [c for c in choices if c not in picked]
    if not free:
        return None
    engine = _engine(free[0])  # the palette's first engine until its voices run out
    free = [c for c in free if _engine(c) == engine]
    fitting = [c for c in free if c.gender == sex] or free

    def shared(choice: Choice) -> int:
        return sum((p.gender == choice.gender) + (p.accent == choice.accent) for p in picked)

    return min(fitting, key=lambda c: (shared(c), choices.index(c)))


def _engine(choice: Choice) -> str:
    return choice.voice.partition(":")[0]


def _natural_voice(book: VoiceBook, name: str, choice: Choice) -> Voice:
    """The chosen voice with the settings voices.yaml gives (the speaker's own, else
    the defaults) that its engine has; the rest at their defaults."""
    configured = book.speaker(name)
    base = configured.voice if configured else book.defaults
    kept = {k: getattr(base, k) for k in ("rate", "volume", "pan") if k in choice.settings}
    return Voice(choice.voice, **kept, origin=base.origin)


def _palette_voice(
    book: VoiceBook, name: str, taken: set[str], configured: Speaker | None
) -> Voice:
    gender = configured.gender if configured else None
    palette = [v for v in PALETTE if not gender or gender_of(v) == gender]
    start = int(hashlib.sha1(name.casefold().encode()).hexdigest(), 16) % len(palette)
    order = palette[start:] + palette[:start]
    choice = next((v for v in order if v.voice not in taken), order[0])
    if configured:  # rate, pitch or volume set without a voice: keep them
        return replace(configured.voice, voice=choice.voice)
    return replace(choice, rate=book.defaults.rate, volume=book.defaults.volume)


def warnings(book: VoiceBook, speakers: Sequence[str], voices: Mapping[str, Voice]) -> list[str]:
    """Configured speakers the transcript never uses; speakers who would sound the same."""
    where = book.where
    found = []
    absent = [s.name for s in book.speakers if not any(book.speaker(n) is s for n in speakers)]
    if absent:
        found.append(f"{where}: not in this transcript: {', '.join(absent)}; check the names")
    same: dict[Voice, list[str]] = {}
    for name, voice in voices.items():
        same.setdefault(voice, []).append(name)
    for names in same.values():
        if len(names) > 1:
            found.append(f"{' and '.join(names)} have the same voice; give one of them another")
    return found
