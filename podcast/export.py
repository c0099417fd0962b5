"""Encoding and tags. Episodes are written to a temporary file and renamed into place,
so a failed render never leaves a broken file or destroys the previous one."""

from __future__ import annotations

import os
import tempfile
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import lameenc
from mutagen import MutagenError
from mutagen.id3 import ID3, TALB, TIT2, TPE1, TSSE, TXXX, ID3NoHeaderError

from podcast.errors import OutputError

FORMATS = ("mp3", "wav")
KEY_TAG = "podcast-render-key"
MP3_FRAME = 1152  # samples per MPEG-1 Layer III frame
MP3_DELAY = 1105  # encoder + decoder delay: where the first input sample is heard
# LAME's algorithm quality, 2 (best) to 7 (fastest). eSpeak's speech has nothing above
# 11 kHz and 96 kbit/s is generous for mono speech; 7 encodes twice as fast as 5
# (1.4 s against 2.7 s for 9 minutes here) and sounds the same.
MP3_QUALITY = 7


@dataclass(frozen=True)
class Tags:
    """ID3 tags for the episode."""

    title: str
    artist: str | None = None
    album: str | None = None
    render_key: str | None = None
    """Fingerprint of everything that shaped the audio; an equal one means up to date."""


@dataclass(frozen=True)
class Encoding:
    """How segments are encoded. Each turn is encoded on its own, so turns can be encoded
    in parallel and cached; segments are then concatenated.

    LAME turns n samples (n a multiple of 1152) into exactly n / 1152 + 1 frames, the
    input starting MP3_DELAY samples in. So every segment adds exactly one frame,
    which the pause after it gives back: timestamps stay exact to the sample.
    """

    fmt: str = "mp3"
    """mp3 or wav."""
    bitrate: int = 96
    """MP3 bitrate in kbit/s (CBR)."""
    rate: int = 44100
    """Sample rate."""

    @property
    def lead(self) -> int:
        """Samples a player hears before a segment's first input sample."""
        return MP3_DELAY if self.fmt == "mp3" else 0

    def trailing(self, speech: int, pause: int) -> int:
        """Samples of silence after ``speech`` samples, so the heard pause is ``pause``
        samples (for MP3, up to one frame more: segments end on the frame grid)."""
        if self.fmt != "mp3":
            return pause
        frames = max(-(-(speech + pause - MP3_FRAME) // MP3_FRAME), -(-speech // MP3_FRAME))
        return frames * MP3_FRAME - speech

    def decoded(self, count: int) -> int:
        """Samples a player decodes from a segment of ``count`` input samples."""
        return count + MP3_FRAME if self.fmt == "mp3" else count

    def encode(self, pcm: bytes) -> bytes:
        """One segment, ready to be concatenated with the others."""
        if self.fmt != "mp3":
            return pcm
        lame = lameenc.Encoder()
        lame.set_in_sample_rate(self.rate)
        lame.set_channels(1)
        lame.set_bit_rate(self.bitrate)
        lame.set_quality(MP3_QUALITY)
        lame.silence()
        return bytes(lame.encode(pcm) + lame.flush())


def format_of(path: Path, explicit: str | None = None) -> str:
    """The output format: ``explicit``, else the file's extension."""
    fmt = (explicit or path.suffix.lstrip(".") or "mp3").lower()
    if fmt not in FORMATS:
        raise OutputError(f"{path}: unsupported format '{fmt}'; use one of {', '.join(FORMATS)}")
    return fmt


def write_episode(segments: Iterable[bytes], path: Path, encoding: Encoding, tags: Tags) -> None:
    """Write encoded segments as they come into ``path``, atomically: a temporary file
    in the same folder, renamed over the old episode only once it is complete."""
    _prepare_folder(path)
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write there ({error.strerror})") from error
    try:
        with os.fdopen(handle, "wb") as out:
            if encoding.fmt == "mp3":
                out.writelines(segments)
            else:
                _write_wav(out, segments, encoding.rate)
        if encoding.fmt == "mp3":
            _tag(Path(temp), tags)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as error:
        reason = error.strerror or error
        raise OutputError(f"{path}: cannot write the episode ({reason})") from error
    finally:
        Path(temp).unlink(missing_ok=True)


def _write_wav(out: BinaryIO, segments: Iterable[bytes], rate: int) -> None:
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        for pcm in segments:
            file.writeframesraw(pcm)


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
