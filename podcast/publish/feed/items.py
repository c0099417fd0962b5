"""The episodes as the feed lists them: every value read off the files themselves (tags,
sizes, durations, the side files beside each episode), and the show's cover."""

from __future__ import annotations

import json
import stat
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.id3 import ID3, ID3NoHeaderError
from mutagen.mp3 import MP3, HeaderNotFoundError

from podcast.errors import InputError
from podcast.files import write_atomically
from podcast.publish.cover import CoverProblem, Picture, picture, read_cover
from podcast.publish.feed.show import Remembered, Show, url_of
from podcast.publish.sidefiles import SideFile, side_paths
from podcast.publish.tags import DISCLOSURE_TAG, PERSONS_TAG

COVER = "feed-cover"  # + .jpg or .png: never a name the user's own files are likely to have


@dataclass(frozen=True)
class Item:
    """One episode as the feed lists it."""

    path: Path
    """The episode file."""
    title: str | None
    """Its title tag."""
    length: int
    """Its size in bytes."""
    seconds: float | None
    """Its duration (None when no audio frame could be read)."""
    published: datetime
    """Its date tag, else when it first appeared."""
    guid: str
    """Its guid."""
    description: str | None = None
    """Its description (comment) tag."""
    author: str | None = None
    """Its artist tag."""
    show: str | None = None
    """Its album tag."""
    number: int | None = None
    """Its episode number (track tag)."""
    cover: bytes | None = None
    """Its embedded cover."""
    side_files: tuple[Path, ...] = ()
    """Its transcripts, chapters and page, those that exist."""
    chapters: tuple[tuple[float, str], ...] = ()
    """Its chapters from its chapters file: (start in seconds, title), in time order."""
    persons: tuple[dict[str, str], ...] = ()
    """Its speakers as its render tagged them: name, role, and img and href if given."""
    disclosure: str | None = None
    """The words that say synthetic voices made it, as its render tagged them."""


def read_item(path: Path, base_url: str, remembered: dict[str, Remembered]) -> Item:
    id3, seconds = _opened(path)
    tags = _tags(id3)
    if path.name not in remembered:
        first = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, url_of(base_url, path.name)))
        remembered[path.name] = Remembered(guid, first.isoformat())
    known = remembered[path.name]
    published = _date(tags.get("TDRC")) or _date(known.published) or _first_seen(path)
    side = side_paths(path)
    number = tags.get("TRCK", "").split("/")[0]
    return Item(
        path=path,
        title=tags.get("TIT2"),
        length=path.stat().st_size,
        seconds=seconds,
        published=published,
        guid=known.guid,
        description=tags.get("COMM"),
        author=tags.get("TPE1"),
        show=tags.get("TALB"),
        number=int(number) if number.isdigit() else None,
        cover=tags.get("APIC"),
        side_files=tuple(p for p in side if p.is_file()),
        chapters=_chapters(path.with_name(path.stem + SideFile.CHAPTERS)),
        persons=_persons(tags.get(PERSONS_TAG)),
        disclosure=tags.get(DISCLOSURE_TAG),
    )


def _persons(value: str | None) -> tuple[dict[str, str], ...]:
    """The persons tag, each entry's name and role and its img and href (https only);
    nothing when it is not what a render writes."""
    try:
        found = json.loads(value or "[]")
        kept = []
        for entry in found:
            person = {k: str(entry[k]) for k in ("name", "role")}
            links = {
                k: str(entry[k])
                for k in ("img", "href")
                if str(entry.get(k, "")).startswith("https://")
            }
            kept.append(person | links)
        return tuple(kept)
    except (ValueError, KeyError, TypeError):
        return ()


MAX_CHAPTERS_FILE = 1024 * 1024


