"""The one library entry point: ``render(...) -> RenderResult``. Never prints."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from mutagen import MutagenError
from mutagen.mp3 import MP3

from podcast.audio.codec import FORMATS, Encoding, Format, TagStyle, format_of
from podcast.audio.music import check as check_music
from podcast.config.model import (
    STANDARDS,
    ChapterMode,
    Output,
    Person,
    Preset,
    Role,
    VoiceBook,
)
from podcast.engines import DEFAULT, Engines, kind_of, natural_advice, palette, wants_natural
from podcast.errors import ConfigError, OutputError
from podcast.files import same_file
from podcast.plan import SegmentJob, plan
from podcast.production.pool import Producer, Setup
from podcast.production.store import CACHE_ENV, Cache, default_dir
from podcast.publish.chapters import Chapter, chapters
from podcast.publish.cover import CoverProblem, read_cover
from podcast.publish.episode import write_episode
from podcast.publish.page import Heading
from podcast.publish.sidefiles import EpisodeFile, side_paths, write_side_files
from podcast.publish.split import Placed, Spool, parts, write_parts
from podcast.publish.tags import Tags, stored_levels, stored_render_key
from podcast.publish.timeline import Cue, Span, Timeline
from podcast.source import Loaded, load_transcript
from podcast.speakable.rules import ReadingRule
from podcast.text import counted
from podcast.transcript.model import NARRATOR
from podcast.transcript.styles import STYLES
from podcast.version import __version__

Progress = Callable[[int, int], None]
DEFAULT_BITRATE = 96
BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


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
    repaired: int = 0
    """Cache entries found damaged (their checksum did not match) and made again."""
    up_to_date: bool = False
    """True when the existing output already matched and nothing was rebuilt."""
    warnings: tuple[str, ...] = field(default=())
    """Things the user should know that did not stop the render."""
    advice: str | None = None
    """How to get natural voices, when speakers without a voice of their own speak with
    eSpeak NG because no natural engine is installed."""
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
    preset: Preset | None = None
    """The publisher's rules voices.yaml asked for (``output.preset``)."""
    as_written: frozenset[ReadingRule] = frozenset()
    """The kinds of written forms voices.yaml keeps as written (``reading:``)."""


MAX_NAME = 200
"""Bytes an episode's file name may take: side files add up to 16 more, and the
temporary file written first adds a dot, 8 random letters and .part (255 is the most
most file systems allow)."""


def default_output(transcript: Path, fmt: str | None = None, folder: Path = Path("output")) -> Path:
    """``output/<stem>.mp3`` (or another format's extension, or another folder)."""
    return folder / f"{transcript.stem}.{fmt or 'mp3'}"


def output_of(given: str | None, transcript: Path, fmt: str | None) -> Path | None:
    """The episode ``-o`` names: a file, or, written with a slash at the end, the
    folder to put <stem>.mp3 in (``-o episodes/``); None when not given."""
    if given is None:
        return None
    if given.endswith(("/", os.sep)):
        return default_output(transcript, fmt, Path(given))
    return Path(given)


def render_key(jobs: list[SegmentJob], encoding: Encoding, tags: Tags) -> str:
    """Fingerprint of everything that shapes the written file."""
    payload = [__version__, [j.key(encoding.fingerprint) for j in jobs], asdict(tags)]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Options:
    """How an episode is rendered: one small value that the command line, a batch and
    a library caller share."""

    voices: Path | None = None
    """voices.yaml (None: ./voices.yaml, else one beside the transcript, else defaults)."""
    engine: str = DEFAULT
    """The engine that speaks voices naming none."""
    bitrate: int = DEFAULT_BITRATE
    """MP3 bitrate in kbit/s (CBR)."""
    jobs: int | None = None
    """Engine processes (None: one per core)."""
    style: str | None = None
    """The transcript's style (see podcast.transcript.styles.STYLES); None: detected."""
    fmt: str | None = None
    """The audio format; None: the output's extension."""
    use_cache: bool = True
    """False makes every clip and segment again."""
    cache_dir: Path | None = None
    """The cache folder (None: $PODCAST_CACHE_DIR, else the user cache folder)."""
    cache_bound: int | None = None
    """Bytes the cache may hold (None: $PODCAST_CACHE_MAX_MB, else 2 GB)."""
    split: bool = False
    """Also write one MP3 file per chapter beside the episode (``--split chapters``)."""


