"""One turn's audio chain, in one place: its clips joined with their pauses, levelled
(loudness and true peak), brought to the output rate, music added, panned, encoded and
measured again as it was encoded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from podcast.audio import SAMPLE_RATE, loudness
from podcast.audio.clips import (
    Joined,
    at_output_rate,
    joined,
    pcm16,
    samples,
    words_at_output_rate,
)
from podcast.audio.codec import Encoding
from podcast.audio.music import bed, under
from podcast.engines import Clip
from podcast.plan import Music, SegmentJob

CODEC_MARGIN = 0.5  # dB below the true-peak limit, for the peaks MP3 encoding adds
PEAK_RETRIES = 2  # times a segment is made again when the codec overshot even that


@dataclass(frozen=True)
class Stored:
    """An encoded turn: the bytes and the sample counts needed to place it in the episode."""

    data: bytes
    """The encoded segment."""
    count: int
    """Input samples the segment was encoded from."""
    speech: int
    """Samples of speech at its start (the rest is the pause after it)."""
    blocks: tuple[float, ...] = ()
    """K-weighted mean square of every 100 ms of it (for the episode's loudness)."""
    peak: float = 0.0
    """Its true peak, linear."""
    clips: tuple[tuple[int, int], ...] = ()
    """Where each clip starts and ends in it, in samples."""
    words: tuple[tuple[int, ...], ...] = ()
    """Where each clip's words start in it, in samples (empty where the engine gave no
    word timings)."""


def make_turn(job: SegmentJob, clips: Sequence[Clip], encoding: Encoding) -> Stored:
    """The turn's clips, spoken or cached, made into its encoded segment."""
    return finish(joined(clips, job.gaps), job, encoding)


def finish(turn: Joined, job: SegmentJob, encoding: Encoding) -> Stored:
    """Level the turn's speech, bring it to the output rate, add the pause after it,
    pan it, encode it, and measure the loudness and true peak of what was encoded
    (decoded again, for MP3). The codec's own overshoot is nearly always under
    CODEC_MARGIN; a segment that still ends up over the true-peak limit is made
    again with the limiter that much lower."""
    codec = encoding.codec_gain
    target = None if encoding.loudness is None else encoding.loudness - codec
    ceiling = encoding.true_peak - CODEC_MARGIN - codec
    for _ in range(1 + PEAK_RETRIES):
        stored = _encoded(turn, job, encoding, target, ceiling)
        over = loudness.db(stored.peak) - encoding.true_peak
        if target is None or over <= 0:
            break
        ceiling -= over + 0.1
    return stored


def _encoded(
    turn: Joined, job: SegmentJob, encoding: Encoding, target: float | None, ceiling: float
) -> Stored:
    """Samples are float32: a turn of several minutes is millions of them, and memory
    must stay small."""
    if target is not None:
        turn = level_turn(turn, target + job.gain, ceiling)
    elif job.gain:  # levels left as the engine made them: the volume scales them
        turn = replace(turn, audio=turn.audio * np.float32(10 ** (job.gain / 20)))
    speech, spans = at_output_rate(turn)
    words = words_at_output_rate(turn)
    if job.before:  # a pause the turn opens with
        speech, spans, words = _after_silence(speech, spans, words, samples(job.before))
    if job.music:
        speech, spans, words = _with_music(speech, spans, words, job.music, target, ceiling)
    spoken = len(speech)
    count = spoken + encoding.trailing(spoken, samples(job.after))
    audio = np.zeros(count, dtype=np.float32)
    audio[:spoken] = speech
    del speech
    frames = pcm16(_panned(audio, job.pan) if encoding.channels == 2 else audio)
    data = encoding.encode(frames)
    del frames
    heard = encoding.decode(data) if encoding.fmt.encoded_per_turn else None
    if heard is None:
        heard = audio * 10 ** (encoding.codec_gain / 20)
    power = tuple(float(p) for p in loudness.sub_blocks(heard))
    peak = loudness.true_peak(heard)
    return Stored(data, count, spoken, power, peak, tuple(spans), tuple(words))


def _after_silence(
    speech: np.ndarray, spans: list[tuple[int, int]], words: list[tuple[int, ...]], lead: int
) -> tuple[np.ndarray, list[tuple[int, int]], list[tuple[int, ...]]]:
    """The speech with ``lead`` samples of silence before it, clips and words moved."""
    padded = np.concatenate((np.zeros(lead, dtype=np.float32), speech))
    moved = [tuple(word + lead for word in clip) for clip in words]
    return padded, [(a + lead, b + lead) for a, b in spans], moved


def level_turn(turn: Joined, target: float, ceiling: float) -> Joined:
    """The turn levelled, at the output rate. A turn made at half that rate (eSpeak's)
    is measured and limited at its own rate: half the samples."""
    audio, spans = at_output_rate(turn)
    if turn.sample_rate * 2 == SAMPLE_RATE:
        audio = loudness.leveled(turn.audio, target, ceiling, doubled=audio)
    else:
        audio = loudness.leveled(audio, target, ceiling)
    return Joined(audio, SAMPLE_RATE, spans, words_at_output_rate(turn))


def _with_music(
    speech: np.ndarray,
    spans: list[tuple[int, int]],
    words: list[tuple[int, ...]],
    music: Music,
    target: float | None,
    ceiling: float,
) -> tuple[np.ndarray, list[tuple[int, int]], list[tuple[int, ...]]]:
    """Music on its own, or the turn's speech over a ducked intro (clips shifted)."""
    backing = bed(music, target, ceiling)
    if music.lead is None:
        return backing, spans, words
    mixed, start = under(speech, backing, music.lead)
    mixed = loudness.limit(mixed, 10 ** (ceiling / 20))
    shifted = [tuple(word + start for word in clip) for clip in words]
    return mixed, [(a + start, b + start) for a, b in spans], shifted


def _panned(audio: np.ndarray, pan: float) -> np.ndarray:
    """Constant-power pan: -1 left, 0 centre, 1 right; interleaved stereo."""
    angle = (pan + 1) * np.pi / 4
    return np.column_stack((audio * np.cos(angle), audio * np.sin(angle))).ravel()
