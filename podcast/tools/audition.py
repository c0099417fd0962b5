"""`podcast audition`: a short sample of every speaker's voice, to try a voice in seconds."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from podcast.audio.codec import Encoding
from podcast.config.cast import cast
from podcast.config.load import find_voices_file, load
from podcast.config.model import Voice, VoiceBook
from podcast.engines import DEFAULT, Engines, palette
from podcast.errors import InputError
from podcast.plan import ClipJob, SegmentJob, clip_key
from podcast.production.pool import Producer, Setup
from podcast.production.store import default_dir
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
    engine: str = DEFAULT,
) -> list[Sample]:
    """Render every speaker's first line (a fixed sentence without a transcript)."""
    engines = Engines(engine)
    book, lines, voices = _lines(transcript, voices, engines)
    if speaker:
        name = _pick(speaker, list(lines))
        lines = {name: lines[name]}
    engines.check({**voices, NARRATOR: book.narrator}, book.where)
    jobs = [_job(name, text, voices[name], engines) for name, text in lines.items()]
    encoding = Encoding()
    # made like any episode's turns: each engine in processes of its own, cached, levelled
    producer = Producer(Setup(engine, default_dir(), encoding), engines, os.cpu_count() or 1)
    samples = []
    for job, stored in zip(jobs, producer.made(jobs), strict=True):
        path = folder / f"{slug(job.label)}.mp3"
        write_episode([stored.data], path, encoding, Tags(f"{job.label}: audition"))
        samples.append(Sample(job.label, path, stored.speech / encoding.sample_rate))
    return samples


def _job(name: str, text: str, voice: Voice, engines: Engines) -> SegmentJob:
    clip = ClipJob(clip_key(engines.identify(voice), voice, text), text, voice)
    return SegmentJob(clips=(clip,), gaps=(), after=0, label=name, turn=None)


def _lines(
    transcript: Path | None, voices: Path | None, engines: Engines
) -> tuple[VoiceBook, dict[str, str], dict[str, Voice]]:
    """The voice book, what every speaker will say, and the voices they say it in (cast
    as a render of the transcript casts them)."""
    if transcript is None:
        book = load(find_voices_file(voices, None))
        names = [s.name for s in book.speakers] + [NARRATOR]
        lines = {name: f"Hello, I am {name}. This is how I sound." for name in names}
        return book, lines, cast(book, names, None, palette(book.defaults, engines))
    loaded = load_transcript(transcript, voices, None, lambda b: palette(b.defaults, engines))
    lines = {}
    for turn in loaded.script.turns:
        lines.setdefault(turn.speaker, split_long(turn.paragraphs[0], SAMPLE_WORDS)[0])
    return loaded.book, lines, loaded.cast


def _pick(wanted: str, names: list[str]) -> str:
    found = find_speaker(wanted, names)
    if found:
        return found
    raise InputError(f"no speaker '{wanted}'; the speakers are: {', '.join(names)}")


def slug(name: str) -> str:
    """A file name for a speaker: ``ALLISON WILLIAMS`` -> ``allison-williams``."""
    return re.sub(r"\W+", "-", name.casefold()).strip("-") or "speaker"
