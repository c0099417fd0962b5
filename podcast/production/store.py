"""The cache: files named by key, each holding a payload and a checksum of it.

Two stores share it: clips (each utterance's audio, keyed by everything that shaped
it) and segments (each turn encoded, so an unchanged turn is not even encoded again).
A cache is a convenience: an entry whose checksum does not match is removed and made
again, and a cache that cannot be written is rendered without, never failing a render.
Its size is bounded; the least recently used entries go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from podcast.audio.turn import Stored
from podcast.engines import Clip
from podcast.errors import OutputError
from podcast.files import write_atomically

CACHE_ENV = "PODCAST_CACHE_DIR"
BOUND_ENV = "PODCAST_CACHE_MAX_MB"
DEFAULT_BOUND_MB = 2048
_MAGIC = b"PODCACHE1"
_DIGEST = 32  # bytes of BLAKE2b


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


def default_bound() -> int:
    """The cache's size bound in bytes: ``$PODCAST_CACHE_MAX_MB``, else 2 GB."""
    try:
        megabytes = float(os.environ.get(BOUND_ENV) or DEFAULT_BOUND_MB)
    except ValueError:
        megabytes = DEFAULT_BOUND_MB
    return int(max(0.0, megabytes) * 2**20)


def _checksum(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST).digest()


class Store:
    """Payloads in files named by key under ``root``, each checked on every read."""

    def __init__(self, root: Path, suffix: str) -> None:
        self.root = root
        self.suffix = suffix
        self.corrupt = 0
        """Entries found damaged (and removed) since this store was opened."""
        self.trouble: str | None = None
        """Why writing failed, naming the path; once it has, nothing more is written."""

    def path(self, key: str) -> Path:
        """Where the entry for ``key`` lives."""
        return self.root / key[:2] / f"{key}{self.suffix}"

    def has(self, key: str) -> bool:
        """True when an entry exists (it may still turn out damaged when read)."""
        return self.path(key).is_file()

    def get(self, key: str) -> bytes | None:
        """The payload stored for ``key``; None when there is none or it was damaged."""
        path = self.path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        head = len(_MAGIC) + _DIGEST
        payload = blob[head:]
        if blob[: len(_MAGIC)] != _MAGIC or blob[len(_MAGIC) : head] != _checksum(payload):
            self.discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return payload

    def discard(self, key: str) -> None:
        """Remove a damaged entry, so it is made again."""
        self.corrupt += 1
        with contextlib.suppress(OSError):
            self.path(key).unlink(missing_ok=True)

    def put(self, key: str, payload: bytes) -> None:
        """Store ``payload``; a failure is remembered in ``trouble``, never raised."""
        if self.trouble:
            return
        path = self.path(key)
        blob = _MAGIC + _checksum(payload) + payload
        try:
            write_atomically(path, lambda raw: raw.write(blob))
        except OutputError as error:  # no file can be made in the folder
            self.trouble = str(error)
        except OSError as error:
            failed = Path(error.filename) if error.filename else path.parent
            self.trouble = f"{failed}: {error.strerror or error}"

    def files(self) -> Iterator[Path]:
        """Every entry's file."""
        if self.root.is_dir():
            yield from self.root.glob(f"*/*{self.suffix}")


WITH_WORDS = 1 << 31
"""Set in a stored clip's rate when its word starts follow (entries without them, and
those an older version wrote, are read as before)."""


