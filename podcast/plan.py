"""Turns -> segment jobs: which clips each turn is made of, in which voice, with which
pauses between them, and where music goes. No engine, no audio: the engine's identity
comes in as a function, for the cache keys."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import asdict, astuple, dataclass, replace
from enum import StrEnum
from pathlib import Path

from podcast.config.model import Voice, VoiceBook
from podcast.errors import ConfigError
from podcast.source import Loaded
from podcast.speakable.text import MARKER, MAX_PAUSE, cue_name
from podcast.text import first_words, split_long
from podcast.timing import Spot, Timing, reaction_spots, timings
from podcast.transcript.model import NARRATOR, Turn

Identify = Callable[[Voice], str]
"""The engine that speaks a voice, and its version, as one string for cache keys."""
KEY_FORMAT = 5  # bump when the meaning of a key changes (4: clips carry word starts;
# 5: eSpeak NG clips no longer depend on what was spoken before them, so none made before is kept)

SEGMENT_WORDS = 250  # at most 3 minutes of audio (at 80 words a minute) in a worker at once
SENTENCE_PAUSE = 250  # ms, where a very long paragraph is cut between sentences
ASIDE_PAUSE = 200  # ms around an aside read by the narrator
BLEEP_MS = 350
SOUND_PAUSE = 150  # ms after a cue's sound, before the words go on
SOUND_FADES = (0.01, 0.08)  # seconds of fade in and out of a cue's sound


class PieceKind(StrEnum):
    """Whose voice a piece of a turn is in."""

    SPEECH = "speech"
    """The speaker's."""
    NARRATOR = "narrator"
    """The narrator's: an aside."""
    BLEEP = "bleep"
    """No voice: a censored word's bleep."""
    SOUND = "sound"
    """No voice: a cue's sound from ``sounds:`` (a segment of its own)."""


@dataclass(frozen=True)
class Piece:
    """One clip of a turn: what to say (or a bleep), and the silence before it."""

    text: str
    """What to say (empty for a bleep)."""
    gap: int
    """Milliseconds of silence before the piece."""
    kind: PieceKind = PieceKind.SPEECH
    """Whose voice it is in."""
    caption: str = ""
    """The text as captions show it, when it differs (a pronunciation respelled)."""


@dataclass(frozen=True)
class Music:
    """One piece of music in the episode."""

    path: str
    """The file."""
    digest: str
    """SHA-256 of the file, so an edited file is a new cache key."""
    fade_in: float = 0.5
    """Seconds of fade at the start."""
    fade_out: float = 2.0
    """Seconds of fade at the end."""
    lead: float | None = None
    """For a ducked intro: seconds of music before the first words (None: not ducked)."""
    where: str = "music"
    """How messages name it: ``voices.yaml: music.intro``."""
    sound: bool = False
    """A cue's sound (``sounds:``), part of its turn, not music between turns."""


@dataclass(frozen=True)
class ClipJob:
    """One piece of a turn to speak (or a bleep)."""

    key: str
    """Clip cache key: engine, version, voice settings and text."""
    text: str
    """What to say."""
    voice: Voice
    """Who says it."""
    bleep: int = 0
    """Milliseconds of bleep tone instead of speech (a censored word)."""
    aside: bool = False
    """An editorial aside, read by the narrator."""
    caption: str = ""
    """The text as captions show it, when it differs from what is said."""


@dataclass(frozen=True)
class Handoff:
    """The end of the turn before, talked over at the start of this one (a cut-in)."""

    clip: ClipJob
    """The turn before's last clip."""
    overlap: int
    """Milliseconds of its end that play under this turn's start, ducked."""
    gain: float
    """Its speaker's ``volume``, as dB under the episode's level."""
    pan: float
    """Its speaker's place in stereo."""


@dataclass(frozen=True)
class Reaction:
    """The listener's short reaction under a long answer, after one of its sentences."""

    clip: ClipJob
    """The listener saying it."""
    piece: int
    """Which clip of the segment the sentence is in."""
    word: int
    """The sentence's last word, by index in that clip's text."""
    gain: float
    """dB under the episode's level: ``reactions.level`` and the listener's volume."""
    pan: float
    """The listener's place in stereo."""