def render(
    transcript: Path,
    output: Path | None = None,
    options: Options = Options(),
    *,
    engines: Engines | None = None,
    progress: Progress | None = None,
    previous_key: str | None = None,
) -> RenderResult:
    """Render a transcript into an episode file (``output``, else output/<stem>.mp3).
    ``engines``: this process's engines, kept from one render to the next (a batch
    worker's), else made afresh; ``previous_key``: the render key of a copy of the
    episode kept elsewhere (a cluster batch's client has it): when it is this
    render's, nothing is done (up to date)."""
    if options.bitrate not in BITRATES:
        raise ConfigError(f"bitrate {options.bitrate} is not an MP3 bitrate; use one of {BITRATES}")
    engines = engines or Engines(options.engine)
    work = _prepare(transcript, output, options, engines)
    summary = _summary(work.loaded, work.output, work.warnings, engines)
    if options.use_cache and previous_key is not None and previous_key == work.tags.render_key:
        return RenderResult(**summary, seconds=0.0, up_to_date=True)
    fresh = options.use_cache and not options.split  # chapter files: made every time
    if fresh and _up_to_date(work.output, work.encoding, work.tags, work.side):
        return RenderResult(**summary, **stored_summary(work.output), up_to_date=True)
    return _produce(work, options, engines, progress, summary)


@dataclass(frozen=True)
class _Work:
    """A render planned, before any audio is made."""

    loaded: Loaded
    """The transcript, read, parsed, spoken and cast."""
    output: Path
    """The episode file."""
    encoding: Encoding
    """How its audio is encoded."""
    jobs: list[SegmentJob]
    """Every segment to make, in order."""
    tags: Tags
    """Its tags, the render key among them."""
    side: list[Path]
    """The side files to write beside it."""
    warnings: list[str]
    """What the user should know (a cover's size, a side file kept under another name)."""


def _prepare(transcript: Path, output: Path | None, options: Options, engines: Engines) -> _Work:
    """Read, check and plan everything, so that bad input fails before any work."""
    loaded = load_transcript(
        transcript, options.voices, options.style, lambda book: palette(book.defaults, engines)
    )
    output = output or default_output(transcript, options.fmt)
    if len(output.name.encode()) > MAX_NAME:
        raise OutputError(
            f"{output.name[:40]}…: the file name is {len(output.name.encode())} bytes long; "
            f"give one of at most {MAX_NAME} with -o"
        )
    encoding = _encoding(loaded.book, format_of(output, options.fmt), options.bitrate)
    if options.split and encoding.fmt is not Format.MP3:
        raise OutputError(f"{output}: --split chapters writes MP3 files; name the episode .mp3")
    engines.check({**loaded.cast, NARRATOR: loaded.book.narrator}, loaded.book.where)
    segment_jobs = _room_tone(plan(loaded, engines.identify), loaded.book.output)
    musics = list(dict.fromkeys(job.music for job in segment_jobs if job.music))
    for music in musics:
        check_music(music)
    cover, warnings = _cover(loaded.book)
    if not loaded.book.episode.disclosure:
        warnings.append(
            f"{loaded.book.where}: episode.disclosure is false: Apple requires episodes made "
            "with synthetic voices to say so in the audio and the metadata"
        )
    inputs = _inputs(loaded, [Path(m.path) for m in musics], cover)
    side, moved = _outputs(output, inputs, loaded.book.output)
    tags = _tags(loaded, cover, engines)
    tags = replace(tags, render_key=render_key(segment_jobs, encoding, tags))
    return _Work(loaded, output, encoding, segment_jobs, tags, side, [*warnings, *moved])


