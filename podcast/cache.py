"""The clip cache: each utterance's audio, stored under a key of everything that shaped it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import wave
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from podcast.engines import Clip
from podcast.files import write_atomically
from podcast.voices import Voice

CACHE_ENV = "PODCAST_CACHE_DIR"
_FORMAT = 2  # bump when the stored layout or the meaning of a key changes


def clip_key(engine: str, version: str, voice: Voice, text: str) -> str:
    """A key of engine, engine version, resolved voice settings and the final text."""
    settings = asdict(voice)
    settings.pop("pan")  # where a voice sits in stereo does not change what it says
    payload = json.dumps([_FORMAT, engine, version, settings, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def default_dir() -> Path:
    """``$PODCAST_CACHE_DIR``, else the platform's user cache directory."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "podcast"


@dataclass(frozen=True)
class CacheInfo:
    """What the cache holds."""

    path: Path
    clips: int
    bytes: int


class ClipCache:
    """Clips as WAV files named by key. Writes are atomic; a corrupt entry reads as missing."""

    def __init__(self, root: Path) -> None:
        self.root = root / "clips"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> Clip | None:
        path = self._path(key)
        try:
            with wave.open(str(path), "rb") as file:
                frames = file.getnframes()
                pcm = file.readframes(frames)
                rate = file.getframerate()
                ok = file.getsampwidth() == 2 and file.getnchannels() == 1
        except FileNotFoundError:
            return None
        except (OSError, EOFError, wave.Error):
            ok, pcm, frames = False, b"", 1
        if not ok or len(pcm) != 2 * frames or not frames:
            path.unlink(missing_ok=True)  # corrupt: synthesize again
            return None
        return Clip(pcm, rate)

    def put(self, key: str, clip: Clip) -> None:
        def write(raw: BinaryIO) -> None:
            with wave.open(raw, "wb") as file:
                file.setnchannels(1)
                file.setsampwidth(2)
                file.setframerate(clip.rate)
                file.writeframes(clip.pcm)

        write_atomically(self._path(key), write)

    def info(self) -> CacheInfo:
        files = list(self.root.glob("*/*.wav")) if self.root.is_dir() else []
        return CacheInfo(self.root, len(files), sum(f.stat().st_size for f in files))

    def clear(self) -> int:
        count = self.info().clips
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.root.parent / "segments", ignore_errors=True)
        return count


@dataclass(frozen=True)
class Stored:
    """An encoded turn: the bytes and the sample counts needed to place it in the episode."""

    data: bytes
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


class SegmentCache:
    """Encoded turns, named by key, so an unchanged turn is not even encoded again."""

    def __init__(self, root: Path) -> None:
        self.root = root / "segments"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.seg"

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str) -> Stored | None:
        path = self._path(key)
        try:
            blob = path.read_bytes()
            size = int.from_bytes(blob[:4], "little")
            head = json.loads(blob[4 : 4 + size])
            stored = Stored(
                blob[4 + size :],
                int(head["count"]),
                int(head["speech"]),
                tuple(map(float, head["blocks"])),
                float(head["peak"]),
                tuple((int(a), int(b)) for a, b in head["clips"]),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            return None
        if len(stored.data) != head.get("bytes"):
            path.unlink(missing_ok=True)
            return None
        return stored

    def put(self, key: str, stored: Stored) -> None:
        head = {
            "count": stored.count,
            "speech": stored.speech,
            "bytes": len(stored.data),
            "blocks": stored.blocks,
            "peak": stored.peak,
            "clips": stored.clips,
        }
        encoded = json.dumps(head).encode()

        def write(raw: BinaryIO) -> None:
            raw.write(len(encoded).to_bytes(4, "little") + encoded + stored.data)

        write_atomically(self._path(key), write)
