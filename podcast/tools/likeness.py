"""Two speakers whose voices a listener may not tell apart, measured in the episode: each
speaker's voiceprint is the median pitch of their voiced speech and the shape of its
average spectrum (24 mel bands, level removed); two voices are too alike when both are
close. Pure numpy, on the 16 kHz audio the recognizer hears."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

FRAME = 640  # 40 ms at 16 kHz
HOP = 320
LOWEST, HIGHEST = 60.0, 400.0  # Hz: the pitch of a speaking voice
VOICED = 0.5  # the autocorrelation peak of a voiced frame, at least
MOST_FRAMES = 3000  # a minute of speech is enough to know a voice
BANDS = 24
PITCH_APART = 1.0
"""Semitones: voices whose median pitches are closer may be too alike..."""
SHAPE_APART = 1.4
"""...when their spectra also differ by less than this, dB RMS over the bands. Measured:
one voice under two names, 0.2 semitones and 1.0 dB apart (the words differ); the
article's closest distinct pair in eSpeak NG (en-gb-x-rp and en-us+m3) 0.8 semitones and
1.6 dB; Kokoro's voices 1.8 semitones or more."""


@dataclass(frozen=True)
class Voiceprint:
    """What a speaker's voice is like."""

    pitch: float
    """Median pitch of voiced frames, Hz (nan without any)."""
    shape: tuple[float, ...]
    """Average spectrum, dB per mel band, its mean taken away."""


@dataclass(frozen=True)
class Alike:
    """Two speakers a listener may not tell apart."""

    speakers: tuple[str, str]
    """The two."""
    semitones: float
    """How far apart their pitches are."""
    shape: float
    """How far apart their spectra are, dB RMS."""


def voiceprint(samples: np.ndarray, rate: int) -> Voiceprint:
    """The voiceprint of mono ``samples`` (float, at ``rate``; 16 kHz expected)."""
    frames = _frames(samples)
    if not len(frames):
        return Voiceprint(math.nan, (0.0,) * BANDS)
    windowed = frames * np.hanning(FRAME)
    spectrum = np.fft.rfft(windowed, 2 * FRAME)
    power = np.abs(spectrum) ** 2
    correlation = np.fft.irfft(power)[:, :FRAME]
    low, high = int(rate / HIGHEST), int(rate / LOWEST)
    energy = correlation[:, 0] + 1e-12
    lags = correlation[:, low:high] / energy[:, None]
    best = lags.argmax(axis=1)
    voiced = lags[np.arange(len(lags)), best] >= VOICED
    if not voiced.any():
        return Voiceprint(math.nan, (0.0,) * BANDS)
    pitch = float(np.median(rate / (best[voiced] + low)))
    bands = power[voiced] @ _mel_bands(rate, power.shape[1])
    shape = 10 * np.log10(bands.mean(axis=0) + 1e-12)
    return Voiceprint(pitch, tuple(float(v) for v in shape - shape.mean()))


def _frames(samples: np.ndarray) -> np.ndarray:
    """Frames loud enough to be speech (within 30 dB of the loudest), at most
    MOST_FRAMES of them, spread evenly."""
    if len(samples) < FRAME:
        return np.empty((0, FRAME))
    count = 1 + (len(samples) - FRAME) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(samples, FRAME)[::HOP][:count]
    level = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
    loud = frames[level > level.max() * 10 ** (-30 / 20)] if level.max() > 0 else frames[:0]
    if len(loud) > MOST_FRAMES:
        loud = loud[np.linspace(0, len(loud) - 1, MOST_FRAMES).astype(int)]
    return loud.astype(np.float64)


def _mel_bands(rate: int, bins: int) -> np.ndarray:
    """A (bins, BANDS) matrix of triangular mel bands from 100 Hz to 7 kHz."""
    mel = np.linspace(_mel(100.0), _mel(min(7000.0, rate / 2)), BANDS + 2)
    edges = 700 * (10 ** (mel / 2595) - 1)
    frequencies = np.linspace(0, rate / 2, bins)
    matrix = np.zeros((bins, BANDS))
    for band in range(BANDS):
        low, middle, high = edges[band : band + 3]
        rising = (frequencies - low) / (middle - low)
        falling = (high - frequencies) / (high - middle)
        matrix[:, band] = np.clip(np.minimum(rising, falling), 0, None)
    return matrix


def _mel(hertz: float) -> float:
    return 2595 * math.log10(1 + hertz / 700)


def too_alike(prints: Mapping[str, Voiceprint]) -> list[Alike]:
    """Every pair of speakers whose voiceprints are close in pitch and in spectrum."""
    found = []
    for one, other in combinations(prints, 2):
        semitones, shape = apart(prints[one], prints[other])
        if semitones < PITCH_APART and shape < SHAPE_APART:
            found.append(Alike((one, other), round(semitones, 2), round(shape, 2)))
    return found


def apart(one: Voiceprint, other: Voiceprint) -> tuple[float, float]:
    """How far apart two voices are: semitones of pitch, dB RMS of spectrum shape (a
    voice without pitch is far from every other)."""
    if math.isnan(one.pitch) or math.isnan(other.pitch):
        return math.inf, math.inf
    semitones = abs(12 * math.log2(one.pitch / other.pitch))
    difference = np.subtract(one.shape, other.shape)
    return semitones, float(np.sqrt((difference**2).mean()))


def speakers_audio(
    samples: np.ndarray, rate: int, spans: Sequence[tuple[str, float, float]]
) -> dict[str, np.ndarray]:
    """Each speaker's speech, their spans (speaker, start, end in seconds) joined."""
    parts: dict[str, list[np.ndarray]] = {}
    for speaker, start, end in spans:
        parts.setdefault(speaker, []).append(samples[int(start * rate) : int(end * rate)])
    return {speaker: np.concatenate(chunks) for speaker, chunks in parts.items()}