def _chapters(path: Path) -> tuple[tuple[float, str], ...]:
    """The chapters of an episode's chapters file (Podcasting 2.0 JSON); none when it is
    missing, too large or not what a render writes."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_CHAPTERS_FILE:
            return ()
        found = json.loads(path.read_text(encoding="utf-8"))["chapters"]
        chapters = [(float(c["startTime"]), str(c["title"])) for c in found]
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    return tuple(sorted(chapters))


def _first_seen(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)


def episode_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The episodes in ``folder``: regular files named .mp3 that hold MP3 audio (the
    tags alone will not do), and a line for each other thing so named, saying why it
    is left out. A FIFO or device is never opened."""
    found, left = [], []
    for path in sorted(folder.glob("*.mp3")):
        why = _not_an_episode(path, folder)
        if why:
            left.append(f"{path.name}: {why}; left out of the feed")
        else:
            found.append(path)
    return found, left


def _not_an_episode(path: Path, folder: Path) -> str | None:
    try:
        if path.is_symlink() and path.resolve().parent != folder.resolve():
            return "a link to a file outside the folder, which would not be published"
        status = path.stat()
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if not stat.S_ISREG(status.st_mode):
        return "not a regular file"
    if status.st_size == 0:
        return "empty"
    try:
        MP3(str(path))
    except (MutagenError, HeaderNotFoundError, OSError, ValueError):
        return "holds no MP3 audio"
    return None


def _opened(path: Path) -> tuple[ID3 | None, float | None]:
    """The episode's tags and duration, the file read once (its tags alone when it holds
    no audio frame a player could find)."""
    try:
        audio = MP3(str(path))
        return audio.tags, float(audio.info.length)
    except HeaderNotFoundError:
        try:
            return ID3(str(path)), None
        except (ID3NoHeaderError, MutagenError, OSError, ValueError):
            return None, None
    except (MutagenError, OSError, ValueError):
        return None, None


def _tags(id3: ID3 | None) -> dict[str, Any]:
    if id3 is None:
        return {}
    found: dict[str, Any] = {}
    for key in (
        "TIT2",
        "TPE1",
        "TALB",
        "TRCK",
        "TDRC",
        f"TXXX:{PERSONS_TAG}",
        f"TXXX:{DISCLOSURE_TAG}",
    ):
        frame = id3.get(key)
        if frame is not None and frame.text:
            found[key.removeprefix("TXXX:")] = str(frame.text[0]).strip()
    comments = id3.getall("COMM")
    if comments and comments[0].text:
        found["COMM"] = str(comments[0].text[0])
    pictures = id3.getall("APIC")
    if pictures:
        found["APIC"] = pictures[0].data
    return found


def _date(value: str | None) -> datetime | None:
    """A date tag (2026, 2026-03, 2026-03-01 or a full time) as a moment: noon UTC on a
    bare day, so that no time zone moves it to another date."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) <= 10:
        moment = moment.replace(hour=12)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Cover:
    """The show's cover, as the feed names it."""

    path: Path
    """Where it is (or will be written) beside the feed."""
    picture: Picture
    """The picture."""
    written: bool = True
    """It is a file of the folder already (else ``write`` puts it there)."""

    def write(self) -> None:
        """Put the picture beside the feed (replacing an older cover the feed wrote)."""
        if self.written:
            return
        for old in self.path.parent.glob(f"{COVER}.*"):
            old.unlink()
        write_atomically(self.path, lambda out: out.write(self.picture.data))


def show_cover(folder: Path, show: Show, items: Sequence[Item]) -> Cover | None:
    """The show's cover, beside the feed (or the given file itself when it is in the
    folder): the configured one, else the newest episode's. Nothing is written here."""
    data = None
    if show.cover:
        given = (folder / show.cover).resolve()  # relative to the folder, or absolute
        try:
            found = read_cover(given)
        except CoverProblem as problem:
            raise InputError(f"{show.cover}: {problem}") from problem
        if given.parent == folder.resolve():
            return Cover(given, found)
        data = found.data
    else:
        data = next((item.cover for item in items if item.cover), None)
    if data is None:
        return None
    try:
        found = picture(data)
    except CoverProblem:
        return None
    path = folder / f"{COVER}.{'png' if found.mime == 'image/png' else 'jpg'}"
    return Cover(path, found, path.is_file() and path.read_bytes() == data)
