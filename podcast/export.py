"""Encoding, tags and chapters. Episodes are written to a temporary file and renamed into
place, so a failed render never leaves a broken file or destroys the previous one.

MP3 is encoded here (LAME), segment by segment; WAV, FLAC and Ogg Vorbis are written
from the PCM as it streams in (wave, libsndfile); Opus and M4A are piped through
ffmpeg when one is found."""

from __future__ import annotations

import io
import math
import os
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import lameenc
import numpy as np
import soundfile
from mutagen import File as MutagenFile
from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TPE1,
    TRCK,
    TSSE,
    TXXX,
    CTOCFlags,
    ID3NoHeaderError,
)

from podcast.errors import OutputError
from podcast.ffmpeg import find_ffmpeg

FORMATS = ("mp3", "wav", "flac", "ogg", "opus", "m4a")
_SOUNDFILE = {"flac": ("FLAC", "PCM_16"), "ogg": ("OGG", "VORBIS")}
_FFMPEG = {
    "opus": ["-c:a", "libopus", "-b:a", "{bitrate}k"],
    "m4a": ["-c:a", "aac", "-b:a", "{bitrate}k"],
}
LOUDNESS_TAG = "podcast-loudness"
KEY_TAG = "podcast-render-key"
MP3_FRAME = 1152  # samples per MPEG-1 Layer III frame
MP3_DELAY = 1105  # encoder + decoder delay: where the first input sample is heard
# LAME's algorithm quality, 2 (best) to 7 (fastest). eSpeak's speech has nothing above
# 11 kHz and 96 kbit/s is generous for mono speech; 7 encodes twice as fast as 5
# (1.4 s against 2.7 s for 9 minutes here) and sounds the same.
MP3_QUALITY = 7
LAME_GAIN = 20 * math.log10(0.95)  # LAME's output is its input x 0.95 (-0.45 dB), always


@dataclass(frozen=True)
class Chapter:
    """A chapter: where it starts and ends (milliseconds) and its title."""

    start: int
    end: int
    title: str


@dataclass(frozen=True)
class Tags:
    """Tags for the episode."""

    title: str
    artist: str | None = None
    """The author (ID3 TPE1)."""
    album: str | None = None
    """The show (ID3 TALB)."""
    number: str | None = None
    date: str | None = None
    description: str | None = None
    cover: Path | None = None
    """A JPEG or PNG picture."""
    render_key: str | None = None
    """Fingerprint of everything that shaped the audio; an equal one means up to date."""
    loudness: str | None = None
    """The measured loudness and true peak, as the summary line says them."""
    chapters: tuple[Chapter, ...] = ()


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
    channels: int = 1
    """1 (mono) or 2 (stereo, speakers panned)."""
    loudness: float | None = -16.0
    """Integrated loudness target in LUFS; None leaves levels as the engine made them."""
    true_peak: float = -1.0
    """Highest true peak allowed, in dBTP."""

    @property
    def codec_gain(self) -> float:
        """dB the encoder changes the level by: LAME scales its input by 0.95."""
        return LAME_GAIN if self.fmt == "mp3" else 0.0

    def decode(self, data: bytes) -> np.ndarray | None:
        """An MP3 segment decoded (libsndfile), as a listener's player hears it; mono,
        both channels summed in power. None when this libsndfile cannot read MP3."""
        try:
            audio, _ = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
        except (RuntimeError, TypeError, soundfile.LibsndfileError):
            return None
        return np.sqrt((audio**2).sum(axis=1)) if audio.shape[1] > 1 else audio[:, 0]

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
        lame.set_channels(self.channels)
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


def write_episode(
    segments: Iterable[bytes],
    path: Path,
    encoding: Encoding,
    tags: Tags | Callable[[], Tags],
) -> None:
    """Write encoded segments as they come into ``path``, atomically: a temporary file
    in the same folder, renamed over the old episode only once it is complete.
    ``tags`` may be a function, called once every segment is written (chapters and
    loudness are known only then)."""
    _prepare_folder(path)
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write there ({error.strerror})") from error
    try:
        with os.fdopen(handle, "wb") as out:
            _WRITERS[encoding.fmt](out, segments, encoding, Path(temp))
        _tag(Path(temp), encoding.fmt, tags() if callable(tags) else tags)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as error:
        reason = error.strerror or error
        raise OutputError(f"{path}: cannot write the episode ({reason})") from error
    finally:
        Path(temp).unlink(missing_ok=True)


def _write_mp3(out: BinaryIO, segments: Iterable[bytes], encoding: Encoding, temp: Path) -> None:
    out.writelines(segments)


def _write_wav(out: BinaryIO, segments: Iterable[bytes], encoding: Encoding, temp: Path) -> None:
    with wave.open(out, "wb") as file:
        file.setnchannels(encoding.channels)
        file.setsampwidth(2)
        file.setframerate(encoding.rate)
        for pcm in segments:
            file.writeframesraw(pcm)


def _write_soundfile(
    out: BinaryIO, segments: Iterable[bytes], encoding: Encoding, temp: Path
) -> None:
    container, subtype = _SOUNDFILE[encoding.fmt]
    with soundfile.SoundFile(
        out, "w", encoding.rate, encoding.channels, subtype, format=container
    ) as file:
        for pcm in segments:
            file.buffer_write(pcm, dtype="int16")


