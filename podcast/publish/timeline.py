"""Where everything sits in the episode, measured as the segments stream past: each
turn's span, each clip's cue, and the loudness of the whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from podcast.audio import SAMPLE_RATE, loudness
from podcast.audio.codec import Encoding
from podcast.audio.turn import Stored
from podcast.plan import SegmentJob
from podcast.text import aligned
from podcast.transcript.model import NARRATOR, Script

"""Every position in the timeline is a sample at this rate (the episode's)."""


@dataclass(frozen=True)
class Span:
    """Where one turn's speech sits in the episode, in samples at SAMPLE_RATE."""

    turn: int
    """Index of the turn in the script."""
    speaker: str
    """Who speaks it."""
    start: int
    """First sample of its speech."""
    end: int
    """Sample after its speech."""


@dataclass(frozen=True)
class Cue:
    """One clip of speech: who says what, from when to when (samples at SAMPLE_RATE)."""

    turn: int
    """Index of the turn in the script."""
    speaker: str
    """Who says it (the narrator, for an aside)."""
    start: int
    """First sample."""
    end: int
    """Sample after the last."""
    text: str
    """What is said, as captions show it."""
    words: tuple[int, ...] = ()
    """Where each word of ``text`` starts (samples at SAMPLE_RATE), from the engine's word
    timings; empty when it gave none."""


class Timeline:
    """Places each segment in the episode as it streams past."""

    def __init__(self, script: Script, encoding: Encoding) -> None:
        self.script = script
        self.encoding = encoding
        self.spans: list[Span] = []
        self.cues: list[Cue] = []
        self.blocks: list[float] = []
        self.peak = 0.0
        self.samples = 0
        self.starts: list[int] = []
        """Where each segment starts in the episode (samples)."""
        self.music_before: dict[int, int] = {}
        """Turns that music leads into (a sting before a section): where that music starts."""
        self._music_start: int | None = None

    @property
    def seconds(self) -> float:
        return self.samples / self.encoding.sample_rate

    @property
    def loudness(self) -> float:
        """Integrated loudness of the episode, LUFS."""
        return loudness.integrated(self.blocks)

    @property
    def true_peak(self) -> float:
        """True peak of the episode, dBTP."""
        return loudness.db(self.peak)

    def place(self, jobs: list[SegmentJob], segments: Iterator[Stored]) -> Iterator[bytes]:
        for job, stored in zip(jobs, segments, strict=True):
            self._record(job, stored)
            self.starts.append(self.samples)
            self.samples += self.encoding.decoded(stored.count)
            yield stored.data

    def _record(self, job: SegmentJob, stored: Stored) -> None:
        self.blocks.extend(stored.blocks)
        self.peak = max(self.peak, stored.peak)
        base = self.samples + self.encoding.lead
        if job.turn is None:  # music on its own
            self._music_start = base if self._music_start is None else self._music_start
            return
        if self._music_start is not None:
            self.music_before.setdefault(job.turn, self._music_start)
            self._music_start = None
        speaker = self.script.turns[job.turn].speaker
        start = base + (stored.clips[0][0] if stored.clips else 0)
        if self.spans and self.spans[-1].turn == job.turn:  # a long turn's next part
            start = self.spans.pop().start
        self.spans.append(Span(job.turn, speaker, start, base + stored.speech))
        words = stored.words or ((),) * len(stored.clips)
        for clip, (begin, end), starts in zip(job.clips, stored.clips, words, strict=False):
            if not clip.bleep:
                who = NARRATOR if clip.aside else speaker
                text = clip.caption or clip.text
                found = tuple(base + start for start in aligned(starts, len(text.split())))
                self.cues.append(Cue(job.turn, who, base + begin, base + end, text, found))


def milliseconds(samples: int) -> int:
    """A timeline position in milliseconds."""
    return round(samples * 1000 / SAMPLE_RATE)


def clock(milliseconds: int, separator: str = ".") -> str:
    """``HH:MM:SS.mmm`` (``,`` before the milliseconds for SubRip)."""
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, rest = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{rest:03d}"
