"""An episode decoded and measured a block at a time, so that a book of hours is checked
in the memory of a minute: per 10 ms whether anything is heard and the true peak, per
100 ms the K-weighted power (BS.1770's sub-blocks), per half second the RMS, the
totals, and the 16 kHz audio the recognizer hears. ``check`` makes its numbers from
these."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile

from podcast.audio import loudness
from podcast.errors import InputError
from podcast.ffmpeg import INSTALL, find_ffmpeg

FINE = 0.01
"""Seconds: whether anything is heard, and the true peak, are kept at this step."""
SUB_BLOCK = 0.1
"""Seconds: BS.1770's sub-block, the step of the loudness."""
WINDOW = 0.5
"""Seconds: the noise floor is the quietest stretch this long."""
BLOCK = 30.0
"""Seconds decoded at a time: a whole number of each step above."""
HEARD = 10 ** (-50 / 20)
"""A sample above -50 dBFS is something heard, not room tone."""


@dataclass
class Scan:
    """An episode's measurements, at the steps above."""

    rate: int
    """Samples per second."""
    frames: int = 0
    """Samples per channel."""
    squares: float = 0.0
    """Sum of every sample squared, every channel."""
    values: int = 0
    """How many samples that sums (frames times channels)."""
    peak: float = 0.0
    """Highest absolute sample."""
    first: int | None = None
    """The first sample heard."""
    last: int | None = None
    """The last sample heard."""
    heard: np.ndarray | None = None
    """Per FINE step: anything heard in it."""
    peaks: np.ndarray | None = None
    """Per FINE step: the true peak of the mono signal, linear."""
    powers: np.ndarray | None = None
    """Per SUB_BLOCK: K-weighted mean square of the mono signal."""
    windows: np.ndarray | None = None
    """Per WINDOW: RMS of the mono signal."""
    pcm: np.ndarray | None = None
    """The mono signal at the rate asked for (``keep``), 16-bit."""

    def step(self, seconds: float) -> int:
        return max(1, round(seconds * self.rate))