def _produce(
    work: _Work, options: Options, engines: Engines, progress: Progress | None, summary: dict
) -> RenderResult:
    """Make the audio, write the episode and its side files."""
    root = (options.cache_dir or default_dir()) if options.use_cache else None
    setup = Setup(options.engine, root, work.encoding)
    workers = options.jobs or os.cpu_count() or 1
    producer = Producer(setup, engines, workers, _counter(progress, work.jobs))
    timeline = Timeline(work.loaded.script, work.encoding)
    segments = timeline.place(work.jobs, producer.made(work.jobs))
    spool = _spool(work.output) if options.split else None
    if spool:
        segments = spool.tee(segments)

    def final_tags() -> Tags:  # called once every segment is written
        levels = {"loudness": timeline.loudness, "true_peak": timeline.true_peak}
        return replace(work.tags, chapters=_chapters(work.loaded, timeline), **levels)

    write_episode(segments, work.output, work.encoding, final_tags)
    found = _chapters(work.loaded, timeline)
    if work.side:
        episode = EpisodeFile(work.output, timeline.seconds, timeline.spans)
        write_side_files(work.side, timeline.cues, found, _heading(work), episode)
    side = list(work.side)
    if spool:
        side += _split(work, spool, timeline, found)
        if not found:
            summary["warnings"] += (
                f"{work.output}: --split chapters: the episode has no chapters (no sections "
                "or questions, or output.chapters: none); no chapter files written",
            )
    repaired, trouble = producer.cache_report()
    if root is not None:
        Cache(root, options.cache_bound).trim()
    if trouble:
        summary["warnings"] += (_cache_warning(root, trouble),)
    return RenderResult(
        **summary,
        seconds=timeline.seconds,
        synthesized=producer.synthesized,
        cached=producer.cached,
        repaired=repaired,
        timeline=tuple(timeline.spans),
        loudness=timeline.loudness,
        true_peak=timeline.true_peak,
        chapters=found,
        side_files=tuple(side),
        cues=tuple(timeline.cues),
    )


def _spool(output: Path) -> Spool:
    try:
        return Spool()
    except OSError as error:
        reason = error.strerror or error
        raise OutputError(f"{output}: no room for the chapter files' spool ({reason})") from error


def _split(work: _Work, spool: Spool, timeline: Timeline, found: tuple[Chapter, ...]) -> list[Path]:
    """One MP3 file per chapter beside the episode, with its side files."""
    try:
        if not found:
            return []
        chapters = parts(work.output, found, timeline.starts, work.encoding.lead)
        placed = Placed(timeline.starts, timeline.samples, timeline.cues, timeline.spans)
        return write_parts(chapters, spool, placed, work.tags, _heading(work))
    except OSError as error:
        reason = error.strerror or error
        raise OutputError(f"{work.output}: cannot write the chapter files ({reason})") from error
    finally:
        spool.close()


def _inputs(loaded: Loaded, music: list[Path], cover: Path | None) -> dict[str, Path]:
    """Every file the render reads, by what it is to the user."""
    found = {"the transcript": loaded.path}
    if loaded.book.source is not None:
        found["the voices file"] = loaded.book.source
    found |= {f"the music file {path.name}": path for path in music}
    if cover is not None:
        found["the cover"] = cover
    return found


def _heading(work: _Work) -> Heading:
    """What the page and the show notes say of the episode: the tags, and the cast with
    the voice each speaks in."""
    tags, loaded = work.tags, work.loaded
    spoken = _spoken(loaded)
    cast = [
        f"{person['name']} ({person['role']}): {loaded.cast[name].voice}"
        for name, person in zip(spoken, tags.persons[: len(spoken)], strict=True)
    ]
    if NARRATOR in loaded.script.speakers:
        named = loaded.book.narrator_name
        cast.append(
            f"{named + ' (narrator)' if named else 'Narrator'}: {loaded.book.narrator.voice}"
        )
    return Heading(
        tags.title,
        tags.show,
        tags.author,
        tags.episode.description,
        cast=tuple(cast),
        disclosure=tags.disclosure,
    )


