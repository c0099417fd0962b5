"""Intro, outro and between-section music: files read (libsndfile; ffmpeg for what it
cannot read), levelled under the speech, faded, and, for a ducked intro, mixed under
the first words."""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile

from podcast import loudness
from podcast.errors import ConfigError
from podcast.ffmpeg import INSTALL, find_ffmpeg

RATE = loudness.RATE
BELOW_SPEECH = 4.0  # LU: music sits this far under the speech's loudness
DUCK = -15.0  # dB: the intro's level under the first words
DUCK_RAMP = 0.4  # seconds


@dataclass(frozen=True)
class Music:
    """One piece of music in the episode."""

    path: str
    digest: str
    """SHA-256 of the file, so an edited file is a new cache key."""
    fade_in: float = 0.5
    fade_out: float = 2.0
    lead: float | None = None
    """For a ducked intro: seconds of music before the first words (None: not ducked)."""


def music_of(path: Path, where: str, fade_in: float, fade_out: float, lead: float | None) -> Music:
    """A Music for ``path``, checked to be readable now, before anything is synthesized."""
    if not path.is_file():
        raise ConfigError(f"{where}: {path}: no such file; give a WAV, FLAC, OGG or MP3 file")
    read(str(path), where)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Music(str(path), digest, fade_in, fade_out, lead)


@lru_cache(maxsize=8)
def read(path: str, where: str = "music") -> np.ndarray:
    """The file as mono samples at 44.1 kHz."""
    try:
        audio, rate = soundfile.read(path, dtype="float64", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError):
        audio, rate = _through_ffmpeg(path, where), RATE
    mono = audio.mean(axis=1)
    if rate != RATE:
        positions = np.arange(int(len(mono) * RATE / rate)) * rate / RATE
        mono = np.interp(positions, np.arange(len(mono)), mono)
    return mono


def _through_ffmpeg(path: str, where: str) -> np.ndarray:
    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        raise ConfigError(f"{where}: {path}: reading this format needs ffmpeg: {INSTALL}; "
                          "or convert it to WAV")  # fmt: skip
    command = [ffmpeg, "-loglevel", "error", "-i", path, "-f", "f64le", "-ac", "1", "-ar", "44100"]
    run = subprocess.run([*command, "-"], capture_output=True)
    if run.returncode:
        raise ConfigError(f"{where}: {path}: cannot read it ({run.stderr.decode()[:120].strip()})")
    return np.frombuffer(run.stdout, "<f8")[:, None]


def bed(music: Music, speech_loudness: float | None, ceiling: float) -> np.ndarray:
    """The music levelled BELOW_SPEECH under the speech, with its fades."""
    audio = read(music.path)
    if speech_loudness is not None:
        audio = loudness.leveled(audio, speech_loudness - BELOW_SPEECH, ceiling)
    return _faded(audio, music.fade_in, music.fade_out)


def _faded(audio: np.ndarray, fade_in: float, fade_out: float) -> np.ndarray:
    envelope = np.ones(len(audio))
    rise = min(len(audio) // 4, int(fade_in * RATE))  # a short sting keeps its middle
    fall = min(len(audio) // 3, int(fade_out * RATE))
    if rise:
        envelope[:rise] = np.linspace(0, 1, rise)
    if fall:
        envelope[len(audio) - fall :] *= np.linspace(1, 0, fall)
    return audio * envelope


def under(speech: np.ndarray, music: np.ndarray, lead: float) -> tuple[np.ndarray, int]:
    """``speech`` starting ``lead`` seconds into ``music``, the music ducked under it;
    and where the speech starts (samples)."""
    start = min(len(music), int(lead * RATE))
    total = max(len(music), start + len(speech))
    envelope = np.ones(total)
    ramp = int(DUCK_RAMP * RATE)
    down = 10 ** (DUCK / 20)
    envelope[max(0, start - ramp) : start] = np.linspace(1, down, start - max(0, start - ramp))
    envelope[start:] = down
    mixed = np.zeros(total)
    mixed[: len(music)] = music * envelope[: len(music)]
    mixed[start : start + len(speech)] += speech
    return mixed, start
