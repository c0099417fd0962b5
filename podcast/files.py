"""Writing files so that nobody ever sees half of one: a temporary file in the same
folder, renamed over the old one only once it is complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from podcast.errors import OutputError


def write_atomically(
    path: Path,
    write: Callable[[BinaryIO], None],
    before_rename: Callable[[], None] | None = None,
) -> None:
    """Write ``path`` through a temporary file; ``before_rename`` runs once it is
    complete (to keep a backup of the old file, say). OSError is the caller's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as raw:
            write(raw)
        if before_rename:
            before_rename()
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def write_text(path: Path, text: str, before_rename: Callable[[], None] | None = None) -> None:
    """``write_atomically`` for UTF-8 text with \\n line ends; a failure is an OutputError."""
    try:
        write_atomically(path, lambda raw: raw.write(text.encode("utf-8")), before_rename)
    except OSError as error:
        raise OutputError(f"{path}: cannot write it ({error.strerror or error})") from error
