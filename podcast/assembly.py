"""Clips + pauses -> one turn's audio (pydub). No engine, no I/O decisions.

eSpeak ends every clip with about 250 ms of its own silence; it is trimmed so the
configured pauses are what the listener hears. A turn's pieces are collected and
joined once (never ``+=`` in a loop, which is quadratic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from podcast.engines import Clip
from podcast.voices import Pauses

OUTPUT_RATE = 44100
SILENCE_DBFS = -50.0
KEEP_MS = 15  # of the silence around speech, so soft consonants are not clipped


@dataclass(frozen=True)
class Span:
    """Where one turn's speech sits in the episode, in samples at OUTPUT_RATE."""

    turn: int
    speaker: str
    start: int
    end: int


def pause_after(pauses: Pauses, speaker: str, next_speaker: str | None) -> int:
    """Milliseconds of silence after a turn: none at the end, longer when the speaker changes."""
    if next_speaker is None:
        return 0
    return pauses.turn if next_speaker == speaker else pauses.speaker_change


def samples(milliseconds: int) -> int:
    """Milliseconds as a number of samples at OUTPUT_RATE."""
    return milliseconds * OUTPUT_RATE // 1000


def speech(clips: Sequence[Clip], gaps: Sequence[int]) -> bytes:
    """One turn's speech at OUTPUT_RATE: trimmed clips with ``gaps`` ms between them."""
    return joined(clips, gaps)[0]


def joined(clips: Sequence[Clip], gaps: Sequence[int]) -> tuple[bytes, list[tuple[int, int]]]:
    """``speech()``, and where each clip starts and ends in it (in samples)."""
    pieces = []
    spans = []
    position = 0
    for index, clip in enumerate(clips):
        if index:
            pieces.append(bytes(2 * samples(gaps[index - 1])))
            position += samples(gaps[index - 1])
        pcm = resampled(trim(to_segment(clip)))
        pieces.append(pcm)
        spans.append((position, position + len(pcm) // 2))
        position += len(pcm) // 2
    return b"".join(pieces), spans


BLEEP_HZ = 1000
BLEEP_LEVEL = 8000  # of 32767: about -12 dBFS, like speech peaks


def bleep(milliseconds: int) -> Clip:
    """A censor's bleep: a 1 kHz tone with 5 ms fades, so it does not click."""
    index = np.arange(samples(milliseconds))
    ramp = np.minimum(1.0, np.minimum(index, index[::-1]) / samples(5))
    tone = BLEEP_LEVEL * ramp * np.sin(2 * np.pi * BLEEP_HZ * index / OUTPUT_RATE)
    return Clip(tone.astype("<i2").tobytes(), OUTPUT_RATE)


HALF_BAND_TAPS = 32


@lru_cache(maxsize=1)
def _half_sample() -> np.ndarray:
    """Windowed-sinc taps that interpolate a signal halfway between its samples."""
    offsets = np.arange(HALF_BAND_TAPS) - (HALF_BAND_TAPS - 1) / 2
    taps = np.sinc(offsets) * np.kaiser(HALF_BAND_TAPS, 8.0)
    return taps / taps.sum()


def resampled(segment: AudioSegment) -> bytes:
    """The segment's samples at OUTPUT_RATE. Doubling the rate (eSpeak's 22050 Hz) uses
    a windowed-sinc interpolator: pydub's linear interpolation leaves images of the
    speech above 11 kHz, a hiss that MP3 encoding then cuts (and loudness misreads)."""
    if segment.frame_rate * 2 != OUTPUT_RATE:
        return segment.set_frame_rate(OUTPUT_RATE).raw_data
    x = np.frombuffer(segment.raw_data, "<i2").astype(np.float64)
    half = HALF_BAND_TAPS // 2
    between = np.convolve(x, _half_sample(), "full")[half : half + len(x)]
    out = np.empty(2 * len(x))
    out[0::2], out[1::2] = x, between
    return np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes()


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
