"""The one library entry point: ``render(...) -> RenderResult``. Never prints."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from mutagen import MutagenError
from mutagen.mp3 import MP3

from podcast import __version__
from podcast.assembly import OUTPUT_RATE, Assembler, Span, Utterance
from podcast.cache import ClipCache, clip_key, default_dir
from podcast.clips import ClipSource, Job
from podcast.engines import Engine, create, unknown_voices
from podcast.errors import ConfigError, InputError
from podcast.export import Tags, format_of, stored_render_key, write_episode
from podcast.script import Script, parse
from podcast.speech import first_words, spoken_script
from podcast.voices import Voice, VoiceBook, find_voices_file, load

Progress = Callable[[int, int], None]
DEFAULT_BITRATE = 96
BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class RenderResult:
    """What a render produced."""

    output: Path
    """The episode file."""
    seconds: float
    """Its length."""
    turns: int
    """Number of turns spoken."""
    speakers: tuple[str, ...]
    """Speakers in order of first appearance."""
    synthesized: int = 0
    """Clips synthesized by the engine in this render."""
    cached: int = 0
    """Clips taken from the cache."""
    up_to_date: bool = False
    """True when the existing output already matched and nothing was rebuilt."""
    warnings: tuple[str, ...] = field(default=())
    """Things the user should know that did not stop the render."""
    timeline: tuple[Span, ...] = ()
    """Where each turn sits in the audio, in samples at 44.1 kHz (empty when up to date)."""


@dataclass(frozen=True)
class Loaded:
    """A transcript read, parsed and made speakable, with its voice book."""

    path: Path
    script: Script
    book: VoiceBook
    warnings: tuple[str, ...]


def read_transcript(path: Path) -> tuple[str, list[str]]:
    """The transcript's text and any warnings. UTF-8 (BOM or not), UTF-16 with BOM, else cp1252."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path}: larger than {MAX_BYTES // 2**20} MB; split the transcript")
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise InputError(f"{path}: no such file; check the transcript path") from error
    except IsADirectoryError as error:
        raise InputError(f"{path}: is a folder; give a transcript file") from error
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror})") from error
    text, warnings = _decode(path, data)
    if "\x00" in text:
        raise InputError(f"{path}: looks like a binary file, not a transcript; give a text file")
    if not any(c.isalnum() for c in text):
        raise InputError(f"{path}: has no text to speak; give a transcript with words in it")
    return text, warnings


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        warning = f"{path}: not UTF-8; read as Windows-1252 (save it as UTF-8 to be sure)"
        return data.decode("cp1252", errors="replace"), [warning]


def load_transcript(path: Path, voices: Path | None = None) -> Loaded:
    """Read the transcript and the voice book; parse and make the text speakable."""
    text, warnings = read_transcript(path)
    book = load(find_voices_file(voices, path))
    script = parse(text, interviewer=book.interviewer, aliases=book.aliases())
    script = spoken_script(script, book.pronunciations)
    if not script.turns:
        raise InputError(f"{path}: no speakable text found; check it is a transcript")
    return Loaded(path, script, book, tuple(warnings))


def default_output(transcript: Path) -> Path:
    """``output/<stem>.mp3`` under the current folder."""
    return Path("output") / f"{transcript.stem}.mp3"


def check_voices(engine: Engine, cast: dict[str, Voice], book: VoiceBook) -> None:
    """Every voice must exist before anything is synthesized (a typo keeps the previous voice)."""
    where = str(book.source or "built-in voices")
    problems = []
    for speaker, voice in cast.items():
        problems += [f"{where}: {speaker}: {p}" for p in unknown_voices(engine, [voice.voice])]
    if problems:
        raise ConfigError("\n".join(problems))


def plan(loaded: Loaded, engine: Engine) -> tuple[list[Utterance], list[Job]]:
    """One utterance and one clip job per paragraph of every turn."""
    cast = loaded.book.cast(loaded.script.speakers)
    check_voices(engine, cast, loaded.book)
    utterances, jobs = [], []
    for number, turn in enumerate(loaded.script.turns):
        voice = cast[turn.speaker]
        label = f'turn {number + 1} ("{first_words(turn, 6)}")'
        for index, text in enumerate(turn.paragraphs):
            utterances.append(Utterance(number, index, turn.speaker))
            key = clip_key(engine.name, engine.version, voice, text)
            jobs.append(Job(key, text, voice, label))
    return utterances, jobs


def render_key(jobs: list[Job], book: VoiceBook, tags: Tags, bitrate: int) -> str:
    """Fingerprint of everything that shapes the written file."""
    payload = [__version__, [j.key for j in jobs], asdict(book.pauses), asdict(tags), bitrate]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def render(
    transcript: Path,
    *,
    output: Path | None = None,
    voices: Path | None = None,
    bitrate: int = DEFAULT_BITRATE,
    engine: str = "espeak",
    jobs: int | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> RenderResult:
    """Render a transcript into an episode file."""
    if bitrate not in BITRATES:
        raise ConfigError(f"bitrate {bitrate} is not an MP3 bitrate; use one of {BITRATES}")
    loaded = load_transcript(transcript, voices)
    output = output or default_output(transcript)
    format_of(output)
    speech = create(engine)
    utterances, clip_jobs = plan(loaded, speech)
    tags = _tags(loaded)
    tags = replace(tags, render_key=render_key(clip_jobs, loaded.book, tags, bitrate))
    summary = _summary(loaded, output)
    if output.suffix.lower() == ".mp3" and stored_render_key(output) == tags.render_key:
        return RenderResult(**summary, seconds=_mp3_seconds(output), up_to_date=True)
    cache = ClipCache(cache_dir or default_dir()) if use_cache else None
    done = _counter(progress, len(clip_jobs))
    source = ClipSource(engine, speech, cache, jobs or os.cpu_count() or 1, done)
    assembler = Assembler(loaded.book.pauses)
    pieces = assembler.stream(zip(utterances, source.clips(clip_jobs), strict=True))
    write_episode(pieces, output, rate=OUTPUT_RATE, bitrate=bitrate, tags=tags)
    return RenderResult(
        **summary,
        seconds=assembler.seconds,
        synthesized=source.tally.synthesized,
        cached=source.tally.cached,
        timeline=tuple(assembler.spans),
    )


def _summary(loaded: Loaded, output: Path) -> dict:
    script = loaded.script
    return {
        "output": output,
        "turns": len(script.turns),
        "speakers": script.speakers,
        "warnings": loaded.warnings,
    }


def _tags(loaded: Loaded) -> Tags:
    episode = loaded.book.episode
    title = episode.title or loaded.script.title or loaded.path.stem
    return Tags(title=title, artist=episode.artist, album=episode.album)


def _counter(progress: Progress | None, total: int) -> Callable[[int], None]:
    state = {"done": 0}

    def step(count: int) -> None:
        state["done"] += count
        if progress:
            progress(state["done"], total)

    return step


def _mp3_seconds(path: Path) -> float:
    try:
        return float(MP3(str(path)).info.length)
    except MutagenError:
        return 0.0
