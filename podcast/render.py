"""The one library entry point: ``render(...) -> RenderResult``. Never prints."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from mutagen import MutagenError
from mutagen.mp3 import MP3

from podcast import __version__
from podcast.assembly import Span
from podcast.cache import Stored, default_dir
from podcast.engines import create
from podcast.errors import ConfigError, InputError
from podcast.export import Encoding, Tags, format_of, stored_render_key, write_episode
from podcast.planning import plan
from podcast.script import Script, label_warnings
from podcast.segments import Producer, SegmentJob, Setup, use_engine
from podcast.speech import Reading, spoken_script
from podcast.styles import parse_transcript
from podcast.voices import VoiceBook, find_voices_file, load
from podcast.voices import warnings as book_warnings

Progress = Callable[[int, int], None]
DEFAULT_BITRATE = 96
BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MAX_BYTES = 16 * 1024 * 1024  # about 2.5 million words: days of audio


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
            raise InputError(
                f"{path}: larger than {MAX_BYTES // 2**20} MB, which is days of audio; "
                "split the transcript into episodes"
            )
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


def load_transcript(path: Path, voices: Path | None = None, style: str | None = None) -> Loaded:
    """Read the transcript and the voice book; parse (in ``style``, else the detected
    one) and make the text speakable."""
    text, warnings = read_transcript(path)
    book = load(find_voices_file(voices, path))
    script = parse_transcript(
        text,
        style or _style_of(path),
        interviewer=book.interviewer,
        aliases=book.aliases(),
        skip=book.skip,
        narration=book.narration,
    )
    script = spoken_script(script, Reading.of(book))
    if not script.turns:
        raise InputError(f"{path}: no speakable text found; check it is a transcript")
    warnings += label_warnings(script)
    warnings += book_warnings(book, script.speakers, book.cast(script.speakers))
    return Loaded(path, script, book, tuple(warnings))


def _style_of(path: Path) -> str | None:
    """Caption files are known by their extension; everything else by its content."""
    return "captions" if path.suffix.lower() in (".vtt", ".srt") else None


def default_output(transcript: Path) -> Path:
    """``output/<stem>.mp3`` under the current folder."""
    return Path("output") / f"{transcript.stem}.mp3"


def render_key(jobs: list[SegmentJob], encoding: Encoding, tags: Tags) -> str:
    """Fingerprint of everything that shapes the written file."""
    payload = [__version__, [j.key(encoding) for j in jobs], asdict(tags)]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


class Timeline:
    """Places each segment in the episode as it streams past, recording every turn's span."""

    def __init__(self, script: Script, encoding: Encoding) -> None:
        self.script = script
        self.encoding = encoding
        self.spans: list[Span] = []
        self.samples = 0

    @property
    def seconds(self) -> float:
        return self.samples / self.encoding.rate

    def place(self, jobs: list[SegmentJob], segments: Iterator[Stored]) -> Iterator[bytes]:
        for job, stored in zip(jobs, segments, strict=True):
            start = self.samples + self.encoding.lead
            if self.spans and self.spans[-1].turn == job.turn:  # a long turn's next part
                start = self.spans.pop().start
            speaker = self.script.turns[job.turn].speaker
            end = self.samples + self.encoding.lead + stored.speech
            self.spans.append(Span(job.turn, speaker, start, end))
            self.samples += self.encoding.decoded(stored.count)
            yield stored.data


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
    style: str | None = None,
) -> RenderResult:
    """Render a transcript into an episode file (``style``: see podcast.styles.STYLES;
    detected when None)."""
    if bitrate not in BITRATES:
        raise ConfigError(f"bitrate {bitrate} is not an MP3 bitrate; use one of {BITRATES}")
    loaded = load_transcript(transcript, voices, style)
    output = output or default_output(transcript)
    encoding = Encoding(format_of(output), bitrate)
    speech = create(engine)
    segment_jobs = plan(loaded, speech)
    tags = _tags(loaded)
    tags = replace(tags, render_key=render_key(segment_jobs, encoding, tags))
    summary = _summary(loaded, output)
    if encoding.fmt == "mp3" and stored_render_key(output) == tags.render_key:
        return RenderResult(**summary, seconds=_mp3_seconds(output), up_to_date=True)
    use_engine(engine, speech)
    setup = Setup(engine, (cache_dir or default_dir()) if use_cache else None, encoding)
    producer = Producer(setup, jobs or os.cpu_count() or 1, _counter(progress, len(segment_jobs)))
    timeline = Timeline(loaded.script, encoding)
    segments = timeline.place(segment_jobs, producer.made(segment_jobs))
    write_episode(segments, output, encoding, tags)
    return RenderResult(
        **summary,
        seconds=timeline.seconds,
        synthesized=producer.synthesized,
        cached=producer.cached,
        timeline=tuple(timeline.spans),
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
