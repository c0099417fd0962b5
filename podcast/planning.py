"""Turns -> segment jobs: which clips each turn is made of, in which voice, with which
pauses between them. No engine calls beyond checking the voices exist; no audio."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from podcast.assembly import pause_after
from podcast.cache import clip_key
from podcast.engines import Engine, unknown_voices
from podcast.errors import ConfigError
from podcast.music import Music, music_of
from podcast.script import NARRATOR, split_long
from podcast.segments import ClipJob, SegmentJob
from podcast.speech import MARKER, first_words
from podcast.voices import Voice, VoiceBook

if TYPE_CHECKING:
    from podcast.render import Loaded

SEGMENT_WORDS = 250  # at most 3 minutes of audio (at 80 words a minute) in a worker at once
SENTENCE_PAUSE = 250  # ms, where a very long paragraph is cut between sentences
ASIDE_PAUSE = 200  # ms around an aside read by the narrator
BLEEP_MS = 350


@dataclass(frozen=True)
class Piece:
    """One clip of a turn: what to say (or a bleep), and the silence before it."""

    text: str
    gap: int
    """Milliseconds of silence before the piece."""
    kind: str = "speech"
    """speech (the speaker's voice), narrator (an aside) or bleep."""
    caption: str = ""
    """The text as captions show it, when it differs (a pronunciation respelled)."""


def check_voices(engine: Engine, cast: dict[str, Voice], book: VoiceBook) -> None:
    """Every voice must exist before anything is synthesized (a typo keeps the previous voice)."""
    where = str(book.source or "built-in voices")
    problems = []
    voices = {**cast, NARRATOR: book.narrator}  # asides are read by the narrator
    for speaker, voice in voices.items():
        problems += [f"{where}: {speaker}: {p}" for p in unknown_voices(engine, [voice.voice])]
    if problems:
        raise ConfigError("\n".join(dict.fromkeys(problems)))


def plan(loaded: Loaded, engine: Engine) -> list[SegmentJob]:
    """Segment jobs for every turn (one, unless the turn is very long), one clip job
    per paragraph, stretch of a very long paragraph, aside or bleep; and music."""
    return with_music(turn_jobs(loaded, engine), loaded)


def turn_jobs(loaded: Loaded, engine: Engine) -> list[SegmentJob]:
    """The turns' segment jobs."""
    book = loaded.book
    cast = book.cast(loaded.script.speakers)
    check_voices(engine, cast, book)
    turns = loaded.script.turns
    jobs = []
    for number, turn in enumerate(turns):
        voices = {"speech": cast[turn.speaker], "narrator": book.narrator}
        following = turns[number + 1].speaker if number + 1 < len(turns) else None
        label = f'turn {number + 1} ("{first_words(turn, 6)}")'
        said = pieces(turn.paragraphs, book.pauses.paragraph)
        groups = _groups(_with_captions(said, turn.captions, book.pauses.paragraph))
        for index, group in enumerate(groups):
            clips = tuple(_clip(piece, voices, engine) for piece in group)
            after = pause_after(book.pauses, turn.speaker, following)
            if number + 1 < len(turns):
                after += turns[number + 1].pause_before
            if index + 1 < len(groups):  # the next part of the same turn
                after = groups[index + 1][0].gap
            gaps = tuple(piece.gap for piece in group[1:])
            pan = voices["speech"].pan
            jobs.append(SegmentJob(clips, gaps, after, label, number, pan))
    return jobs


def with_music(jobs: list[SegmentJob], loaded: Loaded) -> list[SegmentJob]:
    """The intro before the first turn (or under it, ducked), a sting before every
    section after the first, the outro after the last turn."""
    settings, book = loaded.book.music, loaded.book
    if not (settings.intro or settings.outro or settings.between_sections):
        return jobs
    found = {name: _music(book, name) for name in ("intro", "outro", "between_sections")}
    pause = book.pauses.speaker_change
    result: list[SegmentJob] = []
    sections = {turn for turn, _ in loaded.script.sections if turn}
    for index, job in enumerate(jobs):
        first_part = index == 0 or jobs[index - 1].turn != job.turn
        if first_part and job.turn in sections and found["between_sections"]:
            result.append(
                SegmentJob((), (), pause, "section music", None, 0.0, found["between_sections"])
            )
        result.append(job)
    intro = found["intro"]
    if intro and intro.lead is not None:
        result[0] = replace(result[0], music=intro)
    elif intro:
        result.insert(0, SegmentJob((), (), pause, "intro music", None, 0.0, intro))
    if found["outro"]:
        result[-1] = replace(result[-1], after=pause)
        result.append(SegmentJob((), (), 0, "outro music", None, 0.0, found["outro"]))
    return result


def _music(book: VoiceBook, name: str) -> Music | None:
    settings = book.music
    file = getattr(settings, name)
    if not file:
        return None
    path = Path(file) if book.source is None else book.source.parent / file
    lead = settings.lead if name == "intro" and settings.duck else None
    where = f"{book.source or 'voices.yaml'}: music.{name}"
    return music_of(path, where, settings.fade_in, settings.fade_out, lead)


def _clip(piece: Piece, voices: dict[str, Voice], engine: Engine) -> ClipJob:
    if piece.kind == "bleep":
        return ClipJob(f"bleep-{BLEEP_MS}", "", voices["speech"], bleep=BLEEP_MS)
    voice = voices[piece.kind]
    key = clip_key(engine.name, engine.version, voice, piece.text)
    return ClipJob(key, piece.text, voice, aside=piece.kind == "narrator", caption=piece.caption)


def _with_captions(said: list[Piece], captions: tuple[str, ...], pause: int) -> list[Piece]:
    """The pieces with their caption text where the written form differs (pronunciations),
    when both split the same way; otherwise the spoken text is the caption."""
    shown = pieces(captions, pause) if captions else []
    if [p.kind for p in shown] != [p.kind for p in said]:
        return said
    return [
        replace(a, caption=b.text) if a.text != b.text else a
        for a, b in zip(said, shown, strict=True)
    ]


def pieces(paragraphs: tuple[str, ...], paragraph_pause: int) -> list[Piece]:
    """Every clip of a turn with the pause before it: paragraphs (very long ones cut at
    sentences), split where the text holds pause, bleep or aside markers."""
    found: list[Piece] = []
    for index, paragraph in enumerate(paragraphs):
        gap = paragraph_pause if index else 0
        position = 0
        for match in MARKER.finditer(paragraph):
            gap = _speech(found, paragraph[position : match.start()], gap)
            if match[1]:
                gap += int(match[1])
            elif match[2]:
                found.append(Piece("", gap, "bleep"))
                gap = 0
            else:
                found.append(Piece(match[3].strip(), gap + ASIDE_PAUSE, "narrator"))
                gap = ASIDE_PAUSE
            position = match.end()
        _speech(found, paragraph[position:], gap)
    return found


def _speech(found: list[Piece], text: str, gap: int) -> int:
    """Add the text's pieces; return the pause before whatever follows."""
    if not any(c.isalnum() for c in text):
        return gap
    for part, piece in enumerate(split_long(text, SEGMENT_WORDS)):
        found.append(Piece(piece, SENTENCE_PAUSE if part else gap))
    return 0


def _groups(found: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped into segments of at most SEGMENT_WORDS words, so the audio one
    worker holds stays small however long a turn is."""
    groups: list[list[Piece]] = []
    count = 0
    for piece in found:
        size = len(piece.text.split())
        if not groups or count + size > SEGMENT_WORDS:
            groups.append([])
            count = 0
        groups[-1].append(piece)
        count += size
    return groups
