"""The one library entry point: ``render(...) -> RenderResult``. Never prints."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from mutagen import MutagenError
from mutagen.mp3 import MP3

from podcast import __version__
from podcast.assembly import Span
from podcast.cache import default_dir
from podcast.engines import create
from podcast.errors import ConfigError, InputError
from podcast.export import (
    Chapter,
    Encoding,
    Tags,
    format_of,
    stored_loudness,
    stored_render_key,
    write_episode,
)
from podcast.planning import plan
from podcast.script import Script, label_warnings
from podcast.segments import Producer, SegmentJob, Setup, use_engine
from podcast.sidefiles import chapters, side_paths, write_side_files
from podcast.speech import Reading, spoken_script
from podcast.styles import parse_transcript
from podcast.timeline import Cue, Timeline
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
    loudness: float | None = None
    """Integrated loudness of the audio written, LUFS (an MP3 is decoded to measure it)."""
    true_peak: float | None = None
    """Its true peak, dBTP."""
    chapters: tuple[Chapter, ...] = ()
    """The chapters written (empty when up to date)."""
    side_files: tuple[Path, ...] = ()
    """Captions, chapters and transcript written beside the episode."""
    cues: tuple[Cue, ...] = ()
    """Every clip of speech and where it is (empty when up to date)."""


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


def default_output(transcript: Path, fmt: str | None = None) -> Path:
    """``output/<stem>.mp3`` (or another format's extension) under the current folder."""
    return Path("output") / f"{transcript.stem}.{fmt or 'mp3'}"


def render_key(jobs: list[SegmentJob], encoding: Encoding, tags: Tags) -> str:
    """Fingerprint of everything that shapes the written file."""
    payload = [__version__, [j.key(encoding) for j in jobs], asdict(tags)]
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
    style: str | None = None,
    fmt: str | None = None,
) -> RenderResult:
    """Render a transcript into an episode file. ``style``: the transcript's (see
    podcast.styles.STYLES), detected when None; ``fmt``: the audio format, else the
    output's extension."""
    if bitrate not in BITRATES:
        raise ConfigError(f"bitrate {bitrate} is not an MP3 bitrate; use one of {BITRATES}")
    loaded = load_transcript(transcript, voices, style)
    output = output or default_output(transcript, fmt)
    encoding = _encoding(loaded.book, format_of(output, fmt), bitrate)
    speech = create(engine)
    segment_jobs = plan(loaded, speech)
    tags = _tags(loaded)
    tags = replace(tags, render_key=render_key(segment_jobs, encoding, tags))
    summary = _summary(loaded, output)
    if _up_to_date(output, encoding, tags, loaded.book.output.side_files):
        return RenderResult(**summary, **_stored_summary(output), up_to_date=True)
    use_engine(engine, speech)
    setup = Setup(engine, (cache_dir or default_dir()) if use_cache else None, encoding)
    producer = Producer(setup, jobs or os.cpu_count() or 1, _counter(progress, len(segment_jobs)))
    timeline = Timeline(loaded.script, encoding)
    segments = timeline.place(segment_jobs, producer.made(segment_jobs))

    def final_tags() -> Tags:  # called once every segment is written
        level = loudness_line(timeline.loudness, timeline.true_peak)
        return replace(tags, chapters=_chapters(loaded, timeline), loudness=level)

    write_episode(segments, output, encoding, final_tags)
    found = _chapters(loaded, timeline)
    side = ()
    if loaded.book.output.side_files:
        side = tuple(write_side_files(output, timeline.cues, found, tags.title))
    return RenderResult(
        **summary,
        seconds=timeline.seconds,
        synthesized=producer.synthesized,
        cached=producer.cached,
        timeline=tuple(timeline.spans),
        loudness=timeline.loudness,
        true_peak=timeline.true_peak,
        chapters=found,
        side_files=side,
        cues=tuple(timeline.cues),
    )


def _encoding(book: VoiceBook, fmt: str, bitrate: int) -> Encoding:
    out = book.output
    return Encoding(
        fmt, bitrate, channels=out.channels, loudness=out.loudness, true_peak=out.true_peak
    )


def _up_to_date(output: Path, encoding: Encoding, tags: Tags, side_files: bool) -> bool:
    if encoding.fmt != "mp3" or stored_render_key(output) != tags.render_key:
        return False
    return not side_files or all(path.is_file() for path in side_paths(output))


def _chapters(loaded: Loaded, timeline: Timeline) -> tuple[Chapter, ...]:
    mode = loaded.book.output.chapters
    if mode == "none":
        return ()
    return chapters(loaded.script, timeline.spans, mode, timeline.samples, timeline.music_before)


def loudness_line(integrated: float, true_peak: float) -> str:
    """How the summary line and the episode's tag say the loudness."""
    return f"{integrated:.1f} LUFS, true peak {true_peak:.1f} dBTP"


def _stored_summary(output: Path) -> dict:
    """Length and loudness of an episode that is already up to date, from its tags."""
    line = stored_loudness(output) or ""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", line)]
    found = {"seconds": _mp3_seconds(output)}
    if len(numbers) == 2:
        found |= {"loudness": numbers[0], "true_peak": numbers[1]}
    return found


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
    return Tags(
        title=title,
        artist=episode.author or episode.artist,
        album=episode.show or episode.album,
        number=episode.number,
        date=episode.date,
        description=episode.description,
        cover=_cover(loaded.book),
    )


def _cover(book: VoiceBook) -> Path | None:
    """The cover picture, relative to the voices file; it must exist."""
    name = book.episode.cover
    if not name:
        return None
    path = Path(name) if book.source is None else book.source.parent / name
    if not path.is_file():
        where = book.source or "voices.yaml"
        raise ConfigError(f"{where}: episode.cover: {path}: no such file; give a JPEG or PNG")
    return path


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
