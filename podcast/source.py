"""What every command starts from: the transcript read through its one door, parsed
with the voice book's settings, made speakable, and cast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from podcast.config.cast import Palette, cast
from podcast.config.cast import warnings as cast_warnings
from podcast.config.load import find_voices_file, load
from podcast.config.model import Voice, VoiceBook
from podcast.errors import InputError
from podcast.speakable.text import spoken_script
from podcast.transcript.model import INTERVIEWER, NARRATOR, Script, Turn, TurnKind, find_speaker
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
    natural: bool = False
    """Speakers without a voice of their own were given natural voices."""


def load_transcript(
    path: Path,
    voices: Path | None = None,
    style: str | None = None,
    palette: Callable[[VoiceBook], Palette | None] | None = None,
) -> Loaded:
    """Read the transcript and its voice book (``voices``, else the usual lookup); parse
    in ``style`` (else by extension, else detected), make the text speakable and cast
    it: speakers without a voice of their own get one of ``palette(book)`` (natural
    voices, which the engines know of) when it gives any, else eSpeak NG's."""
    return prepare(path, load(find_voices_file(voices, path)), style, palette)


def prepare(
    path: Path,
    book: VoiceBook,
    style: str | None = None,
    palette: Callable[[VoiceBook], Palette | None] | None = None,
) -> Loaded:
    """The transcript read with ``book`` (see load_transcript)."""
    script, warnings = _read(path, style, book)
    script = _disclosed(script, book)
    script, dropped = spoken_script(script, book.reading())
    warnings += dropped
    if not script.turns:
        raise InputError(f"{path}: no speakable text found; check it is a transcript")
    chosen = palette(book) if palette else None
    book, voices_of = cast_script(book, script, chosen)
    warnings += label_warnings(script)
    warnings += cast_warnings(book, script.speakers, voices_of)
    return Loaded(path, script, book, voices_of, tuple(warnings), chosen is not None)


def _disclosed(script: Script, book: VoiceBook) -> Script:
    """The script ending with the narrator saying that synthetic voices made it (Apple
    requires it in the audio as in the metadata), in ``episode.disclosure``'s words; as
    it is when those are none (``false``) or there is nothing else to speak."""
    words = book.episode.disclosure
    if not words or not script.turns or script.turns[-1].text == words:
        return script  # none asked for, nothing to disclose, or said already (a re-render)
    closing = Turn(NARRATOR, (words,), TurnKind.DISCLOSURE, 0)
    return replace(script, turns=(*script.turns, closing))


def _read(path: Path, style: str | None, book: VoiceBook) -> tuple[Script, list[str]]:
    """The transcript parsed with the book's settings; when the book names an interviewer
    this transcript never labels and the transcript labels one of its own (a voices.yaml
    left over from another show), the transcript's own, with a warning."""
    settings = book.parse_settings()
    script, warnings = read(path, style, settings)
    wanted = book.interviewer
    if not wanted or find_speaker(wanted, list(dict.fromkeys(script.labels))):
        return script, warnings
    own, _ = read(path, style, replace(settings, interviewer=None))
    if own.interviewer in (None, INTERVIEWER) or own.interviewer not in own.labels:
        return script, warnings  # nobody labelled asks: the book names the asker
    warnings.append(
        f"{book.where}: interviewer: {wanted} is not in this transcript; its questions go "
        f"to {own.interviewer}, who asks them here: fix or remove the interviewer setting"
    )
    return own, warnings


def cast_script(
    book: VoiceBook, script: Script, palette: Palette | None
) -> tuple[VoiceBook, dict[str, Voice]]:
    """The cast, and the book with the narrator's voice when one was chosen for it (the
    narrator also reads asides and titles where it has no turn of its own)."""
    names = list(script.speakers)
    if palette is None or book.narrator_set:
        return book, cast(book, names, script, palette)
    voices_of = cast(book, [*names, NARRATOR] if NARRATOR not in names else names, script, palette)
    narrator = voices_of[NARRATOR] if NARRATOR in names else voices_of.pop(NARRATOR)
    return replace(book, narrator=narrator), voices_of
