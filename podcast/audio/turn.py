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
from podcast.plan import Music, Reaction, SegmentJob

TALKED_OVER = -9.0  # dB: a voice under the one that cuts in
DUCK_RAMP_MS = 80  # how quickly it goes down
REACTION_LEAD_MS = 120  # a reaction starts this much before the next sentence
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


@dataclass(frozen=True)
class Others:
    """The clips of other voices under a turn: the end of the turn before, talked over
    (``job.under``), and the listener's reactions (``job.reactions``), in order."""

    under: Clip | None = None
    """The turn before's last clip (its end is talked over)."""
    reactions: tuple[Clip, ...] = ()
    """The listener's reactions, one for each of ``job.reactions``."""


NOBODY = Others()
"""No other voice under the turn."""


def make_turn(
    job: SegmentJob, clips: Sequence[Clip], encoding: Encoding, others: Others = NOBODY
) -> Stored:
    """The turn's clips, spoken or cached, made into its encoded segment, with the
    other voices under it."""
    return finish(joined(clips, job.gaps), job, encoding, others)


def finish(turn: Joined, job: SegmentJob, encoding: Encoding, others: Others = NOBODY) -> Stored:
    """Level the turn's speech, bring it to the output rate, add the pause after it,
    pan it, encode it, and measure the loudness and true peak of what was encoded
    (decoded again, for MP3). The codec's own overshoot is nearly always under
    CODEC_MARGIN; a segment that still ends up over the true-peak limit is made
    again with the limiter that much lower."""
    codec = encoding.codec_gain
    target = None if encoding.loudness is None else encoding.loudness - codec
    ceiling = encoding.true_peak - CODEC_MARGIN - codec
    for _ in range(1 + PEAK_RETRIES):
        stored = _encoded(turn, job, encoding, target, ceiling, others)
        over = loudness.db(stored.peak) - encoding.true_peak
        if target is None or over <= 0:
            break
        ceiling -= over + 0.1
    return stored


def _encoded(
    turn: Joined,
    job: SegmentJob,
    encoding: Encoding,
    target: float | None,
    ceiling: float,
    others: Others,
) -> Stored:
    """Samples are float32: a turn of several minutes is millions of them, and memory
    must stay small."""
    turn = _at_level(turn, target, job.gain, ceiling)
    speech, spans = at_output_rate(turn)
    words = words_at_output_rate(turn)
    if job.cut:  # the end the next turn talks over is played there
        speech, spans, words = _cut(speech, spans, words, job.cut)
    if job.before:  # a pause the turn opens with
        speech, spans, words = _after_silence(speech, spans, words, samples(job.before))
    if job.music:
        speech, spans, words = _with_music(speech, spans, words, job.music, target, ceiling)
    under = _under(job, others, spans, words, target, ceiling)
    spoken = max([len(speech), *(start + len(voice) for start, voice, _ in under)])
    count = spoken + encoding.trailing(spoken, samples(job.after))
    audio = np.zeros(count, dtype=np.float32)
    audio[: len(speech)] = speech
    del speech
    if under:
        audio, frames = _mixed(audio, under, job.pan, encoding.channels, ceiling)
    else:
        frames = _panned(audio, job.pan) if encoding.channels == 2 else audio
    frames = pcm16(frames)
    data = encoding.encode(frames)
    del frames
    heard = encoding.decode(data) if encoding.fmt.encoded_per_turn else None
    if heard is None:
        heard = audio * 10 ** (encoding.codec_gain / 20)
    power = tuple(float(p) for p in loudness.sub_blocks(heard))
    peak = loudness.true_peak(heard)
    return Stored(data, count, spoken, power, peak, tuple(spans), tuple(words))


def _at_level(turn: Joined, target: float | None, gain: float, ceiling: float) -> Joined:
    """The turn levelled to ``target`` plus ``gain`` (a speaker's volume); with no target
    (levels left as the engine made them), only the volume applied."""
    if target is not None:
        return level_turn(turn, target + gain, ceiling)
    if gain:
        return replace(turn, audio=turn.audio * np.float32(10 ** (gain / 20)))
    return turn


