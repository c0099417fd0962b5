"""Intro, outro and between-section music: files read (libsndfile; ffmpeg for what it
cannot read), levelled under the speech, faded, and, for a ducked intro, mixed under
the first words."""

from __future__ import annotations

import subprocess
from functools import lru_cache

import numpy as np
import soundfile

from podcast.audio import SAMPLE_RATE, loudness
from podcast.errors import ConfigError
from podcast.ffmpeg import INSTALL, find_ffmpeg
from podcast.plan import Music

BELOW_SPEECH = 4.0  # LU: music sits this far under the speech's loudness
DUCK = -15.0  # dB: the intro's level under the first words
DUCK_RAMP = 0.4  # seconds


MAX_SOUND = 30.0  # seconds: a cue's sound (a laugh, applause) is short


def check(music: Music) -> None:
    """The file must be readable now, before anything is synthesized; a cue's sound
    must be short."""
    audio = read(music.path, music.where)
    if music.sound and len(audio) > MAX_SOUND * SAMPLE_RATE:
        seconds = len(audio) / SAMPLE_RATE
        raise ConfigError(
            f"{music.where}: {music.path}: {seconds:.0f} s long; a cue's sound may be at most "
            f"{MAX_SOUND:.0f} s: trim it"
        )


@lru_cache(maxsize=8)
def read(path: str, where: str = "music") -> np.ndarray:
    """The file as mono samples at 44.1 kHz."""
    try:
        audio, rate = soundfile.read(path, dtype="float64", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError):
        audio, rate = _through_ffmpeg(path, where), SAMPLE_RATE
    mono = audio.mean(axis=1)
    if rate != SAMPLE_RATE:
        positions = np.arange(int(len(mono) * SAMPLE_RATE / rate)) * rate / SAMPLE_RATE
        mono = np.interp(positions, np.arange(len(mono)), mono)
    return mono


def _through_ffmpeg(path: str, where: str) -> np.ndarray:
    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        raise ConfigError(f"{where}: {path}: reading this format needs ffmpeg: {INSTALL}; "
                          "or convert it to WAV")  # fmt: skip
    command = [ffmpeg, "-loglevel", "error", "-i", path, "-f", "f64le", "-ac", "1"]
    command += ["-ar", str(SAMPLE_RATE)]
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
    rise = min(len(audio) // 4, int(fade_in * SAMPLE_RATE))  # a short sting keeps its middle
    fall = min(len(audio) // 3, int(fade_out * SAMPLE_RATE))
    if rise:
        envelope[:rise] = np.linspace(0, 1, rise)
    if fall:
        envelope[len(audio) - fall :] *= np.linspace(1, 0, fall)
    return audio * envelope


def under(speech: np.ndarray, music: np.ndarray, lead: float) -> tuple[np.ndarray, int]:
    """``speech`` starting ``lead`` seconds into ``music``, the music ducked under it;
    and where the speech starts (samples)."""
    start = min(len(music), int(lead * SAMPLE_RATE))
    total = max(len(music), start + len(speech))
    envelope = np.ones(total)
    ramp = int(DUCK_RAMP * SAMPLE_RATE)
    down = 10 ** (DUCK / 20)
    envelope[max(0, start - ramp) : start] = np.linspace(1, down, start - max(0, start - ramp))
    envelope[start:] = down
    mixed = np.zeros(total)
    mixed[: len(music)] = music * envelope[: len(music)]
    mixed[start : start + len(speech)] += speech
    return mixed, start