@dataclass(frozen=True)
class SegmentJob:
    """One turn (or part of a very long turn) to turn into encoded audio."""

    clips: tuple[ClipJob, ...]
    """The clips, in order."""
    gaps: tuple[int, ...]
    """Milliseconds between consecutive clips."""
    after: int
    """Milliseconds of pause after the turn."""
    label: str
    """How to name the turn in an error: ``turn 12 ("I imagine this...")``."""
    turn: int | None = 0
    """Index of the turn this segment is (part of); None for music on its own."""
    pan: float = 0.0
    """Stereo position of the speaker, -1 (left) to 1 (right)."""
    music: Music | None = None
    """Music: on its own (no clips), or under the start of the turn (``music.lead``)."""
    before: int = 0
    """Milliseconds of silence before the first clip: a ``[pause]`` the turn opens with."""
    gain: float = 0.0
    """dB under the episode's level the turn is set at: the speaker's ``volume`` (1 is
    the episode's level, 0.5 is 6 dB under it), applied after levelling."""
    cut: int = 0
    """Milliseconds of the turn's end left to the next segment, which talks over it."""
    under: Handoff | None = None
    """The end of the turn before, under this one's start (a cut-in)."""
    reactions: tuple[Reaction, ...] = ()
    """The listener's reactions under this segment."""

    @classmethod
    def of_music(cls, music: Music, label: str, after: int) -> SegmentJob:
        """Music on its own, between turns, followed by ``after`` ms of pause."""
        return cls(clips=(), gaps=(), after=after, label=label, turn=None, music=music)

    def key(self, encoding: str) -> str:
        """Segment cache key: the clips, the pauses, the music and ``encoding`` (a
        fingerprint of how the segment is encoded)."""
        music = asdict(self.music) if self.music else None
        if music:
            music.pop("where")
            if not music["sound"]:  # the keys of music made before sounds existed stay
                music.pop("sound")
        payload = [[c.key for c in self.clips], self.gaps, self.after, self.pan, music, encoding]
        if self.gain or self.before:
            payload += [self.gain, self.before]
        if self.cut or self.under:
            under = self.under and [self.under.clip.key, *astuple(self.under)[1:]]
            payload += [self.cut, under]
        if self.reactions:
            payload.append([[r.clip.key, r.piece, r.word, r.gain, r.pan] for r in self.reactions])
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


QUIETEST = -60.0
"""dB: ``volume: 0`` (a speaker all but silent)."""


def volume_gain(volume: float) -> float:
    """A ``volume:`` as dB under the episode's level (1.0: 0 dB; 0.5: -6 dB)."""
    if volume >= 1:
        return 0.0
    return max(QUIETEST, 20 * math.log10(volume)) if volume > 0 else QUIETEST


