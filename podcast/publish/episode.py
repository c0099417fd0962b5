"""Writing the episode: encoded segments streamed into a temporary file, tagged, and
renamed into place, so a failed render never leaves a broken file or destroys the
previous episode.

MP3 segments are concatenated as they are; WAV, FLAC and Ogg Vorbis are written from
the PCM as it streams in (wave, libsndfile); Opus and M4A are piped through ffmpeg
when one is found."""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import soundfile

from podcast.audio.codec import Encoding, Format, Writer
from podcast.errors import OutputError
from podcast.ffmpeg import INSTALL, find_ffmpeg
from podcast.files import write_atomically
from podcast.publish.cover import CoverProblem
from podcast.publish.tags import Tags, tag_file

_SOUNDFILE = {Format.FLAC: ("FLAC", "PCM_16"), Format.OGG: ("OGG", "VORBIS")}
_FFMPEG = {  # codec, then container
    Format.OPUS: (["-c:a", "libopus", "-b:a", "{bitrate}k"], "ogg"),
    Format.M4A: (["-c:a", "aac", "-b:a", "{bitrate}k"], "ipod"),
    Format.M4B: (["-c:a", "aac", "-b:a", "{bitrate}k"], "ipod"),
}


def write_episode(
    segments: Iterable[bytes],
    path: Path,
    encoding: Encoding,
    tags: Tags | Callable[[], Tags],
) -> None:
    """Write encoded segments as they come into ``path``, atomically. ``tags`` may be a
    function, called once every segment is written (chapters and loudness are known
    only then)."""
    _prepare_folder(path)
    piped = encoding.fmt.writer is Writer.FFMPEG

    def write(out: BinaryIO) -> None:
        if not piped:
            _WRITERS[encoding.fmt.writer](out, segments, encoding)

    def finish(temp: Path) -> None:
        if piped:
            _through_ffmpeg(temp, segments, encoding)
        tag_file(temp, encoding.fmt, tags() if callable(tags) else tags)

    try:
        write_atomically(path, write, finish)
    except CoverProblem as problem:
        raise OutputError(f"{path}: the cover changed while rendering ({problem})") from problem
    except OSError as error:
        reason = error.strerror or error
        raise OutputError(f"{path}: cannot write the episode ({reason})") from error


def _write_mp3(out: BinaryIO, segments: Iterable[bytes], encoding: Encoding) -> None:
    out.writelines(segments)


def _write_wav(out: BinaryIO, segments: Iterable[bytes], encoding: Encoding) -> None:
    with wave.open(out, "wb") as file:
        file.setnchannels(encoding.channels)
        file.setsampwidth(2)
        file.setframerate(encoding.sample_rate)
        for pcm in segments:
            file.writeframesraw(pcm)


def _write_soundfile(out: BinaryIO, segments: Iterable[bytes], encoding: Encoding) -> None:
    container, subtype = _SOUNDFILE[encoding.fmt]
    with soundfile.SoundFile(
        out, "w", encoding.sample_rate, encoding.channels, subtype, format=container
    ) as file:
        for pcm in segments:
            file.buffer_write(pcm, dtype="int16")


_WRITERS = {
    Writer.SEGMENTS: _write_mp3,
    Writer.WAVE: _write_wav,
    Writer.SOUNDFILE: _write_soundfile,
}


def _through_ffmpeg(temp: Path, segments: Iterable[bytes], encoding: Encoding) -> None:
    """Pipe the PCM through ffmpeg into ``temp`` (Opus in Ogg, or AAC in M4A)."""
    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        raise OutputError(
            f"writing .{encoding.fmt} needs ffmpeg: {INSTALL}; .mp3, .wav, .flac and .ogg "
            "need nothing"
        )
    options, container = _FFMPEG[encoding.fmt]
    codec = [part.format(bitrate=encoding.bitrate) for part in options]
    command = [ffmpeg, "-loglevel", "error", "-y", "-f", "s16le", "-ar", str(encoding.sample_rate)]
    command += ["-ac", str(encoding.channels), "-i", "-", *codec]
    command += ["-f", container, str(temp)]
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


def _prepare_folder(path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name such as {path / 'episode.mp3'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot create the folder ({error.strerror})") from error
