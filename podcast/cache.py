"""The clip cache: each utterance's audio, stored under a key of everything that shaped it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

from podcast.engines import Clip
from podcast.voices import Voice

CACHE_ENV = "PODCAST_CACHE_DIR"
_FORMAT = 1  # bump when the stored layout or the meaning of a key changes


def clip_key(engine: str, version: str, voice: Voice, text: str) -> str:
    """A key of engine, engine version, resolved voice settings and the final text."""
    payload = json.dumps([_FORMAT, engine, version, asdict(voice), text], ensure_ascii=False)
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
    return base / "podcast" / "clips"


@dataclass(frozen=True)
class CacheInfo:
    """What the cache holds."""

    path: Path
    clips: int
    bytes: int


class ClipCache:
    """Clips as WAV files named by key. Writes are atomic; a corrupt entry reads as missing."""

    def __init__(self, root: Path) -> None:
        self.root = root

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
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as file:
                file.setnchannels(1)
                file.setsampwidth(2)
                file.setframerate(clip.rate)
                file.writeframes(clip.pcm)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def info(self) -> CacheInfo:
        files = list(self.root.glob("*/*.wav")) if self.root.is_dir() else []
        return CacheInfo(self.root, len(files), sum(f.stat().st_size for f in files))

    def clear(self) -> int:
        count = self.info().clips
        shutil.rmtree(self.root, ignore_errors=True)
        return count
