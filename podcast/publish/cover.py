"""Cover art: a JPEG or PNG, known by its content and read for its size, so that a
text file or an unreadable picture is never embedded as one."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from podcast.files import Unreadable, UserFile, read_user_file

MAX_BYTES = 10 * 1024 * 1024
COVER = UserFile(
    MAX_BYTES,
    "give a JPEG or PNG file",
    {
        "missing": "no such file; give a JPEG or PNG",
        "folder": "not a regular file; give a JPEG or PNG file",
        "device": "not a regular file; give a JPEG or PNG file",
        "large": f"larger than {MAX_BYTES // 2**20} MB; give a smaller picture",
        "unreadable": "cannot read it ({reason})",
    },
)
SMALLEST, LARGEST = 1400, 3000  # pixels a side, as podcast directories ask


class CoverProblem(ValueError):
    """Why a file cannot be a cover (the message says what to give instead)."""


@dataclass(frozen=True)
class Picture:
    """A cover picture, checked."""

    mime: str
    """image/jpeg or image/png."""
    width: int
    """Pixels across."""
    height: int
    """Pixels down."""
    data: bytes
    """The file's bytes."""
    colour: str = "rgb"
    """rgb, grey, cmyk or indexed: podcast directories want RGB."""

    def advice(self) -> str | None:
        """What podcast directories will say about its size, if anything."""
        if self.width != self.height or not SMALLEST <= self.width <= LARGEST:
            return (
                f"{self.width}x{self.height} px; podcast directories want a square picture of "
                f"{SMALLEST} to {LARGEST} px"
            )
        return None


def read_cover(path: Path) -> Picture:
    """The picture at ``path``; CoverProblem when it is not a readable JPEG or PNG."""
    try:
        return picture(read_user_file(path, COVER))
    except Unreadable as problem:
        raise CoverProblem(str(problem)) from problem


def picture(data: bytes) -> Picture:
    """The picture in ``data`` (a file's bytes, or an episode's embedded cover)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        width, height = _png_size(data)
        colour = _PNG_COLOUR.get(data[25], "rgb") if len(data) > 25 else "rgb"
        return Picture("image/png", width, height, data, colour)
    if data.startswith(b"\xff\xd8\xff"):
        width, height, components = _jpeg_size(data)
        return Picture("image/jpeg", width, height, data, _JPEG_COLOUR.get(components, "rgb"))
    raise CoverProblem("not a JPEG or PNG picture; give one")


_PNG_COLOUR = {0: "grey", 3: "indexed", 4: "grey"}  # by the IHDR colour type; 2, 6: RGB
_JPEG_COLOUR = {1: "grey", 4: "cmyk"}  # by the number of components


def _png_size(data: bytes) -> tuple[int, int]:
    if data[12:16] != b"IHDR" or len(data) < 24:
        raise CoverProblem("a damaged PNG (no image header); save it again")
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise CoverProblem("a PNG with no pixels; save it again")
    return width, height


_SIZE_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int, int]:
    """Walk the JPEG's segments to its frame header, which holds the size."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if marker in _SIZE_MARKERS and position + 10 <= len(data):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            if width and height:
                return width, height, data[position + 9]
            break
        if marker == 0xDA or length < 2:  # the image data starts, no frame header seen
            break
        position += 2 + length
    raise CoverProblem("a damaged JPEG (no frame header with its size); save it again")