def handed_over(length: int, overlap: int) -> int:
    """Samples of a last clip ``length`` samples long that the next turn talks over:
    ``overlap`` ms, at most half the clip."""
    return min(samples(overlap), length // 2)


def _cut(
    speech: np.ndarray, spans: list[tuple[int, int]], words: list[tuple[int, ...]], overlap: int
) -> tuple[np.ndarray, list[tuple[int, int]], list[tuple[int, ...]]]:
    """The speech without the end of its last clip, which the next segment plays."""
    start, end = spans[-1]
    end -= handed_over(end - start, overlap)
    spans = [*spans[:-1], (start, end)]
    if words:
        words = [*words[:-1], tuple(w for w in words[-1] if w < end)]
    return speech[:end], spans, words


Placed = tuple[int, np.ndarray, float]
"""Another voice under the turn: where it starts (samples), its audio, its pan."""


def _under(
    job: SegmentJob,
    others: Others,
    spans: list[tuple[int, int]],
    words: list[tuple[int, ...]],
    target: float | None,
    ceiling: float,
) -> list[Placed]:
    """The other voices under the turn, levelled and placed."""
    found = []
    if others.under is not None and job.under:
        found.append((0, _tail(others.under, job, target, ceiling), job.under.pan))
    for reaction, clip in zip(job.reactions, others.reactions, strict=True):
        said, _ = at_output_rate(_at_level(joined([clip], ()), target, reaction.gain, ceiling))
        found.append((_reaction_at(reaction, job, spans, words), said, reaction.pan))
    return found


def _tail(clip: Clip, job: SegmentJob, target: float | None, ceiling: float) -> np.ndarray:
    """The end of the turn before (``job.under``), levelled as its turn was, ducked from
    its full level to TALKED_OVER over DUCK_RAMP_MS."""
    assert job.under is not None
    audio, _ = at_output_rate(_at_level(joined([clip], ()), target, job.under.gain, ceiling))
    tail = audio[len(audio) - handed_over(len(audio), job.under.overlap) :]
    ramp = min(len(tail) // 3, samples(DUCK_RAMP_MS))
    envelope = np.full(len(tail), 10 ** (TALKED_OVER / 20), dtype=np.float32)
    envelope[:ramp] = np.linspace(1, envelope[0], ramp, dtype=np.float32)
    return tail * envelope


def _reaction_at(
    reaction: Reaction, job: SegmentJob, spans: list[tuple[int, int]], words: list[tuple[int, ...]]
) -> int:
    """Where a reaction starts: just before the word after its sentence (by the engine's
    word timings, else by the share of the text before it), or in the pause after the
    clip when the sentence ends it."""
    start, end = spans[reaction.piece]
    text = job.clips[reaction.piece].text.split()
    starts = words[reaction.piece] if reaction.piece < len(words) else ()
    if reaction.word + 1 >= len(text):
        return end
    if len(starts) == len(text):
        at = starts[reaction.word + 1]
    else:
        share = len(" ".join(text[: reaction.word + 1])) / len(" ".join(text))
        at = start + int(share * (end - start))
    return max(start, at - samples(REACTION_LEAD_MS))


def _mixed(
    audio: np.ndarray, voices: list[Placed], pan: float, channels: int, ceiling: float
) -> tuple[np.ndarray, np.ndarray]:
    """The turn with other voices under it, each in its own place in stereo, limited to
    ``ceiling``: the mono mix (for measuring) and the frames to encode."""
    places: dict[float, np.ndarray] = {}
    for start, voice, where in voices:
        track = places.setdefault(where, np.zeros(len(audio), dtype=np.float32))
        end = min(len(audio), start + len(voice))
        track[start:end] += voice[: end - start]
    limit = 10 ** (ceiling / 20)
    mono = loudness.limit(audio + sum(places.values()), limit).astype(np.float32)
    if channels == 1:
        return mono, mono
    frames = _panned(audio, pan)
    for where, track in places.items():
        frames += _panned(track, where)
    left, right = (loudness.limit(frames[side::2], limit) for side in (0, 1))
    frames[0::2], frames[1::2] = left, right
    return mono, frames


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