def clip_key(engine: str, voice: Voice, text: str) -> str:
    """A key of the engine (name and version), the voice settings and the final text."""
    settings = asdict(voice)
    for name in ("pan", "given", "origin"):  # none changes what the voice says
        settings.pop(name)
    payload = json.dumps([KEY_FORMAT, engine, settings, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def plan(loaded: Loaded, identify: Identify) -> list[SegmentJob]:
    """Segment jobs for every turn (one, unless the turn is very long), one clip job
    per paragraph, stretch of a very long paragraph, aside or bleep; and music."""
    return with_music(turn_jobs(loaded, identify), loaded)


def turn_jobs(loaded: Loaded, identify: Identify) -> list[SegmentJob]:
    """The turns' segment jobs, with the gaps and cut-ins of ``timing``."""
    timed = timings(loaded.script, loaded.book.pauses)
    jobs: list[SegmentJob] = []
    handoff: Handoff | None = None
    for number, timing in enumerate(timed):
        made, handoff = _turn(loaded, number, timing, handoff, identify)
        jobs += made
    return jobs


def _turn(
    loaded: Loaded, number: int, timing: Timing, handoff: Handoff | None, identify: Identify
) -> tuple[list[SegmentJob], Handoff | None]:
    """One turn's jobs (its parts, and the sounds of its cues), and the end of it that
    the next turn talks over, if it does."""
    book, turns = loaded.book, loaded.script.turns
    turn = turns[number]
    speech = loaded.cast[turn.speaker]
    voices = {PieceKind.SPEECH: speech, PieceKind.NARRATOR: book.narrator}
    label = f'turn {number + 1} ("{first_words(turn.shown, 6)}")'
    groups = _turn_groups(loaded, number)
    heard = _reactions(loaded, number, groups, identify)
    following = turns[number + 1] if number + 1 < len(turns) else None
    cue_line = following.pause_before if following and not _cue_sound(book, following) else 0
    jobs = []
    cue = _cue_sound(book, turn)
    if cue:  # a cue line before the turn ((APPLAUSE)) that sounds: gives a sound for
        jobs.append(_sound_job(book, cue, label, number, SOUND_PAUSE))
        handoff = None
    for index, group in enumerate(groups):
        after = groups[index + 1][0].gap if index + 1 < len(groups) else timing.gap + cue_line
        if group[0].kind == PieceKind.SOUND:
            jobs.append(_sound_job(book, group[0].text, label, number, after))
            handoff = None
            continue
        job = SegmentJob(
            tuple(_clip(piece, voices, identify) for piece in group),
            tuple(piece.gap for piece in group[1:]),
            after,
            label,
            turn=number,
            pan=speech.pan,
            before=group[0].gap if index == 0 else 0,  # the parts after: the part before's
            gain=volume_gain(speech.volume),
            under=handoff if index == 0 else None,
            reactions=heard.get(index, ()),
        )
        handoff = None
        if index + 1 == len(groups) and following:
            handoff = _handoff(job, following, timing.overlap, loaded.cast)
            job = replace(job, cut=handoff.overlap) if handoff else job
        jobs.append(job)
    return jobs, handoff


def _turn_groups(loaded: Loaded, number: int) -> list[list[Piece]]:
    """The turn's pieces, with their captions, in the groups each segment is made of."""
    book, turn = loaded.book, loaded.script.turns[number]
    voices = {PieceKind.SPEECH: loaded.cast[turn.speaker], PieceKind.NARRATOR: book.narrator}
    said = pieces(turn.paragraphs, book.pauses.paragraph)
    engines = {kind: voice.engine for kind, voice in voices.items()}
    return _groups(_with_captions(said, turn.captions, book.pauses.paragraph), engines)


def _spots(loaded: Loaded, number: int, groups: list[list[Piece]]) -> list[tuple[int, int, Spot]]:
    """Where the turn's listener (who spoke before it) reacts, as (segment, piece in it,
    spot): when ``reactions:`` lets the listener react and the turn is long; only in a
    voice of the turn's own engine (a worker speaks with one)."""
    book, cast, turns = loaded.book, loaded.cast, loaded.script.turns
    listener = turns[number - 1].speaker if number else None
    speaker = turns[number].speaker
    if listener in (None, speaker, NARRATOR) or not book.reactions.reacts(listener):
        return []
    if cast[listener].engine != cast[speaker].engine:
        return []
    where = [
        (segment, place) for segment, group in enumerate(groups) for place in range(len(group))
    ]
    texts = [p.text if p.kind == PieceKind.SPEECH else "" for group in groups for p in group]
    spots = reaction_spots(number, turns[number], texts, book.reactions.words)
    return [(*where[spot.piece], spot) for spot in spots]


def _reactions(
    loaded: Loaded, number: int, groups: list[list[Piece]], identify: Identify
) -> dict[int, tuple[Reaction, ...]]:
    """The listener's reactions in the turn, by the index of the segment they fall in."""
    found: dict[int, list[Reaction]] = {}
    for segment, piece, spot in _spots(loaded, number, groups):
        voice = loaded.cast[loaded.script.turns[number - 1].speaker]
        gain = volume_gain(voice.volume) + loaded.book.reactions.level
        clip = _clip(Piece(spot.said, 0), {PieceKind.SPEECH: voice}, identify)
        found.setdefault(segment, []).append(Reaction(clip, piece, spot.word, gain, voice.pan))
    return {segment: tuple(reactions) for segment, reactions in found.items()}


def reactions_heard(loaded: Loaded) -> list[str]:
    """Every reaction, a line each, for ``podcast turns``: the turn, who reacts, what
    they say and after which words."""
    lines = []
    for number in range(1, len(loaded.script.turns)):
        groups = _turn_groups(loaded, number)
        listener = loaded.script.turns[number - 1].speaker
        for segment, piece, spot in _spots(loaded, number, groups):
            words = groups[segment][piece].text.split()[max(0, spot.word - 3) : spot.word + 1]
            lines.append(f"{number + 1:>4}  {listener}: '{spot.said}' after '…{' '.join(words)}'")
    return lines


def _cue_sound(book: VoiceBook, turn: Turn) -> str | None:
    """The name of the sound for the cue line before ``turn``, if ``sounds:`` has one."""
    name = cue_name(turn.cue_before) if turn.cue_before else None
    return name if name in book.sounds else None


def _sound_job(book: VoiceBook, name: str, label: str, turn: int, after: int) -> SegmentJob:
    """A cue's sound from ``sounds:``, as a part of its turn of its own."""
    path = book.path_of(book.sounds[name])
    where = f"{book.where}: sounds.{name}"
    digest = _digest_of_audio(path, where)
    fade_in, fade_out = SOUND_FADES
    sound = Music(str(path), digest, fade_in, fade_out, None, where, sound=True)
    return SegmentJob(
        clips=(), gaps=(), after=after, label=f"{label}: sound {name}", turn=turn, music=sound
    )


def _handoff(
    job: SegmentJob, following: Turn, overlap: int, cast: dict[str, Voice]
) -> Handoff | None:
    """The end of ``job`` for the next turn to talk over, when the turn breaks off into
    it: its last clip must be speech, and the next speaker's voice of the same engine
    (a worker speaks with one engine), with no pause of its own before it."""
    last = job.clips[-1] if job.clips else None
    if not overlap or last is None or last.bleep or last.aside or following.pause_before:
        return None
    first = following.paragraphs[0] if following.paragraphs else ""
    if cast[following.speaker].engine != last.voice.engine or MARKER.match(first):
        return None
    return Handoff(last, overlap, job.gain, job.pan)


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
            result.append(SegmentJob.of_music(found["between_sections"], "section music", pause))
        result.append(job)
    intro = found["intro"]
    if intro and intro.lead is not None:
        result[0] = replace(result[0], music=intro)
    elif intro:
        result.insert(0, SegmentJob.of_music(intro, "intro music", pause))
    if found["outro"]:
        result[-1] = replace(result[-1], after=pause)
        result.append(SegmentJob.of_music(found["outro"], "outro music", 0))
    return result


def _music(book: VoiceBook, name: str) -> Music | None:
    """The music file configured as ``music.NAME``, which must exist."""
    settings = book.music
    file = getattr(settings, name)
    if not file:
        return None
    path = book.path_of(file)
    where = f"{book.where}: music.{name}"
    digest = _digest_of_audio(path, where)
    lead = settings.lead if name == "intro" and settings.duck else None
    return Music(str(path), digest, settings.fade_in, settings.fade_out, lead, where)


def _digest_of_audio(path: Path, where: str) -> str:
    """SHA-256 of a music or sound file, which must be a regular file (a pipe is never
    opened: reading it could wait for ever)."""
    if not path.is_file():
        why = "not a regular file" if path.exists() else "no such file"
        raise ConfigError(f"{where}: {path}: {why}; give a WAV, FLAC, OGG or MP3 file")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clip(piece: Piece, voices: dict[str, Voice], identify: Identify) -> ClipJob:
    if piece.kind == PieceKind.BLEEP:
        return ClipJob(f"bleep-{BLEEP_MS}", "", voices[PieceKind.SPEECH], bleep=BLEEP_MS)
    voice = replace(voices[piece.kind], volume=1.0)  # the turn's gain sets the level
    key = clip_key(identify(voice), voice, piece.text)
    aside = piece.kind == PieceKind.NARRATOR
    return ClipJob(key, piece.text, voice, aside=aside, caption=piece.caption)


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
            if match[1]:  # a run of pauses is one pause, as long as one may be
                gap = min(MAX_PAUSE, gap + int(match[1]))
            elif match[2]:
                found.append(Piece("", gap, PieceKind.BLEEP))
                gap = 0
            elif match[4]:
                found.append(Piece(match[4], gap, PieceKind.SOUND))
                gap = SOUND_PAUSE
            else:
                found.append(Piece(match[3].strip(), gap + ASIDE_PAUSE, PieceKind.NARRATOR))
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


def _groups(found: list[Piece], engines: dict[str, str | None]) -> list[list[Piece]]:
    """Pieces grouped into segments of at most SEGMENT_WORDS words and MAX_PAUSE of
    silence, so the audio one worker holds stays small however long a turn is and
    however many pauses it asks for; and spoken by one engine each (an aside in a
    voice of another engine is a segment of its own), since engines of different kinds
    are kept in different processes. ``engines``: the engine of each kind of piece."""
    groups: list[list[Piece]] = []
    count = silence = 0
    engine: str | None = None
    for piece in found:
        size = len(piece.text.split())
        speaker = engines.get(piece.kind, engine) if piece.kind != PieceKind.BLEEP else engine
        if (
            not groups
            or piece.kind == PieceKind.SOUND
            or groups[-1][-1].kind == PieceKind.SOUND
            or count + size > SEGMENT_WORDS
            or silence + piece.gap > MAX_PAUSE
            or speaker != engine
        ):
            groups.append([])
            count = silence = 0
            engine = speaker
        else:
            silence += piece.gap
        groups[-1].append(piece)
        count += size
    return groups
