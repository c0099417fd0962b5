"""`podcast audition`: a short sample of every speaker's voice, to try a voice in seconds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from podcast.assembly import speech
from podcast.engines import create
from podcast.errors import InputError
from podcast.export import Encoding, Tags, write_episode
from podcast.planning import check_voices
from podcast.render import load_transcript
from podcast.script import NARRATOR, is_part_of, split_long
from podcast.voices import VoiceBook, find_voices_file, load

SAMPLE_WORDS = 40
FOLDER = Path("output") / "audition"


@dataclass(frozen=True)
class Sample:
    """One speaker's audition file."""

    speaker: str
    path: Path
    seconds: float


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
    speech_engine = create(engine)
    cast = book.cast(list(lines))
    check_voices(speech_engine, cast, book)
    encoding = Encoding()
    samples = []
    for name, text in lines.items():
        pcm = speech([speech_engine.synthesize(text, cast[name])], ())
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
    for name in names:
        if name.casefold() == wanted.casefold() or is_part_of(wanted, name):
            return name
    raise InputError(f"no speaker '{wanted}'; the speakers are: {', '.join(names)}")


def slug(name: str) -> str:
    """A file name for a speaker: ``ALLISON WILLIAMS`` -> ``allison-williams``."""
    return re.sub(r"\W+", "-", name.casefold()).strip("-") or "speaker"
