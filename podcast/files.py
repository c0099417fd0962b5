"""Writing files so that nobody ever sees half of one: a temporary file in the same
folder, renamed over the old one only once it is complete, with the permissions a
newly created file gets (the umask), not the private ones of a temporary file."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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


class Unreadable(Exception):
    """A user's file could not be read: the message says why and what to do, without the
    path (the caller names the file as its messages do)."""


@dataclass(frozen=True)
class UserFile:
    """A kind of file a user gives (a transcript, voices.yaml, a cover, show settings, a
    manifest): how large it may be, and how its problems are said."""

    limit: int
    """The most bytes it may hold."""
    fix: str
    """What to do, after any problem: ``give a transcript file``."""
    said: Mapping[str, str] = field(default_factory=dict)
    """Messages of its own by problem (missing, folder, device, large, unreadable,
    encoding) in place of the plain words and the fix; ``{reason}`` is the system's."""

    def message(self, problem: str, reason: str) -> str:
        own = self.said.get(problem)
        if own is not None:
            return own.format(reason=reason)
        if problem == "encoding":
            return _PLAIN[problem]
        return f"{_PLAIN[problem].format(reason=reason, kb=self.limit // 1024)}; {self.fix}"


_PLAIN = {
    "encoding": "not UTF-8 text; save it as UTF-8",
    "missing": "no such file",
    "folder": "is a folder",
    "device": "not a regular file (a device, pipe or socket)",
    "large": "larger than {kb} KB",
    "unreadable": "cannot read it ({reason})",
}


def read_user_text(path: Path, kind: UserFile) -> str:
    """A text file the user gave, as UTF-8 (a byte-order mark or not); Unreadable as
    read_user_file, or when it is not UTF-8."""
    try:
        return read_user_file(path, kind).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(kind.message("encoding", "")) from error


def read_user_file(path: Path, kind: UserFile) -> bytes:
    """The bytes of a file the user gave, through ``read_limited``; Unreadable with the
    one-line message of ``kind`` when it cannot be had."""
    try:
        return read_limited(path, kind.limit)
    except FileNotFoundError as error:
        raise Unreadable(kind.message("missing", "")) from error
    except IsADirectoryError as error:
        raise Unreadable(kind.message("folder", "")) from error
    except NotAFile as error:
        raise Unreadable(kind.message("device", "")) from error
    except TooLarge as error:
        raise Unreadable(kind.message("large", "")) from error
    except OSError as error:
        raise Unreadable(kind.message("unreadable", str(error.strerror or error))) from error


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