def _spoken(loaded: Loaded) -> list[str]:
    return [name for name in loaded.script.speakers if name != NARRATOR]


def _outputs(
    output: Path, inputs: dict[str, Path], settings: Output
) -> tuple[list[Path], list[str]]:
    """Where the side files go, and what was moved: the episode may not land on an
    input (refused before any work), and a side file that would is named otherwise."""
    for what, path in inputs.items():
        if same_file(output, path):
            raise OutputError(f"{output}: is {what}; choose another output file with -o")
    if not settings.side_files:
        return [], []
    side = side_paths(output, list(inputs.values()), settings.page)
    moved = [
        f"{wanted}: is {what}, kept as it is; the episode's copy is {path}"
        for wanted, path in zip(side_paths(output, page=settings.page), side, strict=True)
        if wanted != path
        for what, given in inputs.items()
        if same_file(wanted, given)
    ]
    return side, moved


def _cache_warning(root: Path | None, reason: str) -> str:
    return (
        f"the cache at {root} cannot be written ({reason}); rendered without storing "
        f"clips: free space there or set {CACHE_ENV} to another folder"
    )


def _encoding(book: VoiceBook, fmt: Format, bitrate: int) -> Encoding:
    out = book.output
    if out.preset:  # a publisher's numbers over the settings
        standard = STANDARDS[out.preset]
        return Encoding(
            fmt, standard.bitrate, loudness=standard.loudness, true_peak=standard.true_peak
        )
    return Encoding(
        fmt, bitrate, channels=out.channels, loudness=out.loudness, true_peak=out.true_peak
    )


def _room_tone(jobs: list[SegmentJob], out: Output) -> list[SegmentJob]:
    """A preset's room tone: the middle of its range of silence before the first words
    and after the last."""
    if not out.preset or not jobs:
        return jobs
    standard = STANDARDS[out.preset]
    head, tail = (round(500 * (low + high)) for low, high in (standard.head, standard.tail))
    jobs = [replace(jobs[0], before=jobs[0].before + head), *jobs[1:]]
    jobs[-1] = replace(jobs[-1], after=tail)
    return jobs


def _up_to_date(output: Path, encoding: Encoding, tags: Tags, side: list[Path]) -> bool:
    if encoding.fmt.tag_style is not TagStyle.ID3 or stored_render_key(output) != tags.render_key:
        return False
    return all(path.is_file() for path in side)


def _chapters(loaded: Loaded, timeline: Timeline) -> tuple[Chapter, ...]:
    mode = loaded.book.output.chapters
    if mode == ChapterMode.NONE:
        return ()
    return chapters(loaded.script, timeline.spans, mode, timeline.samples, timeline.music_before)


def summary(result: RenderResult) -> str:
    """The one line that says what a render made."""
    minutes, seconds = divmod(round(result.seconds), 60)
    if result.up_to_date:
        state = "up to date, nothing to do"
    else:
        state = f"{counted(result.synthesized, 'clip')} synthesized, {result.cached} from cache"
    if result.repaired:
        state += f", {counted(result.repaired, 'damaged cache entry', 'entries')} made again"
    level = ""
    if result.loudness is not None and result.true_peak is not None:
        level = f", {loudness_line(result.loudness, result.true_peak)}"
    return (
        f"{result.output}: {minutes}:{seconds:02d}, {counted(result.turns, 'turn')}, "
        f"{counted(len(result.speakers), 'speaker')}{level} ({state})"
    )


def split_formats(formats: Iterable[str]) -> tuple[str | None, str | None]:
    """``--format`` values as (transcript style, audio format): each names one or the other."""
    given = list(formats)
    style = next((f for f in given if f in STYLES), None)
    fmt = next((f for f in given if f in FORMATS), None)
    return style, fmt


def loudness_line(integrated: float, true_peak: float) -> str:
    """How the summary line says the loudness."""
    return f"{integrated:.1f} LUFS, true peak {true_peak:.1f} dBTP"


