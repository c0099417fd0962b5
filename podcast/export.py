"""Encoding and tags. Episodes are written to a temporary file and renamed into place,
so a failed render never leaves a broken file or destroys the previous one."""

from __future__ import annotations

import os
import tempfile
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import lameenc
from mutagen import MutagenError
from mutagen.id3 import ID3, TALB, TIT2, TPE1, TSSE, TXXX, ID3NoHeaderError
from pydub import AudioSegment

from podcast.errors import OutputError

FORMATS = ("mp3", "wav")
KEY_TAG = "podcast-render-key"


@dataclass(frozen=True)
class Tags:
    """ID3 tags for the episode."""

    title: str
    artist: str | None = None
    album: str | None = None
    render_key: str | None = None
    """Fingerprint of everything that shaped the audio; an equal one means up to date."""


class _Encoder(Protocol):
    def write(self, pcm: bytes) -> None: ...
    def finish(self) -> None: ...


class _Mp3:
    """CBR MP3 through LAME (lameenc): no ffmpeg needed."""

    def __init__(self, out: BinaryIO, rate: int, bitrate: int) -> None:
        self.out = out
        self.lame = lameenc.Encoder()
        self.lame.set_in_sample_rate(rate)
        self.lame.set_channels(1)
        self.lame.set_bit_rate(bitrate)
        self.lame.set_quality(5)
        self.lame.silence()

    def write(self, pcm: bytes) -> None:
        self.out.write(self.lame.encode(pcm))

    def finish(self) -> None:
        self.out.write(self.lame.flush())


class _Wav:
    def __init__(self, out: BinaryIO, rate: int) -> None:
        self.file = wave.open(out, "wb")  # noqa: SIM115 (closed in finish)
        self.file.setnchannels(1)
        self.file.setsampwidth(2)
        self.file.setframerate(rate)

    def write(self, pcm: bytes) -> None:
        self.file.writeframesraw(pcm)

    def finish(self) -> None:
        self.file.close()


def format_of(path: Path, explicit: str | None = None) -> str:
    """The output format: ``explicit``, else the file's extension."""
    fmt = (explicit or path.suffix.lstrip(".") or "mp3").lower()
    if fmt not in FORMATS:
        raise OutputError(f"{path}: unsupported format '{fmt}'; use one of {', '.join(FORMATS)}")
    return fmt


def write_episode(
    pieces: Iterable[AudioSegment], path: Path, *, rate: int, bitrate: int, tags: Tags
) -> None:
    """Encode the pieces as they come into ``path`` (mp3 or wav, by extension), atomically."""
    fmt = format_of(path)
    _prepare_folder(path)
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write there ({error.strerror})") from error
    try:
        with os.fdopen(handle, "wb") as out:
            encoder: _Encoder = _Mp3(out, rate, bitrate) if fmt == "mp3" else _Wav(out, rate)
            for piece in pieces:
                encoder.write(piece.raw_data)
            encoder.finish()
        if fmt == "mp3":
            _tag(Path(temp), tags)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as error:
        reason = error.strerror or error
        raise OutputError(f"{path}: cannot write the episode ({reason})") from error
    finally:
        Path(temp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _prepare_folder(path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name such as {path / 'episode.mp3'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot create the folder ({error.strerror})") from error


def _tag(path: Path, tags: Tags) -> None:
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))
    if tags.album:
        id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TSSE(encoding=3, text="podcast (eSpeak NG, LAME)"))
    if tags.render_key:
        id3.add(TXXX(encoding=3, desc=KEY_TAG, text=tags.render_key))
    id3.save(str(path), v2_version=3)


def stored_render_key(path: Path) -> str | None:
    """The render key tagged in an existing episode, if any."""
    try:
        frames = ID3(str(path)).getall(f"TXXX:{KEY_TAG}")
    except (ID3NoHeaderError, MutagenError, OSError, ValueError):
        return None
    return str(frames[0].text[0]) if frames else None