class ClipCache:
    """Clips (rate, word starts and 16-bit PCM) by key."""

    def __init__(self, root: Path) -> None:
        self.store = Store(root / "clips", ".clip")

    def get(self, key: str) -> Clip | None:
        payload = self.store.get(key)
        if payload is None:
            return None
        rate, pcm = int.from_bytes(payload[:4], "little"), payload[4:]
        words: tuple[int, ...] = ()
        if rate & WITH_WORDS:  # the word starts follow: a count, then one uint32 each
            rate &= ~WITH_WORDS
            count = int.from_bytes(pcm[:4], "little")
            packed = pcm[4 : 4 + 4 * count]
            words = tuple(
                int.from_bytes(packed[i : i + 4], "little") for i in range(0, len(packed), 4)
            )
            pcm = pcm[4 + 4 * count :]
            if len(words) != count:
                pcm = b""
        if not rate or not pcm or len(pcm) % 2:
            self.store.discard(key)
            return None
        return Clip(pcm, rate, words)

    def put(self, key: str, clip: Clip) -> None:
        if not clip.words:
            self.store.put(key, clip.sample_rate.to_bytes(4, "little") + clip.pcm)
            return
        head = (clip.sample_rate | WITH_WORDS).to_bytes(4, "little")
        words = b"".join(w.to_bytes(4, "little") for w in (len(clip.words), *clip.words))
        self.store.put(key, head + words + clip.pcm)


class SegmentCache:
    """Encoded turns by key, with what is needed to place them in an episode."""

    def __init__(self, root: Path) -> None:
        self.store = Store(root / "segments", ".seg")

    def has(self, key: str) -> bool:
        return self.store.has(key)

    def get(self, key: str) -> Stored | None:
        payload = self.store.get(key)
        if payload is None:
            return None
        try:
            size = int.from_bytes(payload[:4], "little")
            head = json.loads(payload[4 : 4 + size])
            return Stored(
                payload[4 + size :],
                int(head["count"]),
                int(head["speech"]),
                tuple(map(float, head["blocks"])),
                float(head["peak"]),
                tuple((int(a), int(b)) for a, b in head["clips"]),
                tuple(tuple(map(int, clip)) for clip in head.get("words", ())),
            )
        except (ValueError, KeyError, TypeError):
            self.store.discard(key)
            return None

    def put(self, key: str, stored: Stored) -> None:
        head = {
            "count": stored.count,
            "speech": stored.speech,
            "blocks": stored.blocks,
            "peak": stored.peak,
            "clips": stored.clips,
            "words": stored.words,
        }
        encoded = json.dumps(head).encode()
        self.store.put(key, len(encoded).to_bytes(4, "little") + encoded + stored.data)


@dataclass(frozen=True)
class CacheInfo:
    """What the cache holds."""

    path: Path
    """The cache folder."""
    clips: int
    """Clips stored."""
    segments: int
    """Encoded turns stored."""
    bytes: int
    """Their size on disk."""
    bound: int
    """The most it may hold, in bytes."""


class Cache:
    """The cache folder as a whole: what it holds, its bound, clearing it."""

    def __init__(self, root: Path, bound: int | None = None) -> None:
        self.root = root
        self.bound = default_bound() if bound is None else bound
        self.stores = (Store(root / "clips", ".clip"), Store(root / "segments", ".seg"))

    def _files(self, stores: tuple[Store, ...] | None = None) -> list[tuple[float, int, Path]]:
        """(last used, size, path) of every entry."""
        found = []
        for store in stores or self.stores:
            for path in store.files():
                try:
                    status = path.stat()
                except OSError:
                    continue
                found.append((status.st_mtime, status.st_size, path))
        return found

    def info(self) -> CacheInfo:
        clips, segments = (self._files((store,)) for store in self.stores)
        size = sum(size for _, size, _ in clips + segments)
        return CacheInfo(self.root, len(clips), len(segments), size, self.bound)

    def trim(self) -> int:
        """Remove the least recently used entries until the cache is within its bound;
        how many were removed."""
        files = sorted(self._files())
        total = sum(size for _, size, _ in files)
        removed = 0
        for _, size, path in files:
            if total <= self.bound:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
        return removed

    def clear(self) -> int:
        """Remove every entry (and anything else in the stores' folders, such as files an
        older version left); how many entries there were."""
        count = len(self._files())
        for store in self.stores:
            shutil.rmtree(store.root, ignore_errors=True)
        return count