def scan(path: Path, keep: int | None = None, feed: Feed | None = None) -> Scan:
    """Decode and measure the episode at ``path`` (a regular file: a pipe is never
    opened); with ``keep``, keep its audio at that rate, 16-bit, and give it to ``feed``
    as it grows (with True the last time: it is all there)."""
    if not path.is_file():
        why = "not a regular file" if path.exists() else "no such file"
        raise InputError(f"{path}: {why}; give an episode")
    try:
        with soundfile.SoundFile(str(path)) as audio:
            kept = _kept(keep, audio.frames * (keep or 0) // audio.samplerate, feed)
            found = _scanned(_blocks(audio), audio.samplerate, kept)
    except (RuntimeError, soundfile.LibsndfileError) as error:
        found = _through_ffmpeg(path, keep, feed, error)
    if not found.frames:
        raise InputError(f"{path}: holds no audio; give an episode")
    return found


def _through_ffmpeg(path: Path, keep: int | None, feed: Feed | None, error: Exception) -> Scan:
    """An episode libsndfile cannot read (AAC: an .m4a, an .m4b audiobook), decoded by
    ffmpeg at its own rate and channels, as mutagen reads them."""
    unreadable = InputError(f"{path}: cannot read it as audio ({error}); give an episode")
    program = find_ffmpeg()
    if program is None:
        raise InputError(f"{path}: reading this kind of audio may need ffmpeg: {INSTALL}")
    shown = subprocess.run(
        [program, "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False
    ).stderr
    stream = _STREAM.search(shown)
    if stream is None:
        raise unreadable
    rate, layout = int(stream["rate"]), stream["layout"]
    channels = {"mono": 1, "stereo": 2}.get(layout) or int(layout.split()[0])
    command = [program, "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "f32le"]
    with subprocess.Popen([*command, "pipe:1"], stdout=subprocess.PIPE) as run:
        assert run.stdout is not None
        found = _scanned(_piped(run.stdout, rate, channels), rate, _kept(keep, 0, feed))
    if run.returncode:
        raise unreadable
    return found


_STREAM = re.compile(
    r"Stream #0:\d+\S*: Audio: .*?, (?P<rate>\d+) Hz, (?P<layout>mono|stereo|\d+ channels)"
)
"""The first audio stream of ffmpeg's description of a file: its rate and channels (the
decoded samples come at those, in float32)."""


def _piped(stream: BinaryIO, rate: int, channels: int) -> Iterator[np.ndarray]:
    """float32 samples from a pipe, BLOCK seconds at a time."""
    size = round(BLOCK * rate) * channels * 4
    while True:
        data = stream.read(size)
        if not data:
            return
        whole = len(data) // (channels * 4) * channels * 4
        yield np.frombuffer(data[:whole], np.float32).reshape(-1, channels)


def _blocks(audio: soundfile.SoundFile) -> Iterator[np.ndarray]:
    """The file's samples, BLOCK seconds at a time, until it gives no more (an MP3's
    length in its header is an estimate: ``soundfile.blocks`` pads to it)."""
    size = round(BLOCK * audio.samplerate)
    while True:
        block = audio.read(size, dtype="float32", always_2d=True)
        if not len(block):
            return
        yield block


def mono(audio: np.ndarray) -> np.ndarray:
    """Both channels summed in power, as the render measures them (codec.Encoding.decode)."""
    if audio.shape[1] == 1:
        return audio[:, 0]
    return np.sqrt((audio**2).sum(axis=1))


def _scanned(blocks: Iterator[np.ndarray], rate: int, kept: _Kept | None) -> Scan:
    found = Scan(rate)
    heard, powers, windows = [], [], []
    peaks = _TruePeaks(found.step(FINE))
    resampler = _resampler(rate, kept.rate) if kept is not None else None
    for audio in blocks:
        _totals(found, audio)
        signal = mono(audio)
        heard.append(_steps(np.abs(audio).max(axis=1) > HEARD, found.step(FINE), np.any))
        powers.append(loudness.sub_blocks(signal, rate))  # BLOCK is whole sub-blocks
        windows.append(_steps(signal**2, found.step(WINDOW), np.mean))
        peaks.add(signal)
        if kept is not None:
            kept.add(_pcm(resampler.resample_chunk(signal)))
    if not found.frames:
        return found
    found.heard = np.concatenate(heard)
    found.peaks = peaks.finish()
    found.powers = np.concatenate(powers)
    found.windows = np.sqrt(np.concatenate(windows))
    if kept is not None:
        kept.add(_pcm(resampler.resample_chunk(np.zeros(0, np.float32), last=True)), True)
        found.pcm = kept.audio()
    return found


Feed = Callable[[np.ndarray, bool], None]


def _kept(rate: int | None, expected: int, feed: Feed | None) -> _Kept | None:
    return _Kept(rate, expected, feed) if rate else None


class _Kept:
    """The audio resampled to ``rate``, kept in one buffer as it grows (what was given to
    ``feed`` is never moved under it: a larger buffer is a new one)."""

    def __init__(self, rate: int, expected: int, feed: Feed | None) -> None:
        self.rate = rate
        self.buffer = np.empty(max(expected, rate), np.int16)
        self.size = 0
        self.feed = feed

    def add(self, samples: np.ndarray, complete: bool = False) -> None:
        if self.size + len(samples) > len(self.buffer):
            grown = np.empty(max(2 * len(self.buffer), self.size + len(samples)), np.int16)
            grown[: self.size] = self.buffer[: self.size]
            self.buffer = grown
        self.buffer[self.size : self.size + len(samples)] = samples
        self.size += len(samples)
        if self.feed is not None:
            self.feed(self.audio(), complete)

    def audio(self) -> np.ndarray:
        return self.buffer[: self.size]


class _TruePeaks:
    """The true peak per step of a signal given a block at a time, exactly as of the
    whole: a sample's peak is settled once the TAPS // 2 samples after it are known."""

    def __init__(self, step: int) -> None:
        self.step = step
        self.total = 0  # samples given
        self.done = 0  # samples whose peak is settled
        self.before = np.zeros(0, np.float32)  # the last samples given, for the filter
        self.pending = np.zeros(0, np.float32)  # settled peaks not yet in a whole step
        self.steps: list[np.ndarray] = []

    def add(self, signal: np.ndarray, last: bool = False) -> None:
        reach = loudness.TAPS // 2
        reaching = np.concatenate([self.before, signal])
        offset = self.total - len(self.before)  # where reaching starts
        self.total += len(signal) - (reach if last else 0)
        upto = self.total if last else max(self.done, self.total - reach)
        settled = loudness.sample_true_peaks(reaching)[self.done - offset : upto - offset]
        self.done = upto
        self.before = reaching[-2 * reach :]
        self.pending = np.concatenate([self.pending, settled])
        whole = len(self.pending) // self.step * self.step
        self.steps.append(_steps(self.pending[:whole], self.step, np.max))
        self.pending = self.pending[whole:]

    def finish(self) -> np.ndarray:
        """Every step's true peak (the last step may be part of one)."""
        self.add(np.zeros(loudness.TAPS // 2, np.float32), last=True)  # silence after
        self.steps.append(_steps(self.pending, self.step, np.max, partial=True))
        return np.concatenate(self.steps)


def _totals(found: Scan, audio: np.ndarray) -> None:
    start = found.frames
    found.frames += len(audio)
    found.values += audio.size
    found.squares += float(np.dot(audio.ravel(), audio.ravel().astype(np.float64)))
    found.peak = max(found.peak, float(np.abs(audio).max()) if audio.size else 0.0)
    loud = np.flatnonzero(np.abs(audio).max(axis=1) > HEARD)
    if len(loud):
        found.first = start + int(loud[0]) if found.first is None else found.first
        found.last = start + int(loud[-1])


def _steps(values: np.ndarray, size: int, reduce: object, partial: bool = False) -> np.ndarray:
    """``reduce`` (np.any, np.max, np.mean) over every whole step of ``size`` values (and
    the part step left at the end, when ``partial``)."""
    whole = len(values) // size * size
    steps = reduce(values[:whole].reshape(-1, size), axis=1)  # type: ignore[operator]
    if partial and whole < len(values):
        steps = np.append(steps, reduce(values[whole:]))  # type: ignore[operator]
    return np.asarray(steps)


def _resampler(rate: int, wanted: int):  # type: ignore[no-untyped-def]
    import soxr

    return soxr.ResampleStream(rate, wanted, 1, dtype="float32", quality="LQ")


def _pcm(samples: np.ndarray) -> np.ndarray:
    return (np.clip(samples, -1, 1) * 32767).astype(np.int16)
