"""Clips + pauses -> one turn's speech, at the engine's rate or the output rate. No I/O.

eSpeak ends every clip with about 250 ms of its own silence; it is trimmed so the
configured pauses are what the listener hears. A turn's pieces are collected and
joined once (never ``+=`` in a loop, which is quadratic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from podcast.audio import SAMPLE_RATE
from podcast.engines import Clip

SPEECH_RATE = SAMPLE_RATE // 2  # eSpeak's
SILENCE_DBFS = -50.0
KEEP_MS = 15  # of the silence around speech, so soft consonants are not clipped


def samples(milliseconds: int) -> int:
    """Milliseconds as a number of samples at SAMPLE_RATE."""
    return milliseconds * SAMPLE_RATE // 1000


def speech(clips: Sequence[Clip], gaps: Sequence[int]) -> bytes:
    """One turn's speech as 16-bit PCM at SAMPLE_RATE: trimmed clips, ``gaps`` ms apart."""
    audio, _ = at_output_rate(joined(clips, gaps))
    return pcm16(audio)


@dataclass(frozen=True)
class Joined:
    """A turn's clips joined, at the rate they were made (levelling is cheaper there)."""

    audio: np.ndarray
    """float32 samples, full scale 1.0."""
    sample_rate: int
    """Samples per second: SPEECH_RATE or SAMPLE_RATE."""
    spans: list[tuple[int, int]]
    """Where each clip starts and ends (samples at ``sample_rate``)."""
    words: list[tuple[int, ...]] = field(default_factory=list)
    """Where each clip's words start (samples at ``sample_rate``; empty for a clip whose engine
    gave no word timings)."""


def joined(clips: Sequence[Clip], gaps: Sequence[int]) -> Joined:
    """Trimmed clips with ``gaps`` ms between them, at SPEECH_RATE when every clip is
    (eSpeak's rate; bleeps are made at it), else at SAMPLE_RATE."""
    rate = SPEECH_RATE if all(clip.sample_rate == SPEECH_RATE for clip in clips) else SAMPLE_RATE
    pieces: list[np.ndarray] = []
    spans = []
    words = []
    position = 0
    for index, clip in enumerate(clips):
        if index:
            gap = gaps[index - 1] * rate // 1000
            pieces.append(np.zeros(gap, np.float32))
            position += gap
        segment = to_segment(clip)
        start, end = trim_bounds(segment)
        audio = _at_rate(segment[start:end], rate)
        pieces.append(audio)
        spans.append((position, position + len(audio)))
        lead = start * clip.sample_rate // 1000  # samples trimmed from the front
        words.append(
            tuple(
                position + min(len(audio), max(0, (word - lead) * rate // clip.sample_rate))
                for word in clip.words
            )
        )
        position += len(audio)
    audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return Joined(audio, rate, spans, words)


def at_output_rate(turn: Joined) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The turn's audio and clip spans at SAMPLE_RATE."""
    if turn.sample_rate == SAMPLE_RATE:
        return turn.audio, turn.spans
    return doubled(turn.audio), [(2 * start, 2 * end) for start, end in turn.spans]


def words_at_output_rate(turn: Joined) -> list[tuple[int, ...]]:
    """The turn's word starts at SAMPLE_RATE."""
    factor = SAMPLE_RATE // turn.sample_rate
    return [tuple(factor * word for word in clip) for clip in turn.words]


def pcm16(audio: np.ndarray) -> bytes:
    """float samples (full scale 1.0) as 16-bit little-endian PCM."""
    return np.clip(np.round(audio * 32767), -32768, 32767).astype("<i2").tobytes()


BLEEP_HZ = 1000
BLEEP_LEVEL = 8000  # of 32767: about -12 dBFS, like speech peaks


def bleep(milliseconds: int, rate: int = SPEECH_RATE) -> Clip:
    """A censor's bleep: a 1 kHz tone with 5 ms fades, so it does not click."""
    index = np.arange(milliseconds * rate // 1000)
    ramp = np.minimum(1.0, np.minimum(index, index[::-1]) / (5 * rate // 1000))
    tone = BLEEP_LEVEL * ramp * np.sin(2 * np.pi * BLEEP_HZ * index / rate)
    return Clip(tone.astype("<i2").tobytes(), rate)


HALF_BAND_TAPS = 32


@lru_cache(maxsize=1)
def _half_sample() -> np.ndarray:
    """Windowed-sinc taps that interpolate a signal halfway between its samples."""
    offsets = np.arange(HALF_BAND_TAPS) - (HALF_BAND_TAPS - 1) / 2
    taps = np.sinc(offsets) * np.kaiser(HALF_BAND_TAPS, 8.0)
    return (taps / taps.sum()).astype(np.float32)


def doubled(audio: np.ndarray) -> np.ndarray:
    """float32 samples at twice their rate (eSpeak's 22050 Hz -> 44100 Hz), by a
    windowed-sinc interpolator: linear interpolation (pydub's) leaves images of the
    speech above 11 kHz, a hiss that MP3 encoding then cuts (and loudness misreads)."""
    if not len(audio):
        return np.zeros(0, np.float32)
    half = HALF_BAND_TAPS // 2
    audio = audio.astype(np.float32, copy=False)
    between = np.convolve(audio, _half_sample(), "full")[half : half + len(audio)]
    out = np.empty(2 * len(audio), np.float32)
    out[0::2], out[1::2] = audio, between
    return out


def _at_rate(segment: AudioSegment, rate: int) -> np.ndarray:
    """The segment's samples at ``rate`` (SPEECH_RATE or SAMPLE_RATE), as float32: at
    half the rate by the half-band interpolator, at any other by soxr (very high
    quality; pydub's own resampling is close to linear and leaves images)."""
    audio = np.frombuffer(segment.raw_data, "<i2").astype(np.float32) / np.float32(32768)
    if segment.frame_rate == rate:
        return audio
    if segment.frame_rate * 2 == rate:
        return doubled(audio)
    return resampled(audio, segment.frame_rate, rate)


def resampled(audio: np.ndarray, rate: int, wanted: int) -> np.ndarray:
    """float32 samples from ``rate`` to ``wanted`` samples a second (soxr, VHQ)."""
    import soxr

    return soxr.resample(audio, rate, wanted, quality="VHQ").astype(np.float32, copy=False)


def to_segment(clip: Clip) -> AudioSegment:
    """A clip as a pydub segment."""
    return AudioSegment(data=clip.pcm, sample_width=2, frame_rate=clip.sample_rate, channels=1)


def trim(segment: AudioSegment) -> AudioSegment:
    """Cut leading and trailing silence, keeping KEEP_MS of each."""
    start, end = trim_bounds(segment)
    return segment[start:end]


def trim_bounds(segment: AudioSegment) -> tuple[int, int]:
    """Where the speech with KEEP_MS of silence either side starts and ends, in ms."""
    start = detect_leading_silence(segment, SILENCE_DBFS, chunk_size=5)
    end = len(segment) - detect_leading_silence(segment.reverse(), SILENCE_DBFS, chunk_size=5)
    if end <= start:
        return 0, len(segment)
    return max(0, start - KEEP_MS), min(len(segment), end + KEEP_MS)
