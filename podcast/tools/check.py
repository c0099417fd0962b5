"""`podcast check EPISODE`: the episode measured as a publisher measures it (RMS, sample
peak, the noise floor of the room tone, the room tone at the head and the tail, the
loudness and true peak, the bitrate), and with ``--preset`` each number held to the
publisher's rule (ACX's, from ``config.model.STANDARDS``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
from mutagen import MutagenError
from mutagen.mp3 import MP3, BitrateMode

from podcast.audio import SAMPLE_RATE, loudness
from podcast.config.model import STANDARDS, Preset
from podcast.errors import InputError

HEARD = 10 ** (-50 / 20)  # a sample above -50 dBFS is something heard, not room tone
WINDOW = 0.5  # seconds: the noise floor is the quietest stretch this long


@dataclass(frozen=True)
class Measured:
    """An episode's numbers."""

    rms: float
    """RMS level of the whole file, dBFS."""
    peak: float
    """Highest sample, dBFS."""
    noise_floor: float
    """RMS of the quietest half second, dBFS."""
    head: float
    """Seconds before the first sound."""
    tail: float
    """Seconds after the last sound."""
    loudness: float
    """Integrated loudness, LUFS."""
    true_peak: float
    """Highest true peak, dBTP."""
    sample_rate: int
    """Samples per second."""
    bitrate: int | None
    """kbit/s (an MP3's), else None."""
    constant: bool | None
    """The MP3's bitrate is constant (None: not an MP3)."""


@dataclass(frozen=True)
class Verdict:
    """One rule of a preset, and whether the episode keeps it."""

    rule: str
    """What is measured."""
    measured: str
    """Its value."""
    wanted: str
    """What the preset asks."""
    ok: bool
    """Kept."""


def measure(path: Path) -> Measured:
    """The episode's numbers, decoded as a player decodes it."""
    try:
        audio, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as error:
        raise InputError(f"{path}: cannot read it as audio ({error}); give an episode") from None
    if not len(audio):
        raise InputError(f"{path}: holds no audio; give an episode")
    # both channels summed in power, as the render measures them (codec.Encoding.decode)
    mono = audio[:, 0] if audio.shape[1] == 1 else np.sqrt((audio**2).sum(axis=1))
    heard = np.flatnonzero(np.abs(audio).max(axis=1) > HEARD)
    step = min(len(mono), max(1, int(WINDOW * rate)))
    windows = mono[: len(mono) // step * step].reshape(-1, step)
    bitrate, constant = _bitrate(path)
    levelled = rate == SAMPLE_RATE  # the loudness meter works at the episode rate
    return Measured(
        rms=_db(math.sqrt(float((audio**2).mean()))),
        peak=_db(float(np.abs(audio).max())),
        noise_floor=_db(float(np.sqrt((windows**2).mean(axis=1)).min())),
        head=float(heard[0] if len(heard) else len(audio)) / rate,
        tail=float(len(audio) - 1 - heard[-1] if len(heard) else len(audio)) / rate,
        loudness=loudness.integrated(loudness.sub_blocks(mono)) if levelled else math.nan,
        true_peak=loudness.db(loudness.true_peak(mono)) if levelled else math.nan,
        sample_rate=rate,
        bitrate=bitrate,
        constant=constant,
    )


def _db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf


def _bitrate(path: Path) -> tuple[int | None, bool | None]:
    try:
        info = MP3(str(path)).info
    except (MutagenError, OSError, ValueError):
        return None, None
    return round(info.bitrate / 1000), info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)


def verdicts(measured: Measured, preset: Preset) -> list[Verdict]:
    """Every rule of ``preset``, kept or not."""
    rule = STANDARDS[preset]
    low, high = rule.rms
    return [
        Verdict(
            "RMS", f"{measured.rms:.1f} dB", f"{low:g} to {high:g} dB", low <= measured.rms <= high
        ),
        Verdict(
            "peak",
            f"{measured.peak:.1f} dB",
            f"at most {rule.peak:g} dB",
            measured.peak <= rule.peak,
        ),
        Verdict(
            "noise floor",
            f"{measured.noise_floor:.1f} dB",
            f"at most {rule.noise_floor:g} dB",
            bool(measured.noise_floor <= rule.noise_floor),
        ),
        _within("room tone at the head", measured.head, rule.head),
        _within("room tone at the tail", measured.tail, rule.tail),
        Verdict(
            "sample rate",
            f"{measured.sample_rate} Hz",
            f"{rule.sample_rate} Hz",
            measured.sample_rate == rule.sample_rate,
        ),
        Verdict(
            "bitrate",
            "not an MP3"
            if measured.bitrate is None
            else f"{measured.bitrate} kbit/s" + (" constant" if measured.constant else " variable"),
            f"{rule.bitrate} kbit/s constant",
            measured.bitrate == rule.bitrate and bool(measured.constant),
        ),
    ]


def _within(name: str, seconds: float, bounds: tuple[float, float]) -> Verdict:
    low, high = bounds
    return Verdict(name, f"{seconds:.2f} s", f"{low:g} to {high:g} s", bool(low <= seconds <= high))
