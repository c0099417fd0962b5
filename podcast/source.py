"""What every command starts from: the transcript read through its one door, parsed
with the voice book's settings, made speakable, and cast."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from podcast.config.cast import cast
from podcast.config.cast import warnings as cast_warnings
from podcast.config.load import find_voices_file, load
from podcast.config.model import Voice, VoiceBook
from podcast.errors import InputError
from podcast.speakable.text import spoken_script
from podcast.transcript.model import Script
from podcast.transcript.notes import label_warnings
from podcast.transcript.read import read


@dataclass(frozen=True)
class Loaded:
    """A transcript read, parsed and made speakable, with its voice book."""

    path: Path
    """The transcript file."""
    script: Script
    """Its turns, as they will be spoken."""
    book: VoiceBook
    """The voice book it is rendered with."""
    cast: dict[str, Voice]
    """A voice for every speaker of the script."""
    warnings: tuple[str, ...]
    """Things the user should know that do not stop a render."""


def load_transcript(path: Path, voices: Path | None = None, style: str | None = None) -> Loaded:
    """Read the transcript and its voice book (``voices``, else the usual lookup); parse
    in ``style`` (else by extension, else detected) and make the text speakable."""
    book = load(find_voices_file(voices, path))
    script, warnings = read(path, style, book.parse_settings())
    script, dropped = spoken_script(script, book.reading())
    warnings += dropped
    if not script.turns:
        raise InputError(f"{path}: no speakable text found; check it is a transcript")
    voices_of = cast(book, script.speakers)
    warnings += label_warnings(script)
    warnings += cast_warnings(book, script.speakers, voices_of)
    return Loaded(path, script, book, voices_of, tuple(warnings))
