"""The one door every command reads a transcript through: read, decode, check the
size, detect the style, parse."""

from __future__ import annotations

from pathlib import Path

from podcast.errors import InputError
from podcast.files import Unreadable, UserFile, read_user_file
from podcast.transcript.documents import document_text
from podcast.transcript.model import ParseSettings, Script
from podcast.transcript.styles import parse_transcript

MAX_BYTES = 16 * 1024 * 1024  # about 2.5 million words: days of audio
TRANSCRIPT = UserFile(
    MAX_BYTES,
    "give a transcript file",
    {
        "missing": "no such file; check the transcript path",
        "large": f"larger than {MAX_BYTES // 2**20} MB, which is days of audio; split the "
        "transcript into episodes",
        "unreadable": "cannot read it ({reason})",
    },
)


def read_text(path: Path) -> tuple[str, list[str]]:
    """The transcript's text and any warnings: a document's (HTML, .docx, PDF) as text;
    plain text in UTF-8 (BOM or not), UTF-16 with BOM, else cp1252."""
    try:
        data = read_user_file(path, TRANSCRIPT)
    except Unreadable as problem:
        raise InputError(f"{path}: {problem}") from problem
    found = document_text(path, data)  # a web page, a Word file, a PDF: its text
    text, warnings = (found, []) if found is not None else _decode(path, data)
    if "\x00" in text:
        raise InputError(f"{path}: looks like a binary file, not a transcript; give a text file")
    if not any(c.isalnum() for c in text):
        raise InputError(f"{path}: has no text to speak; give a transcript with words in it")
    return text, warnings


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        warning = f"{path}: not UTF-8; read as Windows-1252 (save it as UTF-8 to be sure)"
        return data.decode("cp1252", errors="replace"), [warning]


def style_of(path: Path) -> str | None:
    """Caption and JSON files are known by their extension; everything else by its content."""
    suffix = path.suffix.lower()
    if suffix in (".vtt", ".srt"):
        return "captions"
    return "json" if suffix == ".json" else None


def read(
    path: Path, style: str | None = None, settings: ParseSettings | None = None
) -> tuple[Script, list[str]]:
    """The transcript at ``path`` parsed in ``style`` (else by its extension, else
    detected) with ``settings``, and any warnings about reading it."""
    text, warnings = read_text(path)
    return parse_transcript(text, style or style_of(path), settings), warnings