def _write_ffmpeg(out: BinaryIO, segments: Iterable[bytes], encoding: Encoding, temp: Path) -> None:
    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        raise OutputError(
            f"writing .{encoding.fmt} needs ffmpeg: install it (apt install ffmpeg, brew install "
            "ffmpeg) or run pip install 'podcast[ffmpeg]'; .mp3, .wav, .flac and .ogg need nothing"
        )
    codec = [part.format(bitrate=encoding.bitrate) for part in _FFMPEG[encoding.fmt]]
    command = [ffmpeg, "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(encoding.rate)]
    command += ["-ac", str(encoding.channels), "-i", "-", *codec]
    command += ["-f", "ipod" if encoding.fmt == "m4a" else "ogg", str(temp)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdin is not None
        try:
            for pcm in segments:
                process.stdin.write(pcm)
        finally:
            process.stdin.close()
        problem = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode:
        raise OutputError(f"ffmpeg could not write .{encoding.fmt}: {problem.strip()[:200]}")


_WRITERS = {
    "mp3": _write_mp3,
    "wav": _write_wav,
    "flac": _write_soundfile,
    "ogg": _write_soundfile,
    "opus": _write_ffmpeg,
    "m4a": _write_ffmpeg,
}


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


def _tag(path: Path, fmt: str, tags: Tags) -> None:
    if fmt == "mp3":
        _id3(tags).save(str(path), v2_version=3)
        order_chapters(path)
    elif fmt != "wav":
        _plain_tags(path, tags, chapters=fmt != "m4a")


def _id3(tags: Tags) -> ID3:
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    texts = {TPE1: tags.artist, TALB: tags.album, TRCK: tags.number, TDRC: tags.date}
    for frame, value in texts.items():
        if value:
            id3.add(frame(encoding=3, text=value))
    if tags.description:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.description))
    if tags.cover:
        id3.add(_cover(tags.cover))
    id3.add(TSSE(encoding=3, text="podcast (eSpeak NG, LAME)"))
    for desc, value in ((KEY_TAG, tags.render_key), (LOUDNESS_TAG, tags.loudness)):
        if value:
            id3.add(TXXX(encoding=3, desc=desc, text=value))
    _add_chapters(id3, tags.chapters)
    return id3


def _add_chapters(id3: ID3, chapters: tuple[Chapter, ...]) -> None:
    """A CTOC table of contents, then the CHAP frames, in time order. Element IDs are
    zero-padded so any reader sorting them by name still gets them in order."""
    if not chapters:
        return
    ids = [f"chp{index:03d}" for index in range(len(chapters))]
    id3.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text="Chapters")],
        )
    )
    for element, chapter in zip(ids, chapters, strict=True):
        id3.add(
            CHAP(
                element_id=element,
                start_time=chapter.start,
                end_time=chapter.end,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )


def order_chapters(path: Path) -> None:
    """Put the CTOC frame first and the CHAP frames after it in time order, in place.

    mutagen sorts frames by size when it saves, and players such as Overcast list CHAP
    frames in the order they meet them. The tag keeps its size, so the audio stays put.
    """
    with path.open("r+b") as file:
        header = file.read(10)
        if header[:3] != b"ID3" or header[3] != 3:
            return
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(header[6:10]))
        body = file.read(size)
        frames = _frames(body)
        chapters = sorted((f for f in frames if f[:4] == b"CHAP"), key=_chapter_start)
        tables = [f for f in frames if f[:4] == b"CTOC"]
        others = [f for f in frames if f[:4] not in (b"CHAP", b"CTOC")]
        ordered = b"".join(others + tables + chapters)
        file.seek(10)
        file.write(ordered + bytes(size - len(ordered)))


def _frames(body: bytes) -> list[bytes]:
    """The ID3v2.3 frames of a tag body, each with its 10-byte header (padding dropped)."""
    frames, position = [], 0
    while position + 10 <= len(body) and body[position : position + 4].strip(b"\x00"):
        length = int.from_bytes(body[position + 4 : position + 8], "big")
        frames.append(body[position : position + 10 + length])
        position += 10 + length
    return frames


def _chapter_start(frame: bytes) -> int:
    element_end = frame.index(b"\x00", 10)
    return int.from_bytes(frame[element_end + 1 : element_end + 5], "big")


def _cover(path: Path) -> APIC:
    data = path.read_bytes()
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data)


def _plain_tags(path: Path, tags: Tags, chapters: bool) -> None:
    """Title, author, show and chapters (Vorbis comments or MP4 atoms) for other formats."""
    audio = MutagenFile(str(path), easy=True)
    if audio is None:
        return
    values = {"title": tags.title, "artist": tags.artist, "album": tags.album}
    values |= {"tracknumber": tags.number, "date": tags.date}
    for key, value in values.items():
        if value:
            audio[key] = value
    if chapters and tags.chapters:  # Vorbis comments: CHAPTER001=00:01:02.500
        for index, chapter in enumerate(tags.chapters, start=1):
            audio.tags[f"CHAPTER{index:03d}"] = _clock(chapter.start)
            audio.tags[f"CHAPTER{index:03d}NAME"] = chapter.title
    audio.save()


def _clock(milliseconds: int) -> str:
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest / 1000:06.3f}"


def stored_render_key(path: Path) -> str | None:
    """The render key tagged in an existing episode, if any."""
    return _stored(path, KEY_TAG)


def stored_loudness(path: Path) -> str | None:
    """The loudness line tagged in an existing episode, if any."""
    return _stored(path, LOUDNESS_TAG)


def _stored(path: Path, desc: str) -> str | None:
    try:
        frames = ID3(str(path)).getall(f"TXXX:{desc}")
    except (ID3NoHeaderError, MutagenError, OSError, ValueError):
        return None
    return str(frames[0].text[0]) if frames else None
