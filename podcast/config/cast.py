"""Casting: a voice for every speaker of a transcript (configured, the narrator's, or a
distinct one from the palette), and warnings about the cast."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace

from podcast.config.model import Speaker, Voice, VoiceBook
from podcast.transcript.model import NARRATOR

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


def cast(book: VoiceBook, names: Sequence[str]) -> dict[str, Voice]:
    """A voice for every speaker name: configured, narrator, or a distinct palette voice."""
    voices: dict[str, Voice] = {}
    for name in names:
        configured = book.speaker(name)
        if configured and configured.has_voice:
            voices[name] = configured.voice
        elif name == NARRATOR:
            voices[name] = book.narrator
    taken = {v.voice for v in voices.values()}
    for name in names:
        if name not in voices:
            configured = book.speaker(name)
            voices[name] = _palette_voice(book, name, taken, configured)
            taken.add(voices[name].voice)
    return voices


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
