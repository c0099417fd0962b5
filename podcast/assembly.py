"""Clips + pauses -> episode audio, streamed piece by piece (pydub). No engine, no I/O.

eSpeak ends every clip with about 250 ms of its own silence; it is trimmed so the
configured pauses are what the listener hears. Nothing is joined with ``+=``: the
episode is a stream of pieces the exporter writes as they come, so memory does not
grow with the episode's length.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from podcast.engines import Clip
from podcast.voices import Pauses

OUTPUT_RATE = 44100
SILENCE_DBFS = -50.0
KEEP_MS = 15  # of the silence around speech, so soft consonants are not clipped


@dataclass(frozen=True)
class Utterance:
    """One paragraph (or piece of one) of one turn, spoken as one clip."""

    turn: int
    """Index of the turn in the script."""
    paragraph: int
    """Index of the paragraph in the turn."""
    speaker: str
    """Who speaks it."""


@dataclass(frozen=True)
class Span:
    """Where one turn sits in the episode, in samples at OUTPUT_RATE."""

    turn: int
    speaker: str
    start: int
    end: int


@dataclass
class Assembler:
    """Turns clips into a stream of audio pieces and records each turn's span."""

    pauses: Pauses
    rate: int = OUTPUT_RATE
    spans: list[Span] = field(default_factory=list)
    frames: int = 0

    @property
    def seconds(self) -> float:
        """Length of everything streamed so far."""
        return self.frames / self.rate

    def stream(self, items: Iterable[tuple[Utterance, Clip]]) -> Iterator[AudioSegment]:
        """Yield pause and speech pieces in order."""
        previous: Utterance | None = None
        for utterance, clip in items:
            pause = self.pause_before(previous, utterance)
            if pause:
                yield self._emit(AudioSegment.silent(pause, frame_rate=self.rate))
            speech = trim(to_segment(clip)).set_frame_rate(self.rate)
            self._note(utterance, previous, speech)
            yield self._emit(speech)
            previous = utterance

    def pause_before(self, previous: Utterance | None, current: Utterance) -> int:
        """Milliseconds of silence between two utterances."""
        if previous is None:
            return 0
        if previous.turn == current.turn:
            same = previous.paragraph == current.paragraph
            return self.pauses.sentence if same else self.pauses.paragraph
        if previous.speaker == current.speaker:
            return self.pauses.turn
        return self.pauses.speaker_change

    def _note(self, current: Utterance, previous: Utterance | None, speech: AudioSegment) -> None:
        end = self.frames + int(speech.frame_count())
        if previous is not None and previous.turn == current.turn:
            self.spans[-1] = Span(current.turn, current.speaker, self.spans[-1].start, end)
        else:
            self.spans.append(Span(current.turn, current.speaker, self.frames, end))

    def _emit(self, piece: AudioSegment) -> AudioSegment:
        self.frames += int(piece.frame_count())
        return piece


def to_segment(clip: Clip) -> AudioSegment:
    """A clip as a pydub segment."""
    return AudioSegment(data=clip.pcm, sample_width=2, frame_rate=clip.rate, channels=1)


def trim(segment: AudioSegment) -> AudioSegment:
    """Cut leading and trailing silence, keeping KEEP_MS of each."""
    start = detect_leading_silence(segment, SILENCE_DBFS, chunk_size=5)
    end = len(segment) - detect_leading_silence(segment.reverse(), SILENCE_DBFS, chunk_size=5)
    if end <= start:
        return segment
    return segment[max(0, start - KEEP_MS) : min(len(segment), end + KEEP_MS)]
