"""A fake engine for fast tests: a tone whose length follows the text, then eSpeak-like silence."""

from __future__ import annotations

import math
import os
import time
from array import array
from functools import lru_cache

from podcast.config.model import Voice
from podcast.engines import Clip, EngineKind, VoiceInfo, unknown_voices
from podcast.errors import EngineError

RATE = 22050
TRAILING_SILENCE = 0.25  # seconds, like eSpeak's own end pause
_LANGUAGES = ("en-us", "en-gb", "en-gb-x-rp", "en-029", "en-gb-scotland", "en-us-nyc")
_VARIANTS = tuple(f"m{i}" for i in range(1, 8)) + tuple(f"f{i}" for i in range(1, 6))


class FakeEngine:
    """Speaks every word as 60 / rate minutes of tone; pitch sets the tone's frequency.

    For tests of failure: PODCAST_FAKE_DELAY (seconds) slows every clip down, and a
    text containing PODCAST_FAKE_CRASH ends the process, as a crashing engine would.
    """

    name = "fake"
    version = "1"

    def __init__(self, threads: int | None = None) -> None:
        self.calls: list[str] = []
        self.delay = float(os.environ.get("PODCAST_FAKE_DELAY", "0"))
        self.crash = os.environ.get("PODCAST_FAKE_CRASH")

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(code, code, f"Fake {code}", "unknown", engine="fake") for code in _LANGUAGES
        ]

    def variants(self) -> list[VoiceInfo]:
        genders = {"m": "male", "f": "female"}
        return [VoiceInfo(v, "", f"Fake {v}", genders[v[0]], engine="fake") for v in _VARIANTS]

    def unusable(self) -> dict[str, str]:
        return {}

    def check(self, voice: Voice) -> list[str]:
        return unknown_voices(self, [voice.voice])

    def identity(self, voice: Voice) -> str:
        return f"{self.name} {self.version}"

    def synthesize(self, text: str, voice: Voice) -> Clip:
        self.calls.append(text)
        if self.crash and self.crash in text:
            os._exit(3)
        time.sleep(self.delay)
        count = len(text.split())
        if not count:
            raise EngineError("no audio came out for an empty text")
        seconds = 60 / voice.rate  # per word
        starts = tuple(round(index * seconds * RATE) for index in range(count))
        pcm = tone(count * seconds, 200 + 4 * voice.pitch, voice.volume)
        return Clip(pcm, RATE, starts)


def tone(seconds: float, frequency: int, volume: float = 1.0) -> bytes:
    """A sine tone followed by TRAILING_SILENCE seconds of digital silence."""
    second = _one_second(frequency, volume)
    size = 2 * int(seconds * RATE)
    body = second * (size // len(second) + 1)
    return body[:size] + bytes(2 * int(TRAILING_SILENCE * RATE))


@lru_cache(maxsize=64)
def _one_second(frequency: int, volume: float) -> bytes:
    amplitude = 12000 * volume
    step = 2 * math.pi * frequency / RATE
    return array("h", (int(amplitude * math.sin(i * step)) for i in range(RATE))).tobytes()


KIND = EngineKind(
    "fake", FakeEngine, settings=("rate", "pitch", "volume", "pan"), listed=False, label="fake"
)
