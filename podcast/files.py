"""Writing files so that nobody ever sees half of one: a temporary file in the same
folder, renamed over the old one only once it is complete, with the permissions a
newly created file gets (the umask), not the private ones of a temporary file."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from podcast.errors import OutputError


class NotAFile(OSError):
    """The path is a device, a pipe, a socket or a folder: nothing to read as a file."""


class TooLarge(OSError):
    """The file holds more than the reader will take."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refusing at once what is not one (reading
    a FIFO with no writer would wait forever, and /dev/zero never ends) and reading at
    most ``limit`` + 1 bytes whatever size the file reports. FileNotFoundError, NotAFile,
    TooLarge or another OSError: the caller says what they mean."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not stat.S_ISREG(mode):
        raise NotAFile(f"{path} is not a regular file")
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{path} is larger than {limit} bytes")
    return data


def unreadable(error: OSError, limit: int) -> str:
    """What stopped ``read_limited``, in a few plain words (the caller adds the fix)."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "is a folder"
    if isinstance(error, NotAFile):
        return "not a regular file (a device, pipe or socket)"
    if isinstance(error, TooLarge):
        return f"larger than {limit // 1024} KB"
    return f"cannot read it ({error.strerror or error})"


def same_file(one: Path, other: Path) -> bool:
    """True when both paths name one file (the same path written another way, or a
    link to it), whether or not it exists yet."""
    try:
        if one.exists() and other.exists():
            return os.path.samefile(one, other)
        return one.resolve() == other.resolve()
    except OSError:
        return False


def temporary_file(path: Path) -> tuple[BinaryIO, Path]:
    """An open, empty temporary file beside ``path``. The one place files are opened for
    writing: tests replace it to inject a full or unwritable disk."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    return os.fdopen(handle, "wb"), Path(name)


def umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(
    path: Path,
    write: Callable[[BinaryIO], None],
    finish: Callable[[Path], None] | None = None,
) -> None:
    """Write ``path`` through a temporary file. ``finish`` runs with the temporary
    file's path once it is written and closed (to tag it, or keep a backup of the old
    file), just before the rename. OSError is the caller's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        raw, temp = temporary_file(path)
    except OSError as error:
        reason = error.strerror or error
        raise OutputError(f"{path.parent}: cannot write there ({reason})") from error
    try:
        with raw:
            write(raw)
        if finish:
            finish(temp)
        os.chmod(temp, 0o666 & ~umask())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_text(path: Path, text: str, finish: Callable[[Path], None] | None = None) -> None:
    """``write_atomically`` for UTF-8 text with \\n line ends; a failure is an OutputError."""
    try:
        write_atomically(path, lambda raw: raw.write(text.encode("utf-8")), finish)
    except OSError as error:
        raise OutputError(f"{path}: cannot write it ({error.strerror or error})") from error
