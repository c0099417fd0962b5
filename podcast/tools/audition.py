"""`podcast audition`: a short sample of every speaker's voice, to try a voice in seconds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from podcast.audio.clips import speech
from podcast.audio.codec import Encoding
from podcast.config.cast import cast
from podcast.config.load import find_voices_file, load
from podcast.config.model import VoiceBook
from podcast.engines import Engines
from podcast.errors import InputError
from podcast.publish.episode import write_episode
from podcast.publish.tags import Tags
from podcast.source import load_transcript
from podcast.text import split_long
from podcast.transcript.model import NARRATOR, find_speaker

SAMPLE_WORDS = 40
FOLDER = Path("output") / "audition"


@dataclass(frozen=True)
class Sample:
    """One speaker's audition file."""

    speaker: str
    """Whose voice it is."""
    path: Path
    """The sample file."""
    seconds: float
    """How long it is."""


def audition(
    transcript: Path | None = None,
    *,
    speaker: str | None = None,
    voices: Path | None = None,
    folder: Path = FOLDER,
    engine: str = "espeak",
) -> list[Sample]:
    """Render every speaker's first line (a fixed sentence without a transcript)."""
    book, lines = _lines(transcript, voices)
    if speaker:
        name = _pick(speaker, list(lines))
        lines = {name: lines[name]}
    engines = Engines(engine)
    voices = cast(book, list(lines))
    engines.check({**voices, NARRATOR: book.narrator}, book.where)
    encoding = Encoding()
    samples = []
    for name, text in lines.items():
        voice = voices[name]
        pcm = speech([engines.speaking(voice).synthesize(text, voice)], ())
        path = folder / f"{slug(name)}.mp3"
        write_episode([encoding.encode(pcm)], path, encoding, Tags(f"{name}: audition"))
        samples.append(Sample(name, path, len(pcm) / 2 / encoding.rate))
    return samples


def _lines(transcript: Path | None, voices: Path | None) -> tuple[VoiceBook, dict[str, str]]:
    """The voice book and, for every speaker, what they will say."""
    if transcript is None:
        book = load(find_voices_file(voices, None))
        names = [s.name for s in book.speakers] + [NARRATOR]
        return book, {name: f"Hello, I am {name}. This is how I sound." for name in names}
    loaded = load_transcript(transcript, voices)
    lines: dict[str, str] = {}
    for turn in loaded.script.turns:
        lines.setdefault(turn.speaker, split_long(turn.paragraphs[0], SAMPLE_WORDS)[0])
    return loaded.book, lines


def _pick(wanted: str, names: list[str]) -> str:
    found = find_speaker(wanted, names)
    if found:
        return found
    raise InputError(f"no speaker '{wanted}'; the speakers are: {', '.join(names)}")


def slug(name: str) -> str:
    """A file name for a speaker: ``ALLISON WILLIAMS`` -> ``allison-williams``."""
    return re.sub(r"\W+", "-", name.casefold()).strip("-") or "speaker"