def stored_summary(output: Path) -> dict:
    """Length and loudness of an episode that is already up to date, from its tags."""
    levels = stored_levels(output)
    found = {"seconds": _mp3_seconds(output)}
    if levels is not None:
        found |= {"loudness": levels[0], "true_peak": levels[1]}
    return found


def _summary(loaded: Loaded, output: Path, warnings: list[str], engines: Engines) -> dict:
    script = loaded.script
    return {
        "output": output,
        "turns": len(script.turns),
        "speakers": script.speakers,
        "warnings": (*loaded.warnings, *warnings),
        "advice": _advice(loaded, engines),
        "preset": loaded.book.output.preset,
        "as_written": loaded.book.as_written,
    }


def _advice(loaded: Loaded, engines: Engines) -> str | None:
    """How to get natural voices, when a speaker without a voice of their own got
    eSpeak NG's only because none is installed."""
    book = loaded.book
    if loaded.natural or not wants_natural(book.defaults, engines):
        return None
    unvoiced = any(not (s := book.speaker(n)) or not s.has_voice for n in loaded.script.speakers)
    return natural_advice() if unvoiced else None


def _tags(loaded: Loaded, cover: Path | None, engines: Engines) -> Tags:
    episode = loaded.book.episode
    title = episode.title or loaded.script.title or loaded.path.stem
    voices = [*loaded.cast.values(), loaded.book.narrator]
    made_with = tuple(dict.fromkeys(kind_of(engines.kind(v)).label for v in voices))
    persons = persons_of(loaded)
    return Tags(
        title, episode, cover, made_with=made_with, persons=persons, disclosure=episode.disclosure
    )


def persons_of(loaded: Loaded) -> tuple[dict[str, str], ...]:
    """Every speaker but the narrator as the feed lists them: the role voices.yaml gives,
    else host for the interviewer (the first speaker when there is none) and guest for
    the rest; a name in capitals as a name is written. The narrator is listed only when
    voices.yaml names them (``narrator: {name: ...}``)."""
    speakers = _spoken(loaded)
    host = loaded.script.interviewer or (speakers[0] if speakers else None)
    found = []
    for name in speakers:
        configured = loaded.book.speaker(name)
        person = configured.person if configured and configured.person else Person()
        role = person.role or (Role.HOST if name == host else Role.GUEST)
        entry = {"name": name.title() if name.isupper() else name, "role": str(role)}
        found.append(entry | _links(person))
    book = loaded.book
    if book.narrator_name and NARRATOR in loaded.script.speakers:
        person = book.narrator_person or Person()
        entry = {"name": book.narrator_name, "role": str(person.role or Role.NARRATOR)}
        found.append(entry | _links(person))
    return tuple(found)


def _links(person: Person) -> dict[str, str]:
    return {k: v for k, v in (("img", person.img), ("href", person.href)) if v}


def _cover(book: VoiceBook) -> tuple[Path | None, list[str]]:
    """The cover picture, relative to the voices file, checked to be a JPEG or PNG; and
    a warning when podcast directories would refuse its size."""
    name = book.episode.cover
    if not name:
        return None, []
    path = book.path_of(name)
    try:
        picture = read_cover(path)
    except CoverProblem as problem:
        raise ConfigError(f"{book.where}: episode.cover: {path}: {problem}") from problem
    advice = picture.advice()
    return path, [f"{book.where}: episode.cover: {path}: {advice}"] if advice else []


def _counter(progress: Progress | None, jobs: list[SegmentJob]) -> Callable[[int], None]:
    """Progress in turns: a turn is done when its last segment is (music is not counted)."""
    ends = {job.turn: index for index, job in enumerate(jobs) if job.turn is not None}
    last = set(ends.values())
    state = {"segment": 0, "turns": 0}

    def step(count: int) -> None:
        for _ in range(count):
            state["turns"] += state["segment"] in last
            state["segment"] += 1
        if progress:
            progress(state["turns"], len(ends))

    return step


def _mp3_seconds(path: Path) -> float:
    try:
        return float(MP3(str(path)).info.length)
    except MutagenError:
        return 0.0
