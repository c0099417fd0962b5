"""What a batch renders: every transcript of a folder, or the lines of a manifest.

A manifest is a YAML or CSV file naming a transcript per entry, with optionally the
voices.yaml to render it with and the name of its episode (paths relative to the
manifest)::

    # batch.yaml
    - transcript: interviews/anna.txt
      voices: voices/anna.yaml
      output: anna-2026
    - transcript: interviews/ben.md

    # batch.csv
    transcript,voices,output
    interviews/anna.txt,voices/anna.yaml,anna-2026
    interviews/ben.md,,
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from podcast.errors import InputError
from podcast.files import Unreadable, UserFile, read_user_text
from podcast.publish.page import GENERATOR
from podcast.publish.sidefiles import MOVED, SideFile

TRANSCRIPTS = (".txt", ".md", ".markdown", ".fountain", ".vtt", ".srt", ".log", ".json",
               ".html", ".htm", ".docx", ".pdf")  # fmt: skip
"""The extensions a folder's transcripts have (what `podcast render` reads)."""
NOT_TRANSCRIPTS = tuple(str(s) for s in SideFile if s.count(".") > 1)  # .chapters.json, ...
"""Side files a render writes: never taken for transcripts."""
MANIFESTS = (".yaml", ".yml", ".csv")
CAPTIONS = (".vtt", ".srt")
PAGES = (".html", ".htm")  # a saved web page, or the page a render wrote
MAX_MANIFEST = 16 * 1024 * 1024
MANIFEST = UserFile(
    MAX_MANIFEST,
    "give a manifest file (.yaml or .csv)",
    {"encoding": "not UTF-8 text; save the manifest as UTF-8"},
)


@dataclass(frozen=True)
class Entry:
    """One episode of the batch."""

    transcript: Path
    """The transcript."""
    name: str
    """The episode's name: its files are OUT_DIR/NAME.mp3 and the side files."""
    voices: Path | None = None
    """Its voices.yaml (None: --voices, else the usual lookup)."""


def entries_of(source: Path) -> list[Entry]:
    """The entries of a folder or a manifest, in order; names must not clash."""
    if source.is_dir():
        paths = [p for p in sorted(source.iterdir()) if p.is_file() and _is_transcript(p)]
        pages = _pages_written(paths)
        paths = [path for path in paths if path not in pages]
        written = _captions_written(paths)
        found = [Entry(path, path.stem) for path in paths if path not in written]
    elif source.suffix.lower() in MANIFESTS:
        found = _manifest(source)
    elif not source.exists():
        raise InputError(f"{source}: no such folder or manifest; give a folder of transcripts")
    else:
        raise InputError(
            f"{source}: not a folder or a manifest (.yaml, .csv); give a folder of transcripts"
        )
    if not found:
        raise InputError(
            f"{source}: no transcripts in it ({', '.join(TRANSCRIPTS)}); check the folder"
        )
    _check_names(source, found)
    return found


def _captions_written(paths: list[Path]) -> set[Path]:
    """Captions a render wrote beside its episode, when the batch writes into the folder
    it reads (else the re-run would find two transcripts of one name): ``talk.vtt``
    beside the transcript ``talk.txt``; for the transcript ``clip.vtt``, its episode's
    ``clip.episode.vtt`` and ``clip.srt``."""
    names = {path.name for path in paths}
    stems = {path.stem for path in paths if path.suffix.lower() not in CAPTIONS}

    def written(path: Path) -> bool:
        if path.stem in stems or path.stem.endswith(f".{MOVED}"):
            return True
        others = [s for s in CAPTIONS if s != path.suffix.lower()]  # the input among them
        return any(f"{path.stem}.{MOVED}{other}" in names for other in others)

    return {path for path in paths if path.suffix.lower() in CAPTIONS and written(path)}


def _pages_written(paths: list[Path]) -> set[Path]:
    """Episode pages a render wrote (they say so in their head): a saved web page is a
    transcript, the page of an episode is not."""
    marker = GENERATOR.encode()
    return {p for p in paths if p.suffix.lower() in PAGES and marker in _head(p)}


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(4096)
    except OSError:
        return b""


def _is_transcript(path: Path) -> bool:
    name = path.name.lower()
    return (
        not name.startswith(".")
        and path.suffix.lower() in TRANSCRIPTS
        and not name.endswith(NOT_TRANSCRIPTS)
    )


def _manifest(path: Path) -> list[Entry]:
    try:
        text = read_user_text(path, MANIFEST)
    except Unreadable as problem:
        raise InputError(f"{path}: {problem}") from problem
    rows = _csv_rows(path, text) if path.suffix.lower() == ".csv" else _yaml_rows(path, text)
    return [_entry(path, number, row) for number, row in enumerate(rows, start=1)]


def _yaml_rows(path: Path, text: str) -> list[Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InputError(f"{path}: not valid YAML ({error}); fix the manifest") from error
    if isinstance(data, dict) and "episodes" in data:
        data = data["episodes"]
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of entries such as '- transcript: a.txt'")
    return data


def _csv_rows(path: Path, text: str) -> list[Any]:
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and "transcript" not in rows[0]:
        raise InputError(f"{path}: the first line must name the columns: transcript,voices,output")
    return rows


def _entry(manifest: Path, number: int, row: Any) -> Entry:
    where = f"{manifest}: entry {number}"
    if isinstance(row, str):
        row = {"transcript": row}
    if not isinstance(row, dict) or not isinstance(row.get("transcript"), str):
        raise InputError(f"{where}: needs a transcript (a path)")
    unknown = sorted(set(row) - {"transcript", "voices", "output"})
    if unknown:
        raise InputError(f"{where}: unknown field '{unknown[0]}'; use transcript, voices, output")
    transcript = manifest.parent / row["transcript"]
    voices = row.get("voices") or None
    name = row.get("output") or transcript.stem
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        raise InputError(f"{where}: output must be a plain file name such as 'episode-12'")
    return Entry(transcript, Path(name).stem if name.endswith(".mp3") else name,
                 manifest.parent / voices if voices else None)  # fmt: skip


def _check_names(source: Path, entries: list[Entry]) -> None:
    seen: dict[str, Path] = {}
    for entry in entries:
        key = entry.name.casefold()
        if key in seen:
            raise InputError(
                f"{source}: {seen[key].name} and {entry.transcript.name} would both be "
                f"{entry.name}.mp3; rename one, or name their episodes in a manifest"
            )
        seen[key] = entry.transcript
